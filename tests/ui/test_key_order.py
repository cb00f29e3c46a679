"""Keys typed faster than the screen answers are handled in the order typed, and none is lost.

Keys are posted to the app without a pause between them (the way a terminal delivers a burst,
or tmux send-keys), then the test waits once for the app to settle.
"""

from __future__ import annotations

from pathlib import Path

from textual import events

from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.screens.sandbox import SandboxScreen
from tutor.ui.widgets import Transcript

FIXTURES = Path(__file__).parent / "fixtures" / "course"
UI_SMTP = str(FIXTURES / "ui-smtp.yaml")
NOTE = "Step started again on the server as it was before it."
NAMED = {" ": "space", ".": "full_stop", ":": "colon", "<": "less_than_sign", "@": "at"}


def burst(app, *parts: str) -> None:
    """Post text (one key per character) and named keys ("<enter>", "<f5>") with no pause."""
    for part in parts:
        if part.startswith("<") and part.endswith(">") and len(part) > 2:
            app.post_message(events.Key(part[1:-1], None))
            continue
        for char in part:
            app.post_message(events.Key(NAMED.get(char, char), char))


async def settle(pilot, screen_type: type) -> None:
    for _ in range(50):
        if isinstance(pilot.app.screen, screen_type):
            break
        await pilot.pause()
    await pilot.pause()


def client_lines(transcript: Transcript) -> list[str]:
    return [text for role, text in transcript.lines if role in ("client", "data")]


async def test_characters_after_enter_belong_to_the_next_line(make_app):
    app = make_app(("sandbox", "pop3", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, SandboxScreen)
        burst(app, "user ne_skagu", "<enter>", "pass secret", "<enter>", "stat", "<enter>")
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert client_lines(screen.transcript) == ["user ne_skagu", "pass secret", "stat"]
        assert screen.transcript.lines[-1][0] == "ok"  # logged in, STAT answered +OK


async def test_editing_keys_apply_in_order_with_the_characters(make_app):
    app = make_app(("sandbox", "pop3", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, SandboxScreen)
        burst(app, "noopx", "<backspace>", "<enter>", "stax", "<left>", "<delete>", "t")
        burst(app, "<enter>", "lisx", "<home>", "<delete>", "<end>", "<backspace>", "st")
        await pilot.pause()
        await pilot.pause()
        assert client_lines(app.screen.transcript) == ["noop", "stat"]
        assert app.screen.prompt.value == "isst"


async def test_redo_step_comes_after_the_line_typed_before_it(make_app):
    app = make_app(("lesson", UI_SMTP))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, LessonScreen)
        transcript = app.screen.query_one(Transcript)
        burst(app, "helo x", "<enter>", "<f5>")
        await pilot.pause()
        await pilot.pause()
        # helo passed step 1, then F5 redid step 2: its note comes last (F5 run first would
        # have left "C: helo x" and the reply after it).
        assert app.screen.runner.step_index == 1
        assert transcript.lines[-1] == ("note", NOTE)
        burst(app, "noop", "<enter>", "<f5>", "rset", "<enter>", "<f5>")
        await pilot.pause()
        await pilot.pause()
        # The last F5 is not lost: noop and rset went with the connection it replaced.
        assert transcript.lines[-1] == ("note", NOTE)
        assert not {"noop", "rset"} & {text for _, text in transcript.lines}


async def test_a_base64_escape_gets_its_note_between_the_lines_around_it(make_app):
    app = make_app(("sandbox", "pop3", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, SandboxScreen)
        burst(app, "user ne_skagu", "<enter>", "/b64 x", "<enter>", "noop", "<enter>")
        for _ in range(5):
            await pilot.pause()
        texts = [text for _, text in app.screen.transcript.lines]
        note = next(i for i, text in enumerate(texts) if "eA==" in text)
        assert texts.index("user ne_skagu") < note < texts.index("noop")
