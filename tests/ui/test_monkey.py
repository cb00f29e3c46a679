"""Monkey test: thousands of random keys and pasted junk into the sandbox and help screens.

Keys are posted to the app as Key events (the way the driver delivers them) rather than through
pilot.press, which waits for the screen to settle after every key; the app still handles each
one in order, bindings included. Seeded, bounded, and run in a tmp working directory so that a
random ctrl+r + Enter saves its recording there.
"""

from __future__ import annotations

import random
import string

import pytest
from textual import events

from tutor.ui.screens.help import HelpScreen
from tutor.ui.screens.sandbox import SandboxScreen

SPECIAL_KEYS = [
    "enter",
    "enter",
    "enter",
    "tab",
    "shift+tab",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "backspace",
    "delete",
    "escape",
    "f1",
    "f2",
    "ctrl+n",
    "ctrl+r",
    "pageup",
    "pagedown",
    "ctrl+u",
    "ctrl+w",
    "ctrl+k",
    "space",
]  # never ctrl+q / ctrl+c / ctrl+p: quitting or the palette is not what is under test
WORDS = [
    "user ne_skagu",
    "pass secret",
    "stat",
    "list",
    "retr 1",
    "dele 1",
    "rset",
    "top 2 3",
    "uidl",
    "noop",
    "quit",
    "helo x.example",
    "ehlo x.example",
    "mail from:<a@x.example>",
    "rcpt to:<poluchatel@server.ru>",
    "rcpt to:<nobody@server.ru>",
    "data",
    ".",
    "vrfy ne_skagu",
    "[/b]",  # text that looks like markup must stay text
    "[bold]x",
    "[@click=app.quit]",
    "Subject: [/i]",
]
JUNK = string.printable + "йцукенЁ✗\x00\x1b\x7f日本"


def random_key(rng: random.Random) -> events.Key:
    if rng.random() < 0.25:
        key = rng.choice(SPECIAL_KEYS)
        return events.Key(key, " " if key == "space" else None)
    char = rng.choice(string.ascii_letters + string.digits + " .:<>@-_")
    return events.Key(char if char.isalnum() else {" ": "space"}.get(char, char), char)


def random_paste(rng: random.Random) -> events.Paste:
    parts = []
    for _ in range(rng.randint(1, 6)):
        if rng.random() < 0.6:
            parts.append(rng.choice(WORDS))
        else:
            parts.append("".join(rng.choice(JUNK) for _ in range(rng.randint(0, 300))))
    return events.Paste(rng.choice(["\n", "\r\n", "\r"]).join(parts))


@pytest.mark.parametrize(("protocol", "open_help"), [("pop3", True), ("smtp", False)])
async def test_random_keys_and_pastes_do_not_crash(
    make_app, monkeypatch, tmp_path, protocol, open_help
):
    monkeypatch.chdir(tmp_path)
    rng = random.Random(f"mailtutor-{protocol}-{open_help}")
    app = make_app(("sandbox", protocol, "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        if open_help:
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
        for _ in range(15):
            for _ in range(40):
                if rng.random() < 0.05:
                    app.post_message(random_paste(rng))
                else:
                    app.post_message(random_key(rng))
            await pilot.pause()
            assert app.is_running
        # Whatever happened, the app still answers: back to a sandbox and talk to it.
        while not isinstance(app.screen, SandboxScreen):
            app.pop_screen()
            await pilot.pause()
        screen = app.screen
        screen.action_new_session()
        screen.send("noop" if protocol == "smtp" else "user ne_skagu")
        assert screen.transcript.lines[-1][0] == "ok"


LESSON_KEYS = [*SPECIAL_KEYS, "f3", "f5", "f6", "f7", "f8", "y", "n", "r", "l", "plus", "minus"]


def random_lesson_key(rng: random.Random) -> events.Key:
    """Keys that wander through home, lessons, their quiz and demo (never "q": home quits)."""
    if rng.random() < 0.35:
        key = rng.choice(LESSON_KEYS)
        character = {"space": " ", "plus": "+", "minus": "-"}.get(
            key, key if len(key) == 1 else None
        )
        return events.Key(key, character)
    char = rng.choice("abcdefghijkmnoprstuvwxyz0123456789 .:<>@")
    return events.Key(char if char.isalnum() else {" ": "space"}.get(char, char), char)


@pytest.mark.parametrize("start", ["home", "quiz"])
async def test_random_keys_through_home_lessons_quiz_and_demo(
    make_app, monkeypatch, tmp_path, start
):
    from tutor.ui.screens.home import HomeScreen

    monkeypatch.chdir(tmp_path)
    rng = random.Random(f"mailtutor-lessons-{start}")
    app = make_app("home" if start == "home" else ("lesson", "pop3-article"))
    seen: set[str] = set()
    async with app.run_test(size=(80, 24)) as pilot:
        if start == "quiz":
            await pilot.pause()
            app.screen.action_quiz()  # before the steps are done the screen says so; F7 again
        for _ in range(10):
            for _ in range(40):
                if rng.random() < 0.04:
                    app.post_message(random_paste(rng))
                else:
                    app.post_message(random_lesson_key(rng))
            await pilot.pause()
            assert app.is_running
            seen.add(type(app.screen).__name__)
            assert app.screen.id != "_default"  # never stranded on an empty screen
        assert len(seen) >= 2, seen  # the keys really went places
        # Never stranded on Textual's empty default screen: one of ours is always on top.
        assert app.screen.id != "_default", [type(s).__name__ for s in app.screen_stack]
        while len(app.screen_stack) > 1 and not isinstance(app.screen, HomeScreen):
            app.pop_screen()
            await pilot.pause()
        assert app.is_running
