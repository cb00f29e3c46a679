"""The help screen: every command of the engine's reference, reply forms coloured by kind."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from tutor.protocol.pop3 import POP3_COMMANDS
from tutor.ui.screens.help import HelpScreen, reply_kind_role


@pytest.mark.parametrize(
    ("form", "role"),
    [
        ("+OK 2 320", "ok"),
        ("-ERR no such message", "error"),
        ("+ ", "intermediate"),
        ("250 OK", "ok"),
        ("250-SIZE 10485760", "ok"),
        ("354 End data with <CR><LF>.<CR><LF>", "intermediate"),
        ("451 try later", "transient"),
        ("550 no such user", "error"),
        ("multi-line listing, ended by .", "note"),
        ("", "note"),
    ],
)
def test_reply_forms_are_coloured_like_the_transcript(form, role):
    assert reply_kind_role(form) == role


async def test_pop3_help_shows_article_names_and_detail(make_app):
    app = make_app(("sandbox", "pop3", "article"), lang="ru")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        table = screen.query_one("#help-table", DataTable)
        keywords = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert keywords == [c.keyword for c in POP3_COMMANDS]
        named = {c.keyword: c.article_name for c in POP3_COMMANDS if c.article_name}
        for keyword, name in named.items():
            assert str(table.get_row_at(keywords.index(keyword))[3]) == name
        table.move_cursor(row=keywords.index("RETR"))
        await pilot.pause()
        detail = str(screen.query_one("#help-detail").render())
        retr = POP3_COMMANDS[keywords.index("RETR")]
        assert "Что делает" in detail and retr.rfc in detail
        assert all(form in detail for form in retr.replies)
        await pilot.press("f1")  # F1 again closes, like Escape
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.parametrize("protocol", ["pop3", "smtp"])
def test_every_command_is_described_in_russian_and_english_matches_the_engine(protocol):
    from tutor.ui import i18n
    from tutor.ui.screens.sandbox import command_reference

    for command in command_reference(protocol):
        key = f"help.summary.{protocol}.{command.keyword}"
        assert i18n.tr(key, "en") == command.summary, key  # the engine's own words
        assert i18n.has(key, "ru"), key


async def test_russian_help_fits_80_columns_in_russian(make_app):
    """The article's names stay in view at 80x24 (the SMTP syntax column wraps instead)."""
    app = make_app(("sandbox", "smtp", "article"), lang="ru")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#help-table", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        detail = str(screen.query_one("#help-detail").render())
        assert detail.startswith("Что делает: Представляет клиента")
