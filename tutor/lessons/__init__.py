"""Lessons: the YAML format as values, safe loading with positions, lint checks, the runner that
judges each typed line, the sandbox recorder, and the learner's progress.

Nothing here knows about Textual; the TUI draws what these objects say.
"""

from __future__ import annotations

from .diagnostics import Diagnostic, LessonError, Pos, Severity
from .loader import load_course_file, load_lesson, load_overlay, read_document, read_lesson
from .locate import LessonNotFound, find_lesson, lesson_ids, load_course, translations
from .model import (
    Course,
    Expect,
    Lesson,
    Mistake,
    Overlay,
    Protocol,
    Question,
    QuestionType,
    Section,
    StateCheck,
    Step,
    StepHint,
)
from .progress import LessonProgress, Progress, QuestionProgress
from .quiz import AnswerError, Grade
from .recorder import record_lesson
from .runner import Connection, Hint, LessonRunner, OutcomeKind, ReplayError, StepOutcome

__all__ = [
    "AnswerError",
    "Connection",
    "Course",
    "Diagnostic",
    "Expect",
    "Grade",
    "Hint",
    "Lesson",
    "LessonProgress",
    "LessonError",
    "LessonNotFound",
    "LessonRunner",
    "Mistake",
    "OutcomeKind",
    "Overlay",
    "Pos",
    "Progress",
    "Protocol",
    "Question",
    "QuestionProgress",
    "QuestionType",
    "ReplayError",
    "Section",
    "Severity",
    "StateCheck",
    "Step",
    "StepHint",
    "StepOutcome",
    "find_lesson",
    "lesson_ids",
    "load_course",
    "load_course_file",
    "load_lesson",
    "load_overlay",
    "read_document",
    "read_lesson",
    "record_lesson",
    "translations",
]
