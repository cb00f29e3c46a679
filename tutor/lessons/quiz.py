"""Grading quiz answers. Pure apart from `predict` and `command`, which run the real engine on a
fresh world (never the learner's live session).

Folding: text answers compare after Unicode case folding and collapsing runs of white space, so
"+ok  3 93845" equals "+OK 3 93845".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tutor.protocol.replies import Reply

from .engine import build_lesson_world, feed, open_session
from .expect import check_expect
from .model import Lesson, Question, QuestionType

Answer = str | int | float | Sequence[str | int]
TextOf = Callable[[Question, str], Any]


@dataclass(frozen=True)
class Grade:
    correct: bool
    points: int  # points this answer earned (the runner gives points for the first answer only)
    feedback: str | None  # what to say about this answer (localized)
    expected: str  # the right answer, to show after answering
    explain: str | None = None  # the question's explanation (localized)


class AnswerError(ValueError):
    """An answer of a shape the question cannot take (e.g. a list for a number question)."""


def fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _option(question: Question, shown: Sequence[str], value: str | int) -> str | None:
    """The base option an answer names: by index (0-based), base text or translated text."""
    options = question.options
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return options[value] if 0 <= value < len(options) else None
    for candidates in (options, shown):
        for index, text in enumerate(candidates):
            if text == value:
                return options[index]
    for candidates in (options, shown):
        for index, text in enumerate(candidates):
            if fold(text) == fold(value):
                return options[index]
    return None


def _items(answer: Answer) -> list[str | int]:
    if isinstance(answer, (str, int)):
        return [answer]
    return list(answer)  # type: ignore[arg-type]


def _number(answer: Answer) -> float | None:
    if isinstance(answer, bool):
        return None
    if isinstance(answer, (int, float)):
        return float(answer)
    if isinstance(answer, str):
        text = answer.strip().replace(" ", "").replace("\u00a0", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # 0,5 is how half is written in Russian
        try:
            return float(text)
        except ValueError:
            return None
    return None


def _format_number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _status_token(text: str) -> str:
    match = re.match(r"\s*([+-][A-Za-z]*|\d{3})", text)
    return match.group(1).casefold() if match else fold(text)


def run_question(question: Question, lesson: Lesson, line: str):
    """Run setup then `line` on a fresh world, talking the question's protocol (default: the
    lesson's); (session, store, replies to line)."""
    store = build_lesson_world(question.world or lesson.world, lesson.base_dir)
    session = open_session(lesson.protocol_of_question(question), store)
    session.greeting()
    feed(session, question.setup)
    replies = session.handle(line) if not session.closed else []
    return session, store, replies


def predicted_reply(question: Question, lesson: Lesson) -> Reply | None:
    """What the real engine answers to a predict question's command (the last reply)."""
    _, _, replies = run_question(question, lesson, question.command or "")
    return replies[-1] if replies else None


def predict_expected(question: Question, lesson: Lesson) -> str:
    reply = predicted_reply(question, lesson)
    if reply is None:
        return ""
    return reply.status if question.match == "status" else reply.status_lines()[0]


def grade_question(question: Question, answer: Answer, lesson: Lesson, text_of: TextOf) -> Grade:
    """Grade one answer. Raises AnswerError when the answer has the wrong shape."""
    shown_options = tuple(text_of(question, "options") or question.options)
    feedback = text_of(question, "feedback")
    chosen: list[str] = []
    kind = question.type

    def shown(option: str) -> str:
        index = question.options.index(option)
        return shown_options[index] if index < len(shown_options) else option

    if kind is QuestionType.CHOICE:
        if not isinstance(answer, (str, int)):
            raise AnswerError("a choice question takes one option")
        option = _option(question, shown_options, answer)
        chosen = [option] if option else []
        correct = option is not None and option == question.answer
        expected = shown(str(question.answer))
    elif kind is QuestionType.MULTI:
        picked = [_option(question, shown_options, item) for item in _items(answer)]
        chosen = [p for p in picked if p]
        correct = None not in picked and set(chosen) == set(question.answer or ())  # type: ignore[arg-type]
        expected = ", ".join(shown(a) for a in question.answer or ())  # type: ignore[union-attr]
    elif kind is QuestionType.ORDER:
        picked = [_option(question, shown_options, item) for item in _items(answer)]
        correct = picked == list(question.options)
        expected = " → ".join(shown_options)
    elif kind is QuestionType.NUMBER:
        value = _number(answer)
        target = float(question.answer)  # type: ignore[arg-type]
        correct = value is not None and abs(value - target) <= question.tolerance
        expected = _format_number(target)
    elif kind is QuestionType.TEXT:
        if not isinstance(answer, str):
            raise AnswerError("a text question takes a line of text")
        correct = any(_accepts(pattern, answer) for pattern in question.accept)
        expected = next((a for a in question.accept if not _is_regex(a)), question.accept[0])
    elif kind is QuestionType.PREDICT:
        if not isinstance(answer, str):
            raise AnswerError("a predict question takes the reply as text")
        expected = predict_expected(question, lesson)
        if question.match == "status":
            correct = bool(expected) and _status_token(answer) == expected.casefold()
        else:
            correct = bool(expected) and fold(answer) == fold(expected)
    else:  # COMMAND
        if not isinstance(answer, str):
            raise AnswerError("a command question takes one command line")
        line = answer.strip()
        correct = False
        if line and question.goal is not None:
            session, store, replies = run_question(question, lesson, line)
            correct = check_expect(question.goal, line, replies, session, store) is None
        expected = question.example or ""
    if isinstance(feedback, tuple):
        notes = dict(feedback)
        said = [notes[c] for c in chosen if c in notes]
        message = "\n".join(said) if said else None
    else:
        message = feedback
    return Grade(
        correct=correct,
        points=question.points if correct else 0,
        feedback=message,
        expected=expected,
        explain=text_of(question, "explain"),
    )


def _is_regex(pattern: str) -> bool:
    return len(pattern) >= 2 and pattern.startswith("/") and pattern.endswith("/")


def _accepts(pattern: str, answer: str) -> bool:
    if _is_regex(pattern):
        return re.search(pattern[1:-1], answer.strip()) is not None
    return fold(pattern) == fold(answer)
