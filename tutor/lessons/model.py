"""The lesson format as values: what a loaded lesson, overlay or course is.

Everything is frozen. Every node keeps `pos`, where it came from (file, line, column), so checks
that run long after loading (lint's replay on the engine) still point at the right line.
Regular expressions are kept as their source text and compiled (cached) where they are used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from .diagnostics import Pos

FORMAT_VERSION = 1
NOWHERE = Pos("<memory>")
#: what a step's `note` is, which sets its heading: the bundled lessons' notes are about the
#: article (the default); a teacher's own lesson has RFC remarks, tips and warnings
NOTE_KINDS = ("article", "rfc", "tip", "warning")


class Protocol(StrEnum):
    POP3 = "pop3"
    SMTP = "smtp"


class QuestionType(StrEnum):
    CHOICE = "choice"
    MULTI = "multi"
    TEXT = "text"
    NUMBER = "number"
    ORDER = "order"
    PREDICT = "predict"
    COMMAND = "command"


LEVELS = ("beginner", "intermediate", "advanced")


@dataclass(frozen=True)
class StateCheck:
    """Conditions on the session and the world; every one given must hold."""

    session: str | None = None
    user: str | None = None
    #: logged in (true/false), or logged in as this user (POP3 PASS/APOP/AUTH, SMTP AUTH)
    authenticated: bool | str | None = None
    tls: bool | None = None  # the connection is inside TLS (after STARTTLS/STLS)
    marked_deleted: tuple[int, ...] = ()
    not_deleted: tuple[int, ...] = ()
    mail_from: str | None = None  # regex
    rcpt_to: tuple[str, ...] = ()
    delivered: int | None = None
    mailbox: tuple[tuple[str, int], ...] = ()
    closed: bool | None = None
    pos: Pos = field(default=NOWHERE, compare=False)
    #: where each condition is written ("mailbox.<user>" for a mailbox entry), for lint
    parts: tuple[tuple[str, Pos], ...] = field(default=(), compare=False)

    def pos_of(self, key: str) -> Pos:
        """Where the condition `key` is written ("mailbox.ann": ann's entry), else the state's."""
        parts = dict(self.parts)
        return parts.get(key) or parts.get(key.split(".")[0]) or self.pos


@dataclass(frozen=True)
class Expect:
    """What must hold after a line for a step (or a command question) to pass."""

    command: str | None = None  # regex searched in the typed line
    reply: str | None = None  # kind, code or status of the last reply to the line
    reply_text: str | None = None  # regex searched in that reply's text
    state: StateCheck | None = None
    pos: Pos = field(default=NOWHERE, compare=False)
    #: where each condition is written (command, reply, reply_text, state), for lint
    parts: tuple[tuple[str, Pos], ...] = field(default=(), compare=False)

    def pos_of(self, key: str) -> Pos:
        """Where a condition is written: "reply", or "state.<key>" inside the state."""
        head, _, rest = key.partition(".")
        if head == "state" and rest and self.state is not None:
            return self.state.pos_of(rest)
        return dict(self.parts).get(head) or self.pos

    @property
    def needs_line(self) -> bool:
        """Whether only a typed line can satisfy it (otherwise state alone can)."""
        return self.command is not None or self.reply is not None or self.reply_text is not None


@dataclass(frozen=True)
class Mistake:
    """A known wrong turn: every condition given must hold after the line (at least one is)."""

    say: str
    match: str | None = None  # regex on the typed line
    reply: str | None = None  # kind/code of the reply the line got
    reply_text: str | None = None  # regex searched in that reply's text
    state: StateCheck | None = None  # the session and world after the line
    # False: the line is fine, only not what this step asks; `say` is a remark, not a reproach
    wrong: bool = True
    step_id: str = ""
    index: int = 0  # position among the step's mistakes (overlays translate by position)
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class StepHint:
    """One rung of a step's hint ladder; with `state`, only while the session is in it."""

    say: str
    state: StateCheck | None = None
    step_id: str = ""
    index: int = 0  # position among the step's hints (overlays translate by position)
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Step:
    id: str
    say: str
    expect: Expect
    solution: tuple[str, ...]
    hints: tuple[StepHint, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    after: str | None = None
    note: str | None = None
    note_kind: str = "article"  # one of NOTE_KINDS: the heading the note is shown under
    protocol: Protocol | None = None  # as written; None: the previous step's (Lesson.protocol_of)
    pos: Pos = field(default=NOWHERE, compare=False)
    solution_pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Question:
    """One quiz question; which fields matter depends on `type` (see docs/lesson-format.md)."""

    id: str
    type: QuestionType
    ask: str
    points: int = 1
    options: tuple[str, ...] = ()
    # choice: the option text; multi: option texts; number: a float; others: None
    answer: str | tuple[str, ...] | float | None = None
    # text: exact strings (folded) or /regex/; predict: other replies that are right too
    accept: tuple[str, ...] = ()
    tolerance: float = 0.0
    feedback: str | tuple[tuple[str, str], ...] | None = None  # one text, or option -> text
    explain: str | None = None
    command: str | None = None  # predict
    setup: tuple[str, ...] = ()  # predict, command, order
    world: str | dict[str, Any] | None = None  # predict, command, order: default the lesson's
    match: str = "status"  # predict: "status" or "line"
    # order: True when the question asks for one specific order; False (default): any order of
    # the options that works on the engine as the answer key's order does is right
    exact: bool = False
    goal: Expect | None = None  # command
    example: str | None = None  # command: a known-good answer
    protocol: Protocol | None = None  # predict, command, order: default the lesson's
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    protocol: Protocol
    steps: tuple[Step, ...]
    format: int = FORMAT_VERSION
    summary: str | None = None
    level: str | None = None
    minutes: int | None = None
    world: str | dict[str, Any] = "article"
    intro: str | None = None
    quiz: tuple[Question, ...] = ()
    finish: str | None = None
    path: Path | None = field(default=None, compare=False)
    pos: Pos = field(default=NOWHERE, compare=False)
    world_pos: Pos = field(default=NOWHERE, compare=False)

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def protocol_of(self, step: Step | int) -> Protocol:
        """The protocol a step talks: its own `protocol`, else the previous step's, else the
        lesson's. A step given by index may be one past the last (then: the last step's)."""
        index = step if isinstance(step, int) else self.steps.index(step)
        for earlier in reversed(self.steps[: index + 1]):
            if earlier.protocol is not None:
                return earlier.protocol
        return self.protocol

    def protocol_of_question(self, question: Question) -> Protocol:
        return question.protocol or self.protocol

    @property
    def protocols(self) -> tuple[Protocol, ...]:
        """Every protocol the lesson's steps talk, in the order they first appear."""
        seen = dict.fromkeys(self.protocol_of(i) for i in range(len(self.steps)))
        return tuple(seen) or (self.protocol,)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.quiz if q.id == question_id), None)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


# -- translations --------------------------------------------------------------------------


@dataclass(frozen=True)
class StepText:
    say: str | None = None
    hints: tuple[str, ...] | None = None
    mistakes: tuple[str, ...] | None = None
    after: str | None = None
    note: str | None = None
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class QuestionText:
    ask: str | None = None
    options: tuple[str, ...] | None = None
    feedback: str | tuple[tuple[str, str], ...] | None = None
    explain: str | None = None
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Overlay:
    """A translation: texts only, keyed by step and question id."""

    lesson: str
    lang: str
    title: str | None = None
    summary: str | None = None
    intro: str | None = None
    finish: str | None = None
    steps: tuple[tuple[str, StepText], ...] = ()
    quiz: tuple[tuple[str, QuestionText], ...] = ()
    format: int = FORMAT_VERSION
    path: Path | None = field(default=None, compare=False)
    pos: Pos = field(default=NOWHERE, compare=False)

    def step(self, step_id: str) -> StepText | None:
        return dict(self.steps).get(step_id)

    def question(self, question_id: str) -> QuestionText | None:
        return dict(self.quiz).get(question_id)


# -- the course ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    title: tuple[tuple[str, str], ...]  # lang -> title
    lessons: tuple[str, ...]
    pos: Pos = field(default=NOWHERE, compare=False)
    # where each lesson id is written, in the order of `lessons` (empty when built in memory)
    lesson_pos: tuple[Pos, ...] = field(default=(), compare=False)

    def position_of(self, index: int) -> Pos:
        return self.lesson_pos[index] if index < len(self.lesson_pos) else self.pos

    def title_in(self, lang: str) -> str:
        titles = dict(self.title)
        return titles.get(lang) or titles.get("en") or next(iter(titles.values()), "")


@dataclass(frozen=True)
class Course:
    sections: tuple[Section, ...]
    format: int = FORMAT_VERSION
    path: Path | None = field(default=None, compare=False)
    pos: Pos = field(default=NOWHERE, compare=False)

    @property
    def lesson_ids(self) -> tuple[str, ...]:
        return tuple(lesson for section in self.sections for lesson in section.lessons)
