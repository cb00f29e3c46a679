"""`mailtutor learn FILE --watch`: the open lesson reloads when its file or translation is saved.

How: the lesson screen's timer stats the lesson file and the translation of the screen's language
every POLL_SECONDS, comparing (mtime_ns, size, inode). No watcher library (watchdog,
watchfiles): that would be a dependency with native backends for two files, and editors save by
writing a new file and renaming it over the old one, which ends an inotify watch on the file
while a stat of the path simply sees the new one; two stat calls twice a second cost nothing.

On a change the files are linted first (the same checks as `mailtutor lint`, the engine replay
included). Errors are shown in the app, as a notification with `file:line:col`, and the lesson
keeps running as it was; the next save is tried again. A clean file replaces the screen with a
fresh one after the learner's progress is saved, so it reopens at the step the learner was on
when that step's id still exists (progress resumes by step id, else by number). A change seen
while a dialog (quiz, help, a confirmation) is open waits until the lesson is in front again,
except the quiz preview of `learn --quiz`, which reloads at once as a fresh preview.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutor.ui import i18n

if TYPE_CHECKING:
    from tutor.ui.screens.lesson import LessonScreen

POLL_SECONDS = 0.5
#: the attribute of the app that `mailtutor learn --watch` sets
APP_FLAG = "watch_lesson_files"
MAX_SHOWN = 6  # lint lines in one notification; the rest are counted
RELOADED_SECONDS = 3  # how long "reloaded" is shown

i18n.register(
    {
        "watch.reloaded": {
            "en": "The lesson file changed: reloaded.",
            "ru": "Файл урока изменился: урок перезагружен.",
        },
        "watch.errors": {
            "en": "The saved lesson has errors; still showing the previous version:",
            "ru": "В сохранённом уроке ошибки; пока показана прежняя версия:",
        },
        "watch.more": {
            "en": "... and {count} more (mailtutor lint)",
            "ru": "... и ещё {count} (mailtutor lint)",
        },
    }
)

Signature = tuple[tuple[int, int, int] | None, ...]


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None  # not there (yet): a translation may appear later
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def lint_errors(paths: list[Path]) -> list[str]:
    """Error lines (`file:line:col: error: ...`) of the files that exist; warnings are left out."""
    from tutor.lessons.lint import lint_file

    lines: list[str] = []
    for path in paths:
        if path.exists():
            lines += [str(d) for d in lint_file(path) if d.is_error]
    return lines


class LessonFileWatch:
    """Polls one lesson screen's files; `check()` does one round (the timer calls it)."""

    def __init__(self, screen: LessonScreen) -> None:
        self.screen = screen
        self.path: Path = screen.runner.lesson.path
        self._seen = self.signature()
        self._timer: Any = None

    def files(self) -> list[Path]:
        from tutor.lessons.locate import overlay_path

        lang = self.screen.lang
        return [self.path] + ([overlay_path(self.path, lang)] if lang != "en" else [])

    def signature(self) -> Signature:
        return tuple(_stat(path) for path in self.files())

    def start(self) -> None:
        self._timer = self.screen.set_interval(POLL_SECONDS, self.check, name="lesson-watch")

    async def check(self) -> str:
        """'unchanged', 'waiting' (a dialog is open, or the file is missing), 'errors' or
        'reloaded'."""
        signature = self.signature()
        if signature == self._seen:
            return "unchanged"
        screen = self.screen
        # `learn --quiz`: the quiz preview in front reloads as the lesson does.
        preview = screen.quiz_preview
        previewing = preview is not None and preview.is_current
        if not (screen.is_current or previewing) or signature[0] is None:
            # A dialog is open, or the file is gone for a moment (some editors delete it
            # before writing it anew): look again at the next round.
            return "waiting"
        self._seen = signature
        lang = screen.lang
        errors = lint_errors(self.files())
        if errors:
            shown = errors[:MAX_SHOWN]
            if len(errors) > MAX_SHOWN:
                shown.append(i18n.tr("watch.more", lang, count=len(errors) - MAX_SHOWN))
            screen.notify(
                "\n".join(shown),
                title=i18n.tr("watch.errors", lang),
                severity="error",
                timeout=20,
                markup=False,
            )
            return "errors"
        from tutor.ui.screens.lesson import LessonScreen
        from tutor.ui.widgets.lesson_session import save_progress

        if self._timer is not None:
            self._timer.stop()
        # The place to reopen at: progress keeps the current step's id.
        for message in save_progress(screen.progress, screen.runner):
            screen.notify(message, severity="warning", timeout=8, markup=False)
        # Not awaited: this runs in the old screen's timer, and the switch waits for that
        # screen to go quiet.
        if previewing:
            screen.app.pop_screen()  # the lesson under it is replaced, and opens a fresh quiz
        screen.app.switch_screen(LessonScreen(str(self.path), lang, open_quiz=previewing))
        screen.app.notify(i18n.tr("watch.reloaded", lang), timeout=RELOADED_SECONDS)
        return "reloaded"


def watch_if_asked(screen: LessonScreen) -> LessonFileWatch | None:
    """Start watching the screen's lesson file when the app was started with --watch."""
    if not getattr(screen.app, APP_FLAG, False) or screen.runner is None:
        return None
    if screen.runner.lesson.path is None:
        return None
    watch = LessonFileWatch(screen)
    watch.start()
    return watch
