"""The sandbox driven like a learner drives it: lines at the prompt, keys where keys matter."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import DataTable, Input

from tutor.ui.screens.help import HelpScreen
from tutor.ui.screens.record import RecordScreen
from tutor.ui.screens.sandbox import SandboxScreen


def maildrop_rows(screen: SandboxScreen) -> list[list[str]]:
    table = screen.panel.query_one("#maildrop", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def roles_of(screen: SandboxScreen, text: str) -> list[str]:
    return [role for role, line in screen.transcript.lines if line == text]


async def test_pop3_state_panel_follows_dele_rset_quit(make_app, submit):
    app = make_app(("sandbox", "pop3", "article"))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, SandboxScreen)
        assert screen.session.state_name == "AUTHORIZATION"
        # Nobody has logged in: no maildrop table is shown (it is mounted at login).
        assert not any(table.display for table in screen.panel.query("#maildrop"))
        await submit(pilot, "user ne_skagu", "pass secret", "stat", "dele 4")
        assert roles_of(screen, "+OK 3 93845") == ["ok"]
        assert screen.transcript.plain_lines()[-1].startswith("S: -ERR")
        assert screen.transcript.lines[-1][0] == "error"
        rows = maildrop_rows(screen)
        assert [row[:2] for row in rows] == [["1", "46394"], ["2", "20377"], ["3", "27074"]]
        assert all(row[-1] == "" for row in rows)

        await submit(pilot, "dele 1")
        rows = maildrop_rows(screen)
        assert rows[0][-1] == "✗ deleted" and rows[1][-1] == ""
        total = str(screen.panel.query_one("#maildrop-total").render())
        assert "2 letters, 47451 octets" in total and "marked for deletion: 1" in total

        await submit(pilot, "rset")
        assert all(row[-1] == "" for row in maildrop_rows(screen))

        await submit(pilot, "dele 2", "quit")
        assert screen.session.closed
        rows = maildrop_rows(screen)
        assert [row[:2] for row in rows] == [["1", "46394"], ["2", "27074"]]
        assert "after QUIT" in str(screen.panel.query_one("#maildrop-heading").render())
        assert "ne_skagu (signed off)" in str(screen.panel.query_one("#state-line").render())
        assert screen.prompt.closed and screen.prompt.has_class("-closed")
        assert "closed" in screen.transcript.plain_lines()[-1]

        # Enter on the empty prompt opens a new connection to a fresh world.
        await submit(pilot, "")
        assert not screen.session.closed
        assert screen.session.state_name == "AUTHORIZATION"
        assert len(screen.store.messages("ne_skagu")) == 3
        assert screen.transcript.plain_lines()[-1] == "S: +OK POP3 server ready <1.1@server.ru>"
        assert screen.exchanges == []


async def test_history_with_up_and_down(make_app, submit):
    app = make_app(("sandbox", "pop3", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.screen.prompt
        await submit(pilot, "user ne_skagu", "pass secret", "stat")
        prompt.value = "draft"
        await pilot.press("up")
        assert prompt.value == "stat"
        await pilot.press("up", "up")
        assert prompt.value == "user ne_skagu"
        await pilot.press("up")  # the oldest stays
        assert prompt.value == "user ne_skagu"
        await pilot.press("down")
        assert prompt.value == "pass secret"
        await pilot.press("down", "down")
        assert prompt.value == "draft"  # back to what was being typed
        assert prompt.cursor_position == len("draft")


async def test_tab_completes_keywords_in_the_users_case(make_app):
    app = make_app(("sandbox", "pop3", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.screen.prompt
        await pilot.press("r", "e", "tab")
        assert prompt.value == "retr "
        prompt.value = "STA"  # "ST" alone is STAT or STLS
        prompt.cursor_position = 3
        await pilot.press("tab")
        assert prompt.value == "STAT"
        prompt.value = "r"
        await pilot.press("tab")
        assert prompt.value == "r"  # RETR and RSET: both offered, nothing guessed
        assert "RETR" in prompt.border_subtitle and "RSET" in prompt.border_subtitle
        prompt.value = "xyz"
        await pilot.press("tab")
        assert prompt.value == "xyz" and "no command" in prompt.border_subtitle
        assert app.focused is prompt


async def test_smtp_message_mode_until_lone_dot(make_app, submit):
    app = make_app(("sandbox", "smtp", "article"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        prompt = screen.prompt
        await submit(
            pilot,
            "helo client.example.org",
            "mail from:<ne_skagu@server.ru>",
            "rcpt to:<poluchatel@server.ru>",
        )
        envelope = str(screen.panel.query_one("#envelope").render())
        assert "client.example.org" in envelope and "<poluchatel@server.ru>" in envelope
        await submit(pilot, "data")
        assert screen.session.mode == "data"
        assert prompt.message_mode and prompt.has_class("-message-mode")
        assert "lone ." in prompt.border_title
        prompt.value = "Sub"
        await pilot.press("tab")  # no completion of letter text
        assert prompt.value == "Sub"
        prompt.focus()
        await submit(pilot, "Subject: Hello", "", "Hi there.")
        assert prompt.message_mode
        assert ("data", "Subject: Hello") in screen.transcript.lines
        await submit(pilot, ".")
        assert not prompt.message_mode
        assert prompt.placeholder == "an SMTP command; Tab completes"
        role, last = screen.transcript.lines[-1]
        assert role == "ok" and last.startswith("250")
        delivered = screen.panel.query_one("#delivered", DataTable)
        assert delivered.row_count == 1
        assert "poluchatel@server.ru" in str(delivered.get_row_at(0)[1])
        counts = {row[0]: row[2] for row in screen.panel.user_rows(screen.store)}
        assert counts == {"ne_skagu": "3", "poluchatel": "1"}
        await submit(pilot, "mail from:<ne_skagu@server.ru>")
        assert screen.panel.scroll_y == 0  # the new envelope is in view


async def test_paste_in_message_mode_sends_each_line(make_app, submit):
    app = make_app(("sandbox", "smtp", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await submit(
            pilot, "helo a.example", "mail from:<a@a.example>", "rcpt to:<poluchatel@server.ru>"
        )
        await submit(pilot, "data")
        screen.prompt.post_message(events.Paste("Subject: pasted\r\n\r\nline one\r\n.\r\nno"))
        await pilot.pause()
        texts = [line for _, line in screen.transcript.lines]
        assert texts.count("Subject: pasted") == 1 and "line one" in texts
        assert any(line.startswith("250") for line in texts)
        assert not screen.prompt.message_mode
        assert screen.prompt.value == "no"  # the unfinished last line waits for Enter


async def test_record_saves_a_lesson_that_lints(make_app, submit, tmp_path: Path):
    from tutor.lessons.lint import lint_paths

    app = make_app(("sandbox", "pop3", "article"))
    target = tmp_path / "my-pop3.yaml"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await pilot.press("ctrl+r")  # nothing typed yet: nothing to record
        assert not isinstance(app.screen, RecordScreen)
        assert "nothing to record" in screen.transcript.plain_lines()[-1]
        await submit(pilot, "user ne_skagu", "pass secret", "stat", "dele 1", "quit")
        await pilot.press("ctrl+r")
        dialog = app.screen
        assert isinstance(dialog, RecordScreen)
        dialog.query_one("#record-path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert f"saved to {target}" in screen.transcript.plain_lines()[-1]
    text = target.read_text(encoding="utf-8")
    assert "id: my-pop3" in text and "user ne_skagu" in text
    problems = [d for d in lint_paths([target]) if d.is_error]
    assert problems == []


async def test_record_asks_before_overwriting_and_reports_errors(make_app, submit, tmp_path):
    app = make_app(("sandbox", "pop3", "article"))
    existing = tmp_path / "old.yaml"
    existing.write_text("keep me\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await submit(pilot, "user ne_skagu")
        await pilot.press("ctrl+r")
        dialog = app.screen
        path_input = dialog.query_one("#record-path", Input)
        path_input.value = str(existing)
        await pilot.pause()
        dialog.action_save()
        await pilot.pause()
        error = str(dialog.query_one("#record-error").render())
        assert "exists" in error and existing.read_text() == "keep me\n"
        path_input.value = str(tmp_path / "no" / "such" / "dir" / "x.yaml")
        await pilot.pause()
        dialog.action_save()
        await pilot.pause()
        assert "could not save" in str(dialog.query_one("#record-error").render())
        await pilot.press("escape")
        assert isinstance(app.screen, SandboxScreen)


async def test_help_screen_lists_the_protocols_commands(make_app):
    from tutor.protocol.smtp import SMTP_COMMANDS

    app = make_app(("sandbox", "smtp", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        table = help_screen.query_one("#help-table", DataTable)
        assert table.row_count == len(SMTP_COMMANDS)
        assert [str(table.get_row_at(i)[0]) for i in range(2)] == [
            c.keyword for c in SMTP_COMMANDS[:2]
        ]
        await pilot.press("down")
        detail = str(help_screen.query_one("#help-detail").render())
        assert SMTP_COMMANDS[1].summary.split()[0] in detail
        assert SMTP_COMMANDS[1].rfc in detail
        await pilot.press("escape")
        assert isinstance(app.screen, SandboxScreen)


async def test_narrow_layout_and_panel_toggle(make_app):
    app = make_app(("sandbox", "pop3", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert screen.has_class("-narrow")
        assert screen.panel.region.width == 80 and screen.panel.region.y == 0
        assert screen.prompt.region.bottom <= 23  # above the footer
        await pilot.press("f3")
        assert not screen.panel.display
        await pilot.press("f3")
        assert screen.panel.display
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        assert not screen.has_class("-narrow")
        assert screen.panel.region.x > screen.transcript.region.x


async def test_a_46kb_retr_is_shown_in_full(make_app, submit):
    app = make_app(("sandbox", "pop3", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await submit(pilot, "user ne_skagu", "pass secret")
        before = screen.transcript.line_count
        await submit(pilot, "retr 1")
        reply = screen.exchanges[-1][1][0]
        lines = screen.transcript.lines[before + 1 :]
        assert len(lines) == len(reply.display_lines())
        assert lines[0] == ("ok", reply.status_lines()[0])
        assert lines[-1] == ("ok", ".")
        assert screen.transcript.is_vertical_scroll_end
        await pilot.press("pageup")  # scrolls the dialogue while the prompt keeps focus
        assert not screen.transcript.is_vertical_scroll_end
        assert app.focused is screen.prompt
        await submit(pilot, "noop")  # a new reply brings the end back into view
        assert screen.transcript.is_vertical_scroll_end


@pytest.mark.parametrize("world", ["nosuch", "missing.yaml"])
def test_cli_bad_world_is_a_clear_error(world, capsys):
    from tutor.cli import main

    assert main(["sandbox", "pop3", "--world", world]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mailtutor sandbox: ") and "Traceback" not in err


async def test_a_long_maildrop_scrolls_to_the_row_dele_marked(make_app, submit):
    app = make_app(("sandbox", "pop3", "busy"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await submit(pilot, "user ne_skagu", "pass secret", "dele 25")
        await pilot.pause()
        table = screen.panel.query_one("#maildrop", DataTable)
        assert table.row_count == 40
        assert table.scroll_y > 0  # row 25 is brought into the short table's view
        assert str(table.get_row_at(24)[-1]) == "✗ deleted"
        total = str(screen.panel.query_one("#maildrop-total").render())
        assert "39 letters" in total and "marked for deletion: 25" in total


async def test_text_that_looks_like_markup_is_shown_as_typed(make_app, submit):
    """Subjects, user names and typed text may hold [brackets]: shown as text, never markup."""
    from tutor.mail.worlds import build_world

    store = build_world(
        {
            "base": "article",
            "users": [
                {"name": "br[/b]", "password": "x", "messages": ["Subject: [/b] [red]x\n\nhi\n"]}
            ],
        }
    )
    app = make_app(("sandbox", "pop3", "article"), store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.prompt.value = "[/x"
        await pilot.press("tab")
        assert "[/x" in str(screen.prompt.border_subtitle)
        await submit(pilot, "user br[/b]", "pass x", "list", "dele 1")
        assert screen.session.state_name == "TRANSACTION"
        assert "[/b] [red]x" in str(maildrop_rows(screen)[0])
        await submit(pilot, "quit")
        assert maildrop_rows(screen) == []

    app = make_app(("sandbox", "smtp", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await submit(
            pilot, "helo [b]", "mail from:<a@x.example>", "rcpt to:<poluchatel@server.ru>", "data"
        )
        await submit(pilot, "Subject: [/i] [@click=app.quit]", "", "[/]", ".")
        delivered = screen.panel.query_one("#delivered", DataTable)
        assert "[/i]" in str(delivered.get_row_at(0)[0])
        assert app.is_running
