"""Markdown for lesson texts whose code blocks wrap instead of being cut at the pane's edge.

Textual's fence scrolls sideways with no scrollbar, so at 80x24 a line such as
`content-type: text/plain; charset=utf-8` simply ended at `charset=ut`. Here a line too long
for the pane continues on the next row behind a dim "↪ ", so it cannot be mistaken for a line
of its own (a learner types these lines); lines that fit keep their syntax colours.
"""

from __future__ import annotations

from contextlib import suppress

from rich.cells import cell_len
from rich.text import Text
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Label, Markdown
from textual.widgets._markdown import MarkdownBlock, MarkdownFence

from tutor.ui.widgets.transcript import wrap_cells

CONTINUATION = "↪ "


def wrap_code(code: str, width: int) -> list[tuple[str, bool]]:
    """(row, is a continuation) for every row of `code` wrapped at `width` cells."""
    rows: list[tuple[str, bool]] = []
    for line in code.rstrip("\n").split("\n"):
        first, *rest = wrap_cells(line, width)
        rows.append((first, False))
        rest_text = "".join(rest)
        if rest_text:
            rows.extend((piece, True) for piece in wrap_cells(rest_text, width - 2))
    return rows


class WrappingFence(MarkdownFence):
    """A code block that wraps long lines with a continuation mark (see module docstring)."""

    def set_content(self, content: Content) -> None:
        self._content = content
        self._show()

    def on_resize(self) -> None:
        self._show()

    def _show(self) -> None:
        width = self.content_region.width
        if width <= 2:
            return
        code = self.code.rstrip("\n")
        if all(cell_len(line) <= width for line in code.split("\n")):
            shown: Content | Text = self._highlighted_code  # it fits: keep the colours
        else:
            shown = Text()
            for index, (row, continued) in enumerate(wrap_code(code, width)):
                if index:
                    shown.append("\n")
                if continued:
                    shown.append(CONTINUATION, style="dim")
                shown.append(row)
        with suppress(NoMatches):
            self.query_one("#code-content", Label).update(shown)


class LessonMarkdown(Markdown):
    """Markdown whose code blocks wrap (WrappingFence)."""

    BLOCKS: dict[str, type[MarkdownBlock]] = {
        **Markdown.BLOCKS,
        "fence": WrappingFence,
        "code_block": WrappingFence,
    }
