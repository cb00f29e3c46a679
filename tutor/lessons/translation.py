"""A lesson's translation as the app opens it: the overlay, and the errors that make some or all
of its texts fall back to English.

A translation that does not load at all leaves the whole lesson in English; one that loads but
names a step the lesson does not have, or gives lists of another length, leaves those texts in
English (the runner falls back text by text). Either way the learner is told, not left to
wonder why the lesson speaks English: the errors are `mailtutor lint`'s, at the translation's
own file:line:col.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, Severity
from .model import Lesson, Overlay


@dataclass(frozen=True)
class Translation:
    """The `<id>.<lang>.yaml` beside a lesson, as far as it could be used."""

    lang: str
    path: Path | None = None  # None: English, or no translation file at all
    overlay: Overlay | None = None
    errors: tuple[Diagnostic, ...] = ()

    @property
    def unusable(self) -> bool:
        """A file is there but nothing of it is used: the whole lesson shows in English."""
        return self.path is not None and self.overlay is None

    @property
    def partly_broken(self) -> bool:
        """It is used, but some of its texts are not (they show in English)."""
        return self.overlay is not None and bool(self.errors)


def translation_path(lesson: Lesson, lang: str) -> Path | None:
    if lang == "en" or lesson.path is None:
        return None
    path = lesson.path.with_name(f"{lesson.id}.{lang}.yaml")
    return path if path.is_file() else None


def open_translation(lesson: Lesson, lang: str) -> Translation:
    """The lesson's translation into `lang` with every error that keeps texts of it unused."""
    path = translation_path(lesson, lang)
    if path is None:
        return Translation(lang)
    from .lint import check_overlay
    from .loader import read_overlay

    overlay, problems = read_overlay(path)
    errors = tuple(d for d in problems if d.is_error)
    if overlay is None:
        return Translation(lang, path, None, errors)
    if overlay.lesson != lesson.id:
        wrong = Diagnostic.at(
            overlay.pos,
            f"translation of '{overlay.lesson}', not of '{lesson.id}'",
            Severity.ERROR,
        )
        return Translation(lang, path, None, (wrong,))
    errors = tuple(d for d in check_overlay(overlay, lesson) if d.is_error)
    return Translation(lang, path, overlay, errors)
