"""`mailtutor` with no subcommand: the course, the sandboxes and your progress, in the TUI."""

from __future__ import annotations

import argparse

HELP = "open the course: lessons with your progress, resume, the POP3 and SMTP sandboxes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The home screen takes only the global --lang."""


def run(args: argparse.Namespace) -> int:
    from tutor.ui.app import MailTutorApp
    from tutor.ui.crash import run_app
    from tutor.ui.i18n import resolve_language

    lang = resolve_language(getattr(args, "lang", None))
    return run_app(MailTutorApp(start="home", lang=lang))
