"""A yes/no question in a modal box: "Show the solution?", "Start the lesson over?".

The caller pushes it with a callback (or awaits `push_screen_wait`) and gets True or False.
Texts arrive already translated, so the screen knows nothing of lessons or languages.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Markdown


class ConfirmScreen(ModalScreen[bool]):
    """Ask one question; dismiss with True (yes) or False (no, Escape)."""

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
        background: $background 60%;
    }
    ConfirmScreen > #confirm-box {
        width: 60;
        max-width: 90%;
        height: auto;
        max-height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 1 2;
    }
    ConfirmScreen #confirm-title {
        text-style: bold;
        width: 1fr;
        margin-bottom: 1;
    }
    ConfirmScreen #confirm-body {
        height: auto;
        margin: 0;
        padding: 0;
        background: $surface;
    }
    ConfirmScreen #confirm-buttons {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    ConfirmScreen Button {
        margin-left: 2;
    }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", show=False),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", show=False),
    ]

    def __init__(self, title: str, body: str, yes: str, no: str) -> None:
        super().__init__()
        self._title = title
        self._body = body
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(Text(self._title), id="confirm-title")
            if self._body:
                yield Markdown(self._body, id="confirm-body")
            with Horizontal(id="confirm-buttons"):
                yield Button(self._no, id="confirm-no")
                yield Button(self._yes, id="confirm-yes", variant="warning")

    def on_mount(self) -> None:
        # See-through backdrop even where an app stylesheet gives every Screen a solid
        # background (app CSS outranks DEFAULT_CSS; inline styles outrank both).
        backdrop = self.app.theme_variables.get("background")
        if backdrop:
            self.styles.background = Color.parse(backdrop).with_alpha(0.6)
        # "No" has the focus: a stray Enter must not reveal a solution or wipe progress.
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        # Answer once: a key (y/n) and a queued button press can both arrive, and a second
        # dismiss would pop the lesson beneath, leaving the learner on an empty screen.
        if self.is_current:
            self.dismiss(yes)
