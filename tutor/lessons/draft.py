"""A lesson as far as it loaded: what lint checks on the engine when the file has errors.

A lesson with any error does not load (the TUI and replay refuse it). Lint still wants to replay
every step whose own definition is sound, so the loader also records each item of `steps` and
`quiz` as a draft: the step or question when it loaded, else what could be read of it (a broken
step's solution lines are still typed, so the steps after it start where the author meant).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Pos
from .model import NOWHERE, Lesson, Protocol, Question, Step


@dataclass(frozen=True)
class StepDraft:
    number: int  # 1-based place in `steps`
    pos: Pos
    step: Step | None = None  # None: its definition has errors
    id: str | None = None
    solution: tuple[str, ...] | None = None  # readable solution lines of a broken step
    protocol: Protocol | None = None  # its own `protocol`, when given and valid
    cut: bool = False  # cut short by a YAML syntax error: nothing of it is used

    @property
    def name(self) -> str:
        return f"step '{self.id}'" if self.id else f"step #{self.number}"


@dataclass(frozen=True)
class QuestionDraft:
    number: int
    pos: Pos
    question: Question | None = None
    id: str | None = None
    type: str | None = None  # as written, even when the question did not load
    cut: bool = False

    @property
    def name(self) -> str:
        return f"question '{self.id}'" if self.id else f"question #{self.number}"


@dataclass(frozen=True)
class LessonDraft:
    protocol: Protocol | None  # None: missing or invalid, so nothing can be replayed
    world: str | dict[str, Any] | None  # None: the world has errors (or was cut short)
    world_cut: bool = False
    cut: bool = False  # the top level is cut short by a YAML syntax error
    steps: tuple[StepDraft, ...] = ()
    quiz: tuple[QuestionDraft, ...] = ()
    id: str | None = None
    path: Path | None = field(default=None, compare=False)
    pos: Pos = field(default=NOWHERE, compare=False)
    world_pos: Pos = field(default=NOWHERE, compare=False)
    protocol_pos: Pos = field(default=NOWHERE, compare=False)

    @classmethod
    def of(cls, lesson: Lesson) -> LessonDraft:
        """The draft of a lesson that loaded whole."""
        return cls(
            protocol=lesson.protocol,
            world=lesson.world,
            steps=tuple(
                StepDraft(n, s.pos, s, s.id, s.solution, s.protocol)
                for n, s in enumerate(lesson.steps, 1)
            ),
            quiz=tuple(QuestionDraft(n, q.pos, q, q.id) for n, q in enumerate(lesson.quiz, 1)),
            id=lesson.id,
            path=lesson.path,
            pos=lesson.pos,
            world_pos=lesson.world_pos,
            protocol_pos=lesson.pos,
        )

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def lesson(self) -> Lesson:
        """A Lesson of the parts that loaded, for the checks that take one (quiz questions).
        Only meaningful when `protocol` and `world` are known."""
        assert self.protocol is not None and self.world is not None
        return Lesson(
            id=self.id or "draft",
            title="",
            protocol=self.protocol,
            steps=tuple(d.step for d in self.steps if d.step is not None and not d.cut),
            world=self.world,
            quiz=tuple(d.question for d in self.quiz if d.question is not None and not d.cut),
            path=self.path,
            pos=self.pos,
            world_pos=self.world_pos,
        )
