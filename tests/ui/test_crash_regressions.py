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
