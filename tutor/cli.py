"""The `mailtutor` command. Each subcommand lives in tutor/commands/<name>.py and offers
`HELP`, `add_arguments(parser)` and `run(args) -> int`; heavy imports happen inside `run` so that
`mailtutor --help` and the TUI start fast."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: subcommand -> module under tutor.commands; order is the order shown in --help
SUBCOMMANDS = (
    "learn",
    "sandbox",
    "serve",
    "watch",
    "connect",
    "web",
    "lint",
    "replay",
    "schema",
    "progress",
    "new",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mailtutor",
        description="A terminal tutor for POP3 and SMTP. Without a subcommand, opens the course.",
    )
    parser.add_argument(
        "--lang",
        choices=("en", "ru"),
        default=None,
        help="language of lessons and the interface, remembered for the next start "
        "(default: the language chosen last time, else the locale's)",
    )
    parser.add_argument(
        "--course",
        metavar="DIR",
        default=None,
        help="show your own folder of lessons (with its course.yaml) on the course screen "
        "instead of the bundled course; the same as MAILTUTOR_COURSE=DIR",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"tutor.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tutor.commands.{name}":
                raise
            continue  # a subcommand not built in this checkout is simply not offered
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.course is not None:
        import os

        from tutor.paths import COURSE_ENV

        os.environ[COURSE_ENV] = args.course  # read where the course screen is built
    if args.command is None:
        from tutor.commands import home

        return home.run(args)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
