"""What every protocol engine offers its callers (the TUI, the TCP adapter, lessons, tests).

Theory of operation: a session is a state machine fed lines. `greeting()` gives the banner a
server sends on connect; `handle(line)` takes one line *without* its line ending and returns the
replies (possibly none: a line of message text in SMTP DATA mode gets no reply). `receive(data)`
takes raw bytes from a socket, frames them into lines (bounded: an overlong line is answered with
the protocol's error and discarded, never buffered without limit) and returns every reply due.
Nothing here does I/O; the caller sends `Reply.wire()` and closes when `closed` becomes true.

TLS: a session is told by its caller whether TLS can be started on its connection
(`tls_available`) and, for an implicit-TLS port, that it is already active (`tls`). When a
command asks for TLS (SMTP STARTTLS, POP3 STLS) the engine answers with a Reply whose
`starts_tls` is set and reads nothing more until the caller, after the handshake, calls
`tls_started(info)`; bytes the client sent before the handshake are discarded then, so nothing
typed in clear text can be injected into the encrypted session (RFC 3207 §4.2, RFC 2595 §4).

`view()` returns an immutable snapshot of the observable state for the UI and the lesson runner;
they never reach inside the engine.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from .replies import Reply
from .sasl import Exchange, Step


def as_text(line: str | bytes) -> str:
    """Command lines are ASCII by the RFCs; anything else is kept visible, never an exception."""
    if isinstance(line, str):
        return line
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")


@dataclass(frozen=True, slots=True)
class TlsInfo:
    """What a TLS handshake negotiated, as the caller reports it to `Session.tls_started`."""

    version: str  # "TLSv1.3"
    cipher: str  # "TLS_AES_256_GCM_SHA384"
    subject: str = ""  # the server certificate's subject, e.g. "CN=localhost"
    fingerprint: str = ""  # its SHA-256, colon-separated hex
    simulated: bool = False  # the TUI's stand-in handshake: nothing was really encrypted


def simulated_tls(hostname: str) -> TlsInfo:
    """The handshake the TUI shows where no socket exists: what a TLS 1.3 server of today
    negotiates, with a made-up certificate fingerprint (marked simulated, never a real one)."""
    digest = hashlib.sha256(f"mailtutor simulated certificate for {hostname}".encode()).digest()
    return TlsInfo(
        version="TLSv1.3",
        cipher="TLS_AES_256_GCM_SHA384",
        subject=f"CN={hostname}",
        fingerprint=":".join(f"{b:02X}" for b in digest),
        simulated=True,
    )


def describe_tls(info: TlsInfo, *, lang: str = "en") -> str:
    """One line saying what a handshake negotiated, for transcripts and replays."""
    if lang == "ru":
        head = "TLS-рукопожатие (изображено)" if info.simulated else "TLS-рукопожатие"
        return (
            f"{head}: {info.version}, {info.cipher}; сертификат {info.subject}, "
            f"SHA-256 {info.fingerprint[:23]}…; дальше всё зашифровано"
        )
    head = "TLS handshake (simulated)" if info.simulated else "TLS handshake"
    return (
        f"{head}: {info.version}, {info.cipher}; certificate {info.subject}, "
        f"SHA-256 {info.fingerprint[:23]}...; everything after this is encrypted"
    )


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
        #: passwords checked so far, right or wrong: the adapter delays the answer to every
        #: attempt from an address with recent failures, not only the failing ones (a reply
        #: that comes fast only when right would tell a guesser without waiting)
        self.login_attempts = 0
        self._pending = bytearray()  # bytes received but not yet a whole line
        self._discarding = False  # inside an overlong line: drop until its end
        #: the caller can start TLS on this connection (STARTTLS/STLS are offered)
        self.tls_available = False
        #: the TLS session in force, None while the connection is in clear text
        self.tls: TlsInfo | None = None
        #: a reply asked for TLS and the handshake has not completed: read nothing meanwhile
        self.awaiting_tls = False
        #: where no socket exists (the TUI, lessons): gives the handshake's result at once
        self.simulate_tls: Callable[[], TlsInfo] | None = None
        #: an AUTH exchange waiting for the client's next line (both protocols have AUTH)
        self._sasl: Exchange | None = None

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

    # -- TLS, shared ---------------------------------------------------------------------------

    def tls_started(self, info: TlsInfo) -> None:
        """The caller completed the TLS handshake a `starts_tls` reply asked for (or the
        connection is implicit TLS): forget what the client said in clear text."""
        self.tls = info
        self.awaiting_tls = False
        self._pending.clear()
        self._discarding = False
        self._restart_after_tls()

    @abstractmethod
    def _restart_after_tls(self) -> None:
        """Per protocol: drop every piece of state learnt before TLS (RFC 3207 §4.2)."""

    def _asked_for_tls(self) -> None:
        self.awaiting_tls = True
        if self.simulate_tls is not None:
            self.tls_started(self.simulate_tls())

    # -- AUTH, shared ----------------------------------------------------------------------------

    def _sasl_line(self, line: str) -> Reply:
        """The client's answer to an AUTH challenge: the exchange goes on, or ends."""
        exchange, self._sasl = self._sasl, None
        assert exchange is not None
        return self._sasl_step(exchange, exchange.feed(line))

    def _sasl_step(self, exchange: Exchange, step: Step) -> Reply:
        """Per protocol: a challenge to send (334 or "+ "), or how the exchange ended."""
        raise NotImplementedError

    # -- byte stream framing, shared ----------------------------------------------------------

    def receive(self, data: bytes) -> list[Reply]:
        """Feed raw bytes from a connection; return every reply now due.

        Lines end with CRLF; a bare LF is accepted too in command mode because nc and some
        terminals send it. Stops early once a reply closes the session; later bytes are ignored.
        """
        if self.closed or self.awaiting_tls:
            return []  # nothing after QUIT is read, nor clear text meant for after STARTTLS
        replies: list[Reply] = []
        pending = self._pending
        pending += data
        limit = self.MAX_COMMAND_LINE
        start = 0
        while not self.closed and not self.awaiting_tls:
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
        if self.closed or self.awaiting_tls:
            # whatever follows QUIT is never read; what follows STARTTLS in clear text must
            # not be read after the handshake either (RFC 3207 §4.2): drop both
            pending.clear()
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
    tls: TlsInfo | None = None  # the TLS session in force, None in clear text
    authenticated_as: str | None = None  # the user logged in, None before

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
    tls: TlsInfo | None = None  # the TLS session in force, None in clear text
    authenticated_as: str | None = None  # the user AUTH accepted, None before
    role: str = "mx"  # "mx" (relay: local recipients only) or "submission" (AUTH first)


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
