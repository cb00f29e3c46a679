"""`mailtutor sandbox pop3|smtp [--world NAME|PATH]`: free play against a fresh world."""

from __future__ import annotations

import argparse
import sys

HELP = "free play: type POP3 or SMTP commands against a fresh world, with record"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("protocol", choices=("pop3", "smtp"), help="which server to talk to")
    parser.add_argument(
        "--world",
        default="article",
        metavar="NAME|PATH",
        help="a named world (article, empty, busy, ...) or a world/lesson YAML file "
        "(default: article)",
    )


def run(args: argparse.Namespace) -> int:
    from tutor.mail.worlds import WorldError, build_world

    try:
        store = build_world(args.world)  # checked before the screen is drawn: errors go here
    except WorldError as exc:
        from tutor.lessons.worldlint import world_error_text

        print(f"mailtutor sandbox: {world_error_text(args.world, exc)}", file=sys.stderr)
        return 2

    from tutor.ui.app import MailTutorApp
    from tutor.ui.crash import run_app

    app = MailTutorApp(
        start=("sandbox", args.protocol, args.world),
        lang=getattr(args, "lang", None),
        store=store,
    )
    return run_app(app)
