"""Key storm across every screen: course, a lesson finished step by step, its quiz and summary,
the demo, a sandbox, help, record and the confirmations, with keys posted in bursts 0-80 ms
apart. Whatever the timing, nothing may raise (test_monkey.py stays on one screen; this one
crosses screens while keys are still arriving, where the crashes were).

Each seed drives the same tour with its own random noise between the steps of the tour, so a
failure repeats with its seed. Bounded: a few hundred keys per seed.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events

from tutor.ui.screens.demo import DemoScreen
from tutor.ui.screens.help import HelpScreen
from tutor.ui.screens.home import HomeScreen
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.screens.quiz import QuizScreen
from tutor.ui.screens.record import RecordScreen
from tutor.ui.screens.sandbox import SandboxScreen
from tutor.ui.widgets import CommandPrompt

FIXTURES = Path(__file__).parent / "fixtures" / "course"
UI_POP3 = str(FIXTURES / "ui-pop3.yaml")
SOLUTIONS = ("user ne_skagu", "pass secret", "dele 1", "quit")
CHARACTER = {"space": " ", "full_stop": ".", "plus": "+", "minus": "-"}
LESSON_NOISE = ["f2", "f2", "f3", "f5", "f6", "n", "y", "pageup", "pagedown", "up", "down"]
LESSON_NOISE += ["tab", "backspace", "enter", "x", "s", "t", "a", "space", "f1", "f1"]
DEMO_NOISE = ["space", "n", "right", "plus", "minus", "space", "n"]
#: keys that answer a question of each type (right or wrong does not matter here)
ANSWER_KEYS = {
    "choice": ["down", "enter"],
    "multi": ["space", "enter"],
    "number": ["3", "enter"],
    "order": ["enter"],
}
HOME_NOISE = ["down", "up", "down", "r", "enter", "escape", "f1", "escape"]
SANDBOX_NOISE = ["f1", "f1", "f3", "f3", "ctrl+n", "pageup", "up", "s", "t", "a", "t"]
SANDBOX_NOISE += ["enter", "tab", "enter", "x", "enter", "backspace"]


class Storm:
    """Posts keys to the app the way a terminal delivers a fast typist's burst."""

    def __init__(self, pilot, seed: int) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.rng = random.Random(seed)

    async def keys(self, *keys: str) -> None:
        for key in keys:
            character = CHARACTER.get(key, key if len(key) == 1 else None)
            self.app.post_message(events.Key(key, character))
            if self.rng.random() < 0.3:  # most keys back to back, some 0-80 ms apart
                await asyncio.sleep(self.rng.uniform(0, 0.08))
        self.check()

    async def type(self, line: str) -> None:
        await self.keys(*[{" ": "space", ".": "full_stop"}.get(c, c) for c in line], "enter")

    async def noise(self, pool: list[str], count: int) -> None:
        await self.keys(*(self.rng.choice(pool) for _ in range(count)))
        await self.settle()

    async def settle(self) -> None:
        await self.pilot.pause()
        await self.pilot.pause()
        self.check()

    async def until(self, done: Callable[[], bool], limit: int = 60) -> bool:
        for _ in range(limit):
            if done():
                return True
            await self.pilot.pause(0.02)
            self.check()
        return done()

    async def back_to(self, screen_type: type) -> None:
        """Escape until `screen_type` is on top (the noise may have wandered off)."""
        for _ in range(8):
            if await self.until(lambda: isinstance(self.app.screen, screen_type), 10):
                return
            await self.keys("escape")
        assert isinstance(self.app.screen, screen_type), self.stack()

    def stack(self) -> list[str]:
        return [type(s).__name__ for s in self.app.screen_stack]

    def check(self) -> None:
        assert self.app._exception is None, self.app._exception
        assert self.app.is_running
        assert self.app.screen.id != "_default", self.stack()  # never stranded


async def finish_lesson(storm: Storm) -> LessonScreen:
    """Type the solutions quickly, redoing a step (F5) that the noise left broken."""
    screen = storm.app.screen
    assert isinstance(screen, LessonScreen)
    screen.query_one(CommandPrompt).focus()  # the noise may have tabbed away from it
    for _ in range(12):
        if screen.runner.finished:
            break
        step = screen.runner.current_step
        await storm.keys("ctrl+u")  # whatever the noise left in the box
        for line in step.solution:
            await storm.type(line)
        await storm.settle()
        if not screen.runner.finished and screen.runner.current_step is step:
            await storm.keys("f5")
            await storm.settle()
    assert screen.runner.finished
    return screen


async def take_quiz(storm: Storm) -> QuizScreen:
    """One fast burst per question (answer, Enter, and N or Enter for the next), to the
    summary; a question the burst did not finish gets another one."""
    quiz = storm.app.screen
    assert isinstance(quiz, QuizScreen)
    for _ in range(3 * len(quiz.questions)):
        if quiz.finished:
            break
        answer = ANSWER_KEYS.get(quiz.question.type.value, ["x", "enter"])
        await storm.keys(*answer, storm.rng.choice(["n", "enter"]))
        await storm.settle()
    assert quiz.finished  # the summary was reached
    await storm.keys("r", "escape")  # r on the summary, then back with keys still coming
    return quiz


@pytest.mark.parametrize("seed", [1, 2])
async def test_key_storm_across_every_screen(make_app, monkeypatch, tmp_path, seed):
    monkeypatch.chdir(tmp_path)  # a recording saved by the noise lands here
    app = make_app(("lesson", UI_POP3))
    seen: set[str] = set()
    async with app.run_test(size=(80, 24)) as pilot:
        storm = Storm(pilot, seed)
        assert await storm.until(lambda: isinstance(app.screen, LessonScreen))
        await storm.settle()
        # A lesson: noise (hints, the solution and restart confirmations, F5...), then the steps.
        await storm.noise(LESSON_NOISE, 20)
        seen.update(storm.stack())
        await storm.back_to(LessonScreen)
        lesson = await finish_lesson(storm)
        # Its demo, played and stepped while keys keep coming.
        await storm.keys("f8")
        assert await storm.until(lambda: isinstance(app.screen, DemoScreen))
        seen.add("DemoScreen")
        await storm.noise(DEMO_NOISE, 8)
        await storm.back_to(LessonScreen)
        # Its quiz to the summary.
        await storm.keys("f7")
        assert await storm.until(lambda: isinstance(app.screen, QuizScreen))
        seen.add("QuizScreen")
        await take_quiz(storm)
        await storm.back_to(LessonScreen)
        assert app.screen is lesson
        # The course (Esc from a lesson opened by `learn`), then the POP3 sandbox at once.
        await storm.keys("escape", "p")
        assert await storm.until(lambda: isinstance(app.screen, SandboxScreen))
        seen.update(storm.stack())
        await storm.type("user ne_skagu")
        await storm.noise(SANDBOX_NOISE, 20)
        await storm.back_to(SandboxScreen)
        app.screen.query_one(CommandPrompt).focus()
        await storm.keys("ctrl+u")
        await storm.type("user ne_skagu")  # something to record, whatever the noise did
        await storm.keys("f1")
        assert await storm.until(lambda: isinstance(app.screen, HelpScreen))
        seen.add("HelpScreen")
        await storm.keys("escape", "ctrl+r")
        assert await storm.until(lambda: isinstance(app.screen, RecordScreen))
        seen.add("RecordScreen")
        await storm.keys("escape", "escape")
        await storm.back_to(HomeScreen)
        await storm.noise(HOME_NOISE, 12)
        await storm.back_to(HomeScreen)
        for key in ("q", "p", "s"):  # quit, with keys still coming
            app.post_message(events.Key(key, key))
        await pilot.pause()
    assert app._exception is None
    assert {"LessonScreen", "DemoScreen", "QuizScreen", "HomeScreen", "SandboxScreen"} <= seen
    assert {"HelpScreen", "RecordScreen"} <= seen
