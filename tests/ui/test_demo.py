"""The demo screen: a lesson's solutions typed by themselves, with pause, step and speed keys."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

import pytest
from textual.widgets import DataTable

from tutor.ui.screens import demo as demo_screen
from tutor.ui.screens.demo import DEFAULT_SPEED, SPEEDS, DemoScreen
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.widgets import ServerStatePanel, Transcript

FIXTURES = Path(__file__).parent / "fixtures" / "course"
UI_POP3 = str(FIXTURES / "ui-pop3.yaml")
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
THEMES = ("textual-dark", "textual-light")
#: each size and each theme once (the full cross product doubled the suite's snapshot time)
VIEWS = [("80x24", "textual-dark"), ("120x40", "textual-light")]


def sync(test):
    """Run an async Pilot test in its own event loop (the suite has no asyncio plugin)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


@sync
async def test_demo_steps_pauses_and_changes_speed(make_app, monkeypatch):
    # The first speed so slow that no line goes by itself before Space pauses it: a loaded
    # machine took over 4.5 s from F8 to the pause, and the timer had sent three of the four
    # lines. The speeds from "+" on are the real ones.
    slow = tuple(300.0 * (DEFAULT_SPEED + 1 - i) for i in range(DEFAULT_SPEED + 1))
    speeds = (*slow, *SPEEDS[DEFAULT_SPEED + 1 :])  # ..., 600 s, 300 s (the first), 0.6 s, ...
    monkeypatch.setattr(demo_screen, "SPEEDS", speeds)
    assert len(speeds) == len(SPEEDS) and speeds[DEFAULT_SPEED] == 300.0
    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f8")  # from the lesson: the demo starts playing
        await pilot.pause()
        demo = app.screen
        assert isinstance(demo, DemoScreen) and demo.playing
        await pilot.press("space")
        assert not demo.playing
        transcript = demo.query_one(Transcript)
        assert demo.position == 0
        for key in ("n", "right", "n"):  # to DELE 1 by hand, each key exactly one line
            before = demo.position
            typed_before = sum(line.startswith("C: ") for line in transcript.plain_lines())
            await pilot.press(key)
            for _ in range(100):  # the line is sent in the screen's queue: wait for it there
                if demo.position != before:
                    break
                await pilot.pause()
            assert demo.position == before + 1, key
            typed = [line for line in transcript.plain_lines() if line.startswith("C: ")]
            assert len(typed) == typed_before + 1
        await pilot.pause()
        assert demo.position == 3 and typed[-1] == "C: dele 1"  # paused: nothing more came
        table = demo.query_one(ServerStatePanel).query_one("#maildrop", DataTable)
        assert "deleted" in str(table.get_row_at(0))  # the row is marked as DELE lands
        assert "step 4 of 4" in str(demo.query_one("#demo-status").render())
        seconds = demo.seconds
        await pilot.press("plus")
        assert demo.seconds < seconds
        await pilot.press("minus", "minus")
        assert demo.seconds > seconds
        for _ in range(len(speeds)):
            await pilot.press("plus")
        assert demo.seconds == SPEEDS[-1]
        await pilot.press("space")  # play again, fastest: it finishes by itself
        status = demo.query_one("#demo-status")
        for _ in range(50):  # at most 5 s; the last line takes about 0.1 s
            if demo.done and "done" in str(status.render()):
                break
            await pilot.pause(0.1)
        assert demo.done and demo.runner.finished
        assert "■ done" in str(status.render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.runner.step_index == 0  # the demo played on its own world


@pytest.mark.parametrize(("size", "theme"), VIEWS)
def test_snapshot_demo(snap_compare, make_app, theme, size):
    """The demo paused after three lines: DELE 1 has just marked row 1."""

    async def run_before(pilot):
        pilot.app.push_screen(DemoScreen(UI_POP3, "en", autoplay=False))
        await pilot.pause()
        await pilot.press("n", "n", "n")
        await pilot.pause()

    app = make_app(("lesson", UI_POP3), theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
