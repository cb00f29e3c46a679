"""`mailtutor new ID`: write a lesson skeleton that lints clean and shows every feature."""

from __future__ import annotations

import argparse
import sys

HELP = "write a new lesson skeleton (ID.yaml) with every feature of the format, commented"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson_id", metavar="ID", help="the new lesson's id: a-z, 0-9 and '-'")
    parser.add_argument(
        "--protocol", choices=("pop3", "smtp"), default="pop3", help="what it talks (default pop3)"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="where to write it (default: ID.yaml here)"
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists already")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tutor.lessons.model import Protocol
    from tutor.lessons.skeleton import skeleton
    from tutor.sanitize import one_line

    try:
        text = skeleton(args.lesson_id, Protocol(args.protocol))
    except ValueError as exc:
        print(f"mailtutor new: {one_line(str(exc))}", file=sys.stderr)
        return 2
    path = Path(args.output) if args.output else Path(f"{args.lesson_id}.yaml")
    if path.exists() and not args.force:
        print(
            f"mailtutor new: {one_line(str(path))} exists already; "
            "choose another name or add --force to replace it",
            file=sys.stderr,
        )
        return 1
    try:
        # "x" refuses a file that appeared since the check (unless --force said replace it).
        with path.open("w" if args.force else "x", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        print(
            f"mailtutor new: cannot write {one_line(str(path))}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    if path.stem != args.lesson_id:
        print(
            f"note: the file is named {path.name}, but lessons are found by id: "
            f"rename it {args.lesson_id}.yaml to list it in a course",
            file=sys.stderr,
        )
    print(f"wrote {path}")
    print(f"next: mailtutor lint {path}   then: mailtutor replay {path} --quiz")
    return 0
