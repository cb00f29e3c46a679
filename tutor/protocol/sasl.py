"""SASL PLAIN (RFC 4616) and LOGIN, the two mechanisms mail clients use with a password.

Theory of operation: an `Exchange` is a small state machine for one AUTH command. It is fed the
client's base64 lines and answers with a `Step` value: either a challenge to send (SMTP `334`,
POP3 `+ `), or the end: credentials to check, a cancellation (`*`), or a malformed response.
It knows nothing of either protocol's reply codes and checks no password itself: the engines do
that, so a failed AUTH goes through the same path (and the same throttling) as PASS.

Base64 hides nothing: `AHVzZXIAcGFzcw==` is `\\0user\\0pass` to anyone who sees it, which is why
servers offer these mechanisms only inside TLS.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Literal

#: the mechanisms offered, in the order CAPA/EHLO list them
MECHANISMS: tuple[str, ...] = ("PLAIN", "LOGIN")

#: the LOGIN mechanism's prompts: "Username:" and "Password:" in base64, as every server sends
LOGIN_USERNAME_PROMPT = base64.b64encode(b"Username:").decode("ascii")
LOGIN_PASSWORD_PROMPT = base64.b64encode(b"Password:").decode("ascii")

StepKind = Literal["challenge", "credentials", "cancelled", "malformed"]


@dataclass(frozen=True, slots=True)
class Step:
    """What an exchange says next: a challenge to send, or how the exchange ended."""

    kind: StepKind
    challenge: str = ""  # base64 text for "challenge" ("" is an empty challenge)
    user: str = ""  # for "credentials"
    password: str = ""
    authzid: str = ""  # PLAIN's authorization identity, "" when none was given


def b64decode_strict(text: str) -> bytes | None:
    """Base64 as RFC 4648 writes it (padding included), or None for anything else."""
    text = text.strip()
    if text == "=":
        return b""  # RFC 4954 §4: "=" stands for an empty initial response
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def parse_plain(data: bytes) -> Step:
    """`authzid NUL authcid NUL passwd` (RFC 4616 §2)."""
    parts = data.split(b"\0")
    if len(parts) != 3 or not parts[1]:
        return Step("malformed")
    authzid, user, password = (_text(p) for p in parts)
    return Step("credentials", user=user, password=password, authzid=authzid)


class Exchange:
    """One AUTH exchange for one mechanism; `start()` then `feed()` until a final step."""

    def __init__(self, mechanism: str) -> None:
        if mechanism not in MECHANISMS:
            raise ValueError(f"unsupported SASL mechanism {mechanism!r}")
        self.mechanism = mechanism
        self._user: str | None = None

    def start(self, initial: str | None) -> Step:
        """The AUTH command itself, with its optional initial response."""
        if initial is None:
            if self.mechanism == "PLAIN":
                return Step("challenge", "")
            return Step("challenge", LOGIN_USERNAME_PROMPT)
        return self.feed(initial)

    def feed(self, line: str) -> Step:
        """One line from the client: a base64 response, or `*` to cancel (RFC 4954 §4)."""
        if line.strip() == "*":
            return Step("cancelled")
        data = b64decode_strict(line)
        if data is None:
            return Step("malformed")
        if self.mechanism == "PLAIN":
            return parse_plain(data)
        if self._user is None:
            self._user = _text(data)
            return Step("challenge", LOGIN_PASSWORD_PROMPT)
        return Step("credentials", user=self._user, password=_text(data))


def plain_response(user: str, password: str, authzid: str = "") -> str:
    """What a client sends for AUTH PLAIN: base64 of `authzid NUL user NUL password`."""
    raw = f"{authzid}\0{user}\0{password}".encode()
    return base64.b64encode(raw).decode("ascii")
