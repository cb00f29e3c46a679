"""Snapshots of the sandbox, the help screen and the record dialog, at 80x24 and 120x40, in
textual-dark and textual-light. Each SVG was looked at before it was accepted."""

from __future__ import annotations

import pytest

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
THEMES = ("textual-dark", "textual-light")
#: each size and each theme once (the full cross product doubled the suite's snapshot time)
sizes = pytest.mark.parametrize(
    ("size", "theme"), [("80x24", "textual-dark"), ("120x40", "textual-light")]
)
themes = pytest.mark.parametrize("theme", THEMES)


@sizes
def test_pop3_after_dele(snap_compare, make_app, submit, theme, size):
    """Logged in, STAT answered, DELE 1 marked row 1 as deleted in the maildrop table."""

    async def run_before(pilot):
        await submit(pilot, "user ne_skagu", "pass secret", "stat", "dele 1")

    app = make_app(("sandbox", "pop3", "article"), theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@sizes
def test_smtp_message_mode(snap_compare, make_app, submit, theme, size):
    """After DATA the prompt collects letter text and says how to end it."""

    async def run_before(pilot):
        await submit(
            pilot,
            "helo client.example.org",
            "mail from:<ne_skagu@server.ru>",
            "rcpt to:<poluchatel@server.ru>",
            "data",
            "Subject: Hello",
        )

    app = make_app(("sandbox", "smtp", "article"), theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@sizes
def test_help_screen(snap_compare, make_app, submit, theme, size):
    """F1 opens the POP3 command reference; DELE highlighted shows its reply forms."""

    async def run_before(pilot):
        await pilot.press("f1")
        await pilot.pause()
        for _ in range(6):
            await pilot.press("down")
        await pilot.pause()

    app = make_app(("sandbox", "pop3", "article"), theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@sizes
def test_record_dialog(snap_compare, make_app, submit, theme, size):
    """ctrl+r after a short session asks where to save the lesson."""

    async def run_before(pilot):
        await submit(pilot, "user ne_skagu", "pass secret", "list")
        await pilot.press("ctrl+r")
        await pilot.pause()

    app = make_app(("sandbox", "pop3", "article"), theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@themes
def test_smtp_letter_delivered(snap_compare, make_app, submit, panel_scrolled_to_end, theme):
    """At 80x24 the short panel shows the letter that just got its 250, and the counts."""

    async def run_before(pilot):
        await submit(
            pilot,
            "ehlo client.example.org",
            "mail from:<ivan@dacha.example.ru>",
            "rcpt to:<ne_skagu@server.ru>",
            "rcpt to:<poluchatel@server.ru>",
            "data",
            "Subject: Photos from the dacha",
            "",
            "Hello!",
            ".",
        )
        await panel_scrolled_to_end(pilot)

    app = make_app(("sandbox", "smtp", "article"), theme=theme)
    assert snap_compare(app, terminal_size=SIZES["80x24"], run_before=run_before)
