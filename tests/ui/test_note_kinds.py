"""A step's note is headed by its kind: a teacher's tip is not "About the article"."""

from __future__ import annotations

from pathlib import Path

from tutor.lessons.model import NOTE_KINDS
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.widgets.lesson_pane import LessonPane
from tutor.ui.widgets.lesson_strings import note_heading

LESSON = """\
format: 1
id: notes
title: Notes
protocol: pop3
steps:
  - id: user
    say: Name the mailbox.
    expect: {reply: ok, state: {user: ne_skagu}}
    solution: [user ne_skagu]
    note: Any name gets +OK here.
    note_kind: tip
  - id: pass
    say: Give the password.
    expect: {reply: ok, state: {session: TRANSACTION}}
    solution: [pass secret]
    note: The article hides the password.
  - id: quit
    say: Leave.
    expect: {state: {closed: true}}
    solution: [quit]
    note: Letters are removed only now.
    note_kind: warning
"""


def headings(pilot) -> list[str]:
    screen = pilot.app.screen
    assert isinstance(screen, LessonScreen)
    view = screen.query_one(LessonPane).view
    return [b.title for b in (*view.history, *view.before) if b.kind == "note"]


async def test_each_note_is_headed_by_its_kind(tmp_path: Path, make_app, submit):
    path = tmp_path / "notes.yaml"
    path.write_text(LESSON, encoding="utf-8")
    app = make_app(("lesson", str(path)))
    async with app.run_test(size=(100, 30)) as pilot:
        await submit(pilot, "user ne_skagu")
        assert headings(pilot) == ["Tip"]
        await submit(pilot, "pass secret", "quit")
        assert headings(pilot) == ["Tip", "About the article", "Careful"]


def test_every_kind_has_its_own_heading_in_both_languages():
    for lang in ("en", "ru"):
        shown = [note_heading(kind, lang) for kind in NOTE_KINDS]
        assert len(set(shown)) == len(NOTE_KINDS)
        assert all(not text.startswith("lesson.") for text in shown)  # a key: no text
    assert note_heading("article", "ru") == "О статье"  # the bundled notes' heading as before
    assert [note_heading(k, "ru") for k in ("rfc", "tip", "warning")] == [
        "Что говорит RFC",
        "Совет",
        "Осторожно",
    ]
