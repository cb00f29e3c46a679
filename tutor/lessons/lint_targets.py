"""Which files `mailtutor lint` checks: the paths given, each lesson followed by the translations
beside it, or the course folder when no path is given.

A translation (`<id>.<lang>.yaml`) is checked against its lesson, so linting a lesson checks its
translations too: a teacher who changed a step id sees at once which translation lost its texts.
Each file is checked once, however it was named (given twice, or given and found beside a lesson).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tutor.paths import bundled_lessons_dir, teacher_course_dir

from .locate import COURSE_FILE, is_overlay_path, translations

LESSON_SUFFIXES = (".yaml", ".yml")


def course_folder() -> Path:
    """The folder `lint` checks without arguments: the teacher's course (--course DIR or
    $MAILTUTOR_COURSE), else the bundled lessons."""
    return teacher_course_dir() or bundled_lessons_dir()


def _is_lesson_file(path: Path) -> bool:
    return (
        path.is_file()
        and path.suffix.lower() in LESSON_SUFFIXES
        and path.name != COURSE_FILE
        and not is_overlay_path(path)
    )


def _key(path: Path) -> Path:
    """The same file however it was written (`lessons/a.yaml`, `./lessons/a.yaml`)."""
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _given_files(paths: list[str]) -> set[Path]:
    """Every file the given paths name, those inside a given folder included."""
    files: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files.update(_key(p) for p in path.iterdir() if p.suffix.lower() in LESSON_SUFFIXES)
        else:
            files.add(_key(path))
    return files


def lint_targets(paths: Iterable[str]) -> list[str]:
    """The paths to lint, in order: each given path (a folder stays a folder), and right after a
    lesson file the translations beside it that were not given themselves."""
    given = list(paths)
    if not given:
        return [str(course_folder())]
    seen = _given_files(given)
    targets: list[str] = []
    for item in given:
        targets.append(item)
        path = Path(item)
        if not _is_lesson_file(path):
            continue
        for translation in translations(path).values():
            if _key(translation) not in seen:
                seen.add(_key(translation))
                targets.append(str(translation))
    return targets
