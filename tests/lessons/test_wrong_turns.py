"""The bundled lessons' wrong turns: a learner who leaves the path is told what happened and
how to get back, in English and in Russian, and the hints follow the server's state."""

from __future__ import annotations

from functools import cache

import pytest

from tutor.lessons import LessonRunner, OutcomeKind, load_lesson
from tutor.lessons.runner import find_overlay
from tutor.paths import bundled_lessons_dir

MISTAKE, REMARK, PASSED = OutcomeKind.MISTAKE, OutcomeKind.REMARK, OutcomeKind.PASSED


@cache
def lesson(lesson_id: str):
    return load_lesson(bundled_lessons_dir() / f"{lesson_id}.yaml")


@cache
def overlay(lesson_id: str, lang: str):
    return find_overlay(lesson(lesson_id), lang)


def runner_at(lesson_id: str, step_id: str, lang: str = "en") -> LessonRunner:
    runner = LessonRunner(lesson(lesson_id), lang=lang, overlay=overlay(lesson_id, lang))
    ids = [step.id for step in runner.lesson.steps]
    runner.go_to_step(ids.index(step_id))
    return runner


def said(runner: LessonRunner, lines: list[str]):
    """The outcome of the last line, after typing every line before it."""
    outcome = None
    for line in lines:
        outcome = runner.submit(line)
    assert outcome is not None
    return outcome


# (lesson, step, lines typed, what the last line is, words of its English and Russian texts)
WRONG_TURNS = [
    ("pop3-article", "user", ["user nobody"], MISTAKE, "says `+OK` to any name", "на любое имя"),
    (
        "pop3-article",
        "user",
        ["user nobody", "pass secret"],
        MISTAKE,
        "`-ERR [AUTH]`: the name or the password",
        "`-ERR [AUTH]`: неверно имя или пароль",
    ),
    (
        "pop3-article",
        "user",
        ["user ne_skagu a"],
        MISTAKE,
        "USER takes one word",
        "принимает одно слово",
    ),
    ("pop3-article", "user", ["user ne_skag"], MISTAKE, "Look at the name again", "ещё раз"),
    ("pop3-article", "user", ["usr ne_skagu"], MISTAKE, "spelled USER", "пишется USER"),
    (
        "pop3-article",
        "pass",
        ["pass ******"],
        MISTAKE,
        "Type `user ne_skagu` again, then the real password",
        "Снова наберите `user ne_skagu`",
    ),
    (
        "pop3-article",
        "pass",
        ["pass ******", "pass secret"],
        MISTAKE,
        "no longer knows whose it is",
        "уже не знает, чей он",
    ),
    ("pop3-article", "pass", ["pass Secret"], MISTAKE, "case-sensitive", "важен регистр"),
    (
        "pop3-article",
        "pass",
        ["pass ******", "user ne_skagu"],
        REMARK,
        "knows the name again",
        "снова знает имя",
    ),
    ("pop3-article", "list", ["loop"], MISTAKE, "the keep-alive is NOOP", "поддерживает NOOP"),
    ("pop3-article", "list", ["noop"], REMARK, "keeps the session alive", "поддерживает сеанс"),
    ("pop3-article", "dele-2", ["rset"], MISTAKE, "`dele 1`, then", "`dele 1`, а затем"),
    ("pop3-article", "dele-4", ["stat"], REMARK, "STAT no longer counts", "STAT уже не считает"),
    (
        "smtp-article",
        "mail-from",
        ["mail from:<otpravitel@server.ru>", "mail from:<ne_skagu@server.ru>"],
        MISTAKE,
        "`503`: the envelope already has a sender",
        "`503`: у конверта уже есть отправитель",
    ),
    (
        "smtp-article",
        "header-start",
        ["date sat, 3 nov 2001"],
        MISTAKE,
        "not a header field",
        "не поле заголовка",
    ),
    (
        "smtp-article",
        "subject",
        ["subject: =?windows-1251?b?z/du9/lo8uug/fluiq==?="],
        MISTAKE,
        "will now have two Subject lines",
        "строк Subject в нём теперь будет две",
    ),
    (
        "smtp-article",
        "body",
        ["."],
        MISTAKE,
        "ended the letter before its body",
        "завершила письмо раньше его тела",
    ),
    (
        "smtp-article",
        "body",
        [".", "hello"],
        MISTAKE,
        "The letter has already gone",
        "Письмо уже ушло",
    ),
    ("smtp-article", "body", [".", "noop"], MISTAKE, "(F5)", "(F5)"),
    (
        "smtp-deeper",
        "rset",
        ["quit"],
        MISTAKE,
        "QUIT has closed the connection",
        "QUIT закрыла соединение",
    ),
    ("smtp-deeper", "vrfy", ["vrfy nobody"], REMARK, "`550` is VRFY's answer", "`550` — так VRFY"),
    (
        "smtp-deeper",
        "dot-line",
        [". "],
        MISTAKE,
        "a line holding only a space",
        "из одного пробела",
    ),
    ("smtp-deeper", "dot-line", ["\\."], MISTAKE, "no backslash escapes", "Обратной косой черты"),
    ("smtp-deeper", "dot-line", [" ."], MISTAKE, "starts with a space", "с пробела"),
    (
        "pop3-deeper",
        "stat-too-early",
        ["user ne_skagu", "pass secret"],
        MISTAKE,
        "to start again logged out",
        "начать снова без входа",
    ),
    (
        "encoded-words",
        "login",
        ["user ne_skagu", "pass secret"],
        MISTAKE,
        "Wrong mailbox",
        "Не тот ящик",
    ),
    (
        "round-trip",
        "login",
        ["user ne_skagu", "pass secret"],
        MISTAKE,
        "Wrong mailbox",
        "Не тот ящик",
    ),
    (
        "mail-today",
        "apop",
        ["user ne_skagu", "pass secret"],
        MISTAKE,
        "APOP works only before login",
        "APOP работает только до входа",
    ),
    (
        "pop3-tls",
        "capa-again",
        ["user ne_skagu"],
        REMARK,
        "first see what the server offers now",
        "сначала посмотрите, что сервер предлагает",
    ),
    # The two-line forms of AUTH are right ways in, not mistakes: a remark, and the step waits.
    ("submission", "auth", ["auth plain"], REMARK, "That works too", "Так тоже можно"),
    ("submission", "auth", ["auth login"], REMARK, "the two-round form", "вход в два захода"),
    (
        "submission",
        "auth",
        ["auth login", "bmVfc2thZ3U="],
        REMARK,
        "the server asks for the next part",
        "сервер просит следующую часть",
    ),
]


@pytest.mark.parametrize(
    ("lesson_id", "step_id", "lines", "kind", "english", "russian"),
    WRONG_TURNS,
    ids=[f"{case[0]}:{case[1]}:{'+'.join(case[2])}" for case in WRONG_TURNS],
)
def test_a_wrong_turn_is_explained(lesson_id, step_id, lines, kind, english, russian):
    for lang, words in (("en", english), ("ru", russian)):
        runner = runner_at(lesson_id, step_id, lang)
        outcome = said(runner, lines)
        assert (outcome.kind, runner.current_step.id) == (kind, step_id), lang
        assert words in " ".join(outcome.message.split()), (lang, outcome.message)


def test_pop3_article_hints_follow_the_forgotten_user_name():
    runner = runner_at("pop3-article", "pass")
    runner.next_hint()
    assert "Type `pass secret`." in [runner.next_hint().text, runner.next_hint().text]
    runner.submit("pass ******")  # the server forgets the name
    # "Type `pass secret`" would only earn -ERR give USER name first now: it is gone
    assert [hint.text for hint in runner.shown_hints] == [
        "The command that gives the password is PASS."
    ]
    hint = runner.next_hint()
    assert "Type `user ne_skagu` again, then `pass secret`." in hint.text
    assert (hint.number, hint.total) == (2, 2)
    assert said(runner, ["user ne_skagu", "pass secret"]).kind is PASSED


def test_smtp_article_a_premature_dot_is_a_dead_end_no_more():
    runner = runner_at("smtp-article", "body")
    said(runner, ["."])  # the letter is delivered with no body
    assert runner.next_hint().text.startswith("The body is plain text")
    assert "(F5)" in runner.next_hint().text  # "Type Привет." is not offered any more
    assert runner.next_hint() is None
    runner.reset_step()
    assert said(runner, ["Привет."]).kind is PASSED
    assert said(runner, ["noop"]).kind is OutcomeKind.NONE  # not the end of the data
    assert said(runner, ["Это тестовое письмо.", "."]).kind is PASSED


def test_smtp_deeper_after_quit_the_hint_says_enter():
    runner = runner_at("smtp-deeper", "rset")
    said(runner, ["quit"])
    hint = runner.next_hint()
    assert "Press Enter for a new one" in hint.text and hint.total == 1
    runner.reset_step()  # what Enter on a closed connection does
    assert runner.next_hint().text == "The same word as in POP3."
    assert said(runner, ["rset"]).kind is PASSED


def test_pop3_deeper_quit_hint_names_the_marked_letter():
    runner = runner_at("pop3-deeper", "quit")
    assert [runner.next_hint().text for _ in range(2)][1] == "Type `quit`."
    said(runner, ["dele 2"])
    hint = runner.next_hint()
    assert hint.text.startswith("Letter 2 is marked, so QUIT would delete it")
    assert [h.text for h in runner.shown_hints] == [
        "The command that ends a POP3 session.",
        hint.text,
    ]


@pytest.mark.parametrize(
    "lines",
    [
        ["auth plain", "AG5lX3NrYWd1AHNlY3JldA=="],
        ["auth login", "bmVfc2thZ3U=", "c2VjcmV0"],
    ],
    ids=["plain-two-lines", "login"],
)
def test_submission_auth_passes_in_its_two_line_forms(lines):
    runner = runner_at("submission", "auth")
    assert said(runner, lines).kind == PASSED
    assert runner.current_step.id == "mail"
