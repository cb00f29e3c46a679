"""The lesson screen driven like a learner: lines typed at the prompt, F-keys for help.

The bundled article lessons are completed through the prompt; everything else uses the fixture
course in tests/ui/fixtures/course, whose texts stay put when the bundled lessons are edited.
"""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable

from tutor.lessons import load_lesson
from tutor.lessons.progress import Progress
from tutor.paths import bundled_lessons_dir
from tutor.ui.i18n import tr
from tutor.ui.screens.confirm import ConfirmScreen
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.widgets import ServerStatePanel, Transcript
from tutor.ui.widgets.lesson_pane import LessonPane

FIXTURES = Path(__file__).parent / "fixtures" / "course"
UI_POP3 = str(FIXTURES / "ui-pop3.yaml")
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
THEMES = ("textual-dark", "textual-light")
#: each size and each theme once (the full cross product doubled the suite's snapshot time)
VIEWS = [("80x24", "textual-dark"), ("120x40", "textual-light")]

#: the article's POP3 dialogue, with the real password in place of its stars
ARTICLE_POP3 = [
    "user ne_skagu",
    "pass secret",
    "stat",
    "list",
    "dele 1",
    "dele 2",
    "dele 3",
    "dele 4",
    "quit",
]


def sync(test):
    """Run an async Pilot test in its own event loop (the suite has no asyncio plugin)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


def lesson_screen(pilot) -> LessonScreen:
    screen = pilot.app.screen
    assert isinstance(screen, LessonScreen)
    return screen


def pane_text(pilot) -> str:
    """Everything the lesson pane says now, as one string (heading, task, blocks)."""
    view = lesson_screen(pilot).query_one(LessonPane).view
    parts = [b.title + " " + b.text for b in view.before]
    parts += [view.heading, view.body]
    parts += [b.title + " " + b.text for b in view.blocks]
    return "\n".join(parts)


def marked_rows(pilot) -> list[str]:
    """Numbers of the maildrop rows the state panel shows as marked deleted."""
    table = lesson_screen(pilot).query_one(ServerStatePanel).query_one("#maildrop", DataTable)
    deleted = tr("panel.deleted", "en")
    rows = [table.get_row_at(i) for i in range(table.row_count)]
    return [str(row[0]) for row in rows if any(deleted in str(cell) for cell in row)]


@sync
async def test_complete_pop3_article_by_typing(make_app, submit):
    app = make_app(("lesson", "pop3-article"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await submit(pilot, *ARTICLE_POP3[:5])
        assert marked_rows(pilot) == ["1"]
        await submit(pilot, *ARTICLE_POP3[5:7])
        assert marked_rows(pilot) == ["1", "2", "3"]
        await submit(pilot, "dele 4")
        transcript = lesson_screen(pilot).query_one(Transcript).plain_lines()
        assert transcript[-1].startswith("S: -ERR")
        assert "Step 9 of 9" in pane_text(pilot)
        await submit(pilot, "quit")
        screen = lesson_screen(pilot)
        assert screen.runner.finished
        assert marked_rows(pilot) == []  # QUIT removed them: the maildrop is empty
        assert "Lesson complete" in pane_text(pilot)
    entry = Progress().lesson("pop3-article")
    assert entry.done and entry.last_step == 9 and entry.hints_used == 0


@sync
async def test_complete_smtp_article_by_typing(make_app, submit):
    lesson = load_lesson(bundled_lessons_dir() / "smtp-article.yaml")
    lines = [line for step in lesson.steps for line in step.solution]
    app = make_app(("lesson", "smtp-article"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        data_at = next(i for i, line in enumerate(lines) if line.lower() == "data")
        await submit(pilot, *lines[: data_at + 1])
        assert lesson_screen(pilot).query_one("#lesson-prompt").message_mode
        await submit(pilot, *lines[data_at + 1 :])
        screen = lesson_screen(pilot)
        assert screen.runner.finished
        delivered = screen.query_one(ServerStatePanel).query_one("#delivered", DataTable)
        assert delivered.row_count == 1
        assert "poluchatel@server.ru" in str(delivered.get_row_at(0))
        assert not screen.query_one("#lesson-prompt").message_mode
    assert Progress().lesson("smtp-article").done


@sync
async def test_help_ladder_mistakes_and_step_feedback(make_app, submit):
    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "fixture" in pane_text(pilot)  # the intro, under the first task
        await submit(pilot, "pass secret")
        assert "USER comes before PASS." in pane_text(pilot)  # a known mistake's message
        await submit(pilot, "noop")
        assert "did not do what this step asks" in pane_text(pilot)
        await pilot.press("f2")
        assert "Hint 1 of 2" in pane_text(pilot) and "Hint 2" not in pane_text(pilot)
        await pilot.press("f2")
        assert "Type `user ne_skagu`." in pane_text(pilot)
        await pilot.press("f2")  # no hints left: the solution, behind a question
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # "no" keeps it hidden
        await pilot.pause()
        assert "Solution" not in pane_text(pilot)
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "Solution" in pane_text(pilot) and "user ne_skagu" in pane_text(pilot)
        screen = lesson_screen(pilot)
        assert screen.runner.solutions_revealed == 1
        # At 80x24 the side shows the lesson; the server tab gets a mark when a line lands.
        pane, panel = screen.query_one(LessonPane), screen.query_one(ServerStatePanel)
        assert pane.display and not panel.display
        await submit(pilot, "user ne_skagu")
        text = pane_text(pilot)
        assert "The server waits for the password." in text  # the passed step's after-text
        assert "case-insensitive" in text  # and its note about the article
        assert "Step 2 of 4" in text and "fixture" not in text and "Solution" not in text
        assert "●" in str(screen.query_one("#lesson-side-tabs").render())
        await pilot.press("f3")
        assert panel.display and not pane.display


@sync
async def test_reset_step_reset_lesson_and_resume(make_app, submit):
    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await submit(pilot, "user ne_skagu", "pass secret", "quit")  # hung up too early
        screen = lesson_screen(pilot)
        assert screen.runner.session.closed and screen.runner.step_index == 2
        await pilot.press("f5")  # the step again, on a fresh server with the earlier steps done
        await pilot.pause()
        assert screen.runner.session.view().state == "TRANSACTION"
        await submit(pilot, "dele 1")
        assert marked_rows(pilot) == ["1"]
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert screen.runner.step_index == 0 and marked_rows(pilot) == []
        assert screen.query_one(Transcript).line_count == 1  # the greeting alone
        await submit(pilot, "user ne_skagu", "pass secret", "dele 1")
    assert Progress().lesson("ui-pop3").last_step == 3
    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = lesson_screen(pilot)
        assert screen.runner.step_index == 3
        assert marked_rows(pilot) == ["1"]  # the earlier solutions were replayed
        lines = screen.query_one(Transcript).plain_lines()
        assert "C: dele 1" in lines and "Resumed at step 4" in lines[-1]
        assert "Step 4 of 4" in pane_text(pilot)


@sync
async def test_a_step_in_another_protocol_switches_prompt_and_panel(make_app, submit):
    app = make_app(("lesson", str(Path(__file__).parent / "fixtures" / "ui-round.yaml")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = lesson_screen(pilot)
        # The fixture's title holds "[/x] [b]": lesson texts are data, never markup.
        title = Text.from_markup(screen.query_one(LessonPane).border_title).plain
        assert title.endswith("lesson [/x] [b]")
        prompt = screen.query_one("#lesson-prompt")
        assert prompt.protocol == "smtp" and screen.query_one(ServerStatePanel).protocol == "smtp"
        lines = [line for step in screen.runner.lesson.steps for line in step.solution]
        await submit(pilot, *lines[:5])  # on the way: letter text gets no "not quite"
        assert "Not quite" not in pane_text(pilot)
        await submit(pilot, *lines[5:9])  # the letter, then QUIT: the next step talks POP3
        assert prompt.protocol == "pop3" and "POP3" in prompt.border_title
        assert "USER" in prompt.keywords
        assert screen.query_one(ServerStatePanel).protocol == "pop3"
        transcript = screen.query_one(Transcript).plain_lines()
        assert "-- a new POP3 connection to the same server and world" in transcript
        assert transcript[-1].startswith("S: +OK POP3 server ready")
        await submit(pilot, lines[9])  # USER: a good reply on the way to the login step
        assert "Not quite" not in pane_text(pilot)
        await submit(pilot, *lines[10:])
        assert screen.runner.finished
        assert (
            "poluchatel's maildrop has 1 message" in screen.query_one(Transcript).plain_lines()[-1]
        )


@sync
async def test_lesson_in_russian_and_switching_language(make_app, submit):
    app = make_app(("lesson", UI_POP3), lang="ru")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Шаг 1 из 4" in pane_text(pilot)
        await submit(pilot, "pass secret")
        assert "Сначала USER, потом PASS." in pane_text(pilot)
        app.lang = "en"
        await pilot.pause()
        assert "Step 1 of 4" in pane_text(pilot)
        assert "Name the mailbox" in pane_text(pilot)


def test_learn_command_reports_unknown_and_invalid_lessons(tmp_path, capsys):
    from tutor.cli import main

    assert main(["learn", "no-such-lesson"]) == 2
    assert "no lesson 'no-such-lesson'" in capsys.readouterr().err
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nid: broken\ntitle: T\nprotocol: pop3\nsteps: 3\n")
    assert main(["learn", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "is not a valid lesson" in err and f"{broken}:5:8:" in err
    assert "Traceback" not in err


# -- snapshots -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "theme"), VIEWS)
def test_snapshot_lesson_after_dele(snap_compare, make_app, submit, show_state_panel, theme, size):
    """Mid-way: DELE 1 passed, row 1 marked in the state panel (shown with F3 when narrow)."""

    async def run_before(pilot):
        await submit(pilot, "user ne_skagu", "pass secret", "dele 1")
        if size == "80x24":
            await show_state_panel(pilot)
        # the pane scrolls its new step into view after a refresh: let that happen first
        await pilot.pause()
        await pilot.pause()

    app = make_app(("lesson", UI_POP3), theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize(("size", "theme"), VIEWS)
def test_snapshot_hint_shown(snap_compare, make_app, submit, theme, size):
    """Step 3 (DELE) with its first hint under the task."""

    async def run_before(pilot):
        await submit(pilot, "user ne_skagu", "pass secret")
        await pilot.press("f2")
        await pilot.pause()

    app = make_app(("lesson", UI_POP3), theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize(("size", "theme"), VIEWS)
def test_snapshot_solution_confirmation(snap_compare, make_app, submit, theme, size):
    """Every hint of step 1 seen: F2 asks before showing the solution."""

    async def run_before(pilot):
        await pilot.press("f2", "f2", "f2")
        await pilot.pause()

    app = make_app(("lesson", UI_POP3), theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


async def test_f1_shows_the_commands_of_the_lessons_protocol(make_app) -> None:
    from tutor.ui.screens.help import HelpScreen

    app = make_app(("lesson", "smtp-article"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.protocol == "smtp"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_offers_the_lessons_actions_and_they_work(make_app) -> None:
    from tutor.ui.commands import MailTutorCommands

    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        hits = {hit.display: hit async for hit in MailTutorCommands(screen).discover()}
        for name in (
            "Next hint",
            "Redo this step",
            "Restart the lesson",
            "Take the quiz",
            "Watch the lesson play itself",
            "Protocol help",
        ):
            assert name in hits
        assert "Record this session as a lesson" not in hits  # only sandboxes record
        before = screen.runner.hints_shown
        await hits["Next hint"].command()
        await pilot.pause()
        assert screen.runner.hints_shown == before + 1
