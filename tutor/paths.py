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


#: a teacher's own course folder (lesson files and a course.yaml) to show instead of the bundled
#: course; `mailtutor --course DIR` sets it for the run
COURSE_ENV = "MAILTUTOR_COURSE"


def teacher_course_dir() -> Path | None:
    """The course folder named by $MAILTUTOR_COURSE (a course.yaml names its folder), or None.

    Read when the course screen is built, so `--course`, which sets the variable, and a value
    exported in the shell act the same."""
    given = os.environ.get(COURSE_ENV, "").strip()
    if not given:
        return None
    path = Path(given).expanduser()
    return path.parent if path.suffix.lower() in (".yaml", ".yml") else path


def teacher_course_problem() -> str | None:
    """Why the course folder set by --course or $MAILTUTOR_COURSE cannot be used, or None
    (also None when none is set: the bundled course)."""
    course = teacher_course_dir()
    return course_dir_problem(course) if course is not None else None


def course_dir_problem(folder: Path) -> str | None:
    """Why `folder` cannot be a course (said before the app starts), or None."""
    if not folder.is_dir():
        return f"{folder}: no such folder"
    if not any(folder.glob("*.yaml")):
        return f"{folder}: no lesson files (*.yaml) in it; `mailtutor new ID` writes one"
    return None
