"""The learner's interface settings, kept between runs: today only the language.

A small JSON object in the user data folder (`settings.json` beside progress.json, or in
$MAILTUTOR_DATA_DIR). Reading never fails: a missing, unreadable or malformed file, or a value
that is not a known language, reads as "nothing saved". Writing is atomic (a temporary file,
then os.replace), keeps keys it does not know, and a folder that cannot be written only means
the choice is not remembered.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from tutor.paths import user_data_dir

FILE_NAME = "settings.json"
MAX_BYTES = 64 * 1024  # a settings file is tiny; anything bigger is not ours


def settings_path() -> Path:
    return user_data_dir() / FILE_NAME


def load_settings(path: Path | None = None) -> dict[str, Any]:
    """The saved settings, or {} when there are none that can be read."""
    path = path or settings_path()
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return {}
        data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError):  # missing, unreadable, not UTF-8, not JSON
        return {}
    return data if isinstance(data, dict) else {}


def saved_language(path: Path | None = None) -> str | None:
    """The language chosen last time, if one was saved and is still offered."""
    from tutor.ui.i18n import LANGUAGES

    lang = load_settings(path).get("lang")
    return lang if isinstance(lang, str) and lang in LANGUAGES else None


def save_language(lang: str, path: Path | None = None) -> bool:
    """Remember `lang`; False when it could not be written (the app goes on regardless)."""
    path = path or settings_path()
    settings = load_settings(path)
    if settings.get("lang") == lang:
        return True
    settings["lang"] = lang
    import tempfile  # only when saving: keeps it off the start-up path

    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(settings, file, ensure_ascii=False, indent=1)
            file.write("\n")
        os.replace(tmp_name, path)
    except OSError:
        if tmp_name:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
        return False
    return True
