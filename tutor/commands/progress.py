"""`mailtutor progress`: show, reset or export the learner's progress."""

from __future__ import annotations

import argparse
import sys

HELP = "show your progress in the lessons, reset it, or export it as CSV for a teacher"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--reset", metavar="LESSON", help="forget the progress of one lesson")
    group.add_argument("--reset-all", action="store_true", help="forget all progress")
    group.add_argument(
        "--export", choices=("csv",), help="write the progress to standard output as CSV"
    )
    parser.add_argument("--file", metavar="PATH", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    from tutor.lessons.progress import Progress
    from tutor.sanitize import one_line

    progress = Progress(args.file)
    for message in progress.messages:
        print(f"mailtutor progress: {one_line(message)}", file=sys.stderr)
    if args.reset:
        if not progress.reset(args.reset):
            print(f"no progress recorded for '{one_line(args.reset)}'", file=sys.stderr)
            return 1
        print(f"progress of '{one_line(args.reset)}' forgotten")
        return _saved(progress)
    if args.reset_all:
        count = progress.reset_all()
        print(f"progress of {count} lesson(s) forgotten")
        return _saved(progress)
    if args.export == "csv":
        sys.stdout.write(progress.to_csv())
        return 0
    print(_table(progress))
    return 0


def _saved(progress) -> int:
    from tutor.sanitize import one_line

    unsaved = [m for m in progress.messages if m.startswith("cannot save")]
    for message in unsaved:
        print(f"mailtutor progress: {one_line(message)}", file=sys.stderr)
    return 1 if unsaved or progress.read_only else 0


def _table(progress) -> str:
    lessons = progress.lessons()
    if not lessons:
        return f"No progress yet ({progress.path}). Start with: mailtutor"
    rows = [("lesson", "done", "score", "steps", "hints", "quiz", "updated")]
    for lesson_id, entry in sorted(lessons.items()):
        answered = sum(1 for q in entry.questions.values() if q.correct)
        rows.append(
            (
                lesson_id,
                "yes" if entry.done else "no",
                f"{entry.score}/{entry.max_score}",
                f"{entry.last_step}/{entry.steps}",
                str(entry.hints_used),
                f"{answered}/{len(entry.questions)}",
                (entry.updated or "").replace("T", " ").replace("+00:00", " UTC"),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    return "\n".join(
        [lines[0], "  ".join("-" * w for w in widths), *lines[1:], f"\n({progress.path})"]
    )
