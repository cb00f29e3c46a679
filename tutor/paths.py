"""Where bundled files are, in a source checkout and in an installed wheel alike."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_lessons_dir() -> Path:
    """The course folder: tutor/_lessons in a wheel, the repository's lessons/ in a checkout."""
    installed = _PACKAGE / "_lessons"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "lessons"
