"""Shared paths and objects for the lesson tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.lessons import load_lesson

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def pop3_mini():
    return load_lesson(FIXTURES / "pop3-mini.yaml")


@pytest.fixture(scope="session")
def smtp_mini():
    return load_lesson(FIXTURES / "smtp-mini.yaml")


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    """Progress never touches the real user's data folder."""
    monkeypatch.setenv("MAILTUTOR_DATA_DIR", str(tmp_path_factory.mktemp("data")))
