"""`mailtutor learn FILE --watch`: a teacher edits the lesson under a running app."""

from __future__ import annotations

import os

from tutor.cli import main
from tutor.ui import lesson_watch
from tutor.ui.lesson_watch import APP_FLAG, LessonFileWatch
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.widgets.lesson_pane import LessonPane


def write_lesson(tmp_path, capsys):
    path = tmp_path / "live.yaml"
    assert main(["new", "live", "-o", str(path)]) == 0
    capsys.readouterr()
    return path


def save(path, text: str) -> None:
    """Save as an editor does: a new file renamed over the old one (the inode changes)."""
    temp = path.with_suffix(".tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


async def watched_screen(pilot, other_than: LessonScreen | None = None) -> LessonScreen:
    """The lesson screen (a new one, if `other_than` is given) once its on_mount is through
    (it starts the watch last)."""
    for _ in range(200):
        screen = pilot.app.screen
        mounted = isinstance(screen, LessonScreen) and hasattr(screen, "file_watch")
        if mounted and screen is not other_than:
            return screen
        await pilot.pause()
    raise AssertionError("the lesson screen did not finish mounting")


def task(screen: LessonScreen) -> str:
    view = screen.query_one(LessonPane).view
    return view.heading + "\n" + view.body


async def test_saving_the_file_reloads_the_lesson_at_the_learners_step(
    tmp_path, capsys, make_app, submit, monkeypatch
):
    # The test runs each round itself (`check`), so the timer must not run one in between.
    monkeypatch.setattr(lesson_watch, "POLL_SECONDS", 3600)
    path = write_lesson(tmp_path, capsys)
    app = make_app(("lesson", str(path)))
    setattr(app, APP_FLAG, True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await watched_screen(pilot)
        await submit(pilot, "user ne_skagu")  # step 1 done: on step 2, "pass"
        assert app.screen is screen and screen.runner.step_index == 1
        watch = screen.file_watch
        assert isinstance(watch, LessonFileWatch) and watch._timer is not None  # polling
        assert await watch.check() == "unchanged"

        # A broken save: the error is shown in the app and the lesson goes on as it was.
        text = path.read_text(encoding="utf-8")
        save(path, text.replace("title: My POP3 lesson", "title: [unclosed"))
        assert await watch.check() == "errors"
        await pilot.pause()
        assert app.screen is screen and screen.runner.step_index == 1
        shown = [n.message for n in app._notifications]
        assert any(f"{path}:" in message and "error" in message for message in shown)

        # Gone for a moment, as some editors save: nothing happens until it is back.
        path.unlink()
        assert await watch.check() == "waiting"
        assert app.screen is screen

        # Fixed and with a new text for the current step: reloaded, still at step 2.
        save(path, text.replace("Now the password, `secret`.", "Give the password now, `secret`."))
        assert await watch.check() == "reloaded"
        fresh = await watched_screen(pilot, other_than=screen)
        assert fresh.runner.step_index == 1
        assert "Give the password now, `secret`." in task(fresh)
        assert fresh.file_watch is not None  # and it goes on watching
        await submit(pilot, "pass secret")
        assert fresh.runner.step_index == 2


async def test_without_watch_nothing_is_polled(tmp_path, capsys, make_app):
    path = write_lesson(tmp_path, capsys)
    app = make_app(("lesson", str(path)))
    async with app.run_test(size=(100, 30)) as pilot:
        assert (await watched_screen(pilot)).file_watch is None


async def test_the_timer_notices_a_save_by_itself(tmp_path, capsys, make_app, monkeypatch):
    monkeypatch.setattr(lesson_watch, "POLL_SECONDS", 0.2)
    path = write_lesson(tmp_path, capsys)
    app = make_app(("lesson", str(path)))
    setattr(app, APP_FLAG, True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await watched_screen(pilot)
        text = path.read_text(encoding="utf-8")
        save(path, text.replace("title: My POP3 lesson", "title: Edited while open"))
        fresh = await watched_screen(pilot, other_than=screen)  # at most 200 rounds
        assert fresh.title == "Edited while open"


async def test_saving_the_translation_reloads_too(tmp_path, capsys, make_app, monkeypatch):
    monkeypatch.setattr(lesson_watch, "POLL_SECONDS", 3600)
    path = write_lesson(tmp_path, capsys)
    overlay = tmp_path / "live.ru.yaml"
    overlay.write_text("format: 1\nlesson: live\nlang: ru\ntitle: Урок\n", encoding="utf-8")
    app = make_app(("lesson", str(path)), lang="ru")
    setattr(app, APP_FLAG, True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await watched_screen(pilot)
        assert screen.title == "Урок"
        save(overlay, "format: 1\nlesson: live\nlang: ru\ntitle: Живой урок\n")
        assert await screen.file_watch.check() == "reloaded"
        fresh = await watched_screen(pilot, other_than=screen)
        assert fresh.title == "Живой урок"
