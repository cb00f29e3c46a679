"""The recorder turns a sandbox transcript into a lesson that lints clean and replays."""

from __future__ import annotations

import pytest
import yaml

from tutor.lessons import LessonRunner, OutcomeKind, load_lesson, record_lesson
from tutor.lessons.lint import lint_file
from tutor.mail.worlds import build_world
from tutor.protocol.pop3 import Pop3Session
from tutor.protocol.smtp import SmtpSession


def sandbox(session, lines):
    transcript = [(None, [session.greeting()])]
    for line in lines:
        transcript.append((line, session.handle(line) if not session.closed else []))
    return transcript


def save(tmp_path, text, lesson_id):
    path = tmp_path / f"{lesson_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_pop3_session_becomes_a_clean_lesson(tmp_path):
    lines = [
        "user ne_skagu",
        "pass secret",
        "STAT",
        "list  2",
        "retr 1",
        "dele 9",
        "dele 1",
        "quit",
        "stat",
    ]
    transcript = sandbox(Pop3Session(build_world("article")), lines)
    text = record_lesson(
        transcript, protocol="pop3", world="article", lesson_id="my-pop3", title="My POP3 session"
    )
    assert "TODO" not in text
    path = save(tmp_path, text, "my-pop3")
    assert lint_file(path) == []
    lesson = load_lesson(path)
    assert [s.id for s in lesson.steps] == [
        "user",
        "pass",
        "stat",
        "list",
        "retr",
        "dele",
        "dele-2",
        "quit",
    ]  # nothing after QUIT
    assert lesson.steps[5].expect.reply == "error"
    assert lesson.steps[2].say == "Type: `STAT`"
    runner = LessonRunner(lesson)
    runner.start()
    outcomes = [runner.submit(line).kind for line in lines[:8]]
    assert outcomes[-1] is OutcomeKind.FINISHED and runner.finished


def test_smtp_data_lines_form_one_step(tmp_path):
    lines = [
        "ehlo me",
        "mail from:<ne_skagu@server.ru>",
        "rcpt to:<poluchatel@server.ru>",
        "rcpt to:<nobody@server.ru>",
        "data",
        "Subject: hi",
        "",
        "..leading dot",
        ".",
        "quit",
    ]
    transcript = sandbox(SmtpSession(build_world("empty")), lines)
    text = record_lesson(transcript, protocol="smtp", world="empty", lesson_id="My SMTP!", title="")
    data = yaml.safe_load(text)
    assert data["id"] == "my-smtp" and data["title"] == "Recorded SMTP session"
    letter = [s for s in data["steps"] if s["id"] == "message-text"]
    assert letter == [
        {
            "id": "message-text",
            "say": "Type the message text line by line, then end it with a line holding only `.`.",
            "expect": {"reply": "250"},
            "solution": ["Subject: hi", "", "..leading dot", "."],
        }
    ]
    assert [s["expect"].get("reply") for s in data["steps"]] == [
        "250",
        "250",
        "250",
        "550",
        "354",
        "250",
        "221",
    ]
    path = save(tmp_path, text, "my-smtp")
    assert lint_file(path) == []
    runner = LessonRunner(load_lesson(path))
    runner.start()
    assert [outcome.line for _, outcome in runner.replay_solutions()] == lines
    assert runner.finished


def test_patterns_accept_other_case_and_spacing(tmp_path):
    transcript = sandbox(Pop3Session(build_world("article")), ["user ne_skagu"])
    path = save(
        tmp_path,
        record_lesson(transcript, protocol="pop3", world="article", lesson_id="one", title="One"),
        "one",
    )
    runner = LessonRunner(load_lesson(path))
    runner.start()
    assert runner.submit("user ne_skagux").kind is OutcomeKind.NONE
    assert runner.submit("  USER   ne_skagu ").kind is OutcomeKind.FINISHED


def test_world_file_path_is_kept_absolute(tmp_path):
    world = tmp_path / "world.yaml"
    world.write_text("base: empty\n")
    transcript = sandbox(Pop3Session(build_world(str(world))), ["user ne_skagu"])
    text = record_lesson(transcript, protocol="pop3", world=str(world), lesson_id="w", title="W")
    elsewhere = tmp_path / "lessons"
    elsewhere.mkdir()
    assert lint_file(save(elsewhere, text, "w")) == []


def test_nothing_to_record():
    with pytest.raises(ValueError, match="nothing to record"):
        record_lesson([(None, [])], protocol="pop3", world="article", lesson_id="x", title="X")
