"""Command palette entries (ctrl+p) for mailtutor's main actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

import tutor.ui.tls_strings  # noqa: F401  (registers the base64 helper's entry)
from tutor.ui.i18n import tr


class MailTutorCommands(Provider):
    """New sandboxes, protocol help, theme, language, the lesson's actions, record, quit."""

    #: (string key, action run on the app) offered on every screen, in palette order
    APP_ENTRIES = (
        ("palette.sandbox_pop3", "open_sandbox('pop3')"),
        ("palette.sandbox_smtp", "open_sandbox('smtp')"),
        ("palette.help", "protocol_help"),
        ("palette.base64", "base64_helper"),
        ("palette.theme", "toggle_theme"),
        ("palette.lang", "switch_language"),
    )
    #: actions offered only where the current screen has them (a lesson; a sandbox records)
    SCREEN_ENTRIES = ("hint", "reset_step", "reset_lesson", "quiz", "demo", "record")

    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        lang = getattr(app, "lang", "en")

        def entry(key: str, run: Callable[[], object]) -> tuple[str, str, Callable[[], object]]:
            return tr(key, lang), tr(f"{key}.help", lang), run

        entries = [entry(key, partial(app.run_action, action)) for key, action in self.APP_ENTRIES]
        entries += [
            entry(f"palette.{action}", partial(self.screen.run_action, action))
            for action in self.SCREEN_ENTRIES
            if hasattr(self.screen, f"action_{action}")
        ]
        entries.append(entry("palette.quit", partial(app.run_action, "quit")))
        return entries

    async def discover(self) -> Hits:
        for name, help_text, callback in self._entries():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
