"""The lesson runner: one learner working through one lesson, independent of any UI.

It holds a live engine session on a fresh copy of the lesson's world, the current step, the hint
level and the score. Each typed line goes to the engine; the replies and the session's state are
checked against the step's `expect`; the outcome says what happened. The TUI draws outcomes,
`mailtutor replay` prints them, and the tests assert on them: all three see the same values.

A lesson may talk two protocols (a step's `protocol`): when the runner reaches a step whose
protocol differs from the live session's, it connects a new session of that protocol to the same
world (the mail store), as a mail program would; the letter sent over SMTP is then there for POP3.
The outcome of the line that got there carries the new `Connection` with its greeting.

Help follows the server: after a line that does not pass, the runner says the first of the
step's mistakes whose conditions (line, reply, reply text, state after the line) all hold; a hint
may name a state, and F2 gets the first hint not shown yet that applies in the present state. A
wrong turn that changes the state (a refused PASS makes POP3 forget the name) so gets advice
that is true in the state it left.

Scoring: each step passed without revealing its solution earns 1 point (hints are free: they are
there to be used); each quiz question earns its points when the *first* answer of a quiz attempt
is right. Retries are graded and get feedback but earn nothing, so the score says what the
learner knew. Taking the quiz again (`new_quiz_attempt`) starts a fresh attempt from 0 points;
progress keeps the best attempt.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from tutor.mail.store import MailStore
from tutor.protocol.replies import Reply
from tutor.protocol.session import Session

from .engine import build_lesson_world, open_session
from .expect import check_expect, hint_applies, mistake_matches
from .model import Lesson, Mistake, Overlay, Protocol, Question, QuestionType, Step, StepHint
from .quiz import Answer, Grade, grade_question
from .translation import Translation, open_translation

#: (line typed, replies); the greeting appears with line None
Exchange = tuple[str | None, tuple[Reply, ...]]


class OutcomeKind(StrEnum):
    PASSED = "passed"  # the line passed the current step; the next one is current now
    FINISHED = "finished"  # the line passed the last step: the lesson is done
    MISTAKE = "mistake"  # the line matched one of the step's known mistakes
    REMARK = "remark"  # it matched one marked `wrong: false`: fine, only not this step's line
    NONE = "none"  # nothing yet: the step still waits
    IGNORED = "ignored"  # the lesson is over or the server has hung up; not judged


@dataclass(frozen=True)
class Connection:
    """A new session the runner opened on the lesson's world (the first one, or a switch)."""

    protocol: Protocol
    greeting: tuple[Reply, ...]
    # the protocol of the previous session if it was still open: it was aborted, so nothing in
    # it was delivered or deleted (the learner should be told); None if it had ended or there
    # was none
    dropped: Protocol | None = None


@dataclass(frozen=True)
class StepOutcome:
    line: str
    replies: tuple[Reply, ...]
    kind: OutcomeKind
    message: str | None  # the step's `after` text or the mistake's (remark's) text, localized
    step_index: int  # the step the line was judged against
    # sessions connected after this line passed a step: the next step talks another protocol.
    # Show each one's greeting; runner.session and runner.protocol are the new session's now.
    connected: tuple[Connection, ...] = ()


@dataclass(frozen=True)
class Hint:
    text: str
    number: int  # 1-based
    total: int


@dataclass
class QuestionResult:
    """One question in the current quiz attempt."""

    correct: bool = False  # answered right at least once
    points: int = 0  # from the first answer
    attempts: int = 0
    first_correct: bool = False  # the first answer was right (it earned the points)
    given: str = ""  # the latest answer, as the learner gave it
    expected: str = ""  # the right answer, as shown


@dataclass
class StepStats:
    attempts: int = 0
    shown: set[int] = field(default_factory=set)  # indices of the step's hints shown so far
    solution_revealed: bool = False
    passed: bool = False

    @property
    def hints_shown(self) -> int:
        return len(self.shown)


class ReplayError(Exception):
    """A step's own solution did not pass it: the lesson file is broken (lint says so too)."""

    def __init__(self, step: Step, reason: str) -> None:
        super().__init__(f"{step.pos}: step '{step.id}': its solution does not pass it: {reason}")
        self.step = step
        self.reason = reason


def find_overlay(lesson: Lesson, lang: str) -> Overlay | None:
    """The translation `<id>.<lang>.yaml` beside the lesson, if there is a usable one."""
    return open_translation(lesson, lang).overlay


class LessonRunner:
    def __init__(self, lesson: Lesson, *, lang: str = "en", overlay: Overlay | None = None):
        self.lesson = lesson
        self.lang = lang
        #: the translation and what of it could not be used (the screens tell the learner)
        self.translation = (
            open_translation(lesson, lang)
            if overlay is None
            else Translation(lang, overlay.path, overlay)
        )
        self.overlay = self.translation.overlay
        self._steps = {step.id: StepStats() for step in lesson.steps}
        self._results: dict[str, QuestionResult] = {}
        self._index = 0
        self._store: MailStore | None = None
        self._session: Session | None = None
        self._protocol = lesson.protocol
        self._transcript: list[Exchange] = []
        self._connections: list[tuple[int, Connection]] = []

    # -- the session ---------------------------------------------------------------------------

    def start(self) -> list[Reply]:
        """Open a fresh session (of the first step's protocol) on a fresh world; returns the
        greeting."""
        self._open()
        return list(self._transcript[0][1])

    def _open(self) -> None:
        self._store = build_lesson_world(self.lesson.world, self.lesson.base_dir)
        self._session = None
        self._transcript = []
        self._connections = []
        self._connect(self.lesson.protocol_of(0) if self.lesson.steps else self.lesson.protocol)

    def _connect(self, protocol: Protocol) -> Connection:
        """A new session of `protocol` on the same store; a still-open one is aborted first."""
        assert self._store is not None
        dropped = None
        if self._session is not None and not self._session.closed:
            self._session.abort()  # like a dropped connection: delivers and deletes nothing
            dropped = self._protocol
        self._protocol = protocol
        self._session = open_session(protocol, self._store)
        connection = Connection(protocol, (self._session.greeting(),), dropped)
        self._connections.append((len(self._transcript), connection))
        self._transcript.append((None, connection.greeting))
        return connection

    def _reach_current_step(self) -> tuple[Connection, ...]:
        """Connect anew if the current step talks another protocol than the live session."""
        if self.finished:
            return ()
        protocol = self.lesson.protocol_of(self._index)
        return () if protocol is self._protocol else (self._connect(protocol),)

    @property
    def protocol(self) -> Protocol:
        """The protocol of the live session (changes when a step talks another one)."""
        self.session  # noqa: B018 - opens the session on first use
        return self._protocol

    @property
    def session(self) -> Session:
        if self._session is None:
            self.start()
        assert self._session is not None
        return self._session

    @property
    def store(self) -> MailStore:
        self.session  # noqa: B018 - opens the session on first use
        assert self._store is not None
        return self._store

    @property
    def transcript(self) -> tuple[Exchange, ...]:
        """Everything said since the world was built, greeting first (for redrawing after a
        reset). Each new connection's greeting is an exchange with line None; `connections`
        says where they are."""
        return tuple(self._transcript)

    @property
    def connections(self) -> tuple[tuple[int, Connection], ...]:
        """(index of its greeting in `transcript`, connection) for every session opened since
        the world was built; the first is at index 0."""
        self.session  # noqa: B018 - opens the session on first use
        return tuple(self._connections)

    # -- steps ---------------------------------------------------------------------------------

    @property
    def step_index(self) -> int:
        return self._index

    @property
    def step_count(self) -> int:
        return len(self.lesson.steps)

    @property
    def finished(self) -> bool:
        return self._index >= len(self.lesson.steps)

    @property
    def current_step(self) -> Step | None:
        return None if self.finished else self.lesson.steps[self._index]

    def submit(self, line: str) -> StepOutcome:
        """Type one line: the engine answers, then the current step judges it."""
        session = self.session
        index = self._index
        if session.closed:
            return StepOutcome(line, (), OutcomeKind.IGNORED, None, index)
        replies = tuple(session.handle(line))
        self._transcript.append((line, replies))
        step = self.current_step
        if step is None:
            return StepOutcome(line, replies, OutcomeKind.IGNORED, None, index)
        stats = self._steps[step.id]
        stats.attempts += 1
        if check_expect(step.expect, line, replies, session, self.store) is None:
            stats.passed = True
            self._index += 1
            said = [self.text(step, "after")]
            connected = self._reach_current_step()
            # A following step that asks only for a state the learner has already brought about
            # passes too ("however the learner got there"); otherwise they would be stuck.
            while (nxt := self.current_step) is not None and not nxt.expect.needs_line:
                if check_expect(nxt.expect, None, (), self.session, self.store) is not None:
                    break
                self._steps[nxt.id].passed = True
                self._index += 1
                said.append(self.text(nxt, "after"))
                connected += self._reach_current_step()
            message = "\n\n".join(text for text in said if text) or None
            kind = OutcomeKind.FINISHED if self.finished else OutcomeKind.PASSED
            return StepOutcome(line, replies, kind, message, index, connected)
        mistake = self._mistake(step, line, replies)
        if mistake is not None:
            kind = OutcomeKind.MISTAKE if mistake.wrong else OutcomeKind.REMARK
            return StepOutcome(line, replies, kind, self.text(mistake, "say"), index)
        return StepOutcome(line, replies, OutcomeKind.NONE, None, index)

    def _mistake(self, step: Step, line: str, replies: tuple[Reply, ...]) -> Mistake | None:
        """The first of the step's mistakes whose conditions all hold after the line (the
        line, its last reply and the state the session is in now)."""
        session, store = self.session, self.store
        return next(
            (m for m in step.mistakes if mistake_matches(m, line, replies, session, store)), None
        )

    # -- the help ladder -----------------------------------------------------------------------

    def _applicable_hints(self, step: Step) -> list[StepHint]:
        """The step's hints whose advice holds in the session's present state, in file order.

        A hint with a `state` counts only while that state holds (after a failed PASS the
        server has forgotten the name, so "type pass secret" is no longer true)."""
        return [h for h in step.hints if hint_applies(h, self.session, self.store)]

    def next_hint(self) -> Hint | None:
        """The next hint of the current step: the first one, in file order, that applies in the
        present state and has not been shown yet; None once all of those are shown (then: the
        solution)."""
        step = self.current_step
        if step is None:
            return None
        applicable = self._applicable_hints(step)
        stats = self._steps[step.id]
        for number, hint in enumerate(applicable, 1):
            if hint.index not in stats.shown:
                stats.shown.add(hint.index)
                return Hint(self.text(hint, "say"), number, len(applicable))
        return None

    @property
    def shown_hints(self) -> tuple[Hint, ...]:
        """The current step's hints shown so far that still apply now, numbered among those
        that apply (what the lesson pane lists)."""
        step = self.current_step
        if step is None:
            return ()
        applicable = self._applicable_hints(step)
        shown = self._steps[step.id].shown
        return tuple(
            Hint(self.text(hint, "say"), number, len(applicable))
            for number, hint in enumerate(applicable, 1)
            if hint.index in shown
        )

    @property
    def hints_shown(self) -> int:
        """How many of the hints that apply now have been shown."""
        return len(self.shown_hints)

    @property
    def solution_available(self) -> bool:
        """True once every hint that applies in the present state has been shown."""
        step = self.current_step
        if step is None:
            return False
        shown = self._steps[step.id].shown
        return all(hint.index in shown for hint in self._applicable_hints(step))

    def reveal_solution(self) -> tuple[str, ...]:
        """The current step's solution lines; the step then earns no point."""
        step = self.current_step
        if step is None:
            return ()
        self._steps[step.id].solution_revealed = True
        return step.solution

    def reset_step(self) -> tuple[Exchange, ...]:
        """Start the current step again: a fresh world with the earlier steps' solutions replayed.

        Returns the new transcript so the UI can redraw it."""
        return self.go_to_step(self._index)

    def reset_lesson(self) -> list[Reply]:
        """Back to the start: fresh world, first step, no hints, no score."""
        self._steps = {step.id: StepStats() for step in self.lesson.steps}
        self._results.clear()
        self._index = 0
        return self.start()

    def go_to_step(self, index: int) -> tuple[Exchange, ...]:
        """Resume at step `index` (0-based): replays the solutions of the steps before it.

        Those steps count as passed: resuming from saved progress keeps their points. Where a
        step talks another protocol, a new session is connected as when typing."""
        index = max(0, min(index, self.step_count))
        self._open()
        for number, step in enumerate(self.lesson.steps[:index]):
            self._index = number
            self._reach_current_step()
            self._play(step)
            self._steps[step.id].passed = True
        self._index = index
        self._reach_current_step()
        return self.transcript

    def _play(self, step: Step) -> None:
        """Feed a step's solution straight to the engine (no stats); raise if it fails."""
        session = self.session
        reason = "the solution has no lines"
        for line in step.solution:
            if session.closed:
                reason = "the server closed the connection before the solution's end"
                break
            replies = tuple(session.handle(line))
            self._transcript.append((line, replies))
            reason = check_expect(step.expect, line, replies, session, self.store) or ""
        if reason:
            raise ReplayError(step, reason)

    def replay_solutions(self) -> Iterator[tuple[Step, StepOutcome]]:
        """Play the remaining steps' solutions through `submit`, one line at a time.

        Yields (step, outcome of the line); an outcome's `connected` holds the sessions opened
        after it. Raises ReplayError if a solution does not pass its step."""
        self.session  # noqa: B018 - make sure there is a session
        while not self.finished:
            step = self.lesson.steps[self._index]
            outcome = None
            for line in step.solution:
                if self.session.closed:
                    break
                outcome = self.submit(line)
                yield step, outcome
                if outcome.kind in (OutcomeKind.PASSED, OutcomeKind.FINISHED):
                    break
            if self._index < len(self.lesson.steps) and self.lesson.steps[self._index] is step:
                last = self._transcript[-1]
                reason = (
                    check_expect(step.expect, last[0], last[1], self.session, self.store)
                    or "the server closed the connection"
                )
                raise ReplayError(step, reason)

    # -- texts ---------------------------------------------------------------------------------

    def set_lang(self, lang: str) -> Translation:
        """Speak `lang` from now on (its translation read anew); returns that translation."""
        self.lang = lang
        self.translation = open_translation(self.lesson, lang)
        self.overlay = self.translation.overlay
        return self.translation

    def text(self, obj: Lesson | Step | Mistake | StepHint | Question, name: str) -> Any:
        """A field of a lesson, step, mistake, hint or question in the runner's language.

        A step's `hints` are their texts, all of them in file order. Falls back to the English
        text wherever the translation has none (or a list of the wrong length, which lint
        reports)."""
        base = getattr(obj, name)
        if isinstance(obj, Step) and name == "hints":
            base = tuple(hint.say for hint in obj.hints)
        overlay = self.overlay
        if overlay is None:
            return base
        translated: Any = None
        if isinstance(obj, Lesson):
            translated = getattr(overlay, name, None)
        elif isinstance(obj, Step):
            texts = overlay.step(obj.id)
            translated = getattr(texts, name, None) if texts else None
        elif isinstance(obj, Mistake | StepHint):
            # translated by position: the overlay's list for the step, of the same length
            texts = overlay.step(obj.step_id)
            field_name = "mistakes" if isinstance(obj, Mistake) else "hints"
            own = getattr(texts, field_name) if texts else None
            base_count = self._count(obj)
            if name == "say" and own and len(own) == base_count and obj.index < len(own):
                translated = own[obj.index]
        elif isinstance(obj, Question):
            texts = overlay.question(obj.id)
            translated = getattr(texts, name, None) if texts else None
            if name == "feedback" and isinstance(base, tuple) and isinstance(translated, tuple):
                translated = tuple({**dict(base), **dict(translated)}.items())
        if translated is None or translated == "" or translated == ():
            return base
        if isinstance(base, tuple) and isinstance(translated, tuple) and name != "feedback":
            return translated if len(translated) == len(base) else base
        return translated

    def _count(self, obj: Mistake | StepHint) -> int:
        step = self.lesson.step(obj.step_id)
        if step is None:
            return 0
        return len(step.mistakes if isinstance(obj, Mistake) else step.hints)

    # -- quiz ----------------------------------------------------------------------------------

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.lesson.quiz

    def question(self, question_id: str) -> Question:
        question = self.lesson.question(question_id)
        if question is None:
            raise KeyError(f"no question {question_id!r} in lesson {self.lesson.id}")
        return question

    def shuffled_options(self, question_id: str) -> tuple[str, ...]:
        """Localized options of an order question in a fixed mixed-up order (never the answer)."""
        question = self.question(question_id)
        shown = list(self.text(question, "options"))
        if question.type is not QuestionType.ORDER or len(shown) < 2:
            return tuple(shown)
        order = list(range(len(shown)))
        rng = random.Random(question.id)
        while order == sorted(order):
            rng.shuffle(order)
        return tuple(shown[i] for i in order)

    def grade(self, question_id: str, answer: Answer) -> Grade:
        """Grade an answer: a str, a list of option texts, or an int option index (0-based)."""
        question = self.question(question_id)
        grade = grade_question(question, answer, self.lesson, self.text)
        result = self._results.setdefault(question_id, QuestionResult())
        first = result.attempts == 0
        result.attempts += 1
        result.correct = result.correct or grade.correct
        result.given, result.expected = grade.given, grade.expected
        if first:
            result.points = grade.points
            result.first_correct = grade.correct
        else:
            grade = replace(grade, points=0, retry=True)
        return grade

    @property
    def question_results(self) -> dict[str, QuestionResult]:
        return dict(self._results)

    def new_quiz_attempt(self) -> None:
        """Take the quiz again: every question unanswered, 0 points so far."""
        self._results.clear()

    @property
    def quiz_points(self) -> int:
        """Points of the current quiz attempt (first answers only)."""
        return sum(r.points for r in self._results.values())

    @property
    def quiz_max(self) -> int:
        return sum(q.points for q in self.lesson.quiz)

    @property
    def quiz_complete(self) -> bool:
        """Every question of the current attempt has been answered."""
        return bool(self.lesson.quiz) and all(q.id in self._results for q in self.lesson.quiz)

    @property
    def step_points(self) -> int:
        """Steps passed without their solution revealed, in this run."""
        return sum(1 for s in self._steps.values() if s.passed and not s.solution_revealed)

    # -- score and statistics (progress reads these) ---------------------------------------

    @property
    def score(self) -> int:
        return self.step_points + self.quiz_points

    @property
    def max_score(self) -> int:
        return len(self.lesson.steps) + sum(q.points for q in self.lesson.quiz)

    @property
    def hints_used(self) -> int:
        return sum(s.hints_shown for s in self._steps.values())

    @property
    def solutions_revealed(self) -> int:
        return sum(1 for s in self._steps.values() if s.solution_revealed)

    @property
    def attempts(self) -> int:
        return sum(s.attempts for s in self._steps.values())

    @property
    def lesson_path(self) -> Path | None:
        return self.lesson.path


__all__ = [
    "Connection",
    "Exchange",
    "Hint",
    "LessonRunner",
    "OutcomeKind",
    "QuestionResult",
    "ReplayError",
    "StepOutcome",
]
