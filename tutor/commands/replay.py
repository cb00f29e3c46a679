"""`mailtutor replay LESSON`: print a lesson's dialogue, played by the real engine."""

from __future__ import annotations

import argparse

HELP = "print a lesson's dialogue as its solutions play it on the real engine (C:/S: lines)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", metavar="LESSON", help="a bundled lesson id or a .yaml path")
    parser.add_argument(
        "--lang",
        dest="replay_lang",
        choices=("en", "ru"),
        default=None,
        help="language of the lesson texts (default: the global --lang, else English)",
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour server lines (auto: on a terminal, unless NO_COLOR is set)",
    )
    parser.add_argument(
        "--full", action="store_true", help="print long multi-line replies (RETR) in full"
    )
    parser.add_argument(
        "--quiz",
        action="store_true",
        help="then print every quiz question with the answer graded right "
        "(predict: the engine's reply; command: the example and its reply)",
    )


def run(args: argparse.Namespace) -> int:
    import os
    import sys

    from tutor.lessons import LessonError, LessonNotFound, LessonRunner, ReplayError
    from tutor.lessons.loader import load_lesson
    from tutor.lessons.locate import find_lesson
    from tutor.lessons.printer import DialoguePrinter
    from tutor.sanitize import one_line

    lang = args.replay_lang or getattr(args, "lang", None) or "en"
    try:
        lesson = load_lesson(find_lesson(args.lesson))
    except LessonNotFound as exc:
        print(f"mailtutor replay: {one_line(str(exc))}", file=sys.stderr)
        return 1
    except LessonError as exc:
        for problem in exc.diagnostics:
            print(problem, file=sys.stderr)
        print("mailtutor replay: the lesson has errors; see `mailtutor lint`", file=sys.stderr)
        return 1
    if args.color == "auto":
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    else:
        colour = args.color == "always"
    runner = LessonRunner(lesson, lang=lang)
    if runner.translation.unusable:
        name = runner.translation.path.name
        print(
            f"mailtutor replay: {name} has errors (see `mailtutor lint {lesson.path}`); "
            "showing English",
            file=sys.stderr,
        )
    elif lang != "en" and runner.overlay is None:
        print(
            f"mailtutor replay: no '{lang}' translation of {lesson.id}; showing English",
            file=sys.stderr,
        )
    printer = DialoguePrinter(sys.stdout, colour=colour, body_limit=None if args.full else 12)
    try:
        printer.replay(runner)
    except ReplayError as exc:
        sys.stdout.flush()
        print(f"mailtutor replay: {one_line(str(exc))}", file=sys.stderr)
        return 1
    if args.quiz:
        from tutor.lessons.quiz_key import print_key

        if not print_key(printer, runner):
            sys.stdout.flush()
            print("mailtutor replay: some answers are not graded right", file=sys.stderr)
            return 1
    return 0
