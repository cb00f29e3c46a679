"""Grading quiz answers. Pure apart from `predict`, `command` and `order`, which run the real
engine on a fresh world (never the learner's live session).

How answers are compared, the way a teacher would accept them:
- text: Unicode case folding, runs of white space collapsed, surrounding quotes or backticks
  dropped, "ё" read as "е"; an answer that is right but for a final "." or "!" is right. Each
  `accept` entry is such a string or a /regex/ (searched as written).
- number: "27074", "27 074", "27,074" and "27074 octets" all read as 27074 (a unit word after
  the number is ignored; a single comma before other than three digits is a decimal comma, as in
  Russian "0,5"). When the text was not a plain number, the grade says how it was read.
- predict: the status (or, with `match: line`, the whole first line) of the real reply, or one
  of the question's `accept` entries (another reply the RFC allows). Status indicators compare
  without case; an answer that differs from the server only in case is right, and the grade
  carries the server's own spelling so the learner is told.
- order: any order of the options that works (see `order_outcome`) the way the answer key's
  order does is right, unless the question says `exact: true`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tutor.protocol.replies import Reply, ReplyKind

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
    given: str = ""  # the answer as the learner gave it, for the summary
    read_as: str | None = None  # number: how a text that was not a plain number was read
    server_says: str | None = None  # predict: right, but the server writes it in another case
    # order: the first line of the learner's order that did not work, and what the server said
    stopped_at: tuple[str, str] | None = None
    retry: bool = False  # not the first answer: graded, but it scores nothing


class AnswerError(ValueError):
    """An answer of a shape the question cannot take (e.g. a list for a number question)."""


_QUOTES = {'"': '"', "'": "'", "`": "`", "«": "»", "“": "”", "„": "“"}


def fold(text: str) -> str:
    """Case, white space and "ё" folded: how two answers are compared."""
    return " ".join(str(text).split()).casefold().replace("ё", "е")


def unquote(text: str) -> str:
    """`text` without one pair of surrounding quotes or backticks ("`.`" is ".")."""
    text = text.strip()
    while len(text) >= 2 and _QUOTES.get(text[0]) == text[-1]:
        text = text[1:-1].strip()
    return text


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


# A number, its digits perhaps grouped, then perhaps one unit word ("27 074 octets").
_NUMBER_RE = re.compile(r"([+-]?\d[\d\s\u00a0\u202f'’_.,]*)\s*([^\W\d_]+\.?)?", re.UNICODE)
_GROUPED = re.compile(r"\d{1,3}([,.]\d{3})+")


def parse_number(text: str) -> float | None:
    """The number a learner typed, or None if the text is not one (see the module doc)."""
    match = _NUMBER_RE.fullmatch(text.strip())
    if match is None:
        return None
    digits = re.sub(r"[\s\u00a0\u202f'’_]", "", match.group(1)).rstrip(".,")
    sign = digits[:1] if digits[:1] in "+-" else ""
    digits = digits[len(sign) :]
    if "," in digits and "." in digits:
        decimal = max(digits.rfind(","), digits.rfind("."))
        whole = re.sub(r"[,.]", "", digits[:decimal])
        digits = f"{whole}.{digits[decimal + 1 :]}"
    elif _GROUPED.fullmatch(digits) and not (digits.count(".") == 1 and "," not in digits):
        digits = re.sub(r"[,.]", "", digits)  # 27,074 and 1.234.567: thousands
    elif digits.count(",") == 1:
        digits = digits.replace(",", ".")  # 0,5 is how half is written in Russian
    try:
        return float(sign + digits)
    except ValueError:
        return None


def _number(answer: Answer) -> float | None:
    if isinstance(answer, bool):
        return None
    if isinstance(answer, (int, float)):
        return float(answer)
    if isinstance(answer, str):
        return parse_number(answer)
    return None


def _format_number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _status_token(text: str, *, folded: bool = True) -> str:
    match = re.match(r"\s*([+-][A-Za-z]*|\d{3}(?!\d))", unquote(text))
    token = match.group(1) if match else text.strip()
    return token.casefold() if folded else token


def run_question(question: Question, lesson: Lesson, line: str):
    """Run setup then `line` on a fresh world, talking the question's protocol (default: the
    lesson's); (session, store, replies to line)."""
    session, store = _fresh_session(question, lesson)
    replies = session.handle(line) if not session.closed else []
    return session, store, replies


def _fresh_session(question: Question, lesson: Lesson):
    store = build_lesson_world(question.world or lesson.world, lesson.base_dir)
    session = open_session(lesson.protocol_of_question(question), store)
    session.greeting()
    feed(session, question.setup)
    return session, store


def predicted_reply(question: Question, lesson: Lesson) -> Reply | None:
    """What the real engine answers to a predict question's command (the last reply)."""
    _, _, replies = run_question(question, lesson, question.command or "")
    return replies[-1] if replies else None


def predict_expected(question: Question, lesson: Lesson) -> str:
    reply = predicted_reply(question, lesson)
    if reply is None:
        return ""
    return reply.status if question.match == "status" else reply.status_lines()[0]


#: replies that mean "that worked": +OK and 2xx, and "go on" (354, POP3 "+ ")
_WORKED = (ReplyKind.OK, ReplyKind.INTERMEDIATE)


@dataclass(frozen=True)
class OrderOutcome:
    """What running an order of commands did: where it stopped, else the state it left."""

    stopped_at: tuple[str, str] | None  # (line, the server's answer) of the first line that failed
    state: Any = None  # the session's view and every maildrop's letters, when nothing failed

    @property
    def works(self) -> bool:
        return self.stopped_at is None


def order_outcome(question: Question, lesson: Lesson, lines: Sequence[str]) -> OrderOutcome:
    """Run `lines` after the question's setup on a fresh world.

    An order *works* when every line is answered with success or "go on" (+OK, 2xx, 354; lines
    of a letter after DATA get no reply, which is fine) and none comes after the server has
    closed the connection. The state it leaves is the session's view plus every user's letters,
    byte for byte, so two orders that work are the same when they leave the same world."""
    session, store = _fresh_session(question, lesson)
    for line in lines:
        if session.closed:
            return OrderOutcome((line, ""))
        replies = session.handle(line)
        if replies and replies[-1].kind not in _WORKED:
            return OrderOutcome((line, replies[-1].status_lines()[0]))
    letters = tuple(
        (user.name, tuple(m.data for m in store.messages(user.name))) for user in store.users
    )
    return OrderOutcome(None, (session.view(), letters))


def _grade_order(question: Question, picked: list[str | None], lesson: Lesson):
    """(correct, where the learner's order stopped) for an order question."""
    key = list(question.options)
    if None in picked or sorted(picked) != sorted(key):  # type: ignore[type-var]
        return False, None
    if picked == key:
        return True, None  # the answer key's own order is always right
    if question.exact:
        return False, None
    mine = order_outcome(question, lesson, picked)  # type: ignore[arg-type]
    if not mine.works:
        return False, mine.stopped_at
    wanted = order_outcome(question, lesson, key)
    return wanted.works and mine.state == wanted.state, None


def _answer_text(
    answer: Answer, question: Question, shown_options: Sequence[str], shown: Callable[[str], str]
) -> str:
    """The answer as the learner gave it, in words (options by their shown text)."""
    if not question.options or isinstance(answer, (float, bool)):
        return answer.strip() if isinstance(answer, str) else str(answer)
    names = []
    for item in _items(answer):
        option = _option(question, shown_options, item)
        names.append(shown(option) if option else str(item))
    joiner = " → " if question.type is QuestionType.ORDER else ", "
    return joiner.join(names)


def grade_question(question: Question, answer: Answer, lesson: Lesson, text_of: TextOf) -> Grade:
    """Grade one answer. Raises AnswerError when the answer has the wrong shape."""
    shown_options = tuple(text_of(question, "options") or question.options)
    feedback = text_of(question, "feedback")
    chosen: list[str] = []
    kind = question.type
    extra: dict[str, Any] = {}

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
        correct, extra["stopped_at"] = _grade_order(question, picked, lesson)
        expected = " → ".join(shown_options)
    elif kind is QuestionType.NUMBER:
        value = _number(answer)
        target = float(question.answer)  # type: ignore[arg-type]
        correct = value is not None and abs(value - target) <= question.tolerance
        expected = _format_number(target)
        if isinstance(answer, str) and value is not None:
            read = _format_number(value)
            if read != answer.strip():
                extra["read_as"] = read
    elif kind is QuestionType.TEXT:
        if not isinstance(answer, str):
            raise AnswerError("a text question takes a line of text")
        correct = any(_accepts(pattern, answer) for pattern in question.accept)
        expected = next((a for a in question.accept if not _is_regex(a)), question.accept[0])
    elif kind is QuestionType.PREDICT:
        if not isinstance(answer, str):
            raise AnswerError("a predict question takes the reply as text")
        expected = predict_expected(question, lesson)
        correct, extra["server_says"] = _grade_predict(question, answer, expected)
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
    grade = Grade(
        correct=correct,
        points=question.points if correct else 0,
        feedback=message,
        expected=expected,
        explain=text_of(question, "explain"),
        given=_answer_text(answer, question, shown_options, shown),
    )
    return replace(grade, **{k: v for k, v in extra.items() if v is not None})


def _grade_predict(question: Question, answer: str, expected: str) -> tuple[bool, str | None]:
    """(right?, the server's spelling when the answer differs from it only in case)."""
    if not expected:
        return False, None
    if question.match == "status":
        same = _status_token(answer) == expected.casefold()
        if same:
            given = _status_token(answer, folded=False)
            return True, (expected if given != expected else None)
        return any(_status_token(answer) == _status_token(a) for a in question.accept), None
    if fold(unquote(answer)) == fold(expected):
        given = " ".join(unquote(answer).split())
        return True, (expected if given != expected else None)
    return any(_accepts(a, answer) for a in question.accept), None


def _is_regex(pattern: str) -> bool:
    return len(pattern) >= 2 and pattern.startswith("/") and pattern.endswith("/")


def _accepts(pattern: str, answer: str) -> bool:
    """Does an `accept` entry take the answer, as written or without its quotes."""
    forms = {answer.strip(), unquote(answer)}
    if _is_regex(pattern):
        return any(re.search(pattern[1:-1], form) is not None for form in forms)
    wanted = fold(pattern)
    for form in forms:
        bare = form.rstrip(".!")
        if fold(form) == wanted or (bare and fold(bare) == wanted):
            return True
    return False
