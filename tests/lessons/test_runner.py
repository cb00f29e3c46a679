"""The lesson runner, driven the way the TUI drives it: line by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.lessons import LessonRunner, OutcomeKind, ReplayError, load_lesson

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def runner(pop3_mini):
    runner = LessonRunner(pop3_mini)
    runner.start()
    return runner


def test_start_greets_with_the_fixed_lesson_timestamp(pop3_mini):
    runner = LessonRunner(pop3_mini)
    [greeting] = runner.start()
    assert greeting.status_lines() == ["+OK POP3 server ready <1896.697170952@mail.server.ru>"]
    assert runner.step_index == 0 and runner.step_count == 5 and not runner.finished
    assert runner.current_step.id == "login-user"


def test_mistakes_none_and_pass(runner):
    outcome = runner.submit("pass secret")
    assert outcome.kind is OutcomeKind.MISTAKE
    assert outcome.message == "First USER, then PASS."
    assert outcome.replies[0].status == "-ERR" and outcome.step_index == 0
    outcome = runner.submit("frobnicate")
    assert (outcome.kind, outcome.message) == (OutcomeKind.MISTAKE, "The server refused that line.")
    outcome = runner.submit("capa")  # +OK, but not what the step asks
    assert (outcome.kind, outcome.message) == (OutcomeKind.NONE, None)
    outcome = runner.submit("USER  ne_skagu")
    assert outcome.kind is OutcomeKind.PASSED
    assert outcome.message == "Now the password."
    assert outcome.step_index == 0 and runner.step_index == 1
    assert runner.session.view().user == "ne_skagu"


def test_hints_then_solution(runner):
    assert not runner.solution_available
    first = runner.next_hint()
    assert (first.text, first.number, first.total) == ("The command is USER.", 1, 2)
    assert runner.next_hint().number == 2
    assert runner.next_hint() is None
    assert runner.solution_available
    assert runner.reveal_solution() == ("user ne_skagu",)
    assert runner.hints_used == 2 and runner.solutions_revealed == 1


def test_whole_lesson_by_typing_and_score(runner, pop3_mini):
    runner.reveal_solution()  # step 1 earns no point now
    kinds = [runner.submit(line).kind for line in ("user ne_skagu", "pass secret", "stat")]
    assert kinds == [OutcomeKind.PASSED] * 3
    # a state-only step passes on whatever line brings the state about
    assert runner.submit("list").kind is OutcomeKind.NONE
    assert runner.submit("dele 1").kind is OutcomeKind.PASSED
    assert runner.session.view().marked_deleted == (1,)
    final = runner.submit("quit")
    assert (final.kind, final.message) == (OutcomeKind.FINISHED, "One letter is gone.")
    assert runner.finished and runner.current_step is None
    assert len(runner.store.messages("ne_skagu")) == 2
    assert runner.submit("stat").kind is OutcomeKind.IGNORED
    assert runner.score == 4
    assert runner.max_score == 5 + sum(q.points for q in pop3_mini.quiz)
    assert runner.attempts == 6


def test_reset_step_replays_earlier_solutions_on_a_fresh_world(runner):
    for line in ("user ne_skagu", "pass secret", "stat", "dele 1", "dele 2"):
        runner.submit(line)
    assert runner.step_index == 4
    assert runner.session.view().marked_deleted == (1, 2)
    transcript = runner.reset_step()
    assert runner.step_index == 4
    assert runner.session.view().marked_deleted == (1,)
    assert [line for line, _ in transcript] == [
        None,
        "user ne_skagu",
        "pass secret",
        "stat",
        "dele 1",
    ]
    assert runner.submit("quit").kind is OutcomeKind.FINISHED


def test_closed_session_ignores_lines_until_reset(runner):
    assert runner.submit("quit").kind is OutcomeKind.NONE
    assert runner.session.closed
    outcome = runner.submit("user ne_skagu")
    assert (outcome.kind, outcome.replies) == (OutcomeKind.IGNORED, ())
    runner.reset_step()
    assert runner.submit("user ne_skagu").kind is OutcomeKind.PASSED


def test_reset_lesson_and_go_to_step(runner):
    runner.next_hint()
    runner.submit("user ne_skagu")
    assert runner.reset_lesson()[0].ok
    assert (runner.step_index, runner.score, runner.hints_used) == (0, 0, 0)
    runner.go_to_step(3)
    assert runner.current_step.id == "delete-first"
    assert runner.session.state_name == "TRANSACTION"


def test_translation_is_found_beside_the_lesson_and_falls_back(pop3_mini):
    runner = LessonRunner(pop3_mini, lang="ru")
    assert runner.overlay is not None
    runner.start()
    step = runner.current_step
    assert runner.text(step, "say") == "Назовите ящик."
    assert runner.text(pop3_mini, "title") == "Мини POP3"
    assert runner.text(pop3_mini, "finish") == "Well done."  # not translated: English
    assert runner.next_hint().text == "Команда называется USER."
    outcome = runner.submit("pass x")
    assert outcome.message == "Сначала USER, потом PASS."
    assert runner.submit("user ne_skagu").message == "Теперь пароль."
    assert runner.text(runner.current_step, "say") == "Give the password."


def test_no_translation_means_english(smtp_mini):
    runner = LessonRunner(smtp_mini, lang="ru")
    assert runner.overlay is None
    assert runner.text(smtp_mini.steps[0], "say") == "Say hello."


def test_replay_solutions_smtp_groups_data_lines(smtp_mini):
    runner = LessonRunner(smtp_mini)
    runner.start()
    played = [
        (step.id, outcome.line, [r.status for r in outcome.replies])
        for step, outcome in runner.replay_solutions()
    ]
    assert played == [
        ("hello", "helo me.example.org", ["250"]),
        ("sender", "mail from:<ne_skagu@server.ru>", ["250"]),
        ("recipient", "rcpt to:<poluchatel@server.ru>", ["250"]),
        ("start-data", "data", ["354"]),
        ("letter", "Subject: hi", []),
        ("letter", "", []),
        ("letter", "Hello.", []),
        ("letter", ".", ["250"]),
        ("bye", "quit", ["221"]),
    ]
    assert runner.finished and runner.score == runner.step_count
    assert len(runner.store.messages("poluchatel")) == 1


def test_smtp_mistake_by_pattern(smtp_mini):
    runner = LessonRunner(smtp_mini)
    runner.start()
    runner.submit("helo me")
    outcome = runner.submit("rcpt to:<poluchatel@server.ru>")
    assert (outcome.kind, outcome.message) == (OutcomeKind.MISTAKE, "The sender comes first.")


def test_replay_of_a_broken_solution_raises():
    runner = LessonRunner(load_lesson(FIXTURES / "broken" / "bad-solution.yaml"))
    runner.start()
    with pytest.raises(ReplayError) as caught:
        list(runner.replay_solutions())
    assert caught.value.step.id == "count"
    assert "expected reply ok" in str(caught.value)


def test_resuming_keeps_the_points_of_earlier_steps(pop3_mini):
    runner = LessonRunner(pop3_mini)
    runner.go_to_step(4)
    assert runner.score == 4
    assert runner.submit("quit").kind is OutcomeKind.FINISHED
    assert runner.score == 5


def test_a_state_step_already_brought_about_passes_with_the_step_before(tmp_path):
    path = tmp_path / "cascade.yaml"
    path.write_text(
        "format: 1\nid: cascade\ntitle: C\nprotocol: pop3\nsteps:\n"
        "  - {id: in, say: In., expect: {state: {authenticated: true}}, "
        "solution: [user ne_skagu, pass secret]}\n"
        "  - {id: ping, say: Ping., expect: {command: '^noop$'}, solution: [noop], after: Pong.}\n"
        "  - {id: mark, say: Mark 1., expect: {state: {marked_deleted: [1]}}, solution: [dele 1],"
        " after: Marked.}\n"
        "  - {id: out, say: Out., expect: {command: '^quit$'}, solution: [quit]}\n"
    )
    runner = LessonRunner(load_lesson(path))
    runner.go_to_step(1)
    assert runner.submit("dele 1").kind is OutcomeKind.NONE  # not what "ping" asks
    outcome = runner.submit("noop")
    assert (outcome.kind, outcome.step_index, outcome.message) == (
        OutcomeKind.PASSED,
        1,
        "Pong.\n\nMarked.",
    )
    assert runner.current_step.id == "out"
