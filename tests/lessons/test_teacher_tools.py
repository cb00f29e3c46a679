"""The teachers' workshop: `mailtutor new` and `mailtutor replay --quiz`, as a teacher runs them."""

from __future__ import annotations

import pytest

from tutor.cli import main
from tutor.lessons import LessonRunner, load_lesson
from tutor.lessons.model import QuestionType
from tutor.lessons.quiz import grade_question
from tutor.lessons.quiz_key import answer_key


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("protocol", ["pop3", "smtp"])
def test_new_lesson_lints_clean_replays_and_shows_every_feature(
    protocol, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "new", "my-lesson", "--protocol", protocol)
    assert code == 0, err
    path = tmp_path / "my-lesson.yaml"
    assert path.is_file() and "my-lesson.yaml" in out
    code, out, err = run(capsys, "lint", str(path))
    assert (code, err) == (0, "")
    assert out.startswith("ok: 1 lesson, ") and len(out.splitlines()) == 1  # not even a warning
    code, out, err = run(capsys, "replay", str(path), "--quiz")
    assert code == 0, err
    lesson = load_lesson(path)
    assert lesson.protocol == protocol and lesson.id == "my-lesson"
    assert {q.type for q in lesson.quiz} == set(QuestionType)
    assert any(s.hints for s in lesson.steps) and any(s.mistakes for s in lesson.steps)
    assert any(s.note for s in lesson.steps) and any(s.after for s in lesson.steps)
    assert "#" in path.read_text(encoding="utf-8")  # commented for the teacher


def test_new_never_overwrites_without_force(tmp_path, capsys):
    target = tmp_path / "mine.yaml"
    target.write_text("my own work\n", encoding="utf-8")
    code, _, err = run(capsys, "new", "mine", "-o", str(target))
    assert code == 1 and "--force" in err
    assert target.read_text(encoding="utf-8") == "my own work\n"
    code, _, _ = run(capsys, "new", "mine", "-o", str(target), "--force", "--protocol", "smtp")
    assert code == 0 and load_lesson(target).protocol == "smtp"


def test_new_refuses_a_bad_id_plainly(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "new", "My Lesson")
    assert code == 2 and "not a lesson id" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_replay_quiz_prints_each_question_with_the_engines_answers(tmp_path, capsys):
    path = tmp_path / "q.yaml"
    assert run(capsys, "new", "q", "-o", str(path))[0] == 0
    code, out, _ = run(capsys, "replay", str(path), "--quiz", "--color", "never")
    assert code == 0
    quiz = out[out.index("Quiz: 7 question(s)") :]
    for qid in ("pick-one", "pick-many", "name-it", "count", "in-order", "guess-reply", "do-it"):
        assert f": {qid} (" in quiz
    assert "answer: user ne_skagu → pass secret → stat → quit" in quiz
    # predict: the real engine's reply to the command after the setup, and its status
    predict = quiz[quiz.index("guess-reply") : quiz.index("do-it")]
    assert "C: dele 4" in predict and "S: -ERR no such message" in predict
    assert "answer: -ERR" in predict
    # command: the example and the reply it gets
    command = quiz[quiz.index("do-it") :]
    assert "C: dele 2" in command and "S: +OK" in command and "answer: dele 2" in command


def test_every_bundled_answer_key_is_graded_right_in_both_languages():
    from tutor.lessons.locate import find_lesson, lesson_ids

    for lesson_id in lesson_ids():
        lesson = load_lesson(find_lesson(lesson_id))
        for lang in ("en", "ru"):
            runner = LessonRunner(lesson, lang=lang)
            for entry in answer_key(runner):
                assert entry.graded_right, (lesson_id, lang, entry.question.id)
                again = grade_question(entry.question, entry.answer, lesson, runner.text)
                assert again.correct


def test_replay_quiz_shows_a_number_questions_tolerance(tmp_path, capsys):
    path = tmp_path / "q.yaml"
    assert run(capsys, "new", "q", "-o", str(path))[0] == 0
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("tolerance: 0 ", "tolerance: 0.5 ", 1), encoding="utf-8")
    code, out, _ = run(capsys, "replay", str(path), "--quiz", "--color", "never")
    assert code == 0 and "answer: 3 (± 0.5)" in out


def test_lint_of_a_teachers_course_points_at_each_problem(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    for lesson_id in ("one", "two", "loose"):
        assert run(capsys, "new", lesson_id, "-o", str(folder / f"{lesson_id}.yaml"))[0] == 0
    (folder / "broken.yaml").write_text("format: 1\nid: broken\n", encoding="utf-8")
    two = folder / "two.yaml"
    two.write_text(two.read_text(encoding="utf-8").replace("id: two ", "id: deux "), "utf-8")
    course = folder / "course.yaml"
    course.write_text(
        "format: 1\n"
        "sections:\n"
        "  - title: {en: Week 1}\n"
        "    lessons:\n"
        "      - one\n"
        "      - onw\n"
        "      - two\n"
        "      - broken\n"
        "  - title: Week 2\n"
        "    lessons: [one]\n"
        "  - title: Later\n"
        "    lessons: []\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "lint", str(course))
    assert code == 1
    lines = out.splitlines()
    assert (
        f"{course}:6:9: error: no lesson file onw.yaml beside the course; did you mean 'one'?"
        in lines
    )
    assert any(
        line.startswith(f"{course}:7:9: error: two.yaml has the id 'deux'") for line in lines
    )
    assert any(line.startswith(f"{course}:8:9: error: lesson 'broken'") for line in lines)
    twice = "warning: lesson 'one' is listed twice in the course; it is shown only where"
    assert any(line.startswith(f"{course}:10:15: {twice}") for line in lines)
    assert f"{course}:11:5: warning: section #3 lists no lessons; it shows up empty" in lines
    assert f"{course}:1:1: warning: lesson 'loose' is not in any section" in lines
    # `lint DIR` checks the course file too, besides every lesson in the folder
    code, out, _ = run(capsys, "lint", str(folder))
    assert code == 1 and f"{course}:6:9: error" in out and f"{folder / 'broken.yaml'}:1:1" in out
