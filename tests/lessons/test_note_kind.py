"""`note_kind`: what a step's note is, and so its heading; the default keeps "About the article"."""

from __future__ import annotations

from tutor.cli import main
from tutor.lessons.lint import lint_file
from tutor.lessons.loader import load_lesson
from tutor.paths import bundled_lessons_dir

STEP = "  - {id: s, say: S, expect: {reply: ok}, solution: [user ne_skagu]%s}\n"


def lesson(tmp_path, extra: str):
    path = tmp_path / "k.yaml"
    path.write_text(
        "format: 1\nid: k\ntitle: T\nprotocol: pop3\nsteps:\n" + STEP % extra, encoding="utf-8"
    )
    return path


def test_notes_are_about_the_article_unless_told(tmp_path):
    assert load_lesson(lesson(tmp_path, ", note: N")).steps[0].note_kind == "article"
    assert load_lesson(lesson(tmp_path, ", note: N, note_kind: rfc")).steps[0].note_kind == "rfc"
    bundled = [load_lesson(p) for p in sorted(bundled_lessons_dir().glob("*-article.yaml"))]
    assert {s.note_kind for one in bundled for s in one.steps if s.note} == {"article"}


def test_a_wrong_or_idle_note_kind_is_reported_at_its_value(tmp_path):
    [problem] = lint_file(lesson(tmp_path, ", note: N, note_kind: tpi"))
    assert (problem.line, problem.col) == (6, 89) and problem.is_error
    assert "note_kind 'tpi' is not one of article, rfc, tip, warning; did you mean 'tip'?" in str(
        problem
    )
    [problem] = lint_file(lesson(tmp_path, ", note_kind: tip"))
    assert not problem.is_error and "note_kind without a note does nothing" in problem.message


def test_replay_prints_the_kind_of_each_note(tmp_path, capsys):
    assert (
        main(["replay", str(lesson(tmp_path, ", note: Mind the case., note_kind: warning"))]) == 0
    )
    assert "   Careful: Mind the case.\n" in capsys.readouterr().out
    assert main(["replay", str(lesson(tmp_path, ", note: Plain."))]) == 0
    assert "   Note: Plain.\n" in capsys.readouterr().out
