"""`mailtutor lint LESSON.yaml` checks the translations beside it; `lint` alone, the course."""

from __future__ import annotations

import shutil
from pathlib import Path

from tutor.cli import main
from tutor.lessons.lint_targets import course_folder, lint_targets
from tutor.paths import COURSE_ENV, bundled_lessons_dir

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"


def run(capsys, *argv: str) -> tuple[int, list[str], str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def tiny_lesson(tmp_path: Path) -> Path:
    """tiny.yaml (clean) with tiny.de.yaml beside it (four problems)."""
    shutil.copy(BROKEN / "tiny.yaml", tmp_path)
    shutil.copy(BROKEN / "tiny.de.yaml", tmp_path)
    return tmp_path / "tiny.yaml"


def test_linting_a_lesson_lints_its_translation_at_the_translations_own_lines(tmp_path, capsys):
    lesson = tiny_lesson(tmp_path)
    code, lines, err = run(capsys, "lint", str(lesson))
    shown = tmp_path / "tiny.de.yaml"
    assert (code, err) == (1, "")
    assert lines == [
        f"{shown}:7:5: error: step 'login': 2 hints translated, but the lesson has 1",
        f"{shown}:10:5: error: no step 'logout' in lesson 'tiny'",
        f"{shown}:13:5: error: question 'pick': 3 options translated, but the lesson has 2",
        f"{shown}:13:5: warning: de: question 'pick': ask not translated",
    ]


def test_wrong_keys_and_types_in_a_translation_are_reported_at_its_path(tmp_path, capsys):
    lesson = tiny_lesson(tmp_path)
    (tmp_path / "tiny.de.yaml").write_text(
        "format: 1\n"
        "lesson: tiny\n"
        "lang: de\n"
        "titel: Winzig\n"  # 4: a key a translation does not have
        "steps:\n"
        "  login:\n"
        "    say: [Anmelden]\n"  # 7: a list where a text belongs
        "    hints: 3\n",  # 8: a number where a list belongs
        encoding="utf-8",
    )
    code, lines, _ = run(capsys, "lint", str(lesson))
    assert code == 1
    assert [line.split(": ")[0] for line in lines] == [
        f"{tmp_path / 'tiny.de.yaml'}:4:1",
        f"{tmp_path / 'tiny.de.yaml'}:7:10",
        f"{tmp_path / 'tiny.de.yaml'}:8:12",
    ]
    assert "unknown key 'titel'; did you mean 'title'?" in lines[0]


def test_each_file_is_linted_once_however_it_is_named(tmp_path, capsys, monkeypatch):
    lesson = tiny_lesson(tmp_path)
    monkeypatch.chdir(tmp_path)
    # The translation given as well, by another spelling of its path: not checked twice.
    code, lines, _ = run(capsys, "lint", "tiny.yaml", "./tiny.de.yaml")
    assert code == 1 and len(lines) == 4
    assert all(line.startswith("./tiny.de.yaml:") for line in lines)  # as it was given
    # A folder already holds the translations.
    code, lines, _ = run(capsys, "lint", str(tmp_path))
    assert code == 1 and len(lines) == 4
    assert lint_targets([str(lesson), str(tmp_path)]) == [str(lesson), str(tmp_path)]


def test_linting_a_translation_alone_checks_it_against_its_lesson(tmp_path, capsys):
    tiny_lesson(tmp_path)
    code, lines, _ = run(capsys, "lint", str(tmp_path / "tiny.de.yaml"))
    assert code == 1 and len(lines) == 4
    (tmp_path / "tiny.yaml").unlink()
    code, lines, _ = run(capsys, "lint", str(tmp_path / "tiny.de.yaml"))
    assert (code, lines) == (
        1,
        [
            f"{tmp_path / 'tiny.de.yaml'}:1:1: error: translation of 'tiny', "
            "but there is no tiny.yaml beside it"
        ],
    )


def test_a_clean_lesson_and_translation_get_only_the_closing_line(tmp_path, capsys):
    lesson = tiny_lesson(tmp_path)
    (tmp_path / "tiny.de.yaml").write_text(
        "format: 1\nlesson: tiny\nlang: de\ntitle: Winzig\n"
        "steps: {login: {say: Anmelden., hints: [Zuerst USER.]}}\n"
        "quiz: {pick: {ask: 'Welche?', options: [A, B]}}\n",
        encoding="utf-8",
    )
    closing = "ok: 1 lesson, 1 step replayed, 1 question checked, 1 translation"
    assert run(capsys, "lint", str(lesson)) == (0, [closing], "")


def test_lint_without_paths_checks_the_course_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(COURSE_ENV, raising=False)
    assert course_folder() == bundled_lessons_dir()
    tiny_lesson(tmp_path)
    monkeypatch.setenv(COURSE_ENV, "")  # restored after the test; --course sets it
    code, lines, _ = run(capsys, "--course", str(tmp_path), "lint")
    assert code == 1 and len(lines) == 4
    assert all(line.startswith(f"{tmp_path / 'tiny.de.yaml'}:") for line in lines)
