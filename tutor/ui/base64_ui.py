"""The base64 helper in the TUI: the prompt escape's note and the palette's dialog.

The prompt posts `tutor.ui.messages.HelperEscape` for a line starting `/base64` or `/b64` (in
command mode) instead of sending it; the app answers with a note in the screen's transcript
(`escape_note`). The palette's "Base64 helper" opens `Base64Screen`, which dismisses with the
text to put into the prompt (or None). The conversions are `tutor.ui.base64_tool`'s pure functions.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

import tutor.ui.tls_strings  # noqa: F401  (registers the strings used here)
from tutor.ui.base64_tool import Base64Result, decode, encode, hex_bytes, run_escape, shown
from tutor.ui.i18n import tr


def result_text(result: Base64Result, lang: str) -> str:
    """What a conversion shows: the bytes (escaped and in hex) and the base64, both ways."""
    if not result.ok:
        return tr("b64.error", lang, text=result.text)
    fields = {
        "shown": shown(result.data),
        "count": len(result.data),
        "hex": hex_bytes(result.data) or "-",
        "text": result.text,
    }
    return tr("b64.decoded" if result.decoding else "b64.encoded", lang, **fields)


def escape_note(line: str, lang: str) -> str:
    """The transcript's note for a prompt escape (usage when nothing follows it)."""
    result = run_escape(line)
    return tr("b64.usage", lang) if result is None else result_text(result, lang)


class Base64Screen(ModalScreen[str | None]):
    """Type text or base64, encode or decode, see the bytes; "Put in prompt" returns it."""

    DEFAULT_CSS = """
    Base64Screen {
        align: center middle;
        background: $background 60%;
    }
    Base64Screen > #b64-box {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    Base64Screen #b64-title { text-style: bold; width: 1fr; }
    Base64Screen #b64-explain { color: $text-muted; width: 1fr; }
    Base64Screen #b64-result { height: auto; width: 1fr; min-height: 2; margin: 1 0 0 0; }
    Base64Screen #b64-buttons { height: auto; margin-top: 1; }
    Base64Screen Button { margin-right: 1; min-width: 10; }
    """

    BINDINGS = [Binding("escape", "close", "Close", show=False, id="b64.close")]

    def __init__(self, lang: str = "en", initial: str = "") -> None:
        super().__init__()
        self.lang = lang
        self._initial = initial
        #: the last conversion's output, what "Put in prompt" inserts
        self.output: str | None = None

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="b64-box"):
            yield Label(tr("b64.title", lang), id="b64-title")
            yield Label(Text(tr("b64.explain", lang)), id="b64-explain")
            yield Input(self._initial, placeholder=tr("b64.placeholder", lang), id="b64-input")
            yield Static(id="b64-result")
            with Horizontal(id="b64-buttons"):
                yield Button(tr("b64.encode", lang), id="b64-encode", variant="primary")
                yield Button(tr("b64.decode", lang), id="b64-decode")
                yield Button(tr("b64.to_prompt", lang), id="b64-to-prompt", disabled=True)
                yield Button(tr("b64.close", lang), id="b64-close")

    def on_mount(self) -> None:
        backdrop = self.app.theme_variables.get("background")
        if backdrop:
            self.styles.background = Color.parse(backdrop).with_alpha(0.6)
        self.query_one("#b64-input", Input).focus()

    def convert(self, decoding: bool) -> Base64Result | None:
        """Run the conversion on the input and show it; None when the input is empty."""
        text = self.query_one("#b64-input", Input).value
        show = self.query_one("#b64-result", Static)
        if not text.strip():
            show.update(Text(tr("b64.empty", self.lang)))
            return None
        result = decode(text) if decoding else encode(text)
        show.update(Text(result_text(result, self.lang)))  # data, never markup
        if result.ok:
            self.output = shown(result.data) if decoding else result.text
        else:
            self.output = None
        self.query_one("#b64-to-prompt", Button).disabled = self.output is None
        return result

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.convert(decoding=False)  # Enter encodes, the common case (AUTH PLAIN)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id
        if button == "b64-encode":
            self.convert(decoding=False)
        elif button == "b64-decode":
            self.convert(decoding=True)
        elif button == "b64-to-prompt" and self.output is not None and self.is_current:
            self.dismiss(self.output)
        elif button == "b64-close":
            self.action_close()

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)
