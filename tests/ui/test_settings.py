"""The chosen language is remembered between runs; an explicit --lang wins; a broken settings
file is ignored, never a crash."""

from __future__ import annotations

import json

import pytest

from tutor.ui.app import MailTutorApp
from tutor.ui.settings import FILE_NAME, save_language, saved_language


def test_saved_language_round_trip_keeps_other_keys(isolated_data):
    path = isolated_data / FILE_NAME
    path.write_text(json.dumps({"theme": "textual-light"}))
    assert saved_language() is None
    assert save_language("ru")
    assert saved_language() == "ru"
    assert json.loads(path.read_text()) == {"theme": "textual-light", "lang": "ru"}


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b"\xff\xfe", b"[1, 2]", b'{"lang": "de"}', b'{"lang": 7}', b"{" * 70000],
)
def test_a_malformed_settings_file_is_ignored(isolated_data, content):
    (isolated_data / FILE_NAME).write_bytes(content)
    assert saved_language() is None
    assert MailTutorApp(start="home").lang == "en"  # the locale's (LANG=en_US in tests)
    assert save_language("ru") and saved_language() == "ru"  # and it is replaced on saving


def test_an_unwritable_data_folder_only_forgets(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MAILTUTOR_DATA_DIR", str(blocker / "sub"))
    assert save_language("ru") is False
    assert saved_language() is None


async def test_l_on_the_course_screen_is_remembered_and_lang_wins(isolated_data):
    app = MailTutorApp(start="home")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "ru"
    assert saved_language() == "ru"
    assert MailTutorApp(start="home").lang == "ru"  # the next start, without --lang
    assert MailTutorApp(start="home", lang="en").lang == "en"  # an explicit --lang wins...
    assert saved_language() == "en"  # ...and is the choice remembered from then on


def test_the_cli_passes_no_language_when_none_was_given(isolated_data, monkeypatch):
    """`mailtutor` without --lang opens in the remembered language."""
    from tutor.commands import home

    save_language("ru")
    seen = {}

    def fake_run(self):
        seen["lang"] = self.lang

    monkeypatch.setattr(MailTutorApp, "run", fake_run)
    from tutor.cli import build_parser

    assert home.run(build_parser().parse_args([])) == 0
    assert seen["lang"] == "ru"
