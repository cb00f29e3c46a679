"""`mailtutor lint [PATH...]`: check lesson, translation and course files.

A lesson's translations beside it are checked with it; no PATH checks the course folder
(tutor.lessons.lint_targets)."""

from __future__ import annotations

import argparse

HELP = (
    "check lesson files: every problem as path:line:col: severity: message; exit 1 on errors, "
    "else a closing line saying what was checked"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="lesson .yaml files (with their translations <id>.<lang>.yaml beside them), "
        "translations, course.yaml or folders; none: the course folder (--course DIR, else "
        "the bundled lessons)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print errors only: no warnings, no closing line"
    )


def run(args: argparse.Namespace) -> int:
    from tutor.lessons.lint import Tally, lint_paths
    from tutor.lessons.lint_targets import lint_targets

    tally = Tally()
    problems = lint_paths(lint_targets(args.paths), tally)
    errors = sum(1 for p in problems if p.is_error)
    for problem in problems:
        if problem.is_error or not args.quiet:
            print(problem)
    if not errors and not args.quiet:
        # what was checked, so silence is never mistaken for "nothing was looked at"
        print(tally.summary(getattr(args, "lang", None) or "en"))
    return 1 if errors else 0
