"""The TUI against files and lines from strangers (reliability review 2026-12-01, 12-15)."""

from __future__ import annotations

import time

from tutor.ui.widgets import Transcript
from tutor.ui.widgets.state_panel import ServerStatePanel

OSC52_YAML = "\\e]52;c;aGk=\\a"  # OSC 52 "set the clipboard", as YAML escapes


def no_controls(text: str) -> bool:
    return not any(c in text for c in ("\x1b", "\x07", "\x9b"))


async def test_escape_sequences_in_a_lesson_never_reach_the_screen(make_app, tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text(
        f'format: 1\nid: evil\ntitle: "Evil {OSC52_YAML} title"\nprotocol: pop3\n'
        f'intro: "Intro \\e[2J {OSC52_YAML}"\n'
        "steps:\n"
        f'  - id: s\n    say: "Type it \\e]0;owned\\a now"\n'
        "    expect: {command: '(?i)^user', reply: ok}\n    solution: [user ne_skagu]\n",
        encoding="utf-8",
    )
    app = make_app(("lesson", str(path)))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = app.export_screenshot()
    assert no_controls(shown)
    assert "]52;c;aGk=" in shown  # the rest of the text stays, visibly odd


async def test_a_4mb_user_line_is_answered_at_once(make_app, submit):
    app = make_app(("sandbox", "pop3", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        started = time.monotonic()
        await submit(pilot, "USER " + "x" * 4_000_000)
        elapsed = time.monotonic() - started
        transcript = app.screen.query_one(Transcript)
        assert transcript.lines[-1] == ("error", "-ERR line too long")
        await submit(pilot, "USER " + "y" * 240)  # within the limit: shown clipped
        state = str(app.screen.query_one(ServerStatePanel).query_one("#state-line").render())
    assert elapsed < 5, f"took {elapsed:.1f} s"
    assert "y" * 39 + "…" in state and "y" * 41 not in state


async def test_a_damaged_progress_file_does_not_stop_the_home_screen(make_app, isolated_data):
    progress = isolated_data / "progress.json"
    progress.write_text(
        '{"format":1,"lessons":{"pop3-article":{"updated":"2026","last_step":"2"}}}',
        encoding="utf-8",
    )
    app = make_app("home")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.is_current
    kept = sorted(p.name[:22] for p in isolated_data.iterdir() if p.name != "settings.json")
    assert kept == ["progress.json.corrupt-"]
