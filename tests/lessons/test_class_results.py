"""A class's results as students and their teacher make them: each student names themselves and
exports (`mailtutor progress --name`, `--export csv`), the teacher merges (`--merge`)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tutor.cli import main
from tutor.lessons import LessonRunner, find_lesson, load_lesson
from tutor.lessons.progress import Progress
from tutor.lessons.quiz_key import answer_key


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def study(progress_file: Path, *, finish: bool, right_answers: bool) -> None:
    """A student's session with pop3-article: every step or the first two, then the first
    two quiz questions, answered right (from the answer key) or wrong."""
    runner = LessonRunner(load_lesson(find_lesson("pop3-article")))
    runner.start()
    steps = runner.lesson.steps if finish else runner.lesson.steps[:2]
    for step in steps:
        for line in step.solution:
            runner.submit(line)
    for entry in answer_key(runner)[:2]:
        runner.grade(entry.question.id, entry.answer if right_answers else "no idea")
    Progress(progress_file).record(runner)


def export(capsys, folder: Path, name: str | None, **study_how) -> Path:
    progress_file = folder / "progress.json"
    folder.mkdir()
    study(progress_file, **study_how)
    if name is not None:
        code, out, _ = run(capsys, "progress", "--file", str(progress_file), "--name", name)
        assert code == 0 and "name kept" in out
    code, out, _ = run(capsys, "progress", "--file", str(progress_file), "--export", "csv")
    assert code == 0
    exported = folder.with_suffix(".csv")
    exported.write_text(out, encoding="utf-8")
    return exported


def test_the_name_is_kept_beside_the_progress_and_carried_by_the_export(tmp_path, capsys):
    exported = export(
        capsys, tmp_path / "anna", "  Anna   Petrova ", finish=True, right_answers=True
    )
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))
    assert {row["student"] for row in rows} == {"Anna Petrova"}
    assert [r["question"] for r in rows][:1] == [""]  # the lesson's row, then its questions
    assert len([r for r in rows if r["question"]]) == 2
    code, out, _ = run(capsys, "progress", "--file", str(tmp_path / "anna" / "progress.json"))
    assert code == 0 and out.startswith("Student: Anna Petrova\n")
    assert (tmp_path / "anna" / "student.json").is_file()


def test_a_bad_name_is_refused_plainly_and_the_old_one_kept(tmp_path, capsys):
    progress_file = tmp_path / "progress.json"
    assert run(capsys, "progress", "--file", str(progress_file), "--name", "Boris")[0] == 0
    for bad in ("   ", "tab\tin\x07side", "x" * 81):
        code, _, err = run(capsys, "progress", "--file", str(progress_file), "--name", bad)
        assert code == 2 and "name" in err and "Traceback" not in err
    _, out, _ = run(capsys, "progress", "--file", str(progress_file), "--export", "csv")
    assert out.splitlines()[0].startswith("student,")
    _, out, _ = run(capsys, "progress", "--file", str(progress_file))
    assert "Student: Boris" in out


def test_merge_gives_one_table_and_a_summary_of_the_class(tmp_path, capsys):
    anna = export(capsys, tmp_path / "anna", "Anna", finish=True, right_answers=True)
    boris = export(capsys, tmp_path / "boris", "Boris", finish=False, right_answers=False)
    vera = export(capsys, tmp_path / "vera", None, finish=True, right_answers=False)  # no name
    mallory = export(capsys, tmp_path / "m", "=HYPERLINK(1)", finish=False, right_answers=True)
    table = tmp_path / "class.csv"
    code, out, err = run(
        capsys, "progress", "--merge", *map(str, (anna, boris, vera, mallory)), "--out", str(table)
    )
    assert code == 0
    assert "no student name" in err and "'vera'" in err  # listed by its file's name
    assert "Class: 4 student(s), 1 lesson(s)" in out
    assert "pop3-article  2/4  Anna, vera" in out
    first_two = [q.id for q in load_lesson(find_lesson("pop3-article")).quiz[:2]]
    assert f"pop3-article/{first_two[0]}: 2 of 4 answering (Boris, vera)" in out
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert [r["student"] for r in rows if not r["question"]] == [
        "'=HYPERLINK(1)",  # a spreadsheet shows it as text, never runs it
        "Anna",
        "Boris",
        "vera",
    ]
    assert len(rows) == 4 * 3  # each: the lesson's row and two questions
    assert {r["correct"] for r in rows if r["student"] == "Anna" and r["question"]} == {"True"}
    # the merged table merges again (a teacher combining two groups)
    code, out, _ = run(capsys, "progress", "--merge", str(table))
    assert code == 0 and "Class: 4 student(s)" in out


def test_merge_says_what_is_wrong_with_a_file_and_writes_nothing(tmp_path, capsys):
    good = export(capsys, tmp_path / "anna", "Anna", finish=True, right_answers=True)
    not_csv = tmp_path / "notes.csv"
    not_csv.write_bytes(b"\xff\xfe binary")
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    out_file = tmp_path / "class.csv"
    empty = tmp_path / "empty.csv"  # a student who has not started: said, not an error
    code, out, _ = run(capsys, "progress", "--export", "csv", "--file", str(tmp_path / "none"))
    empty.write_text(out, encoding="utf-8")
    code, out, err = run(capsys, "progress", "--merge", str(good), str(empty))
    assert code == 0 and "empty.csv: no progress in it yet" in err and "1 student(s)" in out
    for bad, said in (
        (tmp_path / "nope.csv", "no such file"),
        (not_csv, "UTF-8"),
        (other, "no 'lesson' column"),
    ):
        code, _, err = run(
            capsys, "progress", "--merge", str(good), str(bad), "--out", str(out_file)
        )
        assert code == 1 and said in err and "Traceback" not in err
        assert not out_file.exists()
