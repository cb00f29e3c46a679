"""The two lessons of "Today's mail" completed by typing: submission (STARTTLS, AUTH PLAIN made
with the base64 helper) and pop3-tls (STLS); the TLS marks in the transcript, the state panel's
TLS and login line, and snapshots at 80x24."""

from __future__ import annotations

from textual import events
from textual.widgets import Button, Input, Static

from tutor.lessons import find_lesson, load_lesson
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.widgets import CommandPrompt, ServerStatePanel, Transcript

PLAIN = "AG5lX3NrYWd1AHNlY3JldA=="


def solutions(lesson_id: str, step_ids: tuple[str, ...]) -> list[str]:
    lesson = load_lesson(find_lesson(lesson_id))
    return [line for step in lesson.steps if step.id in step_ids for line in step.solution]


def connection_text(screen) -> str:
    line = screen.query_one(ServerStatePanel).query_one("#connection-line", Static)
    return str(line.render()) if line.display else ""


async def test_submission_lesson_with_the_base64_escape_and_the_palette(make_app, submit):
    app = make_app(("lesson", "submission"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        await submit(pilot, *solutions("submission", ("ehlo", "mail-too-early", "starttls")))
        transcript = screen.query_one(Transcript)
        lines = transcript.plain_lines()
        handshake = next(i for i, line in enumerate(lines) if "TLS handshake (simulated)" in line)
        assert lines[handshake - 1].startswith("S: 220")
        assert "TLSv1.3" in connection_text(screen)
        await submit(pilot, "ehlo home.example.ru")
        assert transcript.is_encrypted(transcript.line_count - 1)
        assert not transcript.is_encrypted(handshake - 1)

        # The escape: a note with the bytes and the base64, nothing sent to the server.
        steps_before = screen.runner.step_index
        await submit(pilot, r"/base64 \0ne_skagu\0secret")
        note = "\n".join(transcript.plain_lines()[-2:])
        assert r"\0ne_skagu\0secret" in note and "00 6E 65" in note and PLAIN in note
        assert screen.runner.step_index == steps_before
        assert not any("base64" in line for line, _ in screen.runner.transcript if line)
        # ... its result pasted after "auth plain ".
        prompt = screen.query_one(CommandPrompt)
        prompt.value = "auth plain "
        prompt.cursor_position = len(prompt.value)
        prompt.post_message(events.Paste(note.rsplit("base64: ", 1)[1].strip()))
        await pilot.pause()
        assert prompt.value == f"auth plain {PLAIN}"
        # Decoding what was sent shows the name and the password.
        await submit(pilot, f"/b64 -d {PLAIN}")
        assert r"\0ne_skagu\0secret" in transcript.plain_lines()[-2]
        prompt.value = f"auth plain {PLAIN}"
        await prompt.action_submit()
        await pilot.pause()
        assert transcript.plain_lines()[-1].startswith("S: 235")
        assert "ne_skagu" in connection_text(screen)

        # The palette's helper puts its result into the prompt.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Base64 helper")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#b64-input", Input).value = "bmVfc2thZ3U="
        await pilot.click("#b64-decode")
        await pilot.pause()
        assert "ne_skagu" in str(dialog.query_one("#b64-result", Static).render())
        assert not dialog.query_one("#b64-to-prompt", Button).disabled
        await pilot.click("#b64-to-prompt")
        await pilot.pause()
        assert app.screen is screen and prompt.value == "ne_skagu"
        prompt.value = ""

        rest = ("mail", "rcpt-outside", "rcpt-local", "data", "letter", "quit")
        await submit(pilot, *solutions("submission", rest))
        assert screen.runner.finished
        assert not transcript.tls_active  # QUIT ended the encrypted session


async def test_pop3_tls_lesson_by_typing(make_app, submit):
    app = make_app(("lesson", "pop3-tls"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        lesson = load_lesson(find_lesson("pop3-tls"))
        lines = [line for step in lesson.steps for line in step.solution]
        stls = lines.index("stls")
        await submit(pilot, *lines[: stls + 1])
        transcript = screen.query_one(Transcript)
        assert "TLS handshake (simulated)" in transcript.plain_lines()[-1]
        assert "TLSv1.3" in connection_text(screen)
        await submit(pilot, *lines[stls + 1 : -1])
        assert transcript.is_encrypted(transcript.line_count - 1)
        assert "login ne_skagu" in connection_text(screen)
        await submit(pilot, lines[-1])
        assert screen.runner.finished


def test_snapshot_submission_after_starttls(snap_compare, make_app, submit, show_state_panel):
    """80x24, English: the 220, the handshake line, and the state panel's TLS line (F3)."""

    async def run_before(pilot):
        await submit(pilot, *solutions("submission", ("ehlo", "mail-too-early", "starttls")))
        await show_state_panel(pilot)

    app = make_app(("lesson", "submission"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_snapshot_state_panel_tls_and_login(snap_compare, make_app, submit):
    """80x24 sandbox on the submission world, inside TLS and logged in: encrypted lines marked."""

    async def run_before(pilot):
        await submit(
            pilot, "ehlo home.example.ru", "starttls", "ehlo home.example.ru", f"auth plain {PLAIN}"
        )

    app = make_app(("sandbox", "smtp", "submission"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
