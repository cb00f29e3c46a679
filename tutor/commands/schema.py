"""`mailtutor schema`: the JSON Schema of the lesson format, for editors."""

from __future__ import annotations

import argparse

HELP = (
    "print the JSON Schema (draft 2020-12) of lesson files (--world: of world files), "
    "for yaml-language-server"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the schema to FILE instead of stdout"
    )
    parser.add_argument(
        "--world",
        action="store_true",
        help="the schema of world files (sandbox --world FILE, a lesson's world: FILE)",
    )


def run(args: argparse.Namespace) -> int:
    import sys

    from tutor.lessons.schema import schema_text

    text = schema_text(world=args.world)
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        print(
            f"mailtutor schema: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr
        )
        return 1
    return 0
