"""Reply values: what a server engine says, independent of how it is shown or sent.

A `Reply` is immutable. The TUI colours it by `kind`, the lesson runner compares its `status`
and `kind` with a step's expectation, and the TCP adapter sends `wire()` bytes. All three see the
same value, so what a learner reads is byte for byte what a real client receives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

CRLF = b"\r\n"


class ReplyKind(StrEnum):
    """How a reply is meant: drives colour in the UI and `reply:` checks in lessons."""

    OK = "ok"  # +OK, 2xx
    INTERMEDIATE = "intermediate"  # 354, POP3 "+ " continuation: more input expected
    TRANSIENT = "transient"  # 4xx: try again later
    ERROR = "error"  # -ERR, 5xx


def kind_of(status: str) -> ReplyKind:
    """The kind a status indicator or reply code stands for."""
    if status == "+OK":
        return ReplyKind.OK
    if status == "-ERR":
        return ReplyKind.ERROR
    if status == "+":
        return ReplyKind.INTERMEDIATE
    first = status[:1]
    if first == "2":
        return ReplyKind.OK
    if first == "3":
        return ReplyKind.INTERMEDIATE
    if first == "4":
        return ReplyKind.TRANSIENT
    return ReplyKind.ERROR


def dot_stuff(body: bytes) -> bytes:
    """Byte-stuff a CRLF-lined body for a POP3 multi-line reply (RFC 1939 section 3).

    Every line that begins with "." gets one more "." in front. Works on the whole buffer at
    once: RETR of a large message is one `replace`, not a loop over lines.
    """
    if body.startswith(b"."):
        body = b"." + body
    # "\n." rather than "\r\n.": a letter that arrived with a bare-LF line keeps its exact
    # octets in the maildrop, and clients that accept a bare LF must not take its "." for the end.
    return body.replace(b"\n.", b"\n..")


def wire_body(body: bytes) -> bytes:
    """A multi-line reply's data as sent: CRLF-ended and stuffed, without the final "."."""
    if body and not body.endswith(CRLF):
        body += CRLF
    return dot_stuff(body)


def dot_unstuff(body: bytes) -> bytes:
    """Undo `dot_stuff` (RFC 5321 section 4.5.2): remove one leading "." from each line."""
    if body.startswith(b"."):
        body = body[1:]
    return body.replace(b"\r\n.", b"\r\n")


@dataclass(frozen=True, slots=True)
class Reply:
    """One server reply.

    status: "+OK", "-ERR", "+" (POP3) or a three-digit SMTP code such as "250".
    lines:  the text after the status. POP3 replies have one line; SMTP replies may have several
            (sent as "250-first", "250-...", "250 last").
    body:   POP3 multi-line data (LIST, RETR, TOP, UIDL, CAPA...), CRLF-separated and *not yet*
            stuffed; None for single-line replies. `wire()` stuffs it and adds the final ".".
    closes: the server closes the connection after sending this reply.
    starts_tls: the caller starts a TLS handshake right after sending this reply (STARTTLS's
            220, STLS's +OK) and then calls the session's `tls_started()`. The engine never
            touches TLS itself; this flag is how it says "start TLS now".
    """

    status: str
    lines: tuple[str, ...] = ("",)
    body: bytes | None = None
    closes: bool = False
    #: `body` already in wire form (`wire_body(body)`), when the engine keeps it cached
    wire_form: bytes | None = field(default=None, compare=False, repr=False)
    starts_tls: bool = False

    @property
    def kind(self) -> ReplyKind:
        return kind_of(self.status)

    @property
    def ok(self) -> bool:
        return self.kind is ReplyKind.OK

    @property
    def code(self) -> int | None:
        """The SMTP reply code as a number, or None for POP3 replies."""
        return int(self.status) if self.status.isdigit() else None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def is_smtp(self) -> bool:
        return self.status.isdigit()

    def status_lines(self) -> list[str]:
        """The reply's own lines as they appear on the wire, without CRLF or body."""
        if self.is_smtp:
            last = len(self.lines) - 1
            return [
                f"{self.status}{' ' if i == last else '-'}{line}".rstrip()
                for i, line in enumerate(self.lines)
            ]
        first = self.lines[0] if self.lines else ""
        if self.status == "+":
            return [f"+ {first}"]  # RFC 5034 §4: "+" SP, even before an empty challenge
        return [f"{self.status} {first}".rstrip() if first else self.status]

    def body_lines(self, encoding: str | None = None) -> list[str]:
        """The multi-line data as text lines, unstuffed, without the final "." line."""
        if self.body is None:
            return []
        text = decode_for_display(self.body, encoding)
        lines = text.split("\r\n")
        if lines and lines[-1] == "":
            lines.pop()
        return lines

    def wire_body_lines(self, encoding: str | None = None) -> list[str]:
        """The multi-line data as the wire carries it: dot-stuffed, without the final "."."""
        if self.body is None:
            return []
        stuffed = self.wire_form if self.wire_form is not None else wire_body(self.body)
        lines = decode_for_display(stuffed, encoding).split("\r\n")
        if lines and lines[-1] == "":
            lines.pop()
        return lines

    def display_lines(self, encoding: str | None = None) -> list[str]:
        """Every line a person reading the wire would see, final "." included.

        Body lines are shown dot-stuffed, as sent (a line of the letter that begins with "."
        travels as ".."), so what a learner reads is what a real client receives.
        """
        lines = self.status_lines()
        if self.body is not None:
            lines.extend(self.wire_body_lines(encoding))
            lines.append(".")
        return lines

    def wire(self) -> bytes:
        """The exact bytes a client receives."""
        if self.is_smtp:
            last = len(self.lines) - 1
            status = self.status.encode("ascii")
            return b"".join(
                status + (b" " if i == last else b"-") + line.encode("utf-8") + CRLF
                for i, line in enumerate(self.lines)
            )
        first = self.lines[0] if self.lines else ""
        spaced = first or self.status == "+"  # a continuation keeps its space (RFC 5034 §4)
        head = (f"{self.status} {first}" if spaced else self.status).encode("utf-8") + CRLF
        if self.body is None:
            return head
        stuffed = self.wire_form if self.wire_form is not None else wire_body(self.body)
        return head + stuffed + b".\r\n"


_CHARSET_RE = re.compile(rb"charset=\"?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def decode_for_display(data: bytes, encoding: str | None = None) -> str:
    """Best-effort text for showing raw octets to a person.

    UTF-8 first; otherwise the first charset= the data declares (the article's letter is 8-bit
    windows-1251); otherwise Latin-1, which never fails.
    """
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _CHARSET_RE.search(data)
    if match:
        try:
            return data.decode(match.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("latin-1")


def ok(text: str = "", body: bytes | None = None, closes: bool = False) -> Reply:
    return Reply("+OK", (text,), body, closes)


def err(text: str, closes: bool = False) -> Reply:
    return Reply("-ERR", (text,), None, closes)


def smtp(code: int, *lines: str, closes: bool = False) -> Reply:
    return Reply(str(code), lines or ("",), None, closes)
