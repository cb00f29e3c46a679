"""A class's results: the student's name, a named export, and the teacher's merge.

The name lives in `student.json` beside the progress file (not inside it), so progress keeps
its own format and a damaged name never costs anyone their progress. `mailtutor progress
--export csv` is the progress table (Progress.to_csv: one row per lesson, then one per answered
question) with a `student` column in front. `merge` reads such exports from the whole class and
gives back one table (every row, student first) and a summary: who finished what, and which
questions most students missed at their first answer (the answer that scores).

Every cell that came from a student (the name, and anything in a CSV they hand in) is written
so a spreadsheet shows it as text: a leading `=`, `+`, `-` or `@` gets a `'` before it, so a
name such as `=HYPERLINK(...)` cannot become a formula on the teacher's machine.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tutor.sanitize import first_control

STUDENT_FILE = "student.json"
MAX_NAME = 80
MAX_STUDENT_FILE = 4096
MAX_EXPORT_BYTES = 8 * 1024 * 1024  # one student's export; far above any real one
STUDENT = "student"


class ClassResultsError(ValueError):
    """Bad input the user can fix; the message says how."""


# -- the student's name ------------------------------------------------------------------------


def student_path(progress_path: Path) -> Path:
    return progress_path.with_name(STUDENT_FILE)


def check_name(name: str) -> str:
    """The name as it is kept (spaces trimmed); raises ClassResultsError if it cannot be one."""
    name = " ".join(name.split())
    if not name:
        raise ClassResultsError("the name is empty")
    if len(name) > MAX_NAME:
        raise ClassResultsError(f"the name is longer than {MAX_NAME} characters")
    if first_control(name) is not None:
        raise ClassResultsError("the name holds a control character")
    return name


def read_name(progress_path: Path) -> str | None:
    """The student's name, or None if none was set (or the file cannot be used)."""
    from tutor.safeload import Refused, read_regular

    try:
        data = json.loads(read_regular(student_path(progress_path), MAX_STUDENT_FILE))
        return check_name(data["name"]) if isinstance(data, dict) else None
    except (OSError, Refused, ValueError, KeyError, TypeError, ClassResultsError):
        return None


def save_name(progress_path: Path, name: str) -> str:
    """Keep the name (atomically, beside the progress); returns it as kept. Raises
    ClassResultsError for a bad name, OSError if it cannot be written."""
    name = check_name(name)
    path = student_path(progress_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".student-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"format": 1, "name": name}, handle, ensure_ascii=False)
            handle.write("\n")
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return name


def as_text_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


# -- export ------------------------------------------------------------------------------------


def named_export(progress_csv: str, name: str | None) -> str:
    """Progress CSV with a `student` column in front, the name in every row."""
    rows = list(csv.reader(io.StringIO(progress_csv)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for number, row in enumerate(rows):
        writer.writerow([STUDENT if number == 0 else as_text_cell(name or ""), *row])
    return out.getvalue()


# -- merge -------------------------------------------------------------------------------------


@dataclass
class ClassTable:
    columns: list[str] = field(default_factory=lambda: [STUDENT])
    rows: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things the teacher should know

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, self.columns, lineterminator="\n", restval="")
        writer.writeheader()
        for row in self.rows:
            writer.writerow({k: as_text_cell(v) if k == STUDENT else v for k, v in row.items()})
        return out.getvalue()

    @property
    def students(self) -> list[str]:
        return sorted({row[STUDENT] for row in self.rows}, key=str.casefold)


def read_export(path: Path) -> tuple[list[str], list[dict[str, str]], str | None]:
    """(columns, rows, note) of one student's export. Raises ClassResultsError."""
    from tutor.safeload import Refused, read_regular

    try:
        text = read_regular(path, MAX_EXPORT_BYTES).decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise ClassResultsError(f"{path}: no such file") from exc
    except (OSError, Refused) as exc:
        raise ClassResultsError(f"{path}: cannot read it ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ClassResultsError(f"{path}: not a text file (UTF-8)") from exc
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        columns = list(reader.fieldnames or [])
        rows = [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as exc:
        raise ClassResultsError(f"{path}: not a CSV file ({exc})") from exc
    if "lesson" not in columns:
        raise ClassResultsError(
            f"{path}: has no 'lesson' column; is it from `mailtutor progress --export csv`?"
        )
    note = None
    if not rows:
        note = f"{path}: no progress in it yet"
    elif STUDENT not in columns or not any(row.get(STUDENT) for row in rows):
        for row in rows:
            row[STUDENT] = path.stem
        note = f"{path}: no student name in it; it is listed as '{path.stem}'"
    else:
        for row in rows:
            if row.get(STUDENT, "").startswith("'"):
                row[STUDENT] = row[STUDENT][1:]  # as_text_cell's mark, put back on writing
    return columns, rows, note


def merge(paths: Iterable[Path]) -> ClassTable:
    table = ClassTable()
    seen: dict[str, Path] = {}
    for path in paths:
        columns, rows, note = read_export(path)
        if note:
            table.notes.append(note)
        for column in columns:
            if column not in table.columns:
                table.columns.append(column)
        for name in {row[STUDENT] for row in rows}:
            if name in seen:
                table.notes.append(f"{path}: '{name}' is in {seen[name]} too; both are counted")
            seen.setdefault(name, path)
        table.rows.extend(rows)
    table.rows.sort(key=lambda r: (r[STUDENT].casefold(), r["lesson"], r.get("question", "")))
    return table


# -- the summary -------------------------------------------------------------------------------


def _yes(value: str) -> bool:
    return value.strip().casefold() in ("true", "yes", "1")


def missed_first_time(row: dict[str, str]) -> bool:
    """A question row whose first answer was wrong: it earned no points (or, in an export
    without points, was never answered right)."""
    points = row.get("points", "").strip()
    if points:
        try:
            return float(points) == 0
        except ValueError:
            pass
    return not _yes(row.get("correct", ""))


def summary(table: ClassTable, top: int = 10) -> str:
    students = table.students
    lesson_rows = [r for r in table.rows if not r.get("question")]
    question_rows = [r for r in table.rows if r.get("question")]
    lessons = sorted({r["lesson"] for r in table.rows})
    lines = [f"Class: {len(students)} student(s), {len(lessons)} lesson(s)"]
    if not students:
        return lines[0]
    width = max(len(lesson) for lesson in lessons)
    lines += ["", "Finished, by lesson:"]
    for lesson in lessons:
        done = sorted(
            {r[STUDENT] for r in lesson_rows if r["lesson"] == lesson and _yes(r.get("done", ""))},
            key=str.casefold,
        )
        who = ", ".join(done) if done else "nobody yet"
        lines.append(f"  {lesson.ljust(width)}  {len(done)}/{len(students)}  {who}")
    name_width = max(len(s) for s in students)
    lines += ["", "By student (lessons finished, score of best runs):"]
    for student in students:
        mine = [r for r in lesson_rows if r[STUDENT] == student]
        done = sum(1 for r in mine if _yes(r.get("done", "")))
        score = _total(mine, "best_score") if any(r.get("best_score") for r in mine) else None
        score = score if score is not None else _total(mine, "score")
        most = _total(mine, "max_score")
        lines.append(
            f"  {student.ljust(name_width)}  {done}/{len(lessons)} finished  "
            f"score {_number(score)}/{_number(most)}"
        )
    counts: dict[tuple[str, str], list[str]] = {}
    answered: dict[tuple[str, str], int] = {}
    for row in question_rows:
        key = (row["lesson"], row["question"])
        answered[key] = answered.get(key, 0) + 1
        if missed_first_time(row):
            counts.setdefault(key, []).append(row[STUDENT])
    lines += ["", "Questions most missed at the first answer:"]
    if not counts:
        lines.append("  none: every answered question was right the first time")
    ranked = sorted(counts.items(), key=lambda item: (-len(item[1]), item[0]))
    for (lesson, question), who in ranked[:top]:
        lines.append(
            f"  {lesson}/{question}: {len(who)} of {answered[(lesson, question)]} "
            f"answering ({', '.join(sorted(who, key=str.casefold))})"
        )
    return "\n".join(lines)


def _total(rows: list[dict[str, str]], column: str) -> float:
    total = 0.0
    for row in rows:
        with contextlib.suppress(ValueError):
            total += float(row.get(column) or 0)
    return total


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
