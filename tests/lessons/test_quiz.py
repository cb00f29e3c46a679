"""Grading every question type: the right answer is right, a wrong one is wrong."""

from __future__ import annotations

import pytest

from tutor.lessons import AnswerError, LessonRunner


@pytest.fixture
def runner(pop3_mini):
    return LessonRunner(pop3_mini)


@pytest.mark.parametrize(
    ("qid", "right", "wrong"),
    [
        ("pick-one", "STAT", "LIST"),
        ("pick-one", 0, 2),
        ("pick-one", "stat", "retr"),
        ("pick-many", ["STAT", "DELE"], ["STAT"]),
        ("pick-many", [2, 0], [0, 1, 2]),
        ("name-it", "noop", "quit"),
        ("name-it", "  No  Op ", "no-op"),
        ("total", "93845", "93846"),
        ("total", 93845, 93845.5),
        ("total", "93 845", "many"),
        (
            "sequence",
            ["user ne_skagu", "pass secret", "stat"],
            ["pass secret", "user ne_skagu", "stat"],
        ),
        ("sequence", [0, 1, 2], [2, 1, 0]),
        ("guess-stat", "+ok", "-ERR"),
        ("guess-stat", "+OK 3 93845", "3 93845"),
        ("guess-line", "+ok 3   93845", "+OK"),
        ("do-it", "dele 2", "dele 1"),
        ("do-it", "DELE 2", ""),
    ],
)
def test_right_and_wrong_answers(runner, qid, right, wrong):
    assert runner.grade(qid, wrong).correct is False
    grade = runner.grade(qid, right)
    assert grade.correct is True
    assert grade.points == 0  # only the first answer scores
    assert runner.question_results[qid].correct


def test_first_right_answer_scores_its_points(runner):
    grade = runner.grade("pick-many", ["DELE", "STAT"])
    assert (grade.correct, grade.points, grade.expected) == (True, 2, "STAT, DELE")
    assert runner.score == 2


def test_feedback_and_expected(runner):
    right = runner.grade("pick-one", "STAT")
    assert (right.feedback, right.expected) == ("Right.", "STAT")
    wrong = runner.grade("pick-one", "LIST")
    assert (wrong.correct, wrong.feedback) == (False, "LIST lists them one by one.")
    assert runner.grade("name-it", "x").explain == "NOOP does nothing."
    assert runner.grade("guess-stat", "+OK").expected == "+OK"
    assert runner.grade("guess-line", "+OK").expected == "+OK 3 93845"
    assert runner.grade("do-it", "x").expected == "dele 2"
    assert runner.grade("sequence", []).expected == "user ne_skagu → pass secret → stat"
    assert runner.grade("total", "1").expected == "93845"


def test_translated_feedback_and_options(pop3_mini):
    runner = LessonRunner(pop3_mini, lang="ru")
    assert runner.grade("pick-one", "STAT").feedback == "Верно."
    assert runner.grade("pick-one", "LIST").feedback == "LIST lists them one by one."


def test_order_options_are_shown_mixed_up(runner):
    shown = runner.shuffled_options("sequence")
    assert sorted(shown) == sorted(runner.question("sequence").options)
    assert list(shown) != list(runner.question("sequence").options)
    assert shown == runner.shuffled_options("sequence")  # stable between calls


def test_answers_of_the_wrong_shape(runner):
    with pytest.raises(AnswerError):
        runner.grade("name-it", ["noop"])
    with pytest.raises(AnswerError):
        runner.grade("pick-one", ["STAT", "LIST"])
    with pytest.raises(KeyError):
        runner.grade("no-such-question", "x")


def test_smtp_predict_and_command(smtp_mini):
    runner = LessonRunner(smtp_mini)
    assert runner.grade("data-code", "354").correct
    assert not runner.grade("data-code", "220").correct
    assert runner.grade("add-recipient", "RCPT TO:<poluchatel@server.ru>").correct
    assert not runner.grade("add-recipient", "rcpt to:<nobody@server.ru>").correct
    assert not runner.grade("add-recipient", "data").correct


def test_quiz_never_touches_the_live_session(pop3_mini):
    runner = LessonRunner(pop3_mini)
    runner.start()
    runner.grade("do-it", "dele 2")
    assert runner.session.state_name == "AUTHORIZATION"
