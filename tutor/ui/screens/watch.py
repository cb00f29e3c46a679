"""`mailtutor watch`: the real servers' sessions, live, as a class can watch them.

The servers run in the app's own event loop (the command starts them before the app, so a port
in use is a plain error, not a broken screen) and report to `WatchApp.on_server_event` and
`WatchApp.on_dialogue` (tutor.net's ConnectionEvent and DialogueEvent values, secrets masked
there). `SessionBook` keeps every session as plain data: its number, listener, client, state and
what was said; the screen draws the book: a table of sessions as they come and go and, for the
one selected, the transcript the lessons use and the server-state panel the learner knows
(maildrop, envelope, delivered letters), redrawn from the engine's view() as the session goes.

The book is bounded: the newest MAX_SESSIONS sessions are kept (closed ones go first), and a
letter's text shows its first LETTER_LINES_SHOWN lines, then how much more came.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tutor.mail.store import MailStore
from tutor.net import LISTENER_TITLES, ConnectionEvent, DialogueEvent, format_address
from tutor.protocol.replies import Reply
from tutor.session_log import LetterText
from tutor.ui import app as app_module
from tutor.ui.app import MailTutorApp
from tutor.ui.i18n import localize_bindings, register, tr
from tutor.ui.widgets import ServerStatePanel, Transcript

#: sessions kept in the table (the oldest closed ones are forgotten first)
MAX_SESSIONS = 300
#: lines of one letter's text shown in the transcript before a note says how much more came
LETTER_LINES_SHOWN = 400

register(
    {
        "watch.title": {"en": "mailtutor watch", "ru": "mailtutor watch"},
        "watch.sub_title": {
            "en": "the servers' sessions, live",
            "ru": "сеансы серверов вживую",
        },
        "watch.listening": {"en": "{what} on {where}", "ru": "{what} на {where}"},
        "watch.certificate": {
            "en": "certificate SHA-256 {fingerprint}",
            "ru": "сертификат SHA-256 {fingerprint}",
        },
        "watch.sessions": {"en": "sessions: {count}", "ru": "сеансы: {count}"},
        "watch.col.number": {"en": "#", "ru": "№"},
        "watch.col.listener": {"en": "server", "ru": "сервер"},
        "watch.col.peer": {"en": "client", "ru": "клиент"},
        "watch.col.state": {"en": "state", "ru": "состояние"},
        "watch.col.open": {"en": "connection", "ru": "соединение"},
        "watch.open": {"en": "open", "ru": "открыто"},
        "watch.closed": {"en": "closed", "ru": "закрыто"},
        "watch.refused": {"en": "refused", "ru": "отказано"},
        "watch.waiting": {
            "en": "No session yet. Point telnet, nc, curl, poplib/smtplib or a mail client at "
            "one of the addresses above; each connection appears in the table.",
            "ru": "Сеансов пока нет. Направьте telnet, nc, curl, poplib/smtplib или почтовую "
            "программу на один из адресов выше; каждое соединение появится в таблице.",
        },
        "watch.connected": {
            "en": "{peer} connected to {listener}",
            "ru": "{peer} подключился к {listener}",
        },
        "watch.disconnected": {"en": "the connection closed", "ru": "соединение закрыто"},
        "watch.refused_note": {
            "en": "{peer} was refused: {why}",
            "ru": "{peer} получил отказ: {why}",
        },
        "watch.timeout": {
            "en": "closed by the server: {why}",
            "ru": "закрыто сервером: {why}",
        },
        "watch.failed": {"en": "failed: {why}", "ru": "сбой: {why}"},
        "watch.letter_more": {
            "en": "[... {lines} more lines of the letter, {octets} octets in all]",
            "ru": "[... ещё строк письма: {lines}, всего октетов: {octets}]",
        },
        "watch.letter_unfinished": {
            "en": "[the letter's text was not finished: {lines} lines, {octets} octets]",
            "ru": "[текст письма не закончен: строк {lines}, октетов {octets}]",
        },
        "binding.watch.follow": {"en": "Newest", "ru": "Новейший"},
    }
)


# -- the book: plain data, no widgets -----------------------------------------------------------


@dataclass
class Entry:
    """One thing a transcript shows: kind is client | data | replies | note | tls | tls_end."""

    kind: str
    text: str = ""
    replies: tuple[Reply, ...] = ()


@dataclass
class WatchedSession:
    number: int
    protocol: str
    peer: str
    listener: str
    open: bool = True
    refused: bool = False
    engine: Any = None  # the session's engine (read for state and view(), never fed)
    entries: list[Entry] = field(default_factory=list)
    letter: LetterText | None = None  # SMTP text after DATA, while it arrives
    letter_shown: int = 0

    @property
    def state(self) -> str:
        engine = self.engine
        if engine is None:
            return "-"
        return "data" if getattr(engine, "mode", "command") == "data" else engine.state_name


class SessionBook:
    """Every session the servers reported, as data (see the module docstring). `apply_*` return
    the entries a session gained, for the screen to draw if that session is shown."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self.sessions: dict[int, WatchedSession] = {}
        self._refusals = 0  # refused clients get numbers of their own, below zero

    def apply_event(self, event: ConnectionEvent) -> tuple[WatchedSession, list[Entry]]:
        lang, kind = self.lang, event.kind
        if kind == "refused":
            self._refusals += 1
            watched = WatchedSession(
                -self._refusals, event.protocol, event.peer, event.protocol.upper()
            )
            watched.open, watched.refused = False, True
            self._add(watched)
            note = tr("watch.refused_note", lang, peer=event.peer, why=event.detail)
            return watched, self._extend(watched, [Entry("note", note)])
        watched = self._session(event)
        if kind == "connect":
            note = tr("watch.connected", lang, peer=event.peer, listener=watched.listener)
            return watched, self._extend(watched, [Entry("note", note)])
        if kind == "tls":
            return watched, self._extend(watched, [Entry("tls", event.detail)])
        if kind == "disconnect":
            watched.open = False
            entries = []
            if watched.letter is not None:
                lines, octets = watched.letter.summary()
                text = tr("watch.letter_unfinished", lang, lines=lines, octets=octets)
                entries.append(Entry("note", text))
                watched.letter = None
            entries += [Entry("tls_end"), Entry("note", tr("watch.disconnected", lang))]
            return watched, self._extend(watched, entries)
        key = "watch.timeout" if kind == "timeout" else "watch.failed"
        return watched, self._extend(watched, [Entry("note", tr(key, lang, why=event.detail))])

    def apply_dialogue(self, event: DialogueEvent) -> tuple[WatchedSession, list[Entry]]:
        watched = self._session(event)
        if event.engine is not None:
            watched.engine = event.engine
        entries: list[Entry] = []
        if event.command is not None:
            entries.append(Entry("client", event.command))
        if event.letter:
            if watched.letter is None:
                watched.letter, watched.letter_shown = LetterText(), 0
            for line in watched.letter.feed(event.letter, keep_lines=True):
                if watched.letter_shown < LETTER_LINES_SHOWN:
                    entries.append(Entry("data", line))
                watched.letter_shown += 1
        if event.replies and watched.letter is not None:  # the end of data was answered
            hidden = watched.letter_shown - LETTER_LINES_SHOWN
            if hidden > 0:
                lines, octets = watched.letter.summary()
                text = tr("watch.letter_more", self.lang, lines=hidden, octets=octets)
                entries.append(Entry("note", text))
            watched.letter = None
        if event.replies:
            entries.append(Entry("replies", replies=event.replies))
        return watched, self._extend(watched, entries)

    def _session(self, event: ConnectionEvent | DialogueEvent) -> WatchedSession:
        watched = self.sessions.get(event.session)
        if watched is None:
            title = event.detail if isinstance(event, ConnectionEvent) else ""
            watched = WatchedSession(
                event.session, event.protocol, event.peer, title or event.protocol.upper()
            )
            self._add(watched)
        return watched

    def _add(self, watched: WatchedSession) -> None:
        self.sessions[watched.number] = watched
        if len(self.sessions) > MAX_SESSIONS:
            closed = [number for number, s in self.sessions.items() if not s.open]
            for number in closed[: len(self.sessions) - MAX_SESSIONS]:
                del self.sessions[number]

    @staticmethod
    def _extend(watched: WatchedSession, entries: list[Entry]) -> list[Entry]:
        watched.entries.extend(entries)
        return entries


# -- the screen ----------------------------------------------------------------------------


def header_lines(
    addresses: dict[str, tuple[str, int]], fingerprint: str | None, lang: str
) -> list[str]:
    """Where the servers listen, on one line, and the certificate's fingerprint (which a
    client that cannot verify it shows, to be compared with this)."""
    listening = " · ".join(
        tr("watch.listening", lang, what=LISTENER_TITLES.get(name, name), where=format_address(a))
        for name, a in addresses.items()
    )
    lines = [listening]
    if fingerprint:
        lines.append(tr("watch.certificate", lang, fingerprint=fingerprint))
    return lines


def show_entries(transcript: Transcript, entries: Iterable[Entry]) -> None:
    """Draw book entries in a transcript, as the sandbox draws its own dialogue."""
    for entry in entries:
        if entry.kind == "client":
            transcript.add_client(entry.text)
        elif entry.kind == "data":
            transcript.add_client(entry.text, message_text=True)
        elif entry.kind == "replies":
            transcript.add_replies(entry.replies)
        elif entry.kind == "tls":
            transcript.add_tls(entry.text)
        elif entry.kind == "tls_end":
            transcript.end_tls()
        else:
            transcript.add_note(entry.text)


class WatchScreen(Screen):
    """The sessions table above; the selected session's transcript and state panel below."""

    DEFAULT_CSS = """
    WatchScreen #listening { height: auto; padding: 0 1; color: $text-muted; }
    WatchScreen #sessions { height: 9; border: round $secondary 60%; }
    WatchScreen #sessions:focus { border: round $secondary; }
    WatchScreen #detail { height: 1fr; }
    WatchScreen #transcript { width: 1fr; height: 1fr; }
    WatchScreen #panels { width: 48; height: 1fr; }
    """
    BINDINGS = [
        Binding("f", "follow", "Newest", id="watch.follow"),
        Binding("escape", "app.quit", "Quit", show=False, id="watch.quit"),
    ]

    def __init__(self, book: SessionBook, store: MailStore, world: str, lang: str) -> None:
        super().__init__()
        self.book = book
        self.store = store
        self.world = world
        self.lang = lang
        self.listening: list[str] = []
        self.shown: int | None = None  # the session number in the transcript
        localize_bindings(self, lang, {"watch.follow": "binding.watch.follow"})

    def compose(self) -> ComposeResult:
        yield Static(id="listening")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="detail"):
            yield Transcript(id="transcript")
            with Vertical(id="panels"):
                yield ServerStatePanel("pop3", lang=self.lang, world=self.world, id="pop3-panel")
                yield ServerStatePanel("smtp", lang=self.lang, world=self.world, id="smtp-panel")
        yield Footer()

    @property
    def table(self) -> DataTable:
        return self.query_one("#sessions", DataTable)

    @property
    def transcript(self) -> Transcript:
        return self.query_one("#transcript", Transcript)

    def panel(self, protocol: str) -> ServerStatePanel:
        return self.query_one(f"#{protocol}-panel", ServerStatePanel)

    def on_mount(self) -> None:
        self.title = tr("watch.title", self.lang)
        self.sub_title = tr("watch.sub_title", self.lang)
        self._count_sessions()
        for key in ("number", "listener", "peer", "state", "open"):
            self.table.add_column(tr(f"watch.col.{key}", self.lang), key=key)
        self.panel("smtp").display = False
        self.show_listening(self.listening)
        for watched in list(self.book.sessions.values()):  # reported before the screen was up
            self.session_changed(watched, watched.entries)
        if self.shown is None:
            self.transcript.add_note(tr("watch.waiting", self.lang))

    def show_listening(self, lines: list[str]) -> None:
        self.listening = lines
        found = self.query("#listening")
        if found:
            found.first(Static).update(Text("\n".join(lines)))

    # -- updates from the book ----------------------------------------------------------------

    def session_changed(self, watched: WatchedSession, entries: list[Entry]) -> None:
        table = self.table
        key = str(watched.number)
        cells = self._cells(watched)
        if key in table.rows:
            for column, value in zip(("listener", "peer", "state", "open"), cells[1:], strict=True):
                table.update_cell(key, column, value)
        else:
            table.add_row(*cells, key=key)
            self._forget_rows()
            self._count_sessions()
            if self.shown is None:  # the first session is shown at once
                self.show(watched.number)
                return
        if watched.number == self.shown:
            show_entries(self.transcript, entries)
            self._refresh_panel(watched)

    def _count_sessions(self) -> None:
        self.table.border_title = tr("watch.sessions", self.lang, count=len(self.book.sessions))

    def _cells(self, watched: WatchedSession) -> tuple[str, ...]:
        if watched.refused:
            status = tr("watch.refused", self.lang)
        else:
            status = tr("watch.open" if watched.open else "watch.closed", self.lang)
        number = str(watched.number) if watched.number > 0 else "-"
        return (number, watched.listener, watched.peer, watched.state, status)

    def _forget_rows(self) -> None:
        """Rows of sessions the book no longer keeps go from the table too."""
        table = self.table
        gone = [key for key in table.rows if int(str(key.value)) not in self.book.sessions]
        for key in gone:
            table.remove_row(key)

    def show(self, number: int) -> None:
        """Put session `number` in the transcript and the state panel."""
        watched = self.book.sessions.get(number)
        if watched is None:
            return
        self.shown = number
        transcript = self.transcript
        transcript.clear()
        show_entries(transcript, watched.entries)
        self._refresh_panel(watched)
        key = str(number)
        if key in self.table.rows:
            row = self.table.get_row_index(key)
            if self.table.cursor_row != row:
                self.table.move_cursor(row=row, animate=False)

    def _refresh_panel(self, watched: WatchedSession) -> None:
        protocol = watched.protocol
        other = "smtp" if protocol == "pop3" else "pop3"
        panel = self.panel(protocol)
        panel.display = True
        self.panel(other).display = False
        if watched.engine is not None:
            panel.refresh_from(watched.engine, self.store)

    @on(DataTable.RowHighlighted, "#sessions")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            number = int(event.row_key.value)
            if number != self.shown:
                self.show(number)

    def action_follow(self) -> None:
        """Show the newest session (the last row)."""
        if self.book.sessions:
            self.show(max(self.book.sessions))


class WatchApp(MailTutorApp):
    """mailtutor's app with the watch screen as its only screen. Servers report to
    `on_server_event` and `on_dialogue` from the same event loop, before or after mounting."""

    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))  # the app's own stylesheet

    def __init__(self, store: MailStore, *, world: str = "article", lang: str | None = None):
        super().__init__(start="watch", lang=lang, store=store)
        self.book = SessionBook(self.lang)
        self.watch_screen = WatchScreen(self.book, store, world, self.lang)

    def start_screen(self) -> Any:
        return self.watch_screen

    def show_listening(self, lines: list[str]) -> None:
        self.watch_screen.show_listening(lines)

    def on_server_event(self, event: ConnectionEvent) -> None:
        watched, entries = self.book.apply_event(event)
        self._changed(watched, entries)

    def on_dialogue(self, event: DialogueEvent) -> None:
        watched, entries = self.book.apply_dialogue(event)
        self._changed(watched, entries)

    def _changed(self, watched: WatchedSession, entries: list[Entry]) -> None:
        if self.watch_screen.is_mounted:
            self.watch_screen.session_changed(watched, entries)
