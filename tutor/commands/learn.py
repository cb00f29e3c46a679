"""`mailtutor learn LESSON`: open one lesson in the TUI, by bundled id or path to a .yaml file.

The lesson is found and loaded before the screen is drawn, so a wrong name or a broken file is
reported on the terminal, the way `mailtutor lint` reports it, with exit status 2 and no
traceback.
"""

from __future__ import annotations

import argparse
import sys

HELP = "open one lesson: a bundled id (see the course) or a path to a lesson .yaml file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "lesson", metavar="LESSON", help="bundled lesson id (e.g. pop3-article) or a .yaml path"
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="for teachers: reload the lesson whenever its file (or translation) is saved",
    )


def check_lesson(name: str) -> list[str]:
    """Problems that keep the lesson from opening, as lines to print (empty: it opens)."""
    from tutor.lessons import LessonError, LessonNotFound, find_lesson, load_lesson

    try:
        load_lesson(find_lesson(name))
    except LessonNotFound as exc:
        return [f"mailtutor learn: {exc}"]
    except LessonError as exc:
        return [f"mailtutor learn: {name} is not a valid lesson:"] + [
            str(d) for d in exc.diagnostics
        ]
    return []


def run(args: argparse.Namespace) -> int:
    problems = check_lesson(args.lesson)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    from tutor.ui.app import MailTutorApp
    from tutor.ui.crash import run_app
    from tutor.ui.lesson_watch import APP_FLAG

    app = MailTutorApp(start=("lesson", args.lesson), lang=getattr(args, "lang", None))
    setattr(app, APP_FLAG, bool(getattr(args, "watch", False)))
    return run_app(app)
