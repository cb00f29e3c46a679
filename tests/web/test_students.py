"""Student names become safe folder names; a folder belongs to the browser that claimed it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.web.students import canonical_name, claim, new_key


@pytest.mark.parametrize(
    ("typed", "folder"),
    [
        ("Anna", "anna"),
        ("  Anna   Ivanova ", "anna-ivanova"),
        ("../../etc/passwd", "etcpasswd"),
        ("Иван Петров", "иван-петров"),
        ("a\x00b\nc", "ab-c"),
        ("ＡＢＣ", "abc"),  # NFKC: full-width letters are the same name
        ("x" * 100, "x" * 32),
        ("_-_", None),
        ("/..", None),
        ("", None),
    ],
)
def test_canonical_name(typed: str, folder: str | None) -> None:
    assert canonical_name(typed) == folder


def test_claim_is_kept_by_its_key(tmp_path: Path) -> None:
    anna, other = new_key(), new_key()
    folder = tmp_path / "anna"
    assert claim(folder, anna)
    assert claim(folder, anna)
    assert not claim(folder, other)
    assert anna not in (folder / ".owner").read_text()  # only a digest is stored


def test_a_confined_app_saves_only_inside_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tutor.ui.screens.record import CONFINE_ENV, allowed_path

    anna = tmp_path / "students" / "anna"
    anna.mkdir(parents=True)
    monkeypatch.chdir(anna)  # mailtutor web starts each app in its student's folder
    confined = {CONFINE_ENV: str(anna)}
    assert allowed_path(Path("pop3-recorded.yaml"), confined)
    assert allowed_path(anna / "sub" / "x.yaml", confined)
    assert not allowed_path(Path("../boris/progress.json"), confined)
    assert not allowed_path(Path("/etc/x.yaml"), confined)
    assert allowed_path(Path("/tmp/x.yaml"), {})  # the terminal app is not confined
