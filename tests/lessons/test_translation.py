"""How much of a translation the app can use, and what `replay` says when it cannot."""

from __future__ import annotations

import shutil
from pathlib import Path

from tutor.cli import main
from tutor.lessons import load_lesson
from tutor.lessons.translation import open_translation

FIXTURES = Path(__file__).parent / "fixtures"


def lesson_beside(tmp_path: Path, translation: str | None):
    shutil.copy(FIXTURES / "pop3-mini.yaml", tmp_path)
    if translation is not None:
        (tmp_path / "pop3-mini.ru.yaml").write_text(translation, encoding="utf-8")
    return load_lesson(tmp_path / "pop3-mini.yaml")


def test_no_file_or_english_is_nothing_to_tell(tmp_path):
    lesson = lesson_beside(tmp_path, None)
    for lang in ("ru", "en"):
        translation = open_translation(lesson, lang)
        assert translation.overlay is None and not translation.unusable


def test_a_translation_of_another_lesson_is_not_used(tmp_path):
    lesson = lesson_beside(tmp_path, "format: 1\nlesson: pop3-maxi\nlang: ru\ntitle: Макси\n")
    translation = open_translation(lesson, "ru")
    assert translation.unusable
    [error] = translation.errors
    assert str(error) == (
        f"{tmp_path / 'pop3-mini.ru.yaml'}:1:1: error: "
        "translation of 'pop3-maxi', not of 'pop3-mini'"
    )


def test_a_partly_broken_translation_is_used_with_its_errors(tmp_path):
    lesson = lesson_beside(
        tmp_path,
        "format: 1\nlesson: pop3-mini\nlang: ru\ntitle: Мини\n"
        "steps: {login-user: {hints: [одна]}}\n",
    )
    translation = open_translation(lesson, "ru")
    assert translation.partly_broken and translation.overlay.title == "Мини"
    assert [d.message for d in translation.errors] == [
        "step 'login-user': 1 hints translated, but the lesson has 2"
    ]


def test_replay_says_the_translation_has_errors(tmp_path, capsys):
    lesson_beside(tmp_path, "format: 1\nlesson: pop3-mini\nlang: ru\nsteps: [3]\n")
    assert main(["replay", str(tmp_path / "pop3-mini.yaml"), "--lang", "ru"]) == 0
    err = capsys.readouterr().err
    assert err == (
        f"mailtutor replay: pop3-mini.ru.yaml has errors (see `mailtutor lint "
        f"{tmp_path / 'pop3-mini.yaml'}`); showing English\n"
    )
