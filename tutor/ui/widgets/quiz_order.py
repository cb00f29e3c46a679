"""A list whose items the learner puts in order with the keyboard (quiz questions of type order).

Up/Down move the highlight; Shift+Up/Shift+Down (or Ctrl+Up/Ctrl+Down) carry the highlighted
item one place; Space picks an item up so that plain Up/Down carry it, and Space again puts it
down. The picked-up item is marked with "⇕" as well as colour.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets.option_list import Option

from tutor.ui.widgets.paged_list import PagedOptionList
from tutor.ui.widgets.quiz_text import option_text


class OrderList(PagedOptionList):
    """Items as (value, label) pairs; `values` is the order the learner has made."""

    DEFAULT_CSS = """
    OrderList {
        height: auto;
        max-height: 12;
    }
    """

    BINDINGS = [
        Binding("shift+up,ctrl+up", "move(-1)", "Move up", id="quiz.order.move_up"),
        Binding("shift+down,ctrl+down", "move(1)", "Move down", id="quiz.order.move_down"),
        Binding("space", "grab", "Pick up/put down", id="quiz.order.grab"),
    ]

    def __init__(self, items: Sequence[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._items = list(items)
        self._grabbed = False

    @property
    def values(self) -> list[str]:
        return [value for value, _ in self._items]

    @property
    def grabbed(self) -> bool:
        return self._grabbed

    def on_mount(self) -> None:
        self._redraw(0)

    def _redraw(self, highlight: int) -> None:
        options = []
        for index, (_, label) in enumerate(self._items):
            mark = "⇕ " if self._grabbed and index == highlight else "  "
            options.append(Option(Text(f"{mark}{index + 1}. ").append_text(option_text(label))))
        self.set_options(options)
        if self._items:
            self.highlighted = max(0, min(highlight, len(self._items) - 1))

    def action_move(self, delta: int) -> None:
        index = self.highlighted
        if index is None:
            return
        target = index + delta
        if not 0 <= target < len(self._items):
            return
        self._items[index], self._items[target] = self._items[target], self._items[index]
        self._redraw(target)

    def action_grab(self) -> None:
        self._grabbed = not self._grabbed
        self._redraw(self.highlighted or 0)

    def action_cursor_up(self) -> None:
        if self._grabbed:
            self.action_move(-1)
        else:
            super().action_cursor_up()

    def action_cursor_down(self) -> None:
        if self._grabbed:
            self.action_move(1)
        else:
            super().action_cursor_down()
