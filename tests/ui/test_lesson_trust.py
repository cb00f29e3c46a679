"""The lesson as a first-time student met it: the lesson so far stays readable, F7 says why the
quiz waits (or opens it for a lesson done earlier), F6-F8 show where they fit, an empty Enter
sends nothing, and a toast does not linger over the next screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Footer

from tutor.ui.screens.home import HomeScreen
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.screens.quiz import QuizScreen
from tutor.ui.widgets import Transcript
from tutor.ui.widgets.lesson_pane import LessonPane

FIXTURES = Path(__file__).parent / "fixtures" / "course"
UI_POP3 = str(FIXTURES / "ui-pop3.yaml")
SOLUTIONS = ("user ne_skagu", "pass secret", "dele 1", "quit")


async def lesson(pilot) -> LessonScreen:
    for _ in range(50):
        if isinstance(pilot.app.screen, LessonScreen) and pilot.app.screen.runner.session:
            break
        await pilot.pause()
    await pilot.pause()
    return pilot.app.screen


def footer_keys(screen) -> list[str]:
    return [key.key_display for key in screen.query_one(Footer).query("FooterKey")]


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_the_lesson_so_far_keeps_intro_tasks_afters_and_notes(make_app, submit):
    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await lesson(pilot)
        await submit(pilot, "user ne_skagu", "pass wrong")  # step 2 goes wrong
        view = screen.query_one(LessonPane).view
        history = [(b.kind, b.text) for b in view.history]
        assert history[0][0] == "intro" and "fixture" in history[0][1]
        assert ("done", "Name the mailbox with `user ne_skagu`.") in history
        before = [(b.kind, b.text) for b in view.before]
        assert ("after", "The server waits for the password.") in before
        assert (
            "note",
            "The article writes commands in lower case; keywords are case-insensitive.",
        ) in before
        assert view.heading == "Step 2 of 4" and view.blocks[0].kind == "mistake"
        # PgUp from the prompt scrolls the lesson back; the prompt keeps the focus
        pane = screen.query_one(LessonPane)
        pane.scroll_end(animate=False)
        await pilot.pause()
        end = pane.scroll_y
        await pilot.press("pageup")
        assert pane.scroll_y < end or end == 0
        assert app.focused.id == "lesson-prompt"


async def test_f7_says_why_the_quiz_waits_then_opens_once_done_earlier(make_app, submit):
    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await lesson(pilot)
        assert "f7" in footer_keys(screen)  # 120 columns: F6, F7, F8 all fit
        assert {"f6", "f8"} <= set(footer_keys(screen))
        await pilot.press("f7")
        assert app.screen is screen
        assert any("you are at step 1 of 4" in text for text in toasts(app))
        await submit(pilot, *SOLUTIONS)
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
    # Opened again later: the steps start over, but the lesson is done, so F7 opens the quiz.
    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await lesson(pilot)
        assert not screen.runner.finished
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)


async def test_the_footer_shows_what_fits_at_80_columns(make_app, submit):
    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lesson(pilot)
        keys = footer_keys(screen)
        assert "f1" in keys and "f5" in keys
        footer = screen.query_one(Footer)
        assert sum(key.outer_size.width for key in footer.query("FooterKey")) <= 80
        await submit(pilot, *SOLUTIONS)  # finished: no hint or redo, room for the quiz key
        await pilot.pause()
        assert "f7" in footer_keys(screen)
        assert sum(key.outer_size.width for key in footer.query("FooterKey")) <= 80


async def test_an_empty_enter_sends_nothing_and_counts_nothing(make_app):
    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lesson(pilot)
        transcript = screen.query_one(Transcript)
        lines, attempts = transcript.line_count, screen.runner.attempts
        await pilot.press("enter", "space", "space", "enter")
        assert transcript.line_count == lines
        assert screen.runner.attempts == attempts
        blocks = screen.query_one(LessonPane).view.blocks
        assert [b.kind for b in blocks] == ["intro"]  # no "not quite", the intro still there


async def test_a_toast_does_not_linger_over_the_lesson_it_led_to(make_app):
    app = make_app("home")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            if isinstance(app.screen, HomeScreen):
                break
            await pilot.pause()
        await pilot.press("r")  # nothing to resume yet: "Pick a lesson…"
        assert any("Pick a lesson" in text for text in toasts(app))
        await pilot.press("enter")
        await lesson(pilot)
        assert not any("Pick a lesson" in text for text in toasts(app))


async def test_quit_before_the_step_is_done_says_how_to_go_on(make_app, submit):
    """A hurried student who types QUIT mid-lesson is told that Enter starts the step again
    (not the generic "did not do what this step asks"), and Enter does that."""
    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await lesson(pilot)
        await submit(pilot, "user ne_skagu", "pass secret", "quit")
        assert screen.runner.session.closed and screen.runner.current_step.id != "quit"
        blocks = screen.query_one(LessonPane).view.blocks
        assert [b.text for b in blocks if b.kind == "mistake"] == [
            "The session ended before this step was done. Press Enter to start this step "
            "again on a new connection."
        ]
        await submit(pilot, "")
        assert not screen.runner.session.closed
        assert not [b for b in screen.query_one(LessonPane).view.blocks if b.kind == "mistake"]
        await submit(pilot, "dele 1")
        assert screen.runner.current_step.id == "quit"
