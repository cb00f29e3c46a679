"""Problems found in lesson files, as values: where (file, line, column) and what."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tutor.sanitize import one_line

#: a message echoes names and values from the file: it stays one line of reasonable length
MAX_MESSAGE = 1000


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Pos:
    """A place in a source file; line and column are 1-based, as editors show them."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str
    line: int
    col: int
    severity: Severity
    message: str

    @classmethod
    def at(cls, pos: Pos, message: str, severity: Severity = Severity.ERROR) -> Diagnostic:
        return cls(pos.path, pos.line, pos.col, severity, message)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        # The path and the message echo what strangers wrote (file names, keys, ids): printed
        # as one line without control characters, so nothing reaches the terminal as a code.
        path, message = one_line(self.path), one_line(self.message, MAX_MESSAGE)
        return f"{path}:{self.line}:{self.col}: {self.severity}: {message}"


class LessonError(Exception):
    """A lesson, overlay or course file that cannot be used; carries every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.is_error] or diagnostics
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}" if errors else "invalid lesson file")


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)
