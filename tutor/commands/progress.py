"""`mailtutor progress`: show, reset or export the learner's progress.

The table shows what the course list shows (the best of all runs: `LessonProgress.standing`),
in the interface language (`--lang`, else the locale)."""

from __future__ import annotations

import argparse
import sys

HELP = "show your progress in the lessons, reset it, or export it as CSV for a teacher"

STRINGS = {
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
    parser.add_argument("--file", metavar="PATH", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    from tutor.lessons.progress import Progress
    from tutor.sanitize import one_line
    from tutor.ui.i18n import register, resolve_language, tr

    register(STRINGS)
    lang = resolve_language(getattr(args, "lang", None))
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
    if args.export == "csv":
        sys.stdout.write(progress.to_csv())
        return 0
    print(_table(progress, lang))
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
