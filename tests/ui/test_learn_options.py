"""`mailtutor learn X.ru.yaml` opens X in Russian; `mailtutor learn X --quiz` opens its quiz."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.lessons.progress import Progress
from tutor.ui import crash, lesson_watch
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.screens.quiz import QuizScreen
from tutor.ui.settings import saved_language

COURSE = Path(__file__).parent / "fixtures" / "course"
BROKEN = Path(__file__).parents[1] / "lessons" / "fixtures" / "broken"


@pytest.fixture
def lesson_dir(tmp_path: Path) -> Path:
    """ui-pop3.yaml (with a quiz) and its Russian translation in a folder of their own."""
    shutil.copy(COURSE / "ui-pop3.yaml", tmp_path)
    shutil.copy(COURSE / "ui-pop3.ru.yaml", tmp_path)
    return tmp_path


def learn(capsys, monkeypatch, *argv: str):
    """Run `mailtutor learn ...` up to the app it would start: (exit status, stderr, app)."""
    started = []
    monkeypatch.setattr(crash, "run_app", lambda app, **_: started.append(app) or 0)
    code = main(["learn", *argv])
    err = capsys.readouterr().err
    return code, err, started[0] if started else None


async def top_screen(pilot, kind: type) -> object:
    for _ in range(200):
        if isinstance(pilot.app.screen, kind) and pilot.app.screen.is_mounted:
            return pilot.app.screen
        await pilot.pause()
    raise AssertionError(f"no {kind.__name__} came up")


async def test_a_translation_opens_its_lesson_in_that_language(lesson_dir, capsys, monkeypatch):
    translation = lesson_dir / "ui-pop3.ru.yaml"
    code, err, app = learn(capsys, monkeypatch, str(translation))
    assert code == 0
    assert err == (
        f"mailtutor learn: {translation} is the Russian translation of ui-pop3: "
        f"opening {lesson_dir / 'ui-pop3.yaml'} in Russian\n"
    )
    assert app.start == ("lesson", str(lesson_dir / "ui-pop3.yaml"))
    assert saved_language() is None  # the file chose Russian for this lesson, not for good
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await top_screen(pilot, LessonScreen)
        assert screen.lang == "ru"
        assert screen.title == "Учебный урок для тестов интерфейса"


def test_a_translation_that_cannot_be_opened_says_why(tmp_path, capsys, monkeypatch):
    shutil.copy(BROKEN / "tiny.de.yaml", tmp_path)
    code, err, app = learn(capsys, monkeypatch, str(tmp_path / "tiny.de.yaml"))
    assert (code, app) == (2, None)
    assert err.startswith(
        f"mailtutor learn: {tmp_path / 'tiny.de.yaml'} translates tiny into 'de', but the app "
        "shows translations only into Russian"
    )
    # Found by its content: a translation the app would not find by its name.
    (tmp_path / "russian.yaml").write_text("format: 1\nlesson: tiny\nlang: ru\n")
    code, err, app = learn(capsys, monkeypatch, str(tmp_path / "russian.yaml"))
    assert (code, app) == (2, None)
    assert err == (
        f"mailtutor learn: {tmp_path / 'russian.yaml'} is a translation of tiny into 'ru'; "
        "name it tiny.ru.yaml, beside tiny.yaml, so that it is found\n"
    )
    (tmp_path / "tiny.ru.yaml").write_text("format: 1\nlesson: tiny\nlang: ru\n")
    code, err, app = learn(capsys, monkeypatch, str(tmp_path / "tiny.ru.yaml"))
    assert (code, app) == (2, None)
    assert err == (
        f"mailtutor learn: {tmp_path / 'tiny.ru.yaml'} is a translation of tiny, "
        "but there is no tiny.yaml beside it\n"
    )


async def test_quiz_opens_at_once_as_a_preview_that_saves_nothing(lesson_dir, capsys, monkeypatch):
    code, err, app = learn(capsys, monkeypatch, str(lesson_dir / "ui-pop3.yaml"), "--quiz")
    assert (code, err) == (0, "")
    app.fixed_timestamp = "<1.1@server.ru>"
    async with app.run_test(size=(100, 30)) as pilot:
        quiz = await top_screen(pilot, QuizScreen)
        lesson = app.screen_stack[-2]
        assert isinstance(lesson, LessonScreen) and lesson.runner.step_index == 0
        assert quiz.question.id == "pick-one"
        await pilot.press("down", "enter")  # the right option, as a learner picks it
        await pilot.pause()
        assert quiz.current_grade.correct
        await pilot.press("escape")  # to the lesson, at its first step
        assert await top_screen(pilot, LessonScreen) is lesson
        await pilot.press("escape")  # to the course: the lesson's progress is saved here
        await pilot.pause()
    record = Progress().lesson("ui-pop3")  # from the data folder (isolated_data)
    assert record.updated is not None  # the lesson was recorded...
    assert record.quiz_best is None and record.questions == {}  # ...but not the preview


def test_quiz_of_a_lesson_without_one_is_refused(tmp_path, capsys, monkeypatch):
    lesson = tmp_path / "live.yaml"
    lesson.write_text(
        "format: 1\nid: live\ntitle: Live\nprotocol: pop3\nsteps:\n"
        "  - {id: login, say: Log in., expect: {command: '(?i)^user', reply: ok}, "
        "solution: [user ne_skagu]}\n",
        encoding="utf-8",
    )
    code, err, app = learn(capsys, monkeypatch, str(lesson), "--quiz")
    assert (code, err, app) == (2, f"mailtutor learn: {lesson} has no quiz to open\n", None)


async def test_quiz_preview_reloads_when_the_file_is_saved(lesson_dir, make_app, monkeypatch):
    monkeypatch.setattr(lesson_watch, "POLL_SECONDS", 3600)  # the test runs each round itself
    monkeypatch.setattr(lesson_watch, "RELOADED_SECONDS", 600)  # in sight however slow the run
    path = lesson_dir / "ui-pop3.yaml"
    app = make_app(("lesson", str(path), "quiz"))
    setattr(app, lesson_watch.APP_FLAG, True)
    async with app.run_test(size=(100, 30)) as pilot:
        quiz = await top_screen(pilot, QuizScreen)
        lesson = app.screen_stack[-2]
        text = path.read_text(encoding="utf-8")
        edited = text.replace(
            "When does a marked letter leave the maildrop?", "When is a marked letter gone?"
        )
        assert edited != text
        path.write_text(edited, encoding="utf-8")
        assert await lesson.file_watch.check() == "reloaded"
        for _ in range(200):
            if isinstance(app.screen, QuizScreen) and app.screen is not quiz:
                break
            await pilot.pause()
        fresh = await top_screen(pilot, QuizScreen)
        assert fresh is not quiz and app.screen_stack[-2] is not lesson
        assert "When is a marked letter gone?" in str(fresh.runner.lesson.quiz[0].ask)
        # said over the fresh quiz too (a full screen otherwise starts without toasts)
        assert "The lesson file changed: reloaded." in [n.message for n in app._notifications]
