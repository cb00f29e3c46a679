"""`mailtutor learn LESSON`: open one lesson in the TUI, by bundled id or path to a .yaml file.

The lesson is found and loaded before the screen is drawn, so a wrong name or a broken file is
reported on the terminal, the way `mailtutor lint` reports it, with exit status 2 and no
traceback. A translation (`X.ru.yaml`) given instead of a lesson opens its lesson `X.yaml` in
the translation's language, and says so. `--quiz` opens the lesson's quiz at once, for a teacher
to preview it (its answers are not recorded as progress).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

HELP = "open one lesson: a bundled id (see the course) or a path to a lesson .yaml file"

#: the languages the app shows a lesson's translation in (English is the lesson itself), by name
TRANSLATED_INTO = {"ru": "Russian"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "lesson",
        metavar="LESSON",
        help="bundled lesson id (e.g. pop3-article) or a .yaml path; a translation "
        "(X.ru.yaml) opens its lesson X in that language",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="for teachers: reload the lesson whenever its file (or translation) is saved",
    )
    parser.add_argument(
        "--quiz",
        action="store_true",
        help="for teachers: open the lesson's quiz at once, as a preview (answers are not "
        "saved; Esc leads to the lesson)",
    )


@dataclass(frozen=True)
class Translated:
    """A translation given where a lesson was expected: its lesson file and language."""

    lesson: Path
    lang: str


def translation_target(name: str) -> Translated | str | None:
    """For a translation file, the lesson to open and in which language (or why it cannot be
    opened, as a line to print); None for anything else."""
    from tutor.lessons.loader import kind_of_document, read_overlay
    from tutor.lessons.locate import is_overlay_path
    from tutor.lessons.safeyaml import read_yaml

    path = Path(name).expanduser()
    if not path.is_file():
        return None
    named_as_one = is_overlay_path(path)
    if not named_as_one:
        root, _ = read_yaml(path)
        if root is None or kind_of_document(root, path) != "overlay":
            return None
    overlay, _ = read_overlay(path)
    if overlay is not None:
        lesson_id, lang = overlay.lesson, overlay.lang
    elif named_as_one:  # it has errors: the name says what it translates (they are shown)
        lesson_id, lang = path.name.split(".")[:2]
    else:
        return f"mailtutor learn: {name} is a translation, not a lesson; `mailtutor lint {name}`"
    if lang not in TRANSLATED_INTO:
        return (
            f"mailtutor learn: {name} translates {lesson_id} into '{lang}', but the app shows "
            f"translations only into {', '.join(TRANSLATED_INTO.values())}; check it with "
            f"`mailtutor lint {name}`"
        )
    if path.name != f"{lesson_id}.{lang}.yaml":
        # The app finds a translation by that name alone: this file would not be shown.
        return (
            f"mailtutor learn: {name} is a translation of {lesson_id} into '{lang}'; name it "
            f"{lesson_id}.{lang}.yaml, beside {lesson_id}.yaml, so that it is found"
        )
    lesson = path.with_name(f"{lesson_id}.yaml")
    if not lesson.is_file():
        return (
            f"mailtutor learn: {name} is a translation of {lesson_id}, but there is no "
            f"{lesson.name} beside it"
        )
    return Translated(lesson, lang)


def check_lesson(name: str, *, quiz: bool = False) -> list[str]:
    """Problems that keep the lesson from opening, as lines to print (empty: it opens)."""
    from tutor.lessons import LessonError, LessonNotFound, find_lesson, load_lesson

    try:
        lesson = load_lesson(find_lesson(name))
    except LessonNotFound as exc:
        return [f"mailtutor learn: {exc}"]
    except LessonError as exc:
        return [f"mailtutor learn: {name} is not a valid lesson:"] + [
            str(d) for d in exc.diagnostics
        ]
    if quiz and not lesson.quiz:
        return [f"mailtutor learn: {name} has no quiz to open"]
    return []


def run(args: argparse.Namespace) -> int:
    name, lang = args.lesson, getattr(args, "lang", None)
    remember = True  # an explicit --lang is remembered for the next start
    target = translation_target(name)
    if isinstance(target, str):
        print(target, file=sys.stderr)
        return 2
    if target is not None:
        print(
            f"mailtutor learn: {name} is the {TRANSLATED_INTO[target.lang]} translation of "
            f"{target.lesson.stem}: opening {target.lesson} in {TRANSLATED_INTO[target.lang]}",
            file=sys.stderr,
        )
        # The file chose the language for this lesson, not for the next start.
        name, lang, remember = str(target.lesson), target.lang, False
    quiz = bool(getattr(args, "quiz", False))
    problems = check_lesson(name, quiz=quiz)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    from tutor.ui.app import MailTutorApp
    from tutor.ui.crash import run_app
    from tutor.ui.lesson_watch import APP_FLAG

    start = ("lesson", name, "quiz") if quiz else ("lesson", name)
    app = MailTutorApp(start=start, lang=lang, remember_lang=remember)
    setattr(app, APP_FLAG, bool(getattr(args, "watch", False)))
    return run_app(app)
