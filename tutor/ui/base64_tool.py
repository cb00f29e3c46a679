"""The learner's base64 helper: what AUTH PLAIN and AUTH LOGIN need, done in the open.

Pure functions (no Textual): the prompt's `/base64` escape and the palette's helper dialog both
call them, and tests check them directly. `\\0` in the text stands for the zero byte AUTH PLAIN
puts between the names, so `/base64 \\0ne_skagu\\0secret` gives `AG5lX3NrYWd1AHNlY3JldA==`;
`/base64 -d VXNlcm5hbWU6` shows that a 334 challenge is just "Username:". Every result shows the
bytes too, so the learner sees that base64 hides nothing.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

#: the prompt escapes; a line starting with one of these never reaches the server
ESCAPES = ("/base64", "/b64")
_ESCAPE_RE = re.compile(r"\\(x[0-9A-Fa-f]{2}|[0abtnr\\])")
_SIMPLE = {"0": 0, "a": 7, "b": 8, "t": 9, "n": 10, "r": 13, "\\": 92}


@dataclass(frozen=True, slots=True)
class Base64Result:
    """One conversion: the bytes on one side, base64 text on the other, or why it failed."""

    decoding: bool  # True: base64 in, bytes out
    data: bytes  # the raw bytes (what base64 stands for)
    text: str  # the base64 text
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def unescape(text: str) -> bytes:
    """`\\0`, `\\n`, `\\r`, `\\t`, `\\\\` and `\\xHH` as bytes; everything else as UTF-8."""
    out = bytearray()
    pos = 0
    for match in _ESCAPE_RE.finditer(text):
        out += text[pos : match.start()].encode("utf-8")
        token = match.group(1)
        out.append(int(token[1:], 16) if token[0] == "x" else _SIMPLE[token])
        pos = match.end()
    out += text[pos:].encode("utf-8")
    return bytes(out)


def shown(data: bytes) -> str:
    """Bytes as a person reads them: printable ASCII and UTF-8 text as is, the rest escaped
    (`\\0` for the zero byte), so `\\0ne_skagu\\0secret` reads back as typed."""
    text = data.decode("utf-8", "backslashreplace")
    parts = []
    for char in text:
        code = ord(char)
        if char == "\\":
            parts.append("\\\\")
        elif code == 0:
            parts.append("\\0")
        elif code < 32 or code == 127:
            parts.append(f"\\x{code:02x}")
        else:
            parts.append(char)
    return "".join(parts)


def hex_bytes(data: bytes, limit: int = 48) -> str:
    """`00 6E 65 ...`, at most `limit` bytes."""
    head = " ".join(f"{b:02X}" for b in data[:limit])
    return head + (" ..." if len(data) > limit else "")


def encode(text: str) -> Base64Result:
    data = unescape(text)
    return Base64Result(False, data, base64.b64encode(data).decode("ascii"))


def decode(text: str) -> Base64Result:
    cleaned = text.strip()
    try:
        data = base64.b64decode(cleaned.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return Base64Result(True, b"", cleaned, "not base64 (letters, digits, + / and = only)")
    return Base64Result(True, data, cleaned)


def is_escape(line: str) -> bool:
    """A prompt line meant for the helper rather than the server."""
    word = line.strip().split(maxsplit=1)[0].lower() if line.strip() else ""
    return word in ESCAPES


def run_escape(line: str) -> Base64Result | None:
    """`/base64 TEXT` encodes, `/base64 -d TEXT` decodes; None when there is nothing to do."""
    parts = line.strip().split(maxsplit=1)
    if len(parts) < 2:
        return None
    rest = parts[1]
    if rest.startswith("-d ") or rest == "-d":
        target = rest[2:].strip()
        return decode(target) if target else None
    return encode(rest)
