"""`mailtutor lint`, `replay` and `progress` as a user runs them."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.lessons import LessonRunner, Progress

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): .+$")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_lint_clean_files_exit_0_saying_what_was_checked(capsys):
    files = [str(FIXTURES / "pop3-mini.yaml"), str(FIXTURES / "smtp-mini.yaml")]
    code, out, err = run(capsys, "lint", *files)
    # The lessons are clean; pop3-mini's translation beside it, checked with it, is partial.
    assert (code, err) == (0, "")
    *warnings, closing = out.splitlines()
    translation = str(FIXTURES / "pop3-mini.ru.yaml")
    assert warnings and all(
        LINE.match(line)["path"] == translation and LINE.match(line)["sev"] == "warning"
        for line in warnings
    )
    assert closing == "ok: 2 lessons, 11 steps replayed, 10 questions checked, 1 translation"
    code, out, err = run(capsys, "--lang", "ru", "lint", *files)
    assert (
        out.splitlines()[-1] == "ok: 2 урока, 11 шагов проиграно, 10 вопросов проверено, 1 перевод"
    )
    assert run(capsys, "lint", "--quiet", *files) == (0, "", "")


def test_lint_reports_all_problems_of_all_files_then_exits_1(capsys):
    files = [
        BROKEN / "schema-problems.yaml",
        BROKEN / "python-tag.yaml",
        BROKEN / "missing.yaml",
        FIXTURES / "smtp-mini.yaml",
    ]
    code, out, _ = run(capsys, "lint", *map(str, files))
    assert code == 1
    lines = out.splitlines()
    assert all(LINE.match(line) for line in lines), lines
    assert {LINE.match(line)["path"] for line in lines} == {str(f) for f in files[:3]}
    assert len(lines) == 12 + 2 + 1 + 1  # schema-problems: 2 steps not checked
    assert f"{BROKEN / 'missing.yaml'}:1:1: error: no such file" in lines
    assert (
        f"{BROKEN / 'schema-problems.yaml'}:5:1: error: lesson: unknown key 'wrld'; "
        "did you mean 'world'?" in lines
    )


def test_lint_warnings_alone_exit_0(tmp_path, capsys):
    folder = tmp_path / "course"
    folder.mkdir()
    shutil.copy(FIXTURES / "pop3-mini.yaml", folder)
    shutil.copy(FIXTURES / "pop3-mini.ru.yaml", folder)
    code, out, _ = run(capsys, "lint", str(folder))
    assert code == 0
    *lines, summary = out.splitlines()
    assert lines and all(LINE.match(line)["sev"] == "warning" for line in lines)
    assert summary == "ok: 1 lesson, 5 steps replayed, 8 questions checked, 1 translation"
    assert "pop3-mini.ru.yaml:1:1: warning: ru: step 'count' is not translated" in out
    code, out, _ = run(capsys, "lint", "--quiet", str(folder))
    assert (code, out) == (0, "")


def test_lint_course_file(tmp_path, capsys):
    shutil.copy(FIXTURES / "smtp-mini.yaml", tmp_path)
    shutil.copy(FIXTURES / "pop3-mini.yaml", tmp_path)
    (tmp_path / "course.yaml").write_text(
        "format: 1\nsections:\n  - title: {en: Sending, ru: Отправка}\n"
        "    lessons: [smtp-mini, smtp-maxi]\n"
    )
    code, out, _ = run(capsys, "lint", str(tmp_path / "course.yaml"))
    assert code == 1
    assert out.splitlines() == [
        f"{tmp_path / 'course.yaml'}:1:1: warning: lesson 'pop3-mini' is not in any section",
        # at the lesson id itself, not the section it is in
        f"{tmp_path / 'course.yaml'}:4:26: error: no lesson file smtp-maxi.yaml beside the "
        "course; did you mean 'smtp-mini'?",
    ]


def test_lint_odd_inputs_never_trace(tmp_path, capsys):
    empty = tmp_path / "empty-dir"
    empty.mkdir()
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(bytes(range(256)))
    code, out, err = run(capsys, "lint", str(empty), str(binary), "/dev/null")
    assert code == 1 and err == ""
    assert out.splitlines() == [
        f"{empty}:1:1: error: is a directory with no .yaml lesson files",
        f"{binary}:1:1: error: is a binary file, not YAML text",
        "/dev/null:1:1: error: is a device or socket, not a regular file "
        "(refused without reading it)",
    ]


def test_lint_overlay_problems(capsys):
    code, out, _ = run(capsys, "lint", str(BROKEN / "tiny.de.yaml"))
    assert code == 1
    shown = str(BROKEN / "tiny.de.yaml")
    assert out.splitlines() == [
        f"{shown}:7:5: error: step 'login': 2 hints translated, but the lesson has 1",
        f"{shown}:10:5: error: no step 'logout' in lesson 'tiny'",
        f"{shown}:13:5: error: question 'pick': 3 options translated, but the lesson has 2",
        f"{shown}:13:5: warning: de: question 'pick': ask not translated",
    ]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        (
            "bad-solution.yaml",
            "12:21: error: step 'count': the solution does not pass its own "
            "step: after 'stat', expected reply ok, got '-ERR",
        ),
        (
            "already-satisfied.yaml",
            "9:7: error: step 'waiting' is already satisfied before anything is typed",
        ),
        (
            "bad-quiz.yaml",
            "11:5: error: question 'wrong-example': the example 'dele 3' does not "
            "reach the goal: message(s) 2 not marked deleted",
        ),
    ],
)
def test_lint_replays_on_the_real_engine(capsys, name, words):
    code, out, _ = run(capsys, "lint", str(BROKEN / name))
    assert code == 1
    assert words in out and len(out.splitlines()) == 1


def test_replay_plain_with_no_color(capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, err = run(capsys, "replay", str(FIXTURES / "pop3-mini.yaml"))
    assert (code, err) == (0, "")
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0] == "Mini POP3 (pop3-mini)"
    assert "S: +OK POP3 server ready <1896.697170952@mail.server.ru>" in lines
    start = lines.index("Step 3/5: count")
    assert lines[start : start + 4] == [
        "Step 3/5: count",
        "   Count the letters.",
        "C: stat",
        "S: +OK 3 93845",
    ]
    assert "   -> Now the password." in lines
    assert "   Note: The password travels in clear text." in lines
    assert lines[-1] == "Well done."


def test_replay_colours_on_a_terminal(capsys, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = run(capsys, "replay", str(FIXTURES / "smtp-mini.yaml"))
    assert code == 0
    assert "\x1b[32mS: 250 2.1.0 Ok\x1b[0m" in out
    assert "\x1b[34mS: 354 " in out  # "go on": blue, apart from 4xx's bold yellow
    assert "C: Hello.\n" in out  # the client's lines stay plain


def test_replay_shortens_long_bodies_unless_full(tmp_path, capsys):
    lesson = tmp_path / "retr.yaml"
    lesson.write_text(
        "format: 1\nid: retr\ntitle: R\nprotocol: pop3\nsteps:\n"
        "  - {id: in, say: In., expect: {reply: ok, state: {authenticated: true}}, "
        "solution: [user ne_skagu, pass secret]}\n"
        "  - {id: read, say: Read., expect: {command: '^retr', reply: ok}, solution: [retr 2]}\n"
    )
    code, out, _ = run(capsys, "replay", "--color", "never", str(lesson))
    assert code == 0
    assert re.search(r"^S: \[\.\.\. \d+ more lines\]$", out, re.M)
    assert out.splitlines()[-1] == "S: ."
    code, full, _ = run(capsys, "replay", "--full", str(lesson))
    assert "more lines]" not in full and len(full.splitlines()) > len(out.splitlines())


def test_replay_in_russian(capsys):
    code, out, _ = run(capsys, "replay", "--lang", "ru", str(FIXTURES / "pop3-mini.yaml"))
    assert code == 0
    assert out.splitlines()[0] == "Мини POP3 (pop3-mini)"
    assert "Шаг 1/5: login-user" in out and "   Назовите ящик." in out
    code, out, err = run(capsys, "--lang", "ru", "replay", str(FIXTURES / "smtp-mini.yaml"))
    assert code == 0 and "no 'ru' translation of smtp-mini; showing English" in err


def test_replay_bad_input_is_a_message(capsys):
    code, out, err = run(capsys, "replay", "no-such-lesson")
    assert code == 1 and "no lesson 'no-such-lesson'" in err and "Traceback" not in err
    code, out, err = run(capsys, "replay", str(BROKEN / "schema-problems.yaml"))
    assert code == 1 and "unknown key 'wrld'" in err and "see `mailtutor lint`" in err
    code, out, err = run(capsys, "replay", str(BROKEN / "bad-solution.yaml"))
    assert code == 1 and "step 'count': its solution does not pass it" in err


def test_progress_command(capsys, pop3_mini, tmp_path, monkeypatch):
    monkeypatch.setenv("MAILTUTOR_DATA_DIR", str(tmp_path))
    code, out, _ = run(capsys, "progress")
    assert code == 0 and out.startswith("No progress yet")
    runner = LessonRunner(pop3_mini)
    runner.start()
    list(runner.replay_solutions())
    Progress().record(runner)
    code, out, _ = run(capsys, "progress")
    assert code == 0
    # the quiz was never taken: said so, not "0/0"
    assert re.search(r"^pop3-mini\s+yes\s+5/14\s+5/5\s+not taken\s+0\s", out, re.M)
    code, out, _ = run(capsys, "progress", "--export", "csv")
    assert out.splitlines()[0].startswith("student,lesson,question,done")  # student: the name
    assert out.splitlines()[1].startswith(",pop3-mini,,True")  # no name set
    code, out, err = run(capsys, "progress", "--reset", "nope")
    assert code == 1 and "no progress recorded for 'nope'" in err
    code, out, _ = run(capsys, "progress", "--reset", "pop3-mini")
    assert code == 0 and Progress().lessons() == {}
    Progress().record(runner)
    code, out, _ = run(capsys, "progress", "--reset-all")
    assert (code, out) == (0, "progress of 1 lesson(s) forgotten\n")


def test_progress_shows_the_best_run_like_the_course_list(capsys, pop3_mini, tmp_path, monkeypatch):
    """A done lesson opened again and left at step 2 still shows its best score and all
    steps; the quiz column is points of the best attempt, not questions ever answered right."""
    monkeypatch.setenv("MAILTUTOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    runner = LessonRunner(pop3_mini)
    runner.start()
    list(runner.replay_solutions())
    runner.grade("pick-one", "LIST")  # wrong first: 0 points
    runner.grade("pick-one", "STAT")  # right on the retry: still 0
    runner.grade("pick-many", ["STAT", "DELE"])  # 2 points
    Progress().record(runner)
    again = LessonRunner(pop3_mini)  # the lesson opened again: a new run
    again.start()
    again.submit("user ne_skagu")
    Progress().record(again)
    code, out, _ = run(capsys, "progress")
    assert code == 0
    assert re.search(r"^pop3-mini\s+yes\s+7/14\s+5/5\s+2/9\s", out, re.M), out
    code, out, _ = run(capsys, "--lang", "ru", "progress")
    assert code == 0
    assert out.startswith("урок") and "лучший балл" in out
    assert re.search(r"^pop3-mini\s+да\s+7/14\s+5/5\s+2/9\s", out, re.M), out
    code, out, _ = run(capsys, "--lang", "ru", "progress", "--reset", "pop3-mini")
    assert (code, out) == (0, "прогресс урока «pop3-mini» забыт\n")


def test_progress_command_with_a_damaged_file(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MAILTUTOR_DATA_DIR", str(tmp_path))
    (tmp_path / "progress.json").write_text("\x00garbage")
    code, out, err = run(capsys, "progress")
    assert code == 0 and "moved it to progress.json.corrupt-" in err


def test_replay_prints_a_body_as_the_wire_carries_it():
    """`replay` shows multi-line data dot-stuffed, as a real client receives it."""
    import io

    from tutor.lessons.printer import DialoguePrinter
    from tutor.protocol.replies import ok

    out = io.StringIO()
    DialoguePrinter(out).reply(ok("2 lines", body=b".single\r\n..double\r\nplain\r\n"))
    assert out.getvalue().splitlines() == [
        "S: +OK 2 lines",
        "S: ..single",
        "S: ...double",
        "S: plain",
        "S: .",
    ]
