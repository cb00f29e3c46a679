"""The mailtutor Textual application: picks the start screen and holds app-wide settings.

start: "home", ("lesson", path_or_id), ("lesson", path_or_id, "quiz") (its quiz opened at once,
as a preview) or ("sandbox", protocol, world).
lang: "en" or "ru" (remembered for the next start unless remember_lang is False); None takes the
language chosen last time, else the locale's.
fixed_timestamp: POP3 greeting timestamp (and a fixed SMTP clock) for repeatable tests.

Screens read `app.lang`; switching language calls `set_lang(lang)` on every screen that has one.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from tutor.mail.store import MailStore
from tutor.ui.i18n import LANGUAGES, localize_bindings, resolve_language, tr
from tutor.ui.ordered_keys import OrderedKeys, expect_handling, runs_a_binding, wait_until_handled
from tutor.ui.settings import save_language

StartSpec = str | tuple[str, ...]


def _palette_commands() -> type:
    """The palette provider, imported when the palette first opens (keeps start-up lean)."""
    from tutor.ui.commands import MailTutorCommands

    return MailTutorCommands


class MailTutorApp(App[None]):
    """mailtutor's TUI (see module docstring)."""

    CSS_PATH = "app.tcss"
    TITLE = "mailtutor"
    COMMANDS = App.COMMANDS | {_palette_commands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False, id="app.toggle_theme"),
        # Declared here (not left to Textual) so that its footer label is translated too.
        Binding(
            "ctrl+p", "command_palette", "Commands", show=False, priority=True, id="app.palette"
        ),
    ]
    BINDING_TEXT = {"app.quit": "binding.quit", "app.palette": "binding.palette"}

    lang: reactive[str] = reactive("en", init=False)

    def __init__(
        self,
        *,
        start: StartSpec = "home",
        lang: str | None = None,
        fixed_timestamp: str | None = None,
        store: MailStore | None = None,
        theme: str | None = None,
        remember_lang: bool = True,
    ) -> None:
        super().__init__()
        self.start = start
        self.set_reactive(MailTutorApp.lang, resolve_language(lang))
        if lang in LANGUAGES and remember_lang:  # an explicit --lang is remembered, as `l` is
            save_language(lang)
        self.fixed_timestamp = fixed_timestamp
        self._start_store = store  # a sandbox world already built (and checked) by the CLI
        #: the screens open when the app stopped on an exception (bottom to top), for the report
        self.crash_screens: list[str] | None = None
        if theme:
            self.theme = theme
        localize_bindings(self, self.lang, self.BINDING_TEXT)

    # -- screens -----------------------------------------------------------------------------

    def get_default_screen(self) -> Any:
        """The home and sandbox screens start at the bottom of the stack (screen_stack[0]).

        Textual composes this screen in its start-up and paints it first. Pushing the start
        screen from on_mount instead composed and styled an empty default screen under it, and
        laid out and drew the start screen twice, once inside Textual's start-up batch where the
        frame is thrown away: ~25 ms of every start. A lesson is still pushed (on_mount) over
        Textual's default screen, because its Esc switches to the course, and Textual cannot
        switch away from the bottom screen."""
        if self._start_kind() == "lesson":
            return super().get_default_screen()
        return self.start_screen()

    def on_mount(self) -> None:
        if self._start_kind() == "lesson":
            self.push_screen(self.start_screen())

    def push_screen(self, screen: Any, *args: Any, keep_toasts: bool = False, **kwargs: Any) -> Any:
        """Push a screen; a full screen (a lesson, a sandbox, help) starts without the toasts
        of the one it covers ("Pick a lesson…" lingered over the lesson it opened), unless
        it opens as part of that one (`learn --quiz`: the quiz over its lesson)."""
        if not getattr(screen, "is_modal", False) and not keep_toasts:
            self.clear_notifications()
        return super().push_screen(screen, *args, **kwargs)

    def screens_below(self, screen: Any) -> int:
        """How many of mailtutor's own screens lie under `screen` (Textual's empty default
        screen, under a lesson started by `mailtutor learn`, does not count)."""
        stack = self.screen_stack
        if screen not in stack:
            return 0
        below = stack[: stack.index(screen)]
        return sum(1 for other in below if other.id != "_default")

    def _start_kind(self) -> str:
        return self.start if isinstance(self.start, str) else self.start[0]

    def start_screen(self) -> Any:
        start = self.start
        kind = start if isinstance(start, str) else start[0]
        if kind == "sandbox":
            assert not isinstance(start, str)
            protocol = start[1] if len(start) > 1 else "pop3"
            world = start[2] if len(start) > 2 else "article"
            return self.sandbox_screen(protocol, world, store=self._start_store)
        if kind == "connect":  # ("connect", host, port, tls mode, cafile or "")
            from tutor.ui.screens.connect import ConnectScreen

            host, port, tls, cafile = start[1:5]
            return ConnectScreen(host, int(port), self.lang, tls=tls, cafile=cafile or None)
        if kind == "lesson":
            from tutor.ui.screens.lesson import LessonScreen

            return LessonScreen(start[1], self.lang, open_quiz="quiz" in start[2:])
        from tutor.ui.screens.home import HomeScreen

        return HomeScreen(self.lang)

    def sandbox_screen(self, protocol: str, world: str = "article", store=None) -> Any:
        from tutor.ui.screens.sandbox import SandboxScreen

        return SandboxScreen(
            protocol, world, self.lang, fixed_timestamp=self.fixed_timestamp, store=store
        )

    def _handle_exception(self, error: Exception) -> None:
        """Note which screens were open (for the crash report, tutor.ui.crash), then let
        Textual stop the app and print the traceback."""
        if self.crash_screens is None:
            self.crash_screens = [type(screen).__name__ for screen in self.screen_stack]
        super()._handle_exception(error)

    # -- keys --------------------------------------------------------------------------------

    #: longest wait for a screen that is still being built before a key goes to it anyway
    MOUNT_WAIT = 2.0

    async def on_event(self, event: events.Event) -> None:
        """Keys wait until the screen on top is built, and are dropped once quitting.

        A key that closes a screen while it is still composing (F1 F1, Esc right after Enter)
        left its on_mount querying children that had been removed with it; keys after `q`
        opened screens in an app that was shutting down."""
        if isinstance(event, (events.Key, events.Paste)):  # from the driver or bubbled back
            if self._exit:
                return
            screen = self.screen
            if not screen.is_mounted:
                # Never hang the keyboard: after MOUNT_WAIT the key goes on as Textual would.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(screen._mounted_event.wait(), self.MOUNT_WAIT)
            if self._exit:
                return
            if (
                isinstance(event, events.Key)
                and not event.is_forwarded
                and isinstance(screen, OrderedKeys)
                and runs_a_binding(screen, event.key)
            ):
                # The screen runs this binding in its own queue (tutor.ui.ordered_keys): the
                # next key waits until it has, so a screen it opens gets the keys after it.
                expect_handling(event)
                await super().on_event(event)
                await wait_until_handled(event, self.MOUNT_WAIT)
                return
        await super().on_event(event)

    # -- actions (bindings and the command palette) -----------------------------------------

    def action_open_sandbox(self, protocol: str) -> None:
        self.push_screen(self.sandbox_screen(protocol))

    def action_protocol_help(self) -> None:
        from tutor.ui.screens.help import HelpScreen

        screen_help = getattr(self.screen, "action_help", None)
        if screen_help is not None:  # sandboxes and lessons know their protocol best
            screen_help()
            return
        protocol = getattr(self.screen, "protocol", None) or "pop3"
        self.push_screen(HelpScreen(protocol, self.lang))

    def action_record(self) -> None:
        record = getattr(self.screen, "action_record", None)
        if record is None:
            self.notify(tr("palette.not_here", self.lang), severity="warning")
            return
        record()

    def action_base64_helper(self) -> None:
        """The palette's base64 helper; its result can go into the screen's prompt."""
        from tutor.ui.base64_ui import Base64Screen

        screen = self.screen

        def put_in_prompt(text: str | None) -> None:
            from tutor.ui.widgets.prompt import CommandPrompt

            prompts = screen.query(CommandPrompt)
            if text and prompts:
                prompt = prompts.first()
                prompt.insert_text_at_cursor(text)
                prompt.focus()

        self.push_screen(Base64Screen(self.lang), put_in_prompt)

    def on_helper_escape(self, event: Any) -> None:
        """A `/base64` line at a prompt: the helper's answer as a note in the transcript."""
        from tutor.ui.base64_ui import escape_note
        from tutor.ui.widgets.transcript import Transcript

        event.stop()
        transcripts = event.prompt.screen.query(Transcript)
        if transcripts:
            transcripts.first().add_note(escape_note(event.line, self.lang))

    def action_command_palette(self) -> None:
        """Textual's palette, with its search prompt in the interface language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            placeholder = tr("palette.placeholder", self.lang)
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_switch_language(self) -> None:
        self.lang = "en" if self.lang == "ru" else "ru"

    def watch_lang(self, lang: str) -> None:
        save_language(lang)  # the next start opens in this language (unless --lang says not)
        localize_bindings(self, lang, self.BINDING_TEXT)
        for screen in self.screen_stack:
            set_lang = getattr(screen, "set_lang", None)
            if set_lang is not None and getattr(screen, "lang", lang) != lang:
                set_lang(lang)
        self.refresh_bindings()
