"""Ctrl+R recording: the file is named after the lesson id, and its header names the real path."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tutor.ui.screens.record import RecordScreen


async def test_underscore_name_is_offered_as_an_id_and_the_header_names_the_path(
    make_app, submit, tmp_path: Path
):
    from tutor.lessons.lint import lint_paths

    folder = tmp_path / "x"
    folder.mkdir()
    app = make_app(("sandbox", "pop3", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await submit(pilot, "user ne_skagu", "pass secret", "quit")
        await pilot.press("ctrl+r")
        dialog = app.screen
        assert isinstance(dialog, RecordScreen)
        dialog.query_one("#record-path", Input).value = str(folder / "stu_rec.yaml")
        await pilot.pause()
        await pilot.press("enter")  # not a lesson id: the dialog offers stu-rec.yaml
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.query_one("#record-path", Input).value == str(folder / "stu-rec.yaml")
        assert "stu-rec.yaml instead of stu_rec.yaml" in str(
            dialog.query_one("#record-error").render()
        )
        await pilot.press("enter")  # accepted
        await pilot.pause()
        assert app.screen is screen
    saved = folder / "stu-rec.yaml"
    text = saved.read_text(encoding="utf-8")
    assert f"mailtutor lint {saved}" in text and f"mailtutor replay {saved}" in text
    assert not (folder / "stu_rec.yaml").exists()
    assert list(lint_paths([saved])) == []  # no error, and no warning about the id
