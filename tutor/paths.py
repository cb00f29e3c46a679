"""Where files are: bundled ones (in a source checkout and an installed wheel alike) and the
learner's own (the user data folder)."""

from __future__ import annotations

import os
from pathlib import Path

#: environment variable that moves the user data folder (tests set it)
DATA_DIR_ENV = "MAILTUTOR_DATA_DIR"

_PACKAGE = Path(__file__).resolve().parent


def bundled_lessons_dir() -> Path:
    """The course folder: tutor/_lessons in a wheel, the repository's lessons/ in a checkout."""
    installed = _PACKAGE / "_lessons"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "lessons"


def user_data_dir() -> Path:
    """$MAILTUTOR_DATA_DIR if set, else the platform's user data folder (platformdirs:
    ~/.local/share/mailtutor on Linux): where progress and settings are kept."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("mailtutor", appauthor=False))
