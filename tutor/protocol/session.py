"""What every protocol engine offers its callers (the TUI, the TCP adapter, lessons, tests).

Theory of operation: a session is a state machine fed lines. `greeting()` gives the banner a
server sends on connect; `handle(line)` takes one line *without* its line ending and returns the
replies (possibly none: a line of message text in SMTP DATA mode gets no reply). `receive(data)`
takes raw bytes from a socket, frames them into lines (bounded: an overlong line is answered with
the protocol's error and discarded, never buffered without limit) and returns every reply due.
Nothing here does I/O; the caller sends `Reply.wire()` and closes when `closed` becomes true.

`view()` returns an immutable snapshot of the observable state for the UI and the lesson runner;
they never reach inside the engine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from .replies import Reply


def as_text(line: str | bytes) -> str:
    """Command lines are ASCII by the RFCs; anything else is kept visible, never an exception."""
    if isinstance(line, str):
        return line
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")


class Session(ABC):
    """Common shape of Pop3Session and SmtpSession."""

    PROTOCOL: ClassVar[str]
    #: longest command line accepted, in octets, line ending included
    MAX_COMMAND_LINE: ClassVar[int]

    def __init__(self) -> None:
        self.closed = False
        #: failed login attempts so far (PASS, APOP, any future AUTH): a value the caller reads
        #: to throttle guessing (the TCP adapter delays the reply and disconnects after a few);
        #: the engine itself stays sans-IO and answers at once
        self.failed_logins = 0
        self._pending = bytearray()  # bytes received but not yet a whole line
        self._discarding = False  # inside an overlong line: drop until its end

    # -- what subclasses define ------------------------------------------------------------

    @abstractmethod
    def greeting(self) -> Reply:
        """The banner sent when a client connects. Call once, first."""

    @abstractmethod
    def handle(self, line: str | bytes) -> list[Reply]:
        """Process one line (no CR/LF) and return the replies due, in order."""

    @abstractmethod
    def line_too_long(self) -> Reply:
        """The protocol's answer to a command line over MAX_COMMAND_LINE octets."""

    @abstractmethod
    def abort(self) -> None:
        """The connection dropped or timed out: release locks, commit nothing (RFC 1939 §6)."""

    @property
    @abstractmethod
    def mode(self) -> str:
        """Either "command", or "data" while an SMTP message body is being read."""

    @property
    @abstractmethod
    def state_name(self) -> str:
        """Name of the protocol state, e.g. "AUTHORIZATION" or "rcpt"."""

    @abstractmethod
    def view(self) -> object:
        """An immutable snapshot of the observable state (Pop3View or SmtpView)."""

    @classmethod
    @abstractmethod
    def keywords(cls) -> tuple[str, ...]:
        """Every command keyword the engine implements, upper case (for completion and help)."""

    # -- byte stream framing, shared ----------------------------------------------------------

    def receive(self, data: bytes) -> list[Reply]:
        """Feed raw bytes from a connection; return every reply now due.

        Lines end with CRLF; a bare LF is accepted too in command mode because nc and some
        terminals send it. Stops early once a reply closes the session; later bytes are ignored.
        """
        if self.closed:
            return []  # nothing after QUIT is read
        replies: list[Reply] = []
        pending = self._pending
        pending += data
        limit = self.MAX_COMMAND_LINE
        start = 0
        while not self.closed:
            if self.mode == "data":
                # The SMTP engine takes the message body as one buffer, not line by line.
                del pending[:start]
                start = 0
                replies.extend(self.receive_data())
                if self.mode == "data":
                    break  # the end of data has not arrived yet
                continue
            end = pending.find(b"\n", start)
            if end < 0:
                if self._discarding:
                    start = len(pending)
                elif len(pending) - start > limit:
                    # No line end in sight and already too long: answer now, drop the rest of it.
                    replies.append(self.line_too_long())
                    self._discarding = True
                    start = len(pending)
                break
            if self._discarding:
                self._discarding = False
                start = end + 1
                continue
            if end + 1 - start > limit:
                replies.append(self.line_too_long())
                start = end + 1
                continue
            stop = end - 1 if end > start and pending[end - 1] == 13 else end
            line = bytes(pending[start:stop])
            start = end + 1
            replies.extend(self.handle(line))
        if self.closed:
            pending.clear()  # whatever follows QUIT is never read: do not keep it
        else:
            del pending[:start]
        return replies

    def receive_data(self) -> list[Reply]:
        """Consume message text from `self._pending` in data mode and return the replies due.

        Only SMTP has a data mode and overrides this. It must remove what it consumed from
        `self._pending`, keep its own memory bounded, and leave data mode when the end of data
        (CRLF "." CRLF) has been seen.
        """
        raise NotImplementedError


# -- observable state: values the UI and the lesson runner read ---------------------------------


@dataclass(frozen=True, slots=True)
class MessageView:
    """One row of a POP3 session's numbered maildrop listing."""

    number: int  # message number in this session (fixed for the session, RFC 1939)
    uid: str  # unique id (UIDL), stable across sessions
    size: int  # exact octets
    subject: str  # decoded for display (RFC 2047)
    sender: str  # decoded From header
    deleted: bool  # marked by DELE, not yet removed (that happens at QUIT)


@dataclass(frozen=True, slots=True)
class Pop3View:
    state: str  # "AUTHORIZATION" | "TRANSACTION" | "UPDATE"
    user: str | None  # name given by USER (or APOP) so far; None before
    authenticated: bool
    messages: tuple[MessageView, ...]  # empty until TRANSACTION
    closed: bool

    @property
    def marked_deleted(self) -> tuple[int, ...]:
        return tuple(m.number for m in self.messages if m.deleted)


@dataclass(frozen=True, slots=True)
class DeliveredView:
    """A letter this SMTP session handed over (got 250 at the end of data)."""

    queue_id: str
    mail_from: str
    recipients: tuple[str, ...]
    size: int  # octets stored in each maildrop, Return-Path and Received included
    subject: str


@dataclass(frozen=True, slots=True)
class SmtpView:
    state: str  # "greeting" (before HELO/EHLO) | "ready" | "mail" | "rcpt" | "data"
    helo: str | None  # the name given with HELO/EHLO
    esmtp: bool  # EHLO (True) or HELO (False) was used
    mail_from: str | None  # reverse-path of the envelope being built ("" for the null <>)
    rcpt_to: tuple[str, ...]  # accepted recipients so far
    delivered: tuple[DeliveredView, ...]
    closed: bool


@dataclass(frozen=True, slots=True)
class CommandHelp:
    """One row of a protocol's command reference (help screen, docs, Tab completion)."""

    keyword: str  # "RETR"
    syntax: str  # "RETR msg"
    states: tuple[str, ...]  # states where it is allowed, e.g. ("TRANSACTION",)
    summary: str  # what it does, one sentence
    replies: tuple[str, ...]  # RFC reply forms, e.g. ("+OK 120 octets", "-ERR no such message")
    rfc: str  # "RFC 1939 §7"
    article_name: str | None = None  # the article's name where it differs ("loop" for NOOP)


def command_help(
    state_commands: Mapping[str, Iterable[str]],
    keyword: str,
    syntax: str,
    summary: str,
    replies: tuple[str, ...],
    rfc: str,
    article_name: str | None = None,
) -> CommandHelp:
    """A CommandHelp row whose states come from the engine's own state table, so the help
    screen can never disagree with what the engine allows."""
    states = tuple(state for state, commands in state_commands.items() if keyword in commands)
    return CommandHelp(keyword, syntax, states, summary, replies, rfc, article_name)
