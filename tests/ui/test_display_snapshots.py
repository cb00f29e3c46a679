"""80x24 in Russian, beside the English snapshots: a lesson (a code block wider than the pane,
wrapped with ↪; the prompt's title and placeholder; the footer), a RETR whose dot-stuffed lines
are marked, the SMTP F1 help, the SMTP sandbox in DATA mode and a delivered letter. Dark theme
only: the light theme's layout is the same and the English snapshots cover it. Each SVG was
looked at before it was accepted."""

from __future__ import annotations

from pathlib import Path

DOTS = str(Path(__file__).parent / "fixtures" / "display" / "dots.yaml")
SIZE = (80, 24)


def test_ru_lesson_with_a_wide_code_block(snap_compare, make_app):
    app = make_app(("lesson", DOTS), lang="ru")
    assert snap_compare(app, terminal_size=SIZE)


def test_ru_lesson_retr_shows_dot_stuffing(snap_compare, make_app, submit):
    async def run_before(pilot):
        await submit(pilot, "user ne_skagu", "pass secret", "retr 1")

    app = make_app(("lesson", DOTS), lang="ru")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_ru_smtp_help(snap_compare, make_app):
    async def run_before(pilot):
        await pilot.press("f1")
        await pilot.pause()
        for _ in range(2):
            await pilot.press("down")  # MAIL: a wrapped syntax and the article's name
        await pilot.pause()

    app = make_app(("sandbox", "smtp", "article"), lang="ru")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_ru_smtp_message_mode(snap_compare, make_app, submit):
    async def run_before(pilot):
        await submit(
            pilot,
            "helo client.example.org",
            "mail from:<ne_skagu@server.ru>",
            "rcpt to:<poluchatel@server.ru>",
            "data",
            "Subject: Привет",
            "",
            "..double dot line",
        )

    app = make_app(("sandbox", "smtp", "article"), lang="ru")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_ru_smtp_letter_delivered(snap_compare, make_app, submit, panel_scrolled_to_end):
    async def run_before(pilot):
        await submit(
            pilot,
            "ehlo client.example.org",
            "mail from:<ivan@dacha.example.ru>",
            "rcpt to:<ne_skagu@server.ru>",
            "rcpt to:<poluchatel@server.ru>",
            "data",
            "Subject: Фотографии с дачи",
            "",
            "Привет!",
            ".",
        )
        await panel_scrolled_to_end(pilot)

    app = make_app(("sandbox", "smtp", "article"), lang="ru")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
