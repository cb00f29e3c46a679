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
from tutor.ui.i18n import has, localize_bindings, tr
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
    HelpScreen > .help--intermediate { color: $text-primary; }
    HelpScreen:light > .help--intermediate { color: $text-secondary; }
    HelpScreen > .help--transient { color: $text-warning; text-style: bold; }
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
        self._filled_width = 0
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
        self._fill_table(self.app.size.width)
        if self.error:
            message = tr("help.unavailable", self.lang, protocol=self.protocol, error=self.error)
            self.query_one("#help-detail", Static).update(Text(message))
        elif self.commands:
            self.show_detail(0)
        table.focus()

    def summary(self, command: Any) -> str:
        """What the command does, in the screen's language (the engine's English otherwise)."""
        key = f"help.summary.{self.protocol}.{command.keyword}"
        return tr(key, self.lang) if has(key, self.lang) else command.summary

    def states_text(self, states: tuple[str, ...]) -> str:
        """The states a command is allowed in; "any state" when that is every state."""
        every = {state for command in self.commands for state in command.states}
        if len(every) > 1 and set(states) == every:
            return tr("help.any_state", self.lang)
        return ", ".join(states)

    def on_resize(self) -> None:
        if self.size.width != self._filled_width:
            self._fill_table(self.size.width)

    def _fill_table(self, width: int) -> None:
        """Every command in a row; the syntax column takes what the others leave and wraps
        there, so the article's names stay in view at 80 columns."""
        self._filled_width = width
        table = self.query_one("#help-table", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        rows = [
            (
                command.keyword,
                command.syntax,
                self.states_text(command.states),
                command.article_name or "",
            )
            for command in self.commands
        ]
        keys = ("command", "syntax", "states", "article")
        headers = [tr(f"help.col.{key}", self.lang) for key in keys]
        natural = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
        # each column is padded by one cell a side; two cells for the vertical scrollbar
        others = natural[0] + natural[2] + natural[3] + 2 * len(keys) + 2
        syntax = max(len(headers[1]), 10, min(natural[1], width - others))
        for key, header, size in zip(keys, headers, natural, strict=True):
            table.add_column(header, key=key, width=syntax if key == "syntax" else size)
        for command, (keyword, syntax_text, states, article) in zip(
            self.commands, rows, strict=True
        ):
            # Text cells: a syntax such as "MAIL FROM:<address> [SIZE=n]" is not markup.
            table.add_row(
                Text(keyword, style="bold"),
                Text(syntax_text),
                Text(states),
                Text(article),
                key=command.keyword,
                height=None,
            )
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

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
        text.append(self.summary(command))
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
