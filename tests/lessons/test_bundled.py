"""The bundled course: every file lints clean, every solution replays, every answer key is right.

Parametrized over whatever lessons/*.yaml exist, so a new lesson is tested the moment it lands.
"""

from __future__ import annotations

import pytest

from tutor.lessons import LessonRunner, OutcomeKind, QuestionType, load_course, load_lesson
from tutor.lessons.expect import check_expect
from tutor.lessons.lint import lint_file
from tutor.lessons.locate import is_overlay_path, lesson_ids, translations
from tutor.lessons.quiz import predict_expected
from tutor.paths import bundled_lessons_dir

FOLDER = bundled_lessons_dir()
FILES = sorted(FOLDER.glob("*.yaml"))
LESSONS = lesson_ids(FOLDER)


def test_the_course_has_lessons():
    assert LESSONS, f"no lessons in {FOLDER}"
    assert (FOLDER / "course.yaml").is_file(), "lessons/course.yaml is missing"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_file_lints_clean(path):
    problems = lint_file(path)
    assert problems == [], "\n".join(map(str, problems))


def test_course_lists_every_lesson_once():
    course = load_course(FOLDER)
    assert sorted(course.lesson_ids) == LESSONS
    for section in course.sections:
        assert section.title_in("en") and section.title_in("ru") != section.title_in("en")


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_every_lesson_has_a_russian_translation(lesson_id):
    assert "ru" in translations(FOLDER / f"{lesson_id}.yaml")


@pytest.mark.parametrize("lesson_id", LESSONS)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_solutions_pass_every_step_at_their_last_line(lesson_id, lang):
    lesson = load_lesson(FOLDER / f"{lesson_id}.yaml")
    runner = LessonRunner(lesson, lang=lang)
    runner.start()
    for index, step in enumerate(lesson.steps):
        assert runner.step_index == index
        if not step.expect.needs_line:  # a state-only step must not hold before it is worked
            reason = check_expect(step.expect, None, (), runner.session, runner.store)
            assert reason is not None, f"step {step.id} holds before anything is typed"
        outcomes = [runner.submit(line) for line in step.solution]
        expected = OutcomeKind.FINISHED if index == len(lesson.steps) - 1 else OutcomeKind.PASSED
        assert outcomes[-1].kind is expected, (step.id, outcomes[-1])
        assert all(o.kind is not OutcomeKind.PASSED for o in outcomes[:-1])
        assert isinstance(runner.text(step, "say"), str) and runner.text(step, "say").strip()
    assert runner.finished
    assert runner.score == len(lesson.steps)


def _right_and_wrong(question, lesson):
    kind = question.type
    if kind is QuestionType.CHOICE:
        return question.answer, next(o for o in question.options if o != question.answer)
    if kind is QuestionType.MULTI:
        return list(question.answer), list(question.options)
    if kind is QuestionType.TEXT:
        plain = [a for a in question.accept if not (a.startswith("/") and a.endswith("/"))]
        return plain[0], "a wrong answer of no meaning"
    if kind is QuestionType.NUMBER:
        return question.answer, question.answer + question.tolerance + 1
    if kind is QuestionType.ORDER:
        return list(question.options), list(reversed(question.options))
    if kind is QuestionType.PREDICT:
        right = predict_expected(question, lesson)
        wrong = {"+OK": "-ERR", "-ERR": "+OK"}.get(right, "999" if right.isdigit() else "nonsense")
        return right, wrong
    return question.example, "xyzzy"


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_quiz_keys_graded_right_and_wrong_answers_wrong(lesson_id):
    lesson = load_lesson(FOLDER / f"{lesson_id}.yaml")
    assert len(lesson.quiz) >= 5
    types = {q.type for q in lesson.quiz}
    assert len(types) >= 4 and {QuestionType.PREDICT, QuestionType.COMMAND} <= types
    runner = LessonRunner(lesson)
    for question in lesson.quiz:
        right, wrong = _right_and_wrong(question, lesson)
        if question.type is QuestionType.MULTI and set(wrong) == set(question.answer):
            wrong = wrong[:-1]
        assert not runner.grade(question.id, wrong).correct, (question.id, wrong)
        grade = runner.grade(question.id, right)
        assert grade.correct, (question.id, right)
        assert grade.expected


def test_overlays_belong_to_lessons():
    for path in FILES:
        if is_overlay_path(path):
            assert path.name.split(".")[0] in LESSONS, path.name


def _replay(capsys, lesson_id):
    from tutor.cli import main

    assert main(["replay", "--color", "never", lesson_id]) == 0
    return capsys.readouterr().out.splitlines()


def test_replay_pop3_article_shows_stat_and_the_failing_dele(capsys):
    lines = _replay(capsys, "pop3-article")
    assert "S: +OK 3 93845" in lines
    dele4 = lines.index("C: dele 4")
    assert lines[dele4 + 1].startswith("S: -ERR")


def test_replay_smtp_article_uses_the_rfc_codes(capsys):
    server = [line[3:6] for line in _replay(capsys, "smtp-article") if line.startswith("S: ")]
    assert server[0] == "220" and "220" not in server[1:]
    assert {"250", "354", "221"} <= set(server)
    assert server[-1] == "221"
