"""Shared fixtures for the TUI tests: repeatable apps and no writes outside tmp dirs."""

from __future__ import annotations

import asyncio
import inspect

import pytest
from textual.widgets import Input, TextArea

#: POP3 greeting timestamp used by every UI test, so transcripts and snapshots repeat exactly
FIXED_TIMESTAMP = "<1.1@server.ru>"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function):
    """Run `async def` tests in a fresh event loop (the suite has no asyncio plugin)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor would make snapshots depend on timing: keep it steadily on."""
    monkeypatch.setattr(Input.cursor_blink, "_default", False)
    monkeypatch.setattr(TextArea.cursor_blink, "_default", False)


@pytest.fixture(autouse=True)
def isolated_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Progress and other user files go to a tmp dir, never the real home; English locale."""
    data = tmp_path_factory.mktemp("mailtutor-data")
    monkeypatch.setenv("MAILTUTOR_DATA_DIR", str(data))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return data


@pytest.fixture
def fixed_timestamp() -> str:
    return FIXED_TIMESTAMP


@pytest.fixture
def make_app():
    """Build a MailTutorApp with the fixed timestamp: make_app(start=..., lang=..., theme=...)."""
    from tutor.ui.app import MailTutorApp

    def make(start="home", *, lang: str = "en", theme: str | None = None, **kwargs):
        return MailTutorApp(
            start=start, lang=lang, fixed_timestamp=FIXED_TIMESTAMP, theme=theme, **kwargs
        )

    return make


async def submit_lines(pilot, *lines: str) -> None:
    """Enter lines at the focused screen's command prompt as a learner would (value + Enter),
    without paying for one simulated key press per character."""
    from tutor.ui.widgets import CommandPrompt

    # The start screen composes in its own task: a snapshot's run_before can begin first.
    for _ in range(100):
        if pilot.app.screen.query(CommandPrompt):
            break
        await pilot.pause()
    screen = pilot.app.screen
    prompt = screen.query_one(CommandPrompt)
    for line in lines:
        prompt.value = line
        handled = line_handled(screen)
        await prompt.action_submit()
        # The line bubbles prompt -> container -> screen, one queue hop at a time, and the
        # screen's handler awaits the pane's redraw: one pause (whose idle check is a guess
        # about CPU time) returned half-way through on a loaded machine. Wait for the screen
        # to have finished handling the line itself.
        await asyncio.wait_for(handled.wait(), LINE_TIMEOUT)
        screen.message_signal.unsubscribe(screen)
        await pilot.pause()


#: seconds a screen may take to handle one entered line before the test fails (not a sleep)
LINE_TIMEOUT = 60.0


def line_handled(screen) -> asyncio.Event:
    """An event set once `screen` has handled (dispatched) the next entered line or escape."""
    from tutor.ui.messages import HelperEscape, LineEntered

    handled = asyncio.Event()

    def seen(message) -> None:
        if isinstance(message, LineEntered | HelperEscape):
            handled.set()

    screen.message_signal.subscribe(screen, seen, immediate=True)
    return handled


@pytest.fixture
def submit():
    return submit_lines


async def show_state_panel_now(pilot) -> None:
    """F3 at 80x24 (the panel's tab), then wait until the shown panel has fitted its tables to
    its width: that happens in its Resize event, which a loaded machine delivers after a few
    frames, and a picture taken before it shows the hidden panel's layout."""
    from tutor.ui.widgets import ServerStatePanel

    await pilot.press("f3")
    for _ in range(200):
        panels = [p for p in pilot.app.screen.query(ServerStatePanel) if p.display]
        if panels and all(p.fitted for p in panels):
            break
        await pilot.pause()
    await pilot.pause()


@pytest.fixture
def show_state_panel():
    return show_state_panel_now


async def panel_scrolled_to_end_now(pilot) -> None:
    """Wait (bounded) until the sandbox's state panel has scrolled to its end: it does so after
    its delivered table is laid out, to show the letter that just got its 250."""
    panel = pilot.app.screen.panel
    for _ in range(100):
        if panel.scroll_y and panel.scroll_y == panel.max_scroll_y:
            break
        await pilot.pause()


@pytest.fixture
def panel_scrolled_to_end():
    return panel_scrolled_to_end_now
