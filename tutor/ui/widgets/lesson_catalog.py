"""What the home screen lists: the course's sections and lessons with the learner's progress.

Read from `tutor.lessons` (course file, lesson files, translations) and the progress store, and
turned into plain values, so the screen only draws. A lesson or course file that cannot be read
becomes a problem line, never an exception: the rest of the course stays usable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tutor.lessons import LessonError, LessonNotFound, LessonRunner, find_lesson, load_lesson
from tutor.lessons import load_course as read_course
from tutor.lessons.model import Lesson
from tutor.lessons.progress import LessonProgress, Progress
from tutor.ui.i18n import tr


@dataclass(frozen=True, slots=True)
class LessonEntry:
    id: str
    path: Path  # the lesson file (what the lesson screen opens)
    title: str
    summary: str
    level: str | None
    minutes: int | None
    steps: int
    done: bool  # every step passed at least once
    started: bool  # opened and not at its first step, or done
    score: int  # best score: best steps + best quiz attempt, as `mailtutor progress` shows it
    max_score: int
    quiz_points: int | None  # the best quiz attempt; None: never taken
    quiz_max: int  # 0: the lesson has no quiz
    last_step: int  # 0-based step to resume at
    updated: str | None  # when progress last changed (ISO 8601), for "resume"

    @property
    def resumable(self) -> bool:
        return self.updated is not None and 0 < self.last_step < self.steps


@dataclass(frozen=True, slots=True)
class SectionView:
    title: str
    lessons: tuple[LessonEntry, ...]


@dataclass(frozen=True, slots=True)
class CourseView:
    sections: tuple[SectionView, ...]
    problems: tuple[str, ...]  # lessons or files that could not be read, as messages

    @property
    def lessons(self) -> tuple[LessonEntry, ...]:
        return tuple(entry for section in self.sections for entry in section.lessons)

    def entry(self, lesson_id: str) -> LessonEntry | None:
        return next((e for e in self.lessons if e.id == lesson_id), None)

    @property
    def resume(self) -> LessonEntry | None:
        """The lesson last worked on that stopped mid-way, if any."""
        candidates = [e for e in self.lessons if e.resumable]
        return max(candidates, key=lambda e: e.updated or "") if candidates else None


def lesson_entry(
    lesson_id: str, lang: str, progress: Progress, folder: Path | None = None
) -> LessonEntry:
    """One lesson with its progress; raises LessonNotFound or LessonError."""
    path = find_lesson(lesson_id, folder)
    lesson = load_lesson(path)
    texts = LessonRunner(lesson, lang=lang)  # only for its translated texts; opens no session
    record: LessonProgress = progress.lesson(lesson.id)
    score, max_score, quiz_points, quiz_max = lesson_numbers(record, lesson)
    last = record.resume_index(lesson) if record.updated else 0
    return LessonEntry(
        id=lesson.id,
        path=path,
        title=texts.text(lesson, "title"),
        summary=texts.text(lesson, "summary") or "",
        level=lesson.level,
        minutes=lesson.minutes,
        steps=len(lesson.steps),
        done=record.done,
        started=record.done or last > 0,
        score=score,
        max_score=max_score,
        quiz_points=quiz_points,
        quiz_max=quiz_max,
        last_step=last,
        updated=record.updated,
    )


def quiz_text(points: int | None, maximum: int, lang: str) -> str:
    """A lesson's quiz as the course list and the lesson screen say it: "quiz 5/8" (the best
    attempt), "quiz not taken yet" or "no quiz"."""
    if not maximum:
        return tr("home.quiz.none", lang)
    if points is None:
        return tr("home.quiz.not_taken", lang)
    return tr("home.quiz.points", lang, points=points, max=maximum)


def lesson_numbers(record: LessonProgress, lesson: Lesson) -> tuple[int, int, int | None, int]:
    """(best score, its maximum, best quiz attempt or None, quiz maximum): the best of all
    runs (`LessonProgress.standing`), with the maximums from the lesson as it is now."""
    standing = record.standing()
    quiz_max = sum(q.points for q in lesson.quiz)
    max_score = standing.max_score or (len(lesson.steps) + quiz_max)
    return standing.best_score, max_score, standing.quiz_points, quiz_max


def progress_text(score: int, max_score: int, quiz_points: int | None, quiz_max: int, lang: str):
    """ "Best score 17/19 · quiz 5/8": the numbers `mailtutor progress` shows too."""
    quiz = quiz_text(quiz_points, quiz_max, lang)
    return tr("home.detail.progress", lang, score=score, max=max_score, quiz=quiz)


def load_course(lang: str, folder: Path | None = None) -> CourseView:
    """The course in `lang` with progress; problems are collected, not raised."""
    progress = Progress()
    problems = list(progress.messages)
    try:
        course = read_course(folder)
    except LessonError as exc:
        return CourseView((), (*problems, *(str(d) for d in exc.diagnostics)))
    sections = []
    for section in course.sections:
        entries = []
        for lesson_id in section.lessons:
            try:
                entries.append(lesson_entry(lesson_id, lang, progress, folder))
            except (LessonNotFound, LessonError) as exc:
                problems.append(str(exc))
        sections.append(SectionView(section.title_in(lang), tuple(entries)))
    return CourseView(tuple(sections), tuple(problems))
