"""Students of a browser classroom: a safe folder name from what a student typed, and a claim
on that folder so one browser cannot read or overwrite another student's progress.

A name becomes its folder name directly (no hashing, so a teacher can find `students/anna/`):
Unicode letters and digits are kept (NFKC, case-folded), whitespace becomes `-`, `-` and `_`
stay, everything else (slashes, dots, control characters) is dropped. A claim is the SHA-256 of
a random per-browser key (kept in a cookie), written once into the folder with O_EXCL; a browser
whose key does not match is refused that name. Deleting the folder frees the name.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import unicodedata
from pathlib import Path

NAME_MAX = 32
KEY_BYTES = 24
OWNER_FILE = ".owner"


def canonical_name(raw: str) -> str | None:
    """The folder-safe form of a typed name, or None if nothing usable is left."""
    text = unicodedata.normalize("NFKC", raw).casefold()
    kept: list[str] = []
    for char in text:
        if char.isspace() or char == "-":
            kept.append("-")
        elif char == "_" or (char.isalnum() and char.isprintable()):
            kept.append(char)
    name = "-".join(part for part in "".join(kept).split("-") if part).strip("_")
    name = name[:NAME_MAX].strip("-_")
    return name or None


def new_key() -> str:
    """A browser's secret key: proves which browser claimed a name."""
    return secrets.token_urlsafe(KEY_BYTES)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def claim(folder: Path, key: str) -> bool:
    """Make `folder` this key's, or check that it already is. False if another key holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    owner = folder / OWNER_FILE
    digest = _digest(key)
    try:
        fd = os.open(owner, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        try:
            held = owner.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return False
        return hmac.compare_digest(held, digest)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(digest + "\n")
    return True
