"""The home screen on the fixture course: sections, progress, resume, sandboxes, language."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

import pytest

import tutor.ui.app
from tutor.lessons import LessonRunner, load_lesson
from tutor.lessons.progress import Progress
from tutor.ui.app import MailTutorApp
from tutor.ui.screens.home import HomeScreen
from tutor.ui.screens.lesson import LessonScreen

FIXTURES = Path(__file__).parent / "fixtures" / "course"
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
THEMES = ("textual-dark", "textual-light")


class CourseApp(MailTutorApp):
    """The real app, with the home screen reading the fixture course instead of the bundled one."""

    CSS_PATH = str(Path(tutor.ui.app.__file__).with_name("app.tcss"))

    def start_screen(self):
        return HomeScreen(self.lang, course_dir=FIXTURES)


def make_course_app(*, lang: str = "en", theme: str | None = None) -> CourseApp:
    return CourseApp(start="home", lang=lang, fixed_timestamp="<1.1@server.ru>", theme=theme)


def record_progress(lesson_file: str, lines_to_type: int) -> None:
    """Progress as if a learner had typed the first solution lines of a fixture lesson."""
    runner = LessonRunner(load_lesson(FIXTURES / lesson_file))
    runner.start()
    lines = [line for step in runner.lesson.steps for line in step.solution]
    for line in lines[:lines_to_type]:
        runner.submit(line)
    Progress().record(runner)


def sync(test):
    """Run an async Pilot test in its own event loop (the suite has no asyncio plugin)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


def rows(home: HomeScreen) -> list[str]:
    return [str(option.prompt) for option in home.query_one("#home-list").options]


@sync
async def test_course_by_sections_with_progress():
    record_progress("ui-pop3.yaml", 4)  # done
    record_progress("ui-smtp.yaml", 2)  # two steps of five
    app = make_course_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        listed = rows(home)
        assert listed[0] == "Receiving mail" and "Sending mail" in listed
        done = next(row for row in listed if "Fixture lesson for the UI tests" in row)
        assert "✓" in done and "beginner · 5 min" in done and "✓ 4/11" in done
        smtp = next(row for row in listed if "Fixture SMTP lesson" in row)
        assert "◐" in smtp and "step 3/5" in smtp
        assert "clips it" not in "".join(listed)  # long titles are cut to their column
        resume = str(home.query_one("#home-resume").render())
        assert "Fixture SMTP lesson, step 3 of 5" in resume
        # the highlighted lesson's best numbers, as `mailtutor progress` shows them
        detail = str(home.query_one("#home-detail").render())
        assert "Best score 2/5 · no quiz" in detail
        course_list = home.query_one("#home-list")
        course_list.highlighted = course_list.get_option_index("lesson:ui-pop3")
        await pilot.pause()
        detail = str(home.query_one("#home-detail").render())
        assert "Best score 4/11 · quiz not taken yet" in detail


@sync
async def test_lessons_and_sandboxes_open_and_progress_shows_on_return(submit):
    app = make_course_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the first lesson is highlighted
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await submit(pilot, "user ne_skagu", "pass secret")
        await pilot.press("escape")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert any("step 3/4" in row for row in rows(home))
        await pilot.press("r")  # resume: the same lesson at its third step
        await pilot.pause()
        lesson = app.screen
        assert isinstance(lesson, LessonScreen) and lesson.runner.step_index == 2
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")  # the sandboxes: by key...
        await pilot.pause()
        assert type(app.screen).__name__ == "SandboxScreen" and app.screen.protocol == "smtp"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("end", "up", "enter")  # ...and from the list (the last two rows)
        await pilot.pause()
        assert type(app.screen).__name__ == "SandboxScreen" and app.screen.protocol == "pop3"


@sync
async def test_language_switch_redraws_everything():
    app = make_course_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        home = app.screen
        assert app.lang == "ru" and home.lang == "ru"
        listed = rows(home)
        assert listed[0] == "Получение почты"
        assert any("Учебный урок для тестов интерфейса" in row for row in listed)
        assert any("Песочница POP3" in row for row in listed)
        assert "Выберите урок" in str(home.query_one("#home-resume").render())
        footer = [b.description for _, b in home._bindings if b.id == "home.language"]
        assert footer == ["English"]
        await pilot.press("l")
        await pilot.pause()
        assert rows(app.screen)[0] == "Receiving mail"


def test_every_interface_string_is_in_english_and_russian():
    from tutor.ui.widgets.lesson_strings import STRINGS

    missing = [key for key, texts in STRINGS.items() if not texts.get("en") or not texts.get("ru")]
    assert missing == []


def test_home_command_opens_the_course(monkeypatch):
    from tutor.commands import home

    started = {}
    monkeypatch.setattr(
        MailTutorApp, "run", lambda self: started.update(start=self.start, lang=self.lang)
    )
    assert home.run(type("Args", (), {"lang": "ru"})()) == 0
    assert started == {"start": "home", "lang": "ru"}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", list(SIZES))
def test_snapshot_home(snap_compare, theme, size):
    """One lesson done with its score, one begun (and offered for resume), one not started."""
    record_progress("ui-pop3.yaml", 4)
    record_progress("ui-smtp.yaml", 2)
    app = make_course_app(theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size])
