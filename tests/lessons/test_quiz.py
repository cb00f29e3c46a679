"""Grading every question type: the right answer is right, a wrong one is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.lessons import AnswerError, LessonRunner

FIXTURES = Path(__file__).parent / "fixtures"


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


# -- fair grading: answers a teacher would accept -----------------------------------------------


@pytest.fixture(scope="module")
def bundled():
    """The bundled lessons whose answer keys the reviews found unfair."""
    from tutor.lessons import find_lesson, load_lesson

    return {
        name: LessonRunner(load_lesson(find_lesson(name)))
        for name in ("pop3-article", "smtp-article", "smtp-deeper", "encoded-words")
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("27074", 27074),
        ("27074 octets", 27074),
        ("27 074", 27074),
        ("27\u00a0074 октетов", 27074),
        ("27,074", 27074),
        ("1,234,567", 1234567),
        ("0,5", 0.5),
        ("1.5", 1.5),
        ("3.", 3),
        ("-3", -3),
        ("12 or 13", None),
        ("many", None),
        ("", None),
    ],
)
def test_numbers_are_read_as_people_write_them(text, value):
    from tutor.lessons.quiz import parse_number

    assert parse_number(text) == value


def test_a_number_that_was_not_plain_says_how_it_was_read(bundled):
    runner = bundled["pop3-article"]
    for typed in ("27074 octets", "27 074", "27,074"):
        grade = runner.grade("left-after", typed)
        assert (grade.correct, grade.read_as, grade.given) == (True, "27074", typed)
    assert runner.grade("left-after", "27074").read_as is None
    assert not runner.grade("left-after", "27075 octets").correct


@pytest.mark.parametrize(
    ("lesson", "qid", "right", "wrong"),
    [
        ("smtp-article", "end-marker", [".", "`.`", "a single dot", "A single dot.", "dot",
                                        "period", "точка", "точку", "CRLF.CRLF"],
         ["comma", "LF.LF", ".."]),
        ("smtp-deeper", "end-sequence", ["CRLF.CRLF", "<CRLF>.<CRLF>", "CRLF . CRLF",
                                         "CR LF.CR LF", "<CR><LF>.<CR><LF>", r"\r\n.\r\n"],
         ["LF.LF", "CRLF", "."]),
        ("smtp-deeper", "data-too-early", ["503", "554", "503 5.5.1 need RCPT"],
         ["250", "354", "5030"]),
        ("encoded-words", "decode", ["Прочтите это!", "прочтите ЭТО", "Read this!",
                                     "read this", "Prochtite eto!"],
         ["hello", "Read"]),
        ("smtp-article", "data-reply", ["354", "354 go ahead"], ["3540", "220"]),
    ],
)  # fmt: skip
def test_answer_keys_take_what_the_reviews_found_rejected(bundled, lesson, qid, right, wrong):
    runner = bundled[lesson]
    for answer in right:
        assert runner.grade(qid, answer).correct, answer
    for answer in wrong:
        assert not runner.grade(qid, answer).correct, answer


def test_a_status_in_another_case_is_right_and_the_servers_spelling_is_said(bundled):
    runner = bundled["pop3-article"]
    lower = runner.grade("stat-line", "+ok 3 93845")
    assert (lower.correct, lower.server_says) == (True, "+OK 3 93845")
    exact = runner.grade("stat-line", "+OK 3 93845")
    assert (exact.correct, exact.server_says) == (True, None)
    assert runner.grade("dele-missing", "-err").server_says == "-ERR"
    assert not runner.grade("stat-line", "+OK 3 93845 octets").correct


def test_an_order_that_works_is_right(bundled):
    """pop3-article asks for "an order that works": STAT after DELE works as well."""
    runner = bundled["pop3-article"]
    works = ["user ne_skagu", "pass secret", "dele 1", "stat", "quit"]
    assert runner.grade("session-order", works).correct
    late = runner.grade("session-order", ["user ne_skagu", "pass secret", "stat", "quit", "dele 1"])
    assert (late.correct, late.stopped_at) == (False, ("dele 1", ""))  # after the server hung up
    early = runner.grade(
        "session-order", ["pass secret", "user ne_skagu", "stat", "dele 1", "quit"]
    )
    assert not early.correct and early.stopped_at[0] == "pass secret"
    assert early.stopped_at[1].startswith("-ERR")
    smtp = bundled["smtp-article"]
    swapped = ["helo home.example.ru", "rcpt to:<poluchatel@server.ru>",
               "mail from:<ne_skagu@server.ru>", "data", ".", "quit"]  # fmt: skip
    grade = smtp.grade("session-order", swapped)
    assert not grade.correct and grade.stopped_at[1].startswith("503")


def test_an_order_that_works_but_ends_elsewhere_is_wrong(pop3_mini):
    """Working is not enough: the final state must be the answer key's."""
    from dataclasses import replace

    from tutor.lessons.quiz import grade_question

    question = replace(
        pop3_mini.question("sequence"),
        options=("user ne_skagu", "pass secret", "dele 1", "rset", "quit"),
    )

    def grade(order):
        return grade_question(question, order, pop3_mini, lambda q, name: getattr(q, name))

    assert grade(["user ne_skagu", "pass secret", "dele 1", "rset", "quit"]).correct
    # rset before dele 1: every reply is +OK, but letter 1 is deleted at QUIT
    assert not grade(["user ne_skagu", "pass secret", "rset", "dele 1", "quit"]).correct
    exact = replace(question, exact=True, options=("user ne_skagu", "pass secret", "stat", "noop"))
    text_of = lambda q, name: getattr(q, name)  # noqa: E731
    assert not grade_question(
        exact, ["user ne_skagu", "pass secret", "noop", "stat"], pop3_mini, text_of
    ).correct
    assert grade_question(exact, list(exact.options), pop3_mini, text_of).correct


def test_a_right_retry_says_it_scores_nothing_and_a_new_attempt_starts_at_zero(runner):
    first = runner.grade("total", "1")
    assert (first.correct, first.retry, first.points) == (False, False, 0)
    again = runner.grade("total", "93845")
    assert (again.correct, again.retry, again.points) == (True, True, 0)
    runner.grade("pick-one", "STAT")
    result = runner.question_results["total"]
    assert (result.first_correct, result.correct, result.given) == (False, True, "93845")
    assert runner.quiz_points == 1 and not runner.quiz_complete
    runner.new_quiz_attempt()
    assert runner.quiz_points == 0 and runner.question_results == {}
    assert runner.grade("total", "93845").points == 1


def test_order_keys_are_checked(tmp_path, pop3_mini):
    """`exact` must be true or false; an order graded by running it must work itself."""
    from tutor.lessons import LessonError, load_lesson
    from tutor.lessons.lint import check_lesson

    source = (FIXTURES / "pop3-mini.yaml").read_text()
    bad = tmp_path / "bad-exact.yaml"
    bad.write_text(
        source.replace("id: pop3-mini", "id: bad-exact").replace(
            "    options: [user ne_skagu, pass secret, stat]",
            "    options: [user ne_skagu, pass secret, stat]\n    exact: sometimes",
        )
    )
    with pytest.raises(LessonError) as caught:
        load_lesson(bad)
    assert "exact" in str(caught.value.diagnostics[0])
    prose = tmp_path / "prose-order.yaml"
    prose.write_text(
        source.replace("id: pop3-mini", "id: prose-order").replace(
            "    options: [user ne_skagu, pass secret, stat]",
            "    options: [Say who you are, Give the password, Count the letters]",
        )
    )
    problems = [str(d) for d in check_lesson(load_lesson(prose))]
    assert any("add `exact: true`" in p and "'Say who you are'" in p for p in problems)
    prose.write_text(
        prose.read_text().replace("Count the letters]", "Count the letters]\n    exact: true")
    )
    assert not check_lesson(load_lesson(prose))
