"""An OptionList whose PgUp/PgDn do nothing until the list has been laid out.

Textual 8.2's OptionList maps screen lines to options only once it has a size; PgUp/PgDn before
that (a list not yet laid out, or squeezed to no height) looked a line up in the empty map and
raised KeyError, which closed the app (the monkey test hit it on the course screen). With no
lines on screen there is no page to move by, so the key is ignored.
"""

from __future__ import annotations

from textual.widgets import OptionList


class PagedOptionList(OptionList):
    def _has_lines(self) -> bool:
        return bool(self.scrollable_content_region)

    def action_page_up(self) -> None:
        if self._has_lines():
            super().action_page_up()

    def action_page_down(self) -> None:
        if self._has_lines():
            super().action_page_down()
