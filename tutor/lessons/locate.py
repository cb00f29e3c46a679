"""Finding lessons: a bundled id or a path, the course file, translations beside a lesson."""

from __future__ import annotations

from pathlib import Path

from tutor.paths import bundled_lessons_dir, teacher_course_dir

from .model import Course
from .reader import did_you_mean

COURSE_FILE = "course.yaml"


class LessonNotFound(LookupError):
    """No lesson by that id or path; the message lists what there is."""


def lessons_dir() -> Path:
    return bundled_lessons_dir()


def is_overlay_path(path: Path) -> bool:
    """`<id>.<lang>.yaml`: a translation, not a lesson."""
    parts = path.name.split(".")
    return len(parts) == 3 and parts[2] in ("yaml", "yml") and 2 <= len(parts[1]) <= 3


def lesson_ids(folder: Path | None = None) -> list[str]:
    """Ids of the lesson files in a folder (bundled by default), sorted."""
    folder = folder or lessons_dir()
    if not folder.is_dir():
        return []
    return sorted(
        p.stem for p in folder.glob("*.yaml") if p.name != COURSE_FILE and not is_overlay_path(p)
    )


def find_lesson(id_or_path: str | Path, folder: Path | None = None) -> Path:
    """A lesson file from a bundled id (`pop3-article`) or a path to a .yaml file."""
    text = str(id_or_path)
    path = Path(text).expanduser()
    if path.is_file() or (path.exists() and not path.is_dir()):
        return path  # a FIFO or a device too: the loader refuses it and says why
    looks_like_path = path.suffix.lower() in (".yaml", ".yml") or "/" in text or "\\" in text
    if looks_like_path:
        raise LessonNotFound(f"{text}: no such lesson file")
    # An id is looked up in the folder given, else in a teacher's course folder
    # (--course / $MAILTUTOR_COURSE) and then the bundled lessons.
    folders = [folder] if folder else [f for f in (teacher_course_dir(), lessons_dir()) if f]
    for where in folders:
        candidate = where / f"{text}.yaml"
        if candidate.is_file():
            return candidate
    ids = sorted({i for where in folders for i in lesson_ids(where)})
    listed = ", ".join(ids) if ids else "(none)"
    kind = "bundled lessons" if folders == [lessons_dir()] else "lessons"
    raise LessonNotFound(f"no lesson '{text}'{did_you_mean(text, ids)}; {kind}: {listed}")


def overlay_path(lesson_path: Path, lang: str) -> Path:
    stem = lesson_path.name.split(".")[0]
    return lesson_path.with_name(f"{stem}.{lang}.yaml")


def translations(lesson_path: Path) -> dict[str, Path]:
    """lang -> translation file, for every `<id>.<lang>.yaml` beside the lesson."""
    stem = lesson_path.name.split(".")[0]
    found = {}
    for path in sorted(lesson_path.parent.glob(f"{stem}.*.yaml")):
        if is_overlay_path(path):
            found[path.name.split(".")[1]] = path
    return found


def load_course(folder: Path | None = None) -> Course:
    """The course (`lessons/course.yaml`). Raises LessonError if it is broken; when there is
    no course file, every lesson in the folder forms one untitled section."""
    from .loader import load_course_file
    from .model import Section

    folder = folder or lessons_dir()
    path = folder / COURSE_FILE
    if path.is_file():
        return load_course_file(path)
    section = Section(title=(("en", "Lessons"), ("ru", "Уроки")), lessons=tuple(lesson_ids(folder)))
    return Course(sections=(section,) if section.lessons else (), path=None)
