"""Command palette entries (ctrl+p) for mailtutor's main actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tutor.ui.i18n import tr


class MailTutorCommands(Provider):
    """New sandboxes, protocol help, theme, language, the lesson's actions, record, quit."""

    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        lang = getattr(app, "lang", "en")
        entries: list[tuple[str, str, Callable[[], object]]] = [
            (
                tr("palette.sandbox_pop3", lang),
                tr("palette.sandbox_pop3.help", lang),
                partial(app.run_action, "open_sandbox('pop3')"),
            ),
            (
                tr("palette.sandbox_smtp", lang),
                tr("palette.sandbox_smtp.help", lang),
                partial(app.run_action, "open_sandbox('smtp')"),
            ),
            (
                tr("palette.help", lang),
                tr("palette.help.help", lang),
                partial(app.run_action, "protocol_help"),
            ),
            (
                tr("palette.theme", lang),
                tr("palette.theme.help", lang),
                partial(app.run_action, "toggle_theme"),
            ),
            (
                tr("palette.lang", lang),
                tr("palette.lang.help", lang),
                partial(app.run_action, "switch_language"),
            ),
        ]
        # The lesson's own actions, offered only where a lesson is open.
        for action in ("hint", "reset_step", "reset_lesson", "quiz", "demo"):
            if hasattr(self.screen, f"action_{action}"):
                entries.append(
                    (
                        tr(f"palette.{action}", lang),
                        tr(f"palette.{action}.help", lang),
                        partial(self.screen.run_action, action),
                    )
                )
        if hasattr(self.screen, "action_record"):
            entries.append(
                (
                    tr("palette.record", lang),
                    tr("palette.record.help", lang),
                    partial(app.run_action, "record"),
                )
            )
        entries.append(
            (
                tr("palette.quit", lang),
                tr("palette.quit.help", lang),
                partial(app.run_action, "quit"),
            )
        )
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
