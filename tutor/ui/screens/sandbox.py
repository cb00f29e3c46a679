"""Free play: a fresh world, one protocol session, the transcript, the prompt and the state panel.

Every line typed goes to `session.handle`, the replies go to the transcript, and the state panel
redraws from `session.view()`. Nothing here decides what a reply is: the engine does. The screen
keeps the (line, replies) pairs so that ctrl+r can save them as a lesson skeleton.

Layout: wide terminals put the state panel beside the dialogue; below 110 columns it docks on
top, short, so that at 80x24 the transcript, the prompt and the maildrop are all visible at once.
F3 hides or shows the panel for a full-height transcript (F3 is the panel key in lessons too).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.types import NoActiveAppError
from textual.widgets import Footer

from tutor.mail.store import MailStore
from tutor.protocol.replies import Reply
from tutor.ui.i18n import has, localize_bindings, tr
from tutor.ui.messages import HelperEscape, LineEntered
from tutor.ui.ordered_keys import OrderedKeys
from tutor.ui.widgets import CommandPrompt, ServerStatePanel, Transcript
from tutor.ui.widgets.prompt import completion_words
from tutor.ui.widgets.tls_view import show_tls

#: below this width the state panel docks on top instead of beside the dialogue
NARROW_WIDTH = 110
#: the article's date: SMTP Received lines in tests and snapshots use it when time is fixed
FIXED_CLOCK = datetime(2001, 11, 3, 16, 14, 46, tzinfo=timezone(timedelta(hours=3)))


def command_reference(protocol: str) -> tuple[Any, ...]:
    """The protocol's CommandHelp rows (POP3_COMMANDS or SMTP_COMMANDS)."""
    if protocol == "pop3":
        from tutor.protocol.pop3 import POP3_COMMANDS

        return POP3_COMMANDS
    from tutor.protocol.smtp import SMTP_COMMANDS

    return SMTP_COMMANDS


def suggestion_note(line: str, protocol: str, known: tuple[str, ...], lang: str) -> str | None:
    """A note for the transcript when the line's verb is not a command: the one it was
    probably meant to be (tutor.ui.did_you_mean), or None."""
    from tutor.ui.did_you_mean import suggest

    found = suggest(line, command_reference(protocol), known)
    if found is None:
        return None
    if found.article_name:
        states = ", ".join(
            tr(f"dym.state.{state}", lang) if has(f"dym.state.{state}", lang) else state
            for state in found.states
        )
        return tr(
            "dym.article",
            lang,
            typed=found.typed,
            keyword=found.keyword,
            rfc=found.rfc,
            states=states,
        )
    return tr("dym.near", lang, typed=found.typed, keyword=found.keyword, protocol=protocol.upper())


def open_session(protocol: str, store: MailStore, fixed_timestamp: str | None = None) -> Any:
    """A new engine session on `store`; with fixed_timestamp the greeting (and for SMTP the
    clock) are fixed, so tests and snapshots repeat exactly."""
    from tutor.lessons.engine import with_simulated_tls

    if protocol == "pop3":
        from tutor.protocol.pop3 import Pop3Session

        return with_simulated_tls(
            Pop3Session(store, timestamp=fixed_timestamp, tls_available=store.tls), store
        )
    from tutor.protocol.smtp import SmtpSession

    clock: Callable[[], datetime] | None = (lambda: FIXED_CLOCK) if fixed_timestamp else None
    return with_simulated_tls(SmtpSession(store, clock=clock, tls_available=store.tls), store)


def world_label(world: str) -> str:
    """A short name for the world: its name, or the file name of a world file."""
    is_file = "/" in world or world.endswith((".yaml", ".yml", ".json"))
    return Path(world).name if is_file else world


class SandboxScreen(OrderedKeys, Screen):
    """Free play against a fresh world (see module docstring)."""

    # Focus the prompt straight away: Textual's default, the first focusable widget, is the
    # state panel, and moving focus on from it restyles the panel and rebuilds the footer
    # before the first frame (~20 ms of every start).
    AUTO_FOCUS = "#prompt"
    BINDINGS = [
        Binding("f1", "help", "Help", id="sandbox.help"),
        Binding("ctrl+r", "record", "Record", id="sandbox.record"),
        Binding("ctrl+n", "new_session", "New session", id="sandbox.new_session"),
        Binding("f3", "toggle_panel", "State panel", id="sandbox.toggle_panel"),
        Binding("escape", "back", "Back", id="sandbox.back"),
        # The prompt keeps focus; these scroll the dialogue without leaving it.
        Binding("pageup", "scroll_transcript(-1)", show=False, id="sandbox.page_up"),
        Binding("pagedown", "scroll_transcript(1)", show=False, id="sandbox.page_down"),
    ]
    BINDING_TEXT = {
        "sandbox.help": "binding.help",
        "sandbox.record": "binding.record",
        "sandbox.new_session": "binding.new_session",
        "sandbox.toggle_panel": "binding.toggle_panel",
        "sandbox.back": "binding.back",
    }

    def __init__(
        self,
        protocol: str,
        world: str = "article",
        lang: str = "en",
        *,
        fixed_timestamp: str | None = None,
        store: MailStore | None = None,
    ) -> None:
        super().__init__()
        if protocol not in ("pop3", "smtp"):
            raise ValueError(f"unknown protocol {protocol!r}: pop3 or smtp")
        self.protocol = protocol
        self.world = world
        self.lang = lang
        if fixed_timestamp is None:
            # Screens opened from elsewhere in the app (home, palette) inherit its fixed time.
            try:
                fixed_timestamp = getattr(self.app, "fixed_timestamp", None)
            except NoActiveAppError:  # a screen built outside a running app
                fixed_timestamp = None
        self.fixed_timestamp = fixed_timestamp
        self.store: MailStore = store if store is not None else self._build_store()
        self.session: Any = open_session(protocol, self.store, fixed_timestamp)
        #: (line, replies) for every line sent in this session, for the recorder
        self.exchanges: list[tuple[str, list[Reply]]] = []
        reference = command_reference(protocol)
        self._keywords = tuple(self.session.keywords())
        self._completions = completion_words({c.keyword: c.syntax for c in reference})
        localize_bindings(self, lang, self.BINDING_TEXT)

    def _build_store(self) -> MailStore:
        from tutor.mail.worlds import build_world

        return build_world(self.world)

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Pick the layout before the first frame: switching it later restyles every widget.
        # No restyle now: the children are styled as they mount, the screen when it resumes.
        self.set_class(self.app.size.width < NARROW_WIDTH, "-narrow", update=False)
        yield ServerStatePanel(
            self.protocol, lang=self.lang, world=world_label(self.world), id="state-panel"
        )
        with Vertical(id="dialogue"):
            yield Transcript(id="transcript")
            yield CommandPrompt(
                protocol=self.protocol,
                lang=self.lang,
                keywords=self._keywords,
                completions=self._completions,
                id="prompt",
            )
        yield Footer()

    @property
    def transcript(self) -> Transcript:
        return self.query_one("#transcript", Transcript)

    @property
    def prompt(self) -> CommandPrompt:
        return self.query_one("#prompt", CommandPrompt)

    @property
    def panel(self) -> ServerStatePanel:
        return self.query_one("#state-panel", ServerStatePanel)

    def on_mount(self) -> None:
        self.sub_title = tr(
            "app.sub_title.sandbox",
            self.lang,
            protocol=self.protocol.upper(),
            world=world_label(self.world),
        )
        self._connect()
        self.prompt.focus()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")

    # -- the session ---------------------------------------------------------------------------

    def _connect(self) -> None:
        transcript = self.transcript
        transcript.end_tls()  # a new connection starts in clear text
        transcript.add_note(
            tr(
                "note.connected",
                self.lang,
                protocol=self.protocol.upper(),
                host=self.session.hostname,
                world=world_label(self.world),
            )
        )
        users = ", ".join(f"{u.name}/{u.password}" for u in self.store.users)
        if users:
            transcript.add_note(tr("note.users", self.lang, users=users))
        transcript.add_replies([self.session.greeting()])
        self._after_exchange()

    def _after_exchange(self) -> None:
        self.panel.refresh_from(self.session, self.store)
        prompt = self.prompt
        prompt.message_mode = self.session.mode == "data"
        prompt.closed = bool(self.session.closed)

    def on_helper_escape(self, event: HelperEscape) -> None:
        # Here, in the screen's queue with the lines, not at the app: a /base64 typed after a
        # command gets its note after that command's reply.
        self.app.on_helper_escape(event)  # type: ignore[attr-defined]

    @on(LineEntered)
    def _line_entered(self, event: LineEntered) -> None:
        event.stop()
        self.send(event.line)

    def send(self, line: str) -> list[Reply]:
        """Send one line to the session as if typed; returns the replies."""
        if self.session.closed:
            if not line.strip():
                self.action_new_session()
            else:
                self.transcript.add_note(tr("note.closed", self.lang))
            return []
        message_text = self.session.mode == "data"
        self.transcript.add_client(line, message_text=message_text)
        replies = self.session.handle(line)
        self.exchanges.append((line, replies))
        self.transcript.add_replies(replies)
        show_tls(self.transcript, replies, self.session, self.lang)
        if not message_text:
            note = suggestion_note(line, self.protocol, self._keywords, self.lang)
            if note:
                self.transcript.add_note(note)
        if not message_text and self.session.mode == "data":
            self.transcript.add_note(tr("note.message_mode", self.lang))
        if self.session.closed:
            self.transcript.add_note(tr("note.closed", self.lang))
        self._after_exchange()
        return replies

    # -- actions -----------------------------------------------------------------------------

    def action_new_session(self) -> None:
        """A new connection to a fresh copy of the world."""
        if not self.session.closed:
            self.session.abort()
        self.store = self._build_store()
        self.session = open_session(self.protocol, self.store, self.fixed_timestamp)
        self.exchanges = []
        self.transcript.add_note(tr("note.new_session", self.lang))
        self._connect()
        self.prompt.focus()

    def action_help(self) -> None:
        from tutor.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.protocol, self.lang))

    def action_record(self) -> None:
        if not self.exchanges:
            self.transcript.add_note(tr("note.nothing_to_record", self.lang))
            return
        from tutor.ui.screens.record import RecordScreen

        def saved(path: str | None) -> None:
            if path:
                self.transcript.add_note(tr("note.saved", self.lang, path=path))
            self.prompt.focus()

        self.app.push_screen(
            RecordScreen(
                self.protocol,
                self.world,
                list(self.exchanges),
                self.lang,
            ),
            saved,
        )

    def action_scroll_transcript(self, direction: int) -> None:
        if direction < 0:
            self.transcript.scroll_page_up(animate=False)
        else:
            self.transcript.scroll_page_down(animate=False)

    def action_toggle_panel(self) -> None:
        panel = self.panel
        panel.display = not panel.display
        if panel.display:
            self.call_after_refresh(panel.fit_to_width)
        self.prompt.focus()

    def _has_screen_below(self) -> bool:
        """True when another of the app's screens (home, a lesson) lies under this one."""
        return self.app.screens_below(self) > 0

    def action_back(self) -> None:
        if self._has_screen_below() and self.app.screen is self:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self._has_screen_below()  # hidden when there is nothing to go back to
        return True

    def set_lang(self, lang: str) -> None:
        """Switch the interface language in place (the dialogue itself stays as it was)."""
        self.lang = lang
        localize_bindings(self, lang, self.BINDING_TEXT)
        self.prompt.set_lang(lang)
        self.panel.set_lang(lang)
        self.sub_title = tr(
            "app.sub_title.sandbox",
            lang,
            protocol=self.protocol.upper(),
            world=world_label(self.world),
        )
        self.refresh_bindings()
