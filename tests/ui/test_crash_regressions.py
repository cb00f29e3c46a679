"""The two crashes of the student review, replayed with their timings.

1. Quiz: an answer, Enter, then Enter or `n` ~50 ms later: `NoMatches: '#quiz-keys'` in
   QuizScreen.show_grade (the grade was drawn in a worker while the next key removed the
   question). 2. Course: `q` then `p` (or `s`) at once: `NoMatches: '#transcript'` on a sandbox
   started while the app was quitting.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from tutor.ui.screens.home import HomeScreen
from tutor.ui.screens.quiz import QuizScreen

FIXTURES = Path(__file__).parent / "fixtures" / "course"
UI_POP3 = str(FIXTURES / "ui-pop3.yaml")
SOLUTIONS = ("user ne_skagu", "pass secret", "dele 1", "quit")


def post(app, key: str) -> None:
    app.post_message(events.Key(key, key if len(key) == 1 else None))


@pytest.mark.parametrize("then", ["enter", "n"])
async def test_quiz_enter_then_next_50ms_later(make_app, submit, then):
    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await submit(pilot, *SOLUTIONS)
        await pilot.press("f7")
        await pilot.pause()
        quiz = app.screen
        assert isinstance(quiz, QuizScreen)
        answered = 0
        for _ in range(2 * len(quiz.questions)):
            if quiz.finished:
                break
            field = quiz.query("#quiz-input").first()
            if isinstance(field, Input):
                field.value = "3"
            post(app, "enter")  # check (choice: picks the first option)
            await asyncio.sleep(0.05)
            post(app, then)  # next, while the grade may still be drawing
            await asyncio.sleep(0.05)
            await pilot.pause()
            assert app._exception is None, app._exception
            answered += 1
        assert answered >= 3
    assert app._exception is None


@pytest.mark.parametrize("second", ["p", "s"])
async def test_course_q_then_a_sandbox_key_at_once(make_app, second):
    app = make_app("home")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            if isinstance(app.screen, HomeScreen):
                break
            await pilot.pause()
        post(app, "q")
        post(app, second)
        await pilot.pause()
    assert app._exception is None
    assert app.return_code == 0


async def test_page_keys_on_a_list_with_no_lines_laid_out_are_ignored():
    """PgUp/PgDn reaching the course list before it has lines on screen (test_monkey[home] met
    it: keys queued while the screen was not laid out yet): Textual's OptionList looked the line
    up in its empty line map and the KeyError closed the app."""
    from textual.app import App

    from tutor.ui.widgets.paged_list import PagedOptionList

    class OneList(App):
        def compose(self):
            yield PagedOptionList("first", "second", "third")

    app = OneList()
    async with app.run_test(size=(40, 10)) as pilot:
        course_list = app.query_one(PagedOptionList)
        course_list.highlighted = 1
        course_list.display = False  # no region, and its line map emptied (as on a resize)
        await pilot.pause()
        course_list.clear_options().add_options(["first", "second", "third"])
        course_list.highlighted = 1
        course_list.action_page_up()
        course_list.action_page_down()
        assert course_list.highlighted == 1
        course_list.display = True  # laid out again: the keys work as usual
        course_list.focus()
        await pilot.pause()
        await pilot.press("pagedown")
        assert course_list.highlighted == 2
    assert app._exception is None
