"""`mailtutor progress`: show, reset or export the learner's progress.

The table shows what the course list shows (the best of all runs: `LessonProgress.standing`),
in the interface language (`--lang`, else the locale)."""

from __future__ import annotations

import argparse
import sys

HELP = "show your progress in the lessons, reset it, or export it as CSV for a teacher"

STRINGS = {
    "progress.student": {"en": "Student: {name}", "ru": "Учащийся: {name}"},
    "progress.none": {
        "en": "No progress yet ({path}). Start with: mailtutor",
        "ru": "Прогресса пока нет ({path}). Начните с команды: mailtutor",
    },
    "progress.col.lesson": {"en": "lesson", "ru": "урок"},
    "progress.col.done": {"en": "done", "ru": "пройден"},
    "progress.col.score": {"en": "best score", "ru": "лучший балл"},
    "progress.col.steps": {"en": "steps", "ru": "шаги"},
    "progress.col.quiz": {"en": "quiz", "ru": "тест"},
    "progress.col.hints": {"en": "hints", "ru": "подсказки"},
    "progress.col.updated": {"en": "updated", "ru": "изменён"},
    "progress.yes": {"en": "yes", "ru": "да"},
    "progress.no": {"en": "no", "ru": "нет"},
    "progress.quiz.not_taken": {"en": "not taken", "ru": "не пройден"},
    "progress.quiz.none": {"en": "no quiz", "ru": "нет теста"},
    "progress.reset.none": {
        "en": "no progress recorded for '{lesson}'",
        "ru": "для «{lesson}» прогресс не записан",
    },
    "progress.reset.one": {
        "en": "progress of '{lesson}' forgotten",
        "ru": "прогресс урока «{lesson}» забыт",
    },
    "progress.reset.all": {
        "en": "progress of {count} lesson(s) forgotten",
        "ru": "забыт прогресс уроков: {count}",
    },
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--reset", metavar="LESSON", help="forget the progress of one lesson")
    group.add_argument("--reset-all", action="store_true", help="forget all progress")
    group.add_argument(
        "--export", choices=("csv",), help="write the progress to standard output as CSV"
    )
    group.add_argument(
        "--name", metavar="NAME", help="keep your name with your progress (the export carries it)"
    )
    group.add_argument(
        "--merge",
        nargs="+",
        metavar="CSV",
        help="for teachers: merge the class's exports into one table and summarize it",
    )
    parser.add_argument(
        "--out", metavar="FILE", help="with --merge: write the class table (CSV) to FILE"
    )
    parser.add_argument("--file", metavar="PATH", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    from tutor.lessons.progress import Progress
    from tutor.sanitize import one_line
    from tutor.ui.i18n import register, resolve_language, tr

    register(STRINGS)
    lang = resolve_language(getattr(args, "lang", None))
    if args.merge:
        return _merge(args)
    if args.out:
        print("mailtutor progress: --out goes with --merge", file=sys.stderr)
        return 2
    progress = Progress(args.file)
    for message in progress.messages:
        print(f"mailtutor progress: {one_line(message)}", file=sys.stderr)
    if args.reset:
        if not progress.reset(args.reset):
            print(tr("progress.reset.none", lang, lesson=one_line(args.reset)), file=sys.stderr)
            return 1
        print(tr("progress.reset.one", lang, lesson=one_line(args.reset)))
        return _saved(progress)
    if args.reset_all:
        count = progress.reset_all()
        print(tr("progress.reset.all", lang, count=count))
        return _saved(progress)
    from tutor.lessons import class_results

    if args.name is not None:
        return _set_name(progress.path, args.name)
    name = class_results.read_name(progress.path)
    if args.export == "csv":
        sys.stdout.write(class_results.named_export(progress.to_csv(), name))
        return 0
    if name:
        print(tr("progress.student", lang, name=name))
    print(_table(progress, lang))
    return 0


def _set_name(progress_path, name: str) -> int:
    from tutor.lessons.class_results import ClassResultsError, save_name
    from tutor.sanitize import one_line

    try:
        kept = save_name(progress_path, name)
    except ClassResultsError as exc:
        print(f"mailtutor progress: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"mailtutor progress: cannot save the name: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"name kept: {one_line(kept)} (your export carries it: mailtutor progress --export csv)")
    return 0


def _merge(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tutor.lessons.class_results import ClassResultsError, merge, summary
    from tutor.sanitize import one_line

    try:
        table = merge(Path(p) for p in args.merge)
    except ClassResultsError as exc:
        print(f"mailtutor progress: {one_line(str(exc))}", file=sys.stderr)
        return 1
    for note in table.notes:
        print(f"mailtutor progress: {one_line(note)}", file=sys.stderr)
    if args.out:
        try:
            Path(args.out).write_text(table.to_csv(), encoding="utf-8")
        except OSError as exc:
            print(
                f"mailtutor progress: cannot write {one_line(args.out)}: {exc.strerror or exc}",
                file=sys.stderr,
            )
            return 1
    print("\n".join(one_line(line) if line else "" for line in summary(table).splitlines()))
    if args.out:
        print(f"\nThe class table ({len(table.rows)} rows): {args.out}")
    else:
        print("\nAdd --out FILE to get the whole class as one CSV table.")
    return 0


def _saved(progress) -> int:
    from tutor.sanitize import one_line

    unsaved = [m for m in progress.messages if m.startswith("cannot save")]
    for message in unsaved:
        print(f"mailtutor progress: {one_line(message)}", file=sys.stderr)
    return 1 if unsaved or progress.read_only else 0


def quiz_cell(points: int | None, maximum: int, lang: str) -> str:
    """The quiz column: best attempt's points of the maximum, or that it was never taken."""
    from tutor.ui.i18n import tr

    if points is None:
        return tr("progress.quiz.not_taken" if maximum else "progress.quiz.none", lang)
    return f"{points}/{maximum}" if maximum else str(points)


def _table(progress, lang: str = "en") -> str:
    from tutor.ui.i18n import tr

    lessons = progress.lessons()
    if not lessons:
        return tr("progress.none", lang, path=progress.path)
    columns = ("lesson", "done", "score", "steps", "quiz", "hints", "updated")
    rows = [tuple(tr(f"progress.col.{c}", lang) for c in columns)]
    for lesson_id, entry in sorted(lessons.items()):
        standing = entry.standing()
        rows.append(
            (
                lesson_id,
                tr("progress.yes" if standing.done else "progress.no", lang),
                f"{standing.best_score}/{standing.max_score}",
                f"{standing.steps_done}/{standing.steps}",
                quiz_cell(standing.quiz_points, standing.quiz_max, lang),
                str(entry.hints_used),
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
