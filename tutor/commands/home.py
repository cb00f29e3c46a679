"""`mailtutor` with no subcommand: the course, the sandboxes and your progress, in the TUI."""

from __future__ import annotations

import argparse

HELP = "open the course: lessons with your progress, resume, the POP3 and SMTP sandboxes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The home screen takes only the global --lang."""


def run(args: argparse.Namespace) -> int:
    import sys

    from tutor.paths import teacher_course_problem
    from tutor.sanitize import one_line

    problem = teacher_course_problem()
    if problem:
        print(f"mailtutor: course: {one_line(problem)}", file=sys.stderr)
        return 2
    from tutor.ui.app import MailTutorApp
    from tutor.ui.crash import run_app

    # None when --lang was not given: the app then takes the language chosen last time
    return run_app(MailTutorApp(start="home", lang=getattr(args, "lang", None)))
