"""A teacher's own course folder on the course screen: `mailtutor --course DIR` and
$MAILTUTOR_COURSE, with the folder made the way a teacher makes it (`mailtutor new`)."""

from __future__ import annotations

import os

import pytest

from tutor.cli import main
from tutor.paths import COURSE_ENV
from tutor.ui.app import MailTutorApp
from tutor.ui.screens.home import HomeScreen
from tutor.ui.screens.lesson import LessonScreen


@pytest.fixture
def teacher_course(tmp_path, monkeypatch, capsys):
    """DIR with two lessons from `mailtutor new` (retitled) and a course.yaml listing them."""
    folder = tmp_path / "my-course"
    folder.mkdir()
    for lesson_id, protocol, title in (
        ("week-1", "pop3", "Week 1: fetching mail"),
        ("week-2", "smtp", "Week 2: sending mail"),
    ):
        path = folder / f"{lesson_id}.yaml"
        assert main(["new", lesson_id, "--protocol", protocol, "-o", str(path)]) == 0
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace(f"title: My {protocol.upper()} lesson", f"title: '{title}'"), "utf-8"
        )
    (folder / "course.yaml").write_text(
        "format: 1\nsections:\n"
        "  - title: {en: Our class, ru: Наш класс}\n    lessons: [week-1, week-2]\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    monkeypatch.delenv(COURSE_ENV, raising=False)
    return folder


def rows(home: HomeScreen) -> list[str]:
    return [str(option.prompt) for option in home.query_one("#home-list").options]


async def test_the_course_screen_lists_the_teachers_lessons(teacher_course, monkeypatch):
    monkeypatch.setenv(COURSE_ENV, str(teacher_course / "course.yaml"))  # the file names it too
    app = MailTutorApp(start="home", lang="en", fixed_timestamp="<1.1@server.ru>")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listed = rows(app.screen)
        assert listed[0] == "Our class"
        assert any("Week 1: fetching mail" in row for row in listed)
        assert any("Week 2: sending mail" in row for row in listed)
        assert not any("Reading mail with POP3" in row for row in listed)  # no bundled lesson
        await pilot.press("down", "enter")  # the second lesson opens from the teacher's folder
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.runner.lesson.path == teacher_course / "week-2.yaml"


def test_course_flag_sets_the_folder_for_the_run(teacher_course, monkeypatch):
    seen = {}

    def run(self):
        seen["course_dir"] = HomeScreen(self.lang).course_dir

    monkeypatch.setattr(MailTutorApp, "run", run)
    # main() sets the variable for the run (a subprocess, an app): undo that after the test,
    # or every later test in this worker would see this tmp folder as the course.
    monkeypatch.delenv(COURSE_ENV, raising=False)
    assert main(["--course", str(teacher_course)]) == 0
    assert seen["course_dir"] == teacher_course
    assert os.environ[COURSE_ENV] == str(teacher_course)


def test_a_course_folder_that_is_not_there_is_said_before_the_app_starts(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(MailTutorApp, "run", lambda self: pytest.fail("the app started"))
    monkeypatch.delenv(COURSE_ENV, raising=False)  # restored after the test (see above)
    assert main(["--course", str(tmp_path / "nope")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert main(["--course", str(tmp_path)]) == 2  # a folder without lessons
    assert "no lesson files" in capsys.readouterr().err


def test_a_lesson_of_the_teachers_course_opens_by_its_id(teacher_course, monkeypatch, capsys):
    monkeypatch.setenv(COURSE_ENV, str(teacher_course))
    code, out, _ = (main(["replay", "week-1", "--color", "never"]), *capsys.readouterr())
    assert code == 0 and out.startswith("Week 1: fetching mail (week-1)")
    assert main(["replay", "pop3-article"]) == 0  # the bundled ones still open too
    capsys.readouterr()
    assert main(["replay", "week-3"]) == 1
    err = capsys.readouterr().err
    assert "no lesson 'week-3'; did you mean" in err and "week-1, week-2" in err
