"""The learner's progress: per lesson and per quiz question, kept in one JSON file.

Where: `$MAILTUTOR_DATA_DIR/progress.json` if that variable is set (tests use it), otherwise the
platform's user data folder (platformdirs: ~/.local/share/mailtutor on Linux). The file carries a
format version so a later mailtutor can read it; unknown fields are kept as they are ignored, and
missing ones take defaults. Every field is checked as it is loaded (progress_check); a file that
is damaged, malformed, too big (over 4 MiB), or not a regular file (a FIFO, a device, a link to
/dev/zero) is moved aside (renamed with a `.corrupt-<time>` suffix) with a message, never a crash
or a hang; a file from a *newer* format is left untouched and not overwritten. Writes are
atomic: a temporary file, then os.replace.

Progress is keyed by lesson id, step id and question id, which lessons keep stable.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Lesson
    from .runner import LessonRunner

PROGRESS_FORMAT = 1
FILE_NAME = "progress.json"
ENV_DIR = "MAILTUTOR_DATA_DIR"


def data_dir() -> Path:
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("mailtutor", appauthor=False))


def default_path() -> Path:
    return data_dir() / FILE_NAME


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class QuestionProgress:
    correct: bool = False
    points: int = 0
    attempts: int = 0
    answered: str | None = None  # when first answered (ISO 8601, UTC)


@dataclass(frozen=True)
class Standing:
    """What every view shows of one lesson (course list, lesson screen, `mailtutor progress`):
    the best of all runs, so they agree."""

    done: bool
    best_score: int  # best steps points + best quiz attempt
    max_score: int
    steps_done: int  # every step once the lesson is done, else the steps passed in this run
    steps: int
    quiz_points: int | None  # the best quiz attempt; None: the quiz was never taken
    quiz_max: int  # 0: no quiz (or not known yet)


@dataclass
class LessonProgress:
    done: bool = False  # every step passed at least once (stays true)
    score: int = 0  # of the latest run
    best_score: int = 0  # best steps points + best quiz attempt (never less than any run's)
    max_score: int = 0
    steps_best: int = 0  # most steps passed without a revealed solution, in any run
    quiz_best: int | None = None  # points of the best quiz attempt; None: never taken
    quiz_max: int = 0
    hints_used: int = 0
    solutions_revealed: int = 0
    attempts: int = 0  # lines typed in steps, latest run
    last_step: int = 0  # steps passed in the latest run: where to resume
    last_step_id: str | None = None  # the step to resume at (ids survive inserted steps)
    steps: int = 0
    started: str | None = None
    updated: str | None = None
    finished: str | None = None
    questions: dict[str, QuestionProgress] = field(default_factory=dict)

    def standing(self) -> Standing:
        quiz = self.quiz_best
        if quiz is None and self.questions:  # written before quiz_best was kept
            quiz = sum(q.points for q in self.questions.values())
        return Standing(
            done=self.done,
            # a file written before best_score was kept has only the latest run's score
            best_score=max(self.best_score, self.score),
            max_score=self.max_score,
            steps_done=self.steps if self.done else self.last_step,
            steps=self.steps,
            quiz_points=quiz,
            quiz_max=self.quiz_max,
        )

    def resume_index(self, lesson: Lesson) -> int:
        """Where to resume `lesson`: at the remembered step id, else the remembered number."""
        for index, step in enumerate(lesson.steps):
            if step.id == self.last_step_id:
                return index
        return min(self.last_step, len(lesson.steps))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LessonProgress:
        known = {f.name for f in fields(cls)} - {"questions"}
        values = {k: v for k, v in data.items() if k in known}
        questions = {}
        for qid, q in (data.get("questions") or {}).items():
            if isinstance(q, dict):
                qknown = {f.name for f in fields(QuestionProgress)}
                questions[str(qid)] = QuestionProgress(
                    **{k: v for k, v in q.items() if k in qknown}
                )
        return cls(questions=questions, **values)


class Progress:
    """All lessons' progress for one learner; every change is saved at once."""

    def __init__(self, path: Path | str | None = None, *, clock: Callable[[], str] = _now):
        self.path = Path(path) if path is not None else default_path()
        self.clock = clock
        self.messages: list[str] = []  # things to tell the user (a file moved aside...)
        self.read_only = False
        self._lessons: dict[str, LessonProgress] = {}
        self._load()

    # -- reading -------------------------------------------------------------------------------

    def _load(self) -> None:
        from tutor.safeload import FileTooLarge, NotRegularFile, read_regular

        from .progress_check import MAX_PROGRESS_BYTES, ProgressDamaged, check_progress

        try:
            text = read_regular(self.path, MAX_PROGRESS_BYTES).decode("utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return  # nothing saved yet (saving will say if the folder cannot be made)
        except UnicodeDecodeError as exc:
            self._move_aside(f"is damaged ({exc})")
            return
        except FileTooLarge:
            self._move_aside(f"is larger than {MAX_PROGRESS_BYTES // (1024 * 1024)} MiB")
            return
        except NotRegularFile as exc:
            if self.path.is_symlink() or self.path.is_fifo():
                self._move_aside(exc.message)  # renames the link or FIFO, nothing behind it
                return
            # A folder or a device node itself is never renamed (think `--file /dev/null`):
            # say so and save nothing.
            self.read_only = True
            self.messages.append(f"{self.path} {exc.message}; progress will not be saved this time")
            return
        except OSError as exc:
            # Unreadable (permissions...) is not damaged: leave it alone and do not overwrite it.
            self.read_only = True
            self.messages.append(
                f"cannot read {self.path}: {exc.strerror or exc}; "
                "progress will not be saved this time"
            )
            return
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            self._move_aside(
                f"is damaged ({'nested too deep' if isinstance(exc, RecursionError) else exc})"
            )
            return
        newer = (
            isinstance(data, dict)
            and isinstance(data.get("format"), int)
            and data["format"] > PROGRESS_FORMAT
        )
        if newer:
            self.read_only = True
            self.messages.append(
                f"{self.path} was written by a newer mailtutor (format {data['format']}); "
                "it is shown but will not be changed"
            )
        try:
            _, entries = check_progress(data, LessonProgress)
            self._lessons = {
                lesson_id: LessonProgress.from_json(entry) for lesson_id, entry in entries.items()
            }
        except (ProgressDamaged, ValueError, TypeError, AttributeError) as exc:
            self._lessons = {}
            if not newer:  # a newer format's file is never moved: it may be fine for its writer
                self._move_aside(f"is damaged ({exc})")

    def _move_aside(self, why: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for number in range(1, 100):  # two in one second: keep the earlier one too
            if not os.path.lexists(target):
                break
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{number}")
        try:
            os.replace(self.path, target)
        except OSError as exc:
            self.read_only = True
            self.messages.append(
                f"{self.path} {why} and could not be moved aside ({exc}); "
                "progress will not be saved this time"
            )
            return
        self.messages.append(f"{self.path} {why}; moved it to {target.name} and started afresh")

    # -- queries -------------------------------------------------------------------------------

    def lesson(self, lesson_id: str) -> LessonProgress:
        """The progress of one lesson (a blank record if it was never opened)."""
        return self._lessons.get(lesson_id) or LessonProgress()

    def lessons(self) -> dict[str, LessonProgress]:
        return dict(self._lessons)

    # -- changes -------------------------------------------------------------------------------

    def record(self, runner: LessonRunner) -> LessonProgress:
        """Take the runner's current state into the lesson's record and save."""
        lesson = runner.lesson
        now = self.clock()
        entry = self._lessons.setdefault(lesson.id, LessonProgress(started=now))
        entry.started = entry.started or now
        entry.updated = now
        entry.steps = runner.step_count
        entry.last_step = runner.step_index
        current = runner.current_step
        entry.last_step_id = current.id if current else None
        entry.score = runner.score
        entry.steps_best = max(entry.steps_best, runner.step_points)
        entry.quiz_max = runner.quiz_max
        if runner.question_results:
            entry.quiz_best = max(entry.quiz_best or 0, runner.quiz_points)
        entry.best_score = max(
            entry.best_score, runner.score, entry.steps_best + (entry.quiz_best or 0)
        )
        entry.max_score = runner.max_score
        entry.hints_used = runner.hints_used
        entry.solutions_revealed = runner.solutions_revealed
        entry.attempts = runner.attempts
        if runner.finished and not entry.done:
            entry.done = True
            entry.finished = now
        for qid, result in runner.question_results.items():
            question = entry.questions.setdefault(qid, QuestionProgress(answered=now))
            question.correct = question.correct or result.correct
            question.points = max(question.points, result.points)  # the best attempt's
            question.attempts = result.attempts
        self.save()
        return entry

    def reset(self, lesson_id: str) -> bool:
        """Forget one lesson's progress; False if there was none."""
        if self._lessons.pop(lesson_id, None) is None:
            return False
        self.save()
        return True

    def reset_all(self) -> int:
        count = len(self._lessons)
        self._lessons.clear()
        self.save()
        return count

    def save(self) -> bool:
        """Write the file atomically; False (with a message) if it could not be written."""
        if self.read_only:
            return False
        data = {
            "format": PROGRESS_FORMAT,
            "app": "mailtutor",
            "lessons": {k: asdict(v) for k, v in sorted(self._lessons.items())},
        }
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".progress-", suffix=".tmp")
        except OSError as exc:
            self._cannot_save(exc)
            return False
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            self._cannot_save(exc)
            return False
        return True

    def _cannot_save(self, exc: OSError) -> None:
        message = f"cannot save progress to {self.path}: {exc.strerror or exc}"
        if message not in self.messages:
            self.messages.append(message)

    # -- export --------------------------------------------------------------------------------

    CSV_COLUMNS = (
        "lesson",
        "question",
        "done",
        "correct",
        "score",
        "best_score",
        "max_score",
        "points",
        "hints_used",
        "solutions_revealed",
        "attempts",
        "last_step",
        "steps",
        "last_step_id",
        "started",
        "updated",
        "finished",
        "steps_best",
        "quiz_best",
        "quiz_max",
    )

    def to_csv(self) -> str:
        """One row per lesson, then one per answered question (question column filled)."""
        out = io.StringIO()
        writer = csv.DictWriter(out, self.CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for lesson_id, entry in sorted(self._lessons.items()):
            row = {k: v for k, v in asdict(entry).items() if k in self.CSV_COLUMNS}
            writer.writerow({**row, "lesson": lesson_id, "question": ""})
            for qid, q in sorted(entry.questions.items()):
                writer.writerow(
                    {
                        "lesson": lesson_id,
                        "question": qid,
                        "correct": q.correct,
                        "points": q.points,
                        "attempts": q.attempts,
                        "updated": q.answered,
                    }
                )
        return out.getvalue()
