"""Files from strangers: lessons, worlds, letters and progress that try to escape, hang or crash.

Each case is one of the reliability review's reproductions (2026-12-01, findings 12-14), run the
way a user meets it: `lint`, `replay`, `progress` on the command line. A guard alarm turns a hang
(a FIFO opened without O_NONBLOCK, a regex that backtracks forever) into a failure, not a stuck
suite.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.lessons import LessonError, load_lesson
from tutor.lessons.lint import lint_file
from tutor.lessons.progress import Progress
from tutor.mail.worlds import LetterBudget, WorldError, build_world, message_bytes

OSC52 = "\x1b]52;c;aGk=\x07"  # sets the clipboard to "hi" in terminals that allow it
OSC52_YAML = "\\e]52;c;aGk=\\a"  # the same, as YAML double-quoted escapes


@contextmanager
def deadline(seconds: int):
    """Fail instead of hanging: SIGALRM interrupts a blocked open() or a runaway match."""

    def expired(signum, frame):
        raise TimeoutError(f"did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def lesson_text(
    *,
    title: str = "Escapes",
    world: str = "article",
    expect: str = "{command: '(?i)^user', reply: ok}",
    solution: str = "[user ne_skagu]",
    extra: str = "",
) -> str:
    return (
        f'format: 1\nid: evil\ntitle: "{title}"\nprotocol: pop3\nworld: {world}\n'
        f"steps:\n  - id: s\n    say: Go.\n    expect: {expect}\n    solution: {solution}\n"
        f"{extra}"
    )


def write(tmp_path: Path, text: str, name: str = "evil.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def no_controls(text: str) -> bool:
    return "\x1b" not in text and "\x07" not in text and "\x9b" not in text


# -- control characters ------------------------------------------------------------------------


def test_osc52_in_texts_never_reaches_replays_output(tmp_path, capsys):
    extra = (
        f'    after: "done {OSC52_YAML}"\n'
        f'intro: "Intro \\e[2J\\u009b31m\\nsecond line"\n'
        f'finish: "bye \\x07"\n'
    )
    path = write(tmp_path, lesson_text(title=f"Evil {OSC52_YAML} title", extra=extra))
    code, out, err = run(capsys, "replay", "--color", "always", str(path))
    assert code == 0 and err == ""
    assert "\x07" not in out and "\x9b" not in out and "]52;c;aGk=" in out
    # the only ESCs left are replay's own colours (SGR: ESC [ digits m)
    assert no_controls(re.sub(r"\x1b\[[0-9;]*m", "", out))
    assert "Intro" in out and "second line" in out  # newlines in texts are kept


def test_lint_warns_where_control_characters_were_removed(tmp_path):
    path = write(tmp_path, lesson_text(title=f"Evil {OSC52_YAML}"))
    [problem] = lint_file(path)
    assert (problem.line, problem.col, problem.severity) == (3, 8, "warning")
    assert "U+001B (ESC) removed" in problem.message
    assert load_lesson(path).title == "Evil ]52;c;aGk="


def test_lint_echoes_file_names_keys_and_ids_without_controls(tmp_path, capsys):
    text = lesson_text() + f'"key{OSC52_YAML}": 1\n'
    text = text.replace("id: evil", f'id: "evil{OSC52_YAML}"')
    path = write(tmp_path, text, name=f"evil{OSC52}.yaml")
    code, out, err = run(capsys, "lint", str(tmp_path))
    assert code == 1 and err == ""
    assert no_controls(out)
    assert "unknown key 'key]52;c;aGk='" in out and "evil]52;c;aGk=" in out
    assert all(line.startswith(str(tmp_path)) for line in out.splitlines())
    assert path.exists()


def test_lint_does_not_dump_a_file_that_is_one_long_text(tmp_path, capsys):
    path = write(tmp_path, '"' + "x" * 200_000 + '"\n')
    code, out, _ = run(capsys, "lint", str(path))
    assert code == 1 and "lesson must be a mapping" in out
    assert len(out) < 500


def test_replay_shows_a_letters_escape_as_caret(tmp_path, capsys):
    (tmp_path / "letter.eml").write_bytes(b"Subject: hi\r\n\r\nbell\x07 esc\x1b[2J end\r\n")
    world = "{users: [{name: u, password: p, messages: [{file: letter.eml}]}]}"
    solution = "[user u, pass p, retr 1]"
    expect = "{command: '(?i)^retr', reply: ok}"
    path = write(tmp_path, lesson_text(world=world, expect=expect, solution=solution))
    code, out, _ = run(capsys, "replay", "--full", "--color", "never", str(path))
    assert code == 0 and "S: bell^G esc^[[2J end" in out
    assert no_controls(out)


# -- files that are not files ------------------------------------------------------------------


def test_fifo_device_and_directory_are_refused_at_once(tmp_path, capsys):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    folder = tmp_path / "folder"
    (folder / "dir.yaml").mkdir(parents=True)
    with deadline(10):
        code, out, _ = run(capsys, "lint", str(fifo), str(zero), str(folder))
        with pytest.raises(LessonError, match="is a FIFO"):
            load_lesson(fifo)
        code_replay, _, err = run(capsys, "replay", str(fifo))
    assert code == 1 and code_replay == 1 and "is a FIFO" in err
    assert out.splitlines() == [
        f"{fifo}:1:1: error: is a FIFO, not a regular file (refused without reading it)",
        f"{zero}:1:1: error: is a device or socket, not a regular file "
        "(refused without reading it)",
        f"{folder / 'dir.yaml'}:1:1: error: is a directory with no .yaml lesson files",
    ]


# -- regular expressions ---------------------------------------------------------------------


def test_catastrophic_patterns_are_refused_not_run(tmp_path):
    expect = "{command: '(?i)^user (a+)+$'}"
    mistakes = "    mistakes: [{match: '^(\\w+\\s?)*$', say: No.}]\n"
    path = write(
        tmp_path, lesson_text(expect=expect, solution="[user " + "a" * 34 + "!]", extra=mistakes)
    )
    started = time.monotonic()
    with deadline(20):
        problems = [p for p in lint_file(path) if p.is_error]
    assert time.monotonic() - started < 10
    assert [(p.line, p.col, p.severity) for p in problems] == [(9, 23, "error"), (11, 24, "error")]
    assert all("can take forever to match" in p.message for p in problems)


def test_text_answer_patterns_are_checked_too(tmp_path):
    quiz = "quiz:\n  - id: q\n    type: text\n    ask: Which?\n    accept: [STAT, '/^(s+t*)+$/']\n"
    [problem] = lint_file(write(tmp_path, lesson_text(extra=quiz)))
    assert problem.line == 15 and "accept: a repeated group" in problem.message


def test_ordinary_patterns_still_pass(tmp_path):
    expect = r"{command: '(?i)^user\s+(\w+)$', reply: ok}"
    assert lint_file(write(tmp_path, lesson_text(expect=expect))) == []


# -- worlds --------------------------------------------------------------------------------------


def world_of(*messages: str, extra: str = "") -> dict:
    import yaml

    return yaml.safe_load(f"{{{extra}users: [{{name: u, messages: [{', '.join(messages)}]}}]}}")


def test_generate_is_capped_by_the_worlds_message_size():
    with pytest.raises(WorldError, match="over the world's max_message_size"):
        build_world(world_of("{generate: 300000000}"))
    with pytest.raises(WorldError, match=r"over the world's max_message_size \(1000 octets\)"):
        build_world(world_of("{generate: 1001}", extra="max_message_size: 1000, "))


def test_a_world_has_a_letter_count_and_total_size_budget(tmp_path):
    budget = LetterBudget(letters=3, octets=1500)
    message_bytes({"generate": 700}, "m1", tmp_path, budget=budget)
    with pytest.raises(WorldError, match="letters would pass"):
        message_bytes({"generate": 900}, "m2", tmp_path, budget=budget)
    message_bytes("short", "m2", tmp_path, budget=budget)
    message_bytes("short", "m3", tmp_path, budget=budget)
    with pytest.raises(WorldError, match="at most 1000 letters"):
        message_bytes("short", "m4", tmp_path, budget=budget)


def test_too_many_letters_in_a_lesson_world_is_a_lint_error(tmp_path):
    letters = ", ".join(["x"] * 1001)
    world = f"{{users: [{{name: u, messages: [{letters}]}}]}}"
    [problem] = [p for p in lint_file(write(tmp_path, lesson_text(world=world))) if p.is_error]
    assert (
        problem.line == 5 and "message #1001: a world holds at most 1000 letters" in problem.message
    )


def test_letter_files_come_only_from_the_lessons_folder(tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "ok.eml").write_bytes(b"Subject: ok\n\nfine\n")
    (tmp_path / "secret.eml").write_bytes(b"Subject: secret\n\n")
    (lessons / "link.eml").symlink_to(tmp_path / "secret.eml")
    (lessons / "zero.eml").symlink_to("/dev/zero")
    os.mkfifo(lessons / "fifo.eml")
    (lessons / "big.eml").write_bytes(b"x" * 2000)
    store = build_world(world_of("{file: ok.eml}"), base_dir=lessons)
    assert store.messages("u")[0].size == len(b"Subject: ok\r\n\r\nfine\r\n")
    cases = {
        "/etc/passwd": "is outside",
        "../secret.eml": "is outside",
        "link.eml": "is outside",
        "zero.eml": "is outside",  # a link to /dev/zero
        "fifo.eml": "is a FIFO",
        "big.eml": "larger than the world allows (1000 octets",
        "missing.eml": "cannot read 'missing.eml'",
    }
    with deadline(10):
        for name, words in cases.items():
            with pytest.raises(WorldError, match=words.replace("(", r"\(")):
                build_world(
                    world_of(f"{{file: '{name}'}}", extra="max_message_size: 1000, "),
                    base_dir=lessons,
                )


def test_world_files_use_the_bounded_loader(tmp_path):
    (tmp_path / "alias.yaml").write_text("users: &u [{name: u}]\nother: *u\n", encoding="utf-8")
    with pytest.raises(WorldError, match=r"alias.yaml:2:8: world file refused: alias \*u"):
        build_world(str(tmp_path / "alias.yaml"))
    (tmp_path / "deep.json").write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(WorldError, match="nested deeper than"):
        build_world(str(tmp_path / "deep.json"))
    os.mkfifo(tmp_path / "fifo.yaml")
    with deadline(10), pytest.raises(WorldError, match="is a FIFO"):
        build_world(str(tmp_path / "fifo.yaml"))
    (tmp_path / "escape.json").write_text(
        json.dumps({"domain": "server.ru", "users": [{"name": "u\u001b]0;x\u0007"}]}),
        encoding="utf-8",
    )
    store = build_world(str(tmp_path / "escape.json"))
    assert [u.name for u in store.users] == ["u]0;x"]


# -- progress.json -------------------------------------------------------------------------------


DAMAGED = {
    "question not a mapping": '{"format":1,"lessons":{"x":{"questions":"q"}}}',
    "updated is a number": '{"updated":5}',
    "updated is a number, in a lesson": '{"format":1,"lessons":{"x":{"updated":5}}}',
    "deep nesting": "[" * 100_000,
    "strings for numbers": '{"pop3-article":{"updated":"2026","last_step":"2"}}',
    "strings for numbers, in a lesson": (
        '{"format":1,"lessons":{"pop3-article":{"updated":"2026","last_step":"2"}}}'
    ),
    "negative step": '{"format":1,"lessons":{"x":{"last_step":-3}}}',
    "true as a number": '{"format":1,"lessons":{"x":{"score":true}}}',
    "lesson is a list": '{"format":1,"lessons":{"x":[]}}',
    "lessons is a list": '{"format":1,"lessons":[]}',
    "question points text": '{"format":1,"lessons":{"x":{"questions":{"q":{"points":"1"}}}}}',
}


@pytest.mark.parametrize("text", DAMAGED.values(), ids=DAMAGED.keys())
def test_damaged_progress_is_moved_aside_and_progress_still_runs(tmp_path, capsys, text):
    path = tmp_path / "progress.json"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "progress", "--file", str(path))
    assert code == 0 and "No progress yet" in out
    assert "is damaged" in err and "moved it to progress.json.corrupt-" in err
    [aside] = [p for p in tmp_path.iterdir() if p.name.startswith("progress.json.corrupt-")]
    assert aside.read_text(encoding="utf-8") == text
    assert Progress(path).messages == []  # the next start is quiet


def test_progress_that_is_not_a_file_is_moved_aside_at_once(tmp_path):
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB without writing them
    with deadline(10):
        for path, why in ((zero, "is a device"), (fifo, "is a FIFO"), (big, "larger than 4 MiB")):
            progress = Progress(path)
            assert progress.lessons() == {} and not progress.read_only
            [message] = progress.messages
            assert why in message and "moved it to" in message
            assert not os.path.lexists(path)
    assert Path("/dev/zero").exists()


def test_a_progress_folder_is_left_alone(tmp_path):
    folder = tmp_path / "progress.json"
    folder.mkdir()
    progress = Progress(folder)
    assert progress.read_only and "is a directory" in progress.messages[0]
    assert folder.is_dir()


def test_progress_texts_are_cleaned_and_good_files_kept(tmp_path, capsys):
    path = tmp_path / "progress.json"
    entry = {"done": True, "score": 3, "max_score": 4, "updated": f"2026{OSC52}", "extra": [1]}
    path.write_text(
        json.dumps({"format": 1, "lessons": {f"les{OSC52}son": entry}}), encoding="utf-8"
    )
    code, out, err = run(capsys, "progress", "--file", str(path))
    assert code == 0 and err == "" and no_controls(out)
    assert "les]52;c;aGk=son" in out and "3/4" in out
    code, out, _ = run(capsys, "progress", "--file", str(path), "--export", "csv")
    assert code == 0 and no_controls(out)


def test_a_pasted_megabyte_is_not_scanned_by_a_lessons_patterns(tmp_path):
    """`.*pass` scans quadratically: 40 kB took 11 s; typed lines over 1024 are not matched."""
    from tutor.lessons import LessonRunner

    mistakes = "    mistakes: [{match: '.*pass', say: First USER.}]\n"
    path = write(tmp_path, lesson_text(expect="{command: '.*user', reply: ok}", extra=mistakes))
    runner = LessonRunner(load_lesson(path))
    runner.start()
    with deadline(20):
        started = time.monotonic()
        outcome = runner.submit("pass" + "x" * 1_000_000)
    assert time.monotonic() - started < 5
    assert outcome.replies[-1].text == "line too long" and runner.step_index == 0
    assert runner.submit("pass secret").message == "First USER."  # short lines still match


def test_learn_refuses_a_lesson_whose_mistake_pattern_would_hang_the_tui(tmp_path, capsys):
    mistakes = "    mistakes: [{match: '^(\\w+\\s?)*$', say: No.}]\n"
    path = write(tmp_path, lesson_text(extra=mistakes))
    code, _, err = run(capsys, "learn", str(path))
    assert code == 2 and f"{path}:11:24: error:" in err and "can take forever" in err
