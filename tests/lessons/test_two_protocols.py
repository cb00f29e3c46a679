"""Lessons that talk SMTP, then POP3, on one world: switching, resets, lint, replay, quiz."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.cli import main
from tutor.lessons import Connection, LessonRunner, OutcomeKind, Protocol, load_lesson
from tutor.lessons.lint import lint_file
from tutor.lessons.schema import json_schema
from tutor.protocol.session import Pop3View, SmtpView

FIXTURES = Path(__file__).parent / "fixtures"
POP3_GREETING = "+OK POP3 server ready <1896.697170952@mail.server.ru>"
SMTP_PART = [
    "helo me.example.org",
    "mail from:<ne_skagu@server.ru>",
    "rcpt to:<poluchatel@server.ru>",
    "data",
    "Subject: hi",
    "",
    "Hello.",
    ".",
]


@pytest.fixture(scope="module")
def lesson():
    return load_lesson(FIXTURES / "two-protocols.yaml")


@pytest.fixture
def runner(lesson):
    runner = LessonRunner(lesson)
    runner.start()
    return runner


def statuses(exchanges):
    return [[r.status for r in replies] for _, replies in exchanges]


def test_the_model_resolves_each_steps_protocol(lesson):
    assert lesson.protocol is Protocol.SMTP
    assert [lesson.protocol_of(step).value for step in lesson.steps] == ["smtp"] * 4 + ["pop3"] * 3
    assert lesson.protocols == (Protocol.SMTP, Protocol.POP3)
    assert [lesson.protocol_of_question(q).value for q in lesson.quiz] == ["pop3", "smtp", "pop3"]


def test_quitting_smtp_connects_pop3_with_its_greeting(runner):
    [(index, first)] = runner.connections
    assert index == 0 and first.protocol is Protocol.SMTP and first.dropped is None
    assert runner.protocol is Protocol.SMTP
    assert isinstance(runner.session.view(), SmtpView)
    for line in SMTP_PART:
        assert runner.submit(line).connected == ()
    outcome = runner.submit("quit")
    assert (outcome.kind, outcome.message, outcome.step_index) == (OutcomeKind.PASSED, "Closed.", 3)
    assert [r.status for r in outcome.replies] == ["221"]  # the old session's goodbye
    [connection] = outcome.connected
    assert connection.protocol is Protocol.POP3 and connection.dropped is None
    assert [r.status_lines()[0] for r in connection.greeting] == [POP3_GREETING]
    assert runner.protocol is Protocol.POP3 and runner.current_step.id == "login"
    view = runner.session.view()
    assert isinstance(view, Pop3View) and not view.authenticated
    # the transcript keeps both sessions; `connections` says where the second one starts
    [_, (index, second)] = runner.connections
    assert second is connection
    assert runner.transcript[index] == (None, connection.greeting)
    assert runner.transcript[index - 1][0] == "quit"


def test_the_letter_sent_over_smtp_is_fetched_over_pop3(runner):
    for line in [*SMTP_PART, "quit"]:
        runner.submit(line)
    mistake = runner.submit("helo again")
    assert (mistake.kind, mistake.message) == (OutcomeKind.MISTAKE, "This is POP3 now.")
    assert mistake.replies[0].status == "-ERR"  # the POP3 engine answered, not SMTP
    assert runner.submit("user poluchatel").kind is OutcomeKind.NONE
    assert runner.submit("pass secret").kind is OutcomeKind.PASSED
    outcome = runner.submit("retr 1")
    assert outcome.kind is OutcomeKind.PASSED
    body = outcome.replies[0].body_lines()
    assert body[0] == "Return-Path: <ne_skagu@server.ru>"
    assert body[1].startswith("Received: from me.example.org")
    assert body[-3:] == ["Subject: hi", "", "Hello."]
    assert runner.submit("quit").kind is OutcomeKind.FINISHED
    assert runner.score == 7


@pytest.mark.parametrize("index", [4, 5, 7])
def test_resuming_after_the_switch_replays_both_protocols(lesson, index):
    runner = LessonRunner(lesson)
    runner.start()
    transcript = runner.go_to_step(index)
    assert runner.step_index == index and runner.protocol is Protocol.POP3
    assert [c.protocol for _, c in runner.connections] == [Protocol.SMTP, Protocol.POP3]
    assert len(runner.store.messages("poluchatel")) == 1
    greetings = [replies for line, replies in transcript if line is None]
    assert [g[0].status for g in greetings] == ["220", "+OK"]
    assert runner.score == index  # the replayed steps keep their points


def test_reset_step_and_lesson_across_the_switch(runner):
    runner.go_to_step(5)
    runner.submit("dele 1")  # not what the step asks; the world changes nothing yet
    assert runner.session.view().marked_deleted == (1,)
    transcript = runner.reset_step()
    assert runner.step_index == 5 and runner.session.view().marked_deleted == ()
    assert statuses(transcript)[-3:] == [["+OK"], ["+OK"], ["+OK"]]  # greeting, USER, PASS
    assert runner.submit("retr 1").kind is OutcomeKind.PASSED
    greeting = runner.reset_lesson()
    assert [r.status for r in greeting] == ["220"]
    assert runner.protocol is Protocol.SMTP and runner.step_index == 0
    assert len(runner.connections) == 1 and runner.store.messages("poluchatel") == []


def test_replay_solutions_reports_the_connection(runner):
    played = [(step.id, outcome) for step, outcome in runner.replay_solutions()]
    connected = [(step_id, o.connected) for step_id, o in played if o.connected]
    assert [(step_id, c[0].protocol) for step_id, c in connected] == [("bye", Protocol.POP3)]
    assert runner.finished


def test_a_switch_drops_a_session_left_open(tmp_path, capsys):
    path = tmp_path / "left-open.yaml"
    path.write_text(
        "format: 1\nid: left-open\ntitle: Left open\nprotocol: smtp\nworld: empty\nsteps:\n"
        "  - {id: envelope, say: Start., expect: {reply: '250', state: {session: mail}},"
        " solution: [helo me, 'mail from:<ne_skagu@server.ru>']}\n"
        "  - {id: login, protocol: pop3, say: Log in., expect: {reply: ok},"
        " solution: [user poluchatel]}\n",
        encoding="utf-8",
    )
    [warning] = lint_file(path)
    assert (warning.line, warning.severity.value) == (8, "warning")
    assert "switches to POP3 while the SMTP session is still open" in warning.message
    runner = LessonRunner(load_lesson(path))
    runner.start()
    runner.submit("helo me")
    outcome = runner.submit("mail from:<ne_skagu@server.ru>")
    assert outcome.connected == (
        Connection(Protocol.POP3, outcome.connected[0].greeting, dropped=Protocol.SMTP),
    )
    assert runner.submit("user poluchatel").kind is OutcomeKind.FINISHED
    assert main(["replay", str(path), "--color", "never"]) == 0
    lines = capsys.readouterr().out.splitlines()
    dropped = lines.index(
        "--- the SMTP session was still open: dropped, nothing sent or deleted ---"
    )
    assert lines[dropped + 1 : dropped + 3] == ["--- connected to POP3 ---", f"S: {POP3_GREETING}"]


def test_lint_finds_protocol_mistakes_where_they_are():
    found = [
        (d.line, d.col, d.severity.value, d.message)
        for d in lint_file(FIXTURES / "broken" / "two-protocols-bad.yaml")
    ]
    skipped = "on the engine not checked: its definition has errors; its solution is"
    assert found == [
        (
            11,
            5,
            "warning",
            f"step 'fetch' {skipped} not typed, so the steps after it are replayed without it",
        ),
        (12, 15, "error", "step 'fetch': protocol 'imap' is not one of pop3, smtp"),
        (
            16,
            5,
            "warning",
            "step 'login' switches to POP3 while the SMTP session is still open; it is dropped "
            "(nothing in it is delivered or deleted). End it with QUIT in the step before",
        ),
        (
            16,
            5,
            "warning",
            f"step 'login' {skipped} typed anyway, so the steps after it start where you meant",
        ),
        (
            19,
            44,
            "error",
            "step 'login': expect: state: 'rcpt_to' is an SMTP condition "
            "and cannot apply to a POP3 session",
        ),
        (
            21,
            5,
            "warning",
            f"step 'later' {skipped} typed anyway, so the steps after it start where you meant",
        ),
        (
            23,
            21,
            "error",
            "step 'later': expect: reply: '250' is an SMTP code; POP3 replies are +OK or -ERR",
        ),
        (
            23,
            45,
            "error",
            "step 'later': expect: state: session 'rcpt' is not a POP3 state "
            "(AUTHORIZATION, TRANSACTION, UPDATE)",
        ),
        (34, 5, "warning", "question 'wrong-kind': 'protocol' is not used by text questions"),
    ]


def test_the_first_step_talks_the_lessons_protocol(tmp_path):
    path = tmp_path / "first.yaml"
    path.write_text(
        "format: 1\nid: first\ntitle: First\nprotocol: smtp\nsteps:\n"
        "  - {id: login, protocol: pop3, say: Log in., expect: {reply: ok},"
        " solution: [user ne_skagu]}\n",
        encoding="utf-8",
    )
    [error] = [d for d in lint_file(path) if d.is_error]
    assert (error.line, error.severity.value) == (6, "error")
    assert "the first step talks the lesson's protocol (smtp)" in error.message


def test_quiz_questions_run_on_their_own_protocol(lesson):
    runner = LessonRunner(lesson)
    assert runner.grade("empty-stat", "+OK 0 0").correct
    assert not runner.grade("data-code", "250").correct
    assert runner.grade("data-code", "354").correct
    assert runner.grade("log-in", "pass secret").correct
    assert not runner.grade("log-in", "pass wrong").correct
    assert lint_file(FIXTURES / "two-protocols.yaml") == []


def test_the_schema_knows_protocol_on_steps_and_questions():
    defs = json_schema()["$defs"]
    assert defs["step"]["properties"]["protocol"]["enum"] == ["pop3", "smtp"]
    assert defs["question"]["properties"]["protocol"]["enum"] == ["pop3", "smtp"]


def test_replay_marks_each_connection(capsys):
    code = main(["replay", str(FIXTURES / "two-protocols.yaml"), "--color", "never"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    first = lines.index("--- connected to SMTP ---")
    second = lines.index("--- connected to POP3 ---")
    assert lines[first + 1] == "S: 220 mail.server.ru ESMTP mailtutor"
    assert lines[second - 3 : second + 2] == [
        "S: 221 2.0.0 Bye",
        "   -> Closed.",
        "",
        "--- connected to POP3 ---",
        f"S: {POP3_GREETING}",
    ]


def test_replay_round_trip_in_russian(capsys):
    assert main(["replay", "round-trip", "--lang", "ru", "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "--- соединение по POP3 ---" in out
    retr = out.splitlines().index("C: retr 1")
    assert out.splitlines()[retr + 2 : retr + 4] == [
        "S: Return-Path: <ne_skagu@server.ru>",
        "S: Received: from home.example.ru (localhost [127.0.0.1])",
    ]
