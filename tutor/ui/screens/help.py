"""The command reference of one protocol, from the engine's own CommandHelp table.

A table of every command (keyword, syntax, the states that allow it, the article's name for it)
and, under it, the highlighted command in full: what it does, its RFC reply forms coloured like
the transcript, and the RFC section. Escape closes.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tutor.protocol.replies import kind_of
from tutor.ui.i18n import localize_bindings, tr
from tutor.ui.widgets.state_panel import foreground_only


def reply_kind_role(form: str) -> str:
    """The transcript role (ok, error, ...) of a reply form such as "+OK 2 320" or "550 ..."."""
    status = form.split(" ", 1)[0] if form else ""
    if status[:3].isdigit():
        return str(kind_of(status[:3]))  # "250", "250-SIZE ...", "550"
    if status in ("+OK", "-ERR", "+"):
        return str(kind_of(status))
    return "note"


class HelpScreen(Screen):
    """Help for the POP3 or SMTP commands (see module docstring)."""

    DEFAULT_CSS = """
    HelpScreen {
        layout: vertical;
        background: $background;
    }
    HelpScreen #help-title {
        height: 1;
        padding: 0 1;
        color: $text-primary;
        text-style: bold;
        background: $boost;
    }
    HelpScreen #help-table {
        height: auto;
        max-height: 60%;
        min-height: 5;
        background: $surface;
    }
    HelpScreen #help-detail-box {
        height: 1fr;
        border: round $primary 60%;
        border-title-color: $text-primary;
        padding: 0 1;
        background: $surface;
    }
    HelpScreen > .help--ok { color: $text-success; }
    HelpScreen > .help--error { color: $text-error; }
    HelpScreen > .help--intermediate { color: $text-warning; }
    HelpScreen > .help--transient { color: $text-warning; }
    HelpScreen > .help--note { color: $foreground; }
    HelpScreen > .help--label { color: $text-muted; text-style: bold; }
    """

    COMPONENT_CLASSES = {
        "help--ok",
        "help--error",
        "help--intermediate",
        "help--transient",
        "help--note",
        "help--label",
    }

    BINDINGS = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("f1", "close", "Close", show=False, id="help.close_f1"),
    ]
    BINDING_TEXT = {"help.close": "binding.close", "help.close_f1": "binding.close"}

    def __init__(self, protocol: str, lang: str = "en") -> None:
        super().__init__()
        self.protocol = protocol
        self.lang = lang
        self.commands: tuple[Any, ...] = ()
        self.error: str | None = None
        try:
            from tutor.ui.screens.sandbox import command_reference

            self.commands = tuple(command_reference(protocol))
        except ImportError as exc:  # an engine missing from a partial install
            self.error = str(exc)
        localize_bindings(self, lang, self.BINDING_TEXT)

    def compose(self) -> ComposeResult:
        title = tr("help.title", self.lang, protocol=self.protocol.upper())
        yield Static(Text(f"{title} · {tr('help.footer', self.lang)}"), id="help-title")
        table: DataTable = DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
        yield table
        with VerticalScroll(id="help-detail-box"):
            yield Static(id="help-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#help-table", DataTable)
        for key in ("command", "syntax", "states", "article"):
            table.add_column(tr(f"help.col.{key}", self.lang), key=key)
        for command in self.commands:
            # Text cells: a syntax such as "MAIL FROM:<address> [SIZE=n]" is not markup.
            table.add_row(
                Text(command.keyword, style="bold"),
                Text(command.syntax),
                Text(self.states_text(command.states)),
                Text(command.article_name or ""),
                key=command.keyword,
            )
        if self.error:
            message = tr("help.unavailable", self.lang, protocol=self.protocol, error=self.error)
            self.query_one("#help-detail", Static).update(Text(message))
        elif self.commands:
            self.show_detail(0)
        table.focus()

    def states_text(self, states: tuple[str, ...]) -> str:
        """The states a command is allowed in; "any state" when that is every state."""
        every = {state for command in self.commands for state in command.states}
        if len(every) > 1 and set(states) == every:
            return tr("help.any_state", self.lang)
        return ", ".join(states)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail(event.cursor_row)

    def show_detail(self, index: int) -> None:
        if not 0 <= index < len(self.commands):
            return
        command = self.commands[index]
        lang = self.lang

        def style(name: str):
            return foreground_only(self.get_component_rich_style(f"help--{name}"))

        text = Text()
        text.append(f"{tr('help.summary', lang)}: ", style("label"))
        text.append(command.summary)
        text.append(f"\n{tr('help.replies', lang)}:", style("label"))
        for form in command.replies:
            text.append("\n  ")
            text.append(form, style(reply_kind_role(form)))
        text.append(f"\n{tr('help.rfc', lang)}: ", style("label"))
        text.append(command.rfc)
        if command.article_name:
            text.append(f"\n{tr('help.article_name', lang)}: ", style("label"))
            text.append(command.article_name)
        box = self.query_one("#help-detail-box", VerticalScroll)
        box.border_title = Text(command.syntax)  # "[SIZE=n]" is syntax, not markup
        self.query_one("#help-detail", Static).update(text)

    def action_close(self) -> None:
        if self.is_current:  # a second queued Escape must not pop the screen beneath
            self.dismiss()
