"""Real TCP servers: the same POP3 and SMTP engines the TUI drives, on loopback sockets.

Theory of operation: each listening socket has an `_Acceptor` that accepts connections itself
(not asyncio's server loop), so that every client over a limit, or arriving when the process is
out of file descriptors, gets the protocol's refusal at once instead of waiting in the backlog.
Each admitted connection gets one `_Connection` (an asyncio `BufferedProtocol`) holding one
engine session. Bytes arrive in one fixed receive buffer reused for the life of the connection.

Back-pressure: input is handed to the engine one command line at a time (in SMTP data mode, one
piece up to the next possible end of data), and the replies are written as they come, gathered
into batches of up to WRITE_BATCH bytes (one system call for many small replies). Once the
transport's write buffer passes its high-water mark (`pause_writing`), no further command is
handled: the input not yet handled waits in a backlog, reading pauses when the backlog reaches
MAX_BACKLOG, and `resume_writing` goes on with the backlog. A large RETR body is written straight
from the engine's cached wire form. So a client that pipelines thousands of RETRs and never reads
costs the server the receive buffer, the backlog and about one reply, not all of them.

Timers: one per connection, woken at the earliest of its deadlines: idle (reset by a complete
command line, by SMTP message text, and by the client draining our output; never by a stray
byte), the SMTP data phase, the whole session, and, once closing, the linger. A connection
closed by the server (timeout, shutdown, too many failed logins) is aborted after `close_grace`
seconds even when the client never reads what is still queued for it.

Failed logins: the engine counts them (`Session.failed_logins`, `Session.login_attempts`); the
adapter holds the failing reply back for a delay that doubles with each failure, handles nothing
else meanwhile, and closes the connection after `max_auth_failures` (the model is Dovecot's
auth_failure_delay). The failures are also remembered per client address by every listener of one
`start_servers` (tutor/auth_penalty.py, Dovecot's auth penalty): a guesser who reconnects meets the
delay it had reached, and from an address with recent failures every login attempt waits, a right
one too, so that a fast answer cannot give a right guess away (a right one then clears the slate).

TLS: a listener may carry a server `ssl.SSLContext`. On the plain ports the engines then offer
STARTTLS/STLS; when a reply carries `starts_tls`, the connection stops handling input, asyncio's
`loop.start_tls` does the handshake on the same socket, the input that came in clear text meanwhile
is dropped (RFC 3207 §4.2), and the engine is told with `tls_started`. The implicit-TLS ports
(SMTPS, POP3S) hand the accepted socket to asyncio with the context, so the greeting is the first
thing sent inside TLS. A handshake that stalls is cut off like an idle client.

Watching: the adapter reports what happens as values, and whoever prints or draws them
subscribes. `on_event` gets a `ConnectionEvent` per connect, disconnect, refusal, timeout, TLS
handshake and failure; `on_dialogue` (optional: without it nothing per command is done at all)
gets a `DialogueEvent` per exchange: the greeting, each whole command line with its replies, each
piece of SMTP letter text as it is handed to the engine, and a farewell the server sends when it
ends a connection. Secrets are masked here, before any subscriber sees a line (PASS, APOP's
digest, AUTH data: tutor.protocol.secrets), so no printer or screen can leak them. Every
connection gets a session number, counted from 1 over all listeners of one `start_servers`.

This module knows nothing of lessons or the UI; `mailtutor serve`, `mailtutor watch` and the
tests drive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import itertools
import os
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

from tutor.auth_penalty import AuthPenalties
from tutor.mail.store import MailStore
from tutor.protocol.replies import Reply, ReplyKind, err, smtp
from tutor.protocol.secrets import masked_command
from tutor.protocol.session import Session, TlsInfo, as_text, describe_tls

#: bytes read per system call; also the most one read hands to the connection
RECEIVE_BUFFER_SIZE = 64 * 1024
#: replies gathered before one transport.write (many small pipelined replies, one system call)
WRITE_BATCH = 64 * 1024
#: a body at least this long is written from the engine's cached wire form, never joined
LARGE_BODY = 64 * 1024
#: input read but not yet handled (pipelined commands waiting for output to drain); reading
#: pauses once this much waits
MAX_BACKLOG = 64 * 1024
#: connections accepted per wake-up of a listening socket (asyncio's default too)
ACCEPTS_PER_WAKEUP = 100
LISTEN_BACKLOG = 100
#: tries to find one free port for every address of a host given port 0 (see _bind)
BIND_SAME_PORT_ATTEMPTS = 5

DEFAULT_POP3_TIMEOUT = 600.0  # RFC 1939 §3: an autologout timer of at least 10 minutes
DEFAULT_SMTP_TIMEOUT = 300.0  # RFC 5321 §4.5.3.2.7: the server waits at least 5 minutes
#: the whole message text must arrive within this (RFC 5321 §4.5.3.2.6's 10 minutes for the
#: end of data, taken as the server's bound on the data phase)
DEFAULT_DATA_TIMEOUT = 600.0
DEFAULT_SESSION_TIMEOUT = 3600.0  # one hour for any connection, whatever it does
DEFAULT_MAX_CONNECTIONS = 100
DEFAULT_AUTH_FAILURE_DELAY = 2.0  # Dovecot's auth_failure_delay; doubles per failure here
DEFAULT_MAX_AUTH_FAILURES = 3  # then the connection closes (Dovecot: 3 attempts)
MAX_AUTH_FAILURE_DELAY = 30.0
#: seconds a closed connection may keep unread output before it is aborted
DEFAULT_CLOSE_GRACE = 2.0
#: file descriptors kept back from connections: listening sockets, the spare descriptor,
#: Maildir files being written, the event loop's own
FD_RESERVE = 16

Protocol = Literal["pop3", "smtp"]
#: a TLS handshake that takes longer than this (or than the idle timeout) is abandoned
TLS_HANDSHAKE_TIMEOUT = 30.0
#: STARTTLS handshakes under way (a reference keeps each task alive until it is done)
_UPGRADES: set[asyncio.Task[None]] = set()
EventKind = Literal["connect", "disconnect", "refused", "timeout", "error", "tls"]
#: the most of one unfinished command line a DialogueEvent keeps (the engine answers an
#: overlong line with an error and drops it; the report is cut the same way)
MAX_REPORTED_LINE = 4096
_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
_END_OF_DATA = b"\r\n.\r\n"


class ListenError(OSError):
    """A listener could not start (port in use, address not available...); str() says which."""

    def __str__(self) -> str:
        return str(self.strerror)


@dataclass(frozen=True, slots=True)
class ConnectionEvent:
    """Something that happened to a connection, for an `on_event` hook (never per command)."""

    kind: EventKind
    protocol: Protocol
    peer: str  # "host:port" of the client
    detail: str = ""  # connect: the listener's title; refused, timeout, error: why; tls: what
    session: int = 0  # the connection's number (0: refused before it became a session)


EventHook = Callable[[ConnectionEvent], None]


@dataclass(frozen=True, slots=True)
class DialogueEvent:
    """One exchange of a session, for an `on_dialogue` hook (see the module docstring).

    command: a whole command line as the client sent it, without its line end, secrets
        masked; None for the greeting, a farewell, or a piece of letter text.
    letter: SMTP message text handed to the engine in this exchange (any piece of it, up to
        and including the final CRLF "." CRLF), exactly as sent; empty otherwise.
    replies: what the server answered, in order (none while a letter's text is still coming).
    engine: the session itself, for in-process viewers that show its view(); read, never fed.
    """

    session: int
    protocol: Protocol
    peer: str
    command: str | None = None
    letter: bytes = b""
    replies: tuple[Reply, ...] = ()
    engine: Session | None = field(default=None, compare=False, repr=False)


DialogueHook = Callable[[DialogueEvent], None]


@dataclass(frozen=True, slots=True)
class Limits:
    """What one listener allows each connection. A time of 0 disables that timer."""

    idle_timeout: float
    data_timeout: float = DEFAULT_DATA_TIMEOUT
    session_timeout: float = DEFAULT_SESSION_TIMEOUT
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    max_connections_per_peer: int = DEFAULT_MAX_CONNECTIONS
    auth_failure_delay: float = DEFAULT_AUTH_FAILURE_DELAY
    max_auth_failures: int = DEFAULT_MAX_AUTH_FAILURES  # 0: never disconnect for it
    close_grace: float = DEFAULT_CLOSE_GRACE


def auth_delay(failures: int, base: float) -> float:
    """Seconds to hold back the reply to the `failures`-th failed login: base, 2x, 4x..."""
    if base <= 0 or failures < 1:
        return 0.0
    return min(base * 2 ** min(failures - 1, 16), MAX_AUTH_FAILURE_DELAY)


@dataclass(frozen=True, slots=True)
class _Farewells:
    """What a protocol says when the server ends a connection (None: close silently)."""

    refusal: Reply  # over the connection limit
    peer_refusal: Reply  # over the per-address limit
    idle: Reply | None
    data: Reply | None
    session: Reply | None
    shutdown: Reply | None
    auth: Reply | None  # after the last failed login allowed
    failure: Reply  # the engine raised


@dataclass(frozen=True, slots=True)
class TlsSetup:
    """The server's TLS: a context for handshakes and what the certificate is, for TlsInfo."""

    context: ssl.SSLContext
    subject: str = ""
    fingerprint: str = ""


@dataclass(eq=False)
class _Listener:
    """What every connection accepted on one listening socket shares."""

    protocol: Protocol
    new_session: Callable[[str], Session]  # client IP -> a fresh engine
    limits: Limits
    farewells: _Farewells
    on_event: EventHook | None
    tls: TlsSetup | None = None  # STARTTLS/STLS offered (plain ports) or implicit TLS
    on_dialogue: DialogueHook | None = None
    title: str = ""  # how `serve` names the listener ("SMTP submission")
    #: session numbers, shared by every listener of one start_servers
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    implicit_tls: bool = False  # TLS from the first byte (SMTPS, POP3S)
    connections: set[_Connection] = field(default_factory=set)
    active: int = 0  # admitted connections, counted from accept() to connection_lost
    per_peer: dict[str, int] = field(default_factory=dict)
    #: failed logins by client address, shared by the listeners of one start_servers
    penalties: AuthPenalties = field(default_factory=AuthPenalties)
    closed: bool = False

    def emit(self, kind: EventKind, peer: str, detail: str = "", session: int = 0) -> None:
        if self.on_event is not None:
            self.on_event(ConnectionEvent(kind, self.protocol, peer, detail, session))

    def admission(self, ip: str) -> tuple[Reply, str] | None:
        """None when a client from `ip` may connect now, else (refusal, why)."""
        if self.active >= self.limits.max_connections:
            return self.farewells.refusal, "too many connections"
        if self.per_peer.get(ip, 0) >= self.limits.max_connections_per_peer:
            return self.farewells.peer_refusal, "too many connections from one address"
        return None

    def take_slot(self, ip: str) -> None:
        self.active += 1
        self.per_peer[ip] = self.per_peer.get(ip, 0) + 1

    def free_slot(self, ip: str) -> None:
        self.active -= 1
        left = self.per_peer.get(ip, 1) - 1
        if left > 0:
            self.per_peer[ip] = left
        else:
            self.per_peer.pop(ip, None)


def _peer_text(address: object) -> tuple[str, str]:
    """(client IP, "host:port") from a socket address, whatever the address family."""
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = str(address[0]), address[1]
        return host, f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return str(address), str(address)


def _data_cut(buffer: bytearray, start: int, end: int) -> int:
    """Where the next piece of SMTP message text to hand the engine ends: just after the first
    place an end of data (CRLF "." CRLF) could complete, counting one split across reads, so
    commands pipelined after the letter are handled one at a time like any others."""
    found = buffer.find(_END_OF_DATA, start, end)
    cut = end if found < 0 else found + len(_END_OF_DATA)
    for skip in (4, 3, 2, 1):  # the engine may hold the first part of a terminator already
        tail = _END_OF_DATA[skip:]
        if buffer.startswith(tail, start, end):
            return min(cut, start + len(tail))
    return cut


def _ignore(event: DialogueEvent) -> None:
    """What a tap reports to once its hook has failed."""


class _Tap:
    """One connection's reports to an `on_dialogue` hook: input assembled into whole command
    lines (bounded), secrets masked, letter text passed on as it comes."""

    __slots__ = ("_hook", "_number", "_protocol", "_peer", "_partial", "_challenge", "engine")

    def __init__(self, hook: DialogueHook, number: int, protocol: Protocol, peer: str) -> None:
        self._hook = hook
        self._number = number
        self._protocol = protocol
        self._peer = peer
        self._partial = bytearray()  # the start of a command line still without its end
        self._challenge = False  # the last reply asked for an AUTH answer: the next line is one
        self.engine: Session | None = None

    def _emit(self, command: str | None, letter: bytes, replies: tuple[Reply, ...]) -> None:
        event = DialogueEvent(
            self._number, self._protocol, self._peer, command, letter, replies, self.engine
        )
        try:
            self._hook(event)
        except Exception:  # a watcher's bug must not end the session it watches
            self._hook = _ignore

    def said(self, replies: list[Reply] | tuple[Reply, ...]) -> None:
        """The server said something on its own: the greeting, a farewell."""
        self._emit(None, b"", tuple(replies))

    def fed(self, chunk: bytes, in_data: bool, replies: list[Reply], session: Session) -> None:
        """`chunk` was handed to the engine, which answered `replies`."""
        if in_data:
            self._emit(None, chunk, tuple(replies))
        elif not chunk.endswith(b"\n"):  # the rest of this line comes with a later read
            room = MAX_REPORTED_LINE - len(self._partial)
            if room > 0:
                self._partial += chunk[:room]
            if replies:  # an overlong line, refused before its end arrived
                self._emit(None, b"", tuple(replies))
        else:
            if self._partial:
                chunk = bytes(self._partial) + chunk
                self._partial.clear()
            line = as_text(chunk[:MAX_REPORTED_LINE].rstrip(b"\r\n"))
            command = masked_command(line, answering_challenge=self._challenge)
            self._emit(command, b"", tuple(replies))
        if replies:
            last = replies[-1]
            self._challenge = last.kind is ReplyKind.INTERMEDIATE and session.mode != "data"

    def tls_started(self) -> None:
        self._partial.clear()  # the engine drops clear text sent before the handshake too
        self._challenge = False


class _Connection(asyncio.BufferedProtocol):
    """One client connection: bytes in, engine replies out, flow control, timers."""

    def __init__(self, listener: _Listener, ip: str, peer: str) -> None:
        self._listener = listener
        self._limits = listener.limits
        self._ip = ip
        self._peer = peer
        self._buffer = bytearray(RECEIVE_BUFFER_SIZE)
        self._view = memoryview(self._buffer)
        self._loop = asyncio.get_running_loop()
        self._transport: asyncio.Transport | None = None
        self._session: Session | None = None
        self.made = False
        self._stopped = True  # no input is handled: not yet connected, or closing
        self._upgrading = False  # a STARTTLS handshake is under way
        self._tls_input = False  # input now comes through TLS, even before start_tls returns
        self._announced = False  # the "connect" event went out
        self._backlog = bytearray()  # input read but not yet handed to the engine
        self._out: list[bytes] = []  # replies gathered for the next write
        self._out_size = 0
        self._writing_paused = False  # the transport's buffer is over its high-water mark
        self._reading_paused = False
        self._eof = False  # the client has finished sending
        self._held: list[Reply] | None = None  # a failed login's replies, delayed
        self._hold_timer: asyncio.TimerHandle | None = None
        self._failures_seen = 0  # session.failed_logins already throttled
        self._attempts_seen = 0  # session.login_attempts already looked at
        now = self._loop.time()
        self._started = now
        self._last_activity = now
        self._data_started: float | None = None  # when SMTP message text began
        self._linger_until: float | None = None  # closing: abort the transport at this time
        self._timer: asyncio.TimerHandle | None = None
        self.number = next(listener.numbers)
        hook = listener.on_dialogue
        self._tap = None if hook is None else _Tap(hook, self.number, listener.protocol, peer)

    # -- asyncio callbacks ----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.made = True
        self._transport = transport
        listener = self._listener
        listener.connections.add(self)
        if listener.closed:  # accepted just before the server stopped
            transport.abort()
            return
        # (asyncio's socket transport already sets TCP_NODELAY: replies go out at once.)
        listener.emit("connect", self._peer, listener.title, self.number)
        self._announced = True
        self._schedule(self._next_deadline())
        try:
            self._session = listener.new_session(self._ip)
            if listener.implicit_tls:  # the handshake is done: the greeting goes inside TLS
                info = self._tls_info(transport)
                self._session.tls_started(info)
                listener.emit("tls", self._peer, describe_tls(info), self.number)
            greeting = self._session.greeting()
        except Exception as exc:  # an engine bug must not take the server down
            self._stopped = False
            self._engine_failed(exc)
            return
        self._stopped = False
        transport.write(greeting.wire())
        if self._tap is not None:
            self._tap.engine = self._session
            self._tap.said((greeting,))

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._view

    def buffer_updated(self, nbytes: int) -> None:
        if self._stopped:
            if self._tls_input:  # decrypted input that came with the handshake's last flight
                self._backlog += self._view[:nbytes]
            return
        if self._backlog or self._writing_paused or self._held is not None:
            self._backlog += self._view[:nbytes]
            if self._ready():
                self._drain()
            else:
                self._limit_backlog()
            return
        done = self._feed(self._buffer, self._view, 0, nbytes)
        if done < nbytes and not self._stopped:
            self._backlog += self._view[done:nbytes]
            self._limit_backlog()

    def eof_received(self) -> bool:
        # The client is done sending: answer what it sent (a pipelined QUIT commits), then close.
        self._eof = True
        self._after_input()
        # Keep the write side open for the replies still due; TLS cannot half-close (asyncio
        # warns if asked), so there the transport closes itself.
        return self._session is None or self._session.tls is None

    def pause_writing(self) -> None:
        # The client is not reading what we send: handle no more commands until it catches up.
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        self._last_activity = self._loop.time()  # the client is reading: it is not idle
        self._drain()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stopped = True
        for timer in (self._timer, self._hold_timer):
            if timer is not None:
                timer.cancel()
        self._timer = self._hold_timer = None
        self._backlog.clear()
        listener = self._listener
        listener.connections.discard(self)
        listener.free_slot(self._ip)
        self._abort_session()
        if self._announced:
            listener.emit("disconnect", self._peer, "", self.number)

    # -- input and output -----------------------------------------------------------------------

    def _closing(self) -> bool:
        return self._stopped

    def _ready(self) -> bool:
        """May the next command be handled now?"""
        return not (self._writing_paused or self._held is not None or self._stopped)

    def _feed(self, buffer: bytearray, view: memoryview, start: int, end: int) -> int:
        """Hand buffer[start:end] to the engine a command at a time while output may flow;
        return how far it got."""
        session = self._session
        assert session is not None
        tap = self._tap
        pos = start
        while pos < end and not (self._writing_paused or self._held is not None or self._stopped):
            in_data = session.mode == "data"
            if in_data:
                cut = _data_cut(buffer, pos, end)
                progress = True  # message text arriving is activity (RFC 5321 data blocks)
            else:
                line_end = buffer.find(b"\n", pos, end)
                cut = end if line_end < 0 else line_end + 1
                progress = line_end >= 0  # a stray byte without a line end resets nothing
            chunk = view[pos:cut].tobytes()
            try:
                replies = session.receive(chunk)
            except Exception as exc:
                self._engine_failed(exc)
                return end
            if tap is not None:
                tap.fed(chunk, in_data, replies, session)
            pos = cut
            if progress:
                self._last_activity = self._loop.time()
            if not replies:
                continue
            # (The mode changes only with a reply: 354, or the one that ends the data.)
            if self._data_started is not None or session.mode == "data":
                self._note_mode(session)
            reply = replies[0]
            if (
                len(replies) == 1
                and reply.wire_form is None
                and not reply.closes
                and not reply.starts_tls
                and not session.closed
                and session.login_attempts == self._attempts_seen
            ):  # the usual case, inline: one small reply, nothing else to do
                if pos == end and not self._out:  # the read's only reply: straight out
                    self._transport.write(reply.wire())  # type: ignore[union-attr]
                    return pos
                data = reply.wire()
                self._out.append(data)
                self._out_size += len(data)
                if self._out_size >= WRITE_BATCH:
                    self._flush()
            else:
                self._answer(session, replies)
        out = self._out
        if len(out) == 1 and not self._stopped:  # the usual case, inline: one reply to write
            self._transport.write(out[0])  # type: ignore[union-attr]
            out.clear()
            self._out_size = 0
        elif out:
            self._flush()
        return pos

    def _note_mode(self, session: Session) -> None:
        if session.mode == "data":
            if self._data_started is None:
                self._data_started = self._loop.time()
                if self._limits.data_timeout > 0:
                    self._schedule(self._data_started + self._limits.data_timeout)
        else:
            self._data_started = None

    def _answer(self, session: Session, replies: list[Reply]) -> None:
        if session.login_attempts == self._attempts_seen:
            self._send(replies)
            return
        self._attempts_seen = session.login_attempts
        penalties = self._listener.penalties
        if session.failed_logins > self._failures_seen:
            self._failures_seen = session.failed_logins
            failures = max(self._failures_seen, penalties.record_failure(self._ip))
        else:  # a right password: it waits only if this address guessed wrong lately
            failures = penalties.failures(self._ip)
            penalties.forgive(self._ip)
        delay = auth_delay(failures, self._limits.auth_failure_delay)
        if delay > 0:
            self._flush()  # what came before goes now; this reply waits
            self._held = replies
            self._hold_timer = self._loop.call_later(delay, self._release_held)
            return
        self._send(replies)
        self._after_auth_failure()

    def _send(self, replies: list[Reply]) -> None:
        closes = False
        for reply in replies:
            self._queue(reply)
            closes = closes or reply.closes
        session = self._session
        if closes or (session is not None and session.closed):
            self._flush()
            self._finish()
        elif session is not None and session.awaiting_tls:
            self._flush()  # the 220 / +OK goes out in clear text, then the handshake
            self._start_tls()

    # -- STARTTLS / STLS --------------------------------------------------------------------------

    def _start_tls(self) -> None:
        tls = self._listener.tls
        if tls is None or self._stopped:
            self.close()  # an engine asked for TLS on a listener without it: cannot happen
            return
        self._stopped = True  # nothing is handled until the handshake is done
        self._upgrading = True
        self._backlog.clear()
        task = self._loop.create_task(self._upgrade(tls))
        _UPGRADES.add(task)
        task.add_done_callback(_UPGRADES.discard)

    async def _upgrade(self, tls: TlsSetup) -> None:
        transport = self._transport
        assert transport is not None
        idle = self._limits.idle_timeout
        timeout = min(idle, TLS_HANDSHAKE_TIMEOUT) if idle > 0 else TLS_HANDSHAKE_TIMEOUT
        # start_tls swaps the transport's protocol before it first yields: whatever reaches
        # buffer_updated from here on was decrypted, and is kept for after the handshake.
        self._tls_input = True
        try:
            secure = await self._loop.start_tls(
                transport, self, tls.context, server_side=True, ssl_handshake_timeout=timeout
            )
        except (OSError, ConnectionError, RuntimeError) as exc:
            # A failed or stalled handshake (TimeoutError, ssl.SSLError are OSErrors): drop it.
            why = str(exc) or type(exc).__name__
            self._listener.emit("error", self._peer, f"TLS handshake failed: {why}", self.number)
            transport.abort()
            return
        except asyncio.CancelledError:
            transport.abort()
            raise
        if secure is None or self._session is None or transport.is_closing():
            if secure is not None:
                secure.abort()
            return
        self._transport = secure
        self._upgrading = False
        self._stopped = False
        self._tls_input = False
        self._last_activity = self._loop.time()
        info = self._tls_info(secure)
        self._session.tls_started(info)
        if self._tap is not None:
            self._tap.tls_started()
        self._listener.emit("tls", self._peer, describe_tls(info), self.number)
        self._drain()

    def _tls_info(self, transport: asyncio.BaseTransport) -> TlsInfo:
        ssl_object = transport.get_extra_info("ssl_object")
        tls = self._listener.tls
        cipher = ssl_object.cipher() if ssl_object is not None else None
        return TlsInfo(
            version=(ssl_object.version() if ssl_object is not None else None) or "TLS",
            cipher=cipher[0] if cipher else "",
            subject=tls.subject if tls is not None else "",
            fingerprint=tls.fingerprint if tls is not None else "",
        )

    def _queue(self, reply: Reply) -> None:
        body = reply.wire_form
        if body is not None and len(body) >= LARGE_BODY:
            # The cached wire form goes to the transport as it is: no per-reply copy to join.
            self._out.append(Reply(reply.status, reply.lines).wire())
            self._flush()
            assert self._transport is not None
            self._transport.write(memoryview(body))
            self._out.append(b".\r\n")
            self._out_size += 3
            return
        data = reply.wire()
        self._out.append(data)
        self._out_size += len(data)
        if self._out_size >= WRITE_BATCH:
            self._flush()

    def _flush(self) -> None:
        out = self._out
        if not out:
            return
        data = out[0] if len(out) == 1 else b"".join(out)
        out.clear()
        self._out_size = 0
        if not self._stopped:
            assert self._transport is not None
            self._transport.write(data)

    def _release_held(self) -> None:
        self._hold_timer = None
        replies, self._held = self._held, None
        if replies is None or self._closing():
            return
        self._send(replies)
        self._flush()
        self._after_auth_failure()
        self._drain()

    def _after_auth_failure(self) -> None:
        most = self._limits.max_auth_failures
        if most and self._failures_seen >= most and not self._closing():
            self.close(self._listener.farewells.auth)

    def _drain(self) -> None:
        """Go on with input that waited for output to drain (or for a held reply)."""
        if self._session is None or self._closing():
            return
        backlog = self._backlog
        if backlog and self._ready():
            with memoryview(backlog) as view:
                done = self._feed(backlog, view, 0, len(backlog))
            del backlog[:done]
        if self._closing():
            return
        if self._reading_paused and len(backlog) < MAX_BACKLOG and not self._eof:
            self._reading_paused = False
            assert self._transport is not None
            self._transport.resume_reading()
        self._after_input()

    def _limit_backlog(self) -> None:
        if len(self._backlog) >= MAX_BACKLOG and not self._reading_paused and not self._eof:
            self._reading_paused = True
            assert self._transport is not None
            self._transport.pause_reading()

    def _after_input(self) -> None:
        """After the client's end of input, close once everything it sent has been answered."""
        if self._eof and not self._backlog and self._held is None and not self._closing():
            self._finish()

    # -- ending a connection --------------------------------------------------------------------

    def _finish(self) -> None:
        """The session ended (QUIT, end of input): close after the output, lingering while the
        client keeps reading (each drain counts as activity), at most an idle period."""
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        self._stopped = True
        self._abort_session()
        transport.close()
        idle = self._limits.idle_timeout
        self._schedule(self._last_activity + idle if idle > 0 else self._next_deadline())

    def close(self, farewell: Reply | None = None) -> None:
        """End the connection from the server's side: optional last reply, nothing committed;
        aborted after the grace period if the client does not take what is left."""
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        if self._upgrading:  # mid-handshake: no reply can be sent, in clear text or in TLS
            self._abort_session()
            transport.abort()
            return
        self._abort_session()
        if self._hold_timer is not None:
            self._hold_timer.cancel()
            self._hold_timer = None
        self._held = None
        self._flush()  # replies already due go first
        self._stopped = True
        if farewell is not None:
            transport.write(farewell.wire())
            if self._tap is not None:
                self._tap.said((farewell,))
        transport.close()
        self._linger_until = self._loop.time() + self._limits.close_grace
        self._schedule(self._linger_until)

    def _abort_session(self) -> None:
        """A connection that ends without a proper QUIT commits nothing (RFC 1939 §6)."""
        session = self._session
        if session is not None and not session.closed:
            with contextlib.suppress(Exception):
                session.abort()

    def _engine_failed(self, exc: Exception) -> None:
        """An engine raised: tell the client the server failed, drop the session, keep serving."""
        self._listener.emit("error", self._peer, f"{type(exc).__name__}: {exc}", self.number)
        self.close(self._listener.farewells.failure)

    # -- timers ---------------------------------------------------------------------------------

    def _next_deadline(self) -> float:
        """The earliest time something is due: linger, idle, data phase or session limit."""
        limits = self._limits
        due = float("inf")
        if self._closing():
            if self._linger_until is not None:
                return self._linger_until
            if limits.idle_timeout > 0:
                due = self._last_activity + limits.idle_timeout
        elif limits.idle_timeout > 0:
            due = self._last_activity + limits.idle_timeout
        if self._data_started is not None and limits.data_timeout > 0:
            due = min(due, self._data_started + limits.data_timeout)
        if limits.session_timeout > 0:
            due = min(due, self._started + limits.session_timeout)
        return due

    def _schedule(self, when: float) -> None:
        """Make sure the timer wakes by `when` (one timer per connection, moved only earlier)."""
        if when == float("inf"):
            return
        timer = self._timer
        if timer is not None:
            if timer.when() <= when:
                return
            timer.cancel()
        self._timer = self._loop.call_at(when, self._tick)

    def _tick(self) -> None:
        self._timer = None
        transport = self._transport
        if transport is None:
            return
        now = self._loop.time()
        due = self._next_deadline()
        if now < due:
            self._schedule(due)
            return
        if self._stopped or transport.is_closing():
            transport.abort()  # the client would not take what was left for it
            return
        limits, farewells = self._limits, self._listener.farewells
        if limits.session_timeout > 0 and now >= self._started + limits.session_timeout:
            reason, farewell = "session time limit", farewells.session
        elif (
            self._data_started is not None
            and limits.data_timeout > 0
            and now >= self._data_started + limits.data_timeout
        ):
            reason, farewell = "data timeout", farewells.data
        else:
            reason, farewell = "idle timeout", farewells.idle
        self._listener.emit("timeout", self._peer, reason, self.number)
        self.close(farewell)


class _SpareDescriptor:
    """One file descriptor held back so that, when the process runs out of them, a waiting
    client can still be accepted and told to come back later instead of hanging."""

    def __init__(self) -> None:
        self.fd: int | None = None
        self.take()

    def take(self) -> None:
        if self.fd is None:
            with contextlib.suppress(OSError):
                self.fd = os.open(os.devnull, os.O_RDONLY)

    def release(self) -> bool:
        if self.fd is None:
            return False
        os.close(self.fd)
        self.fd = None
        return True


class _Acceptor:
    """Accepts connections on one listening socket, admitting or refusing each at once."""

    def __init__(
        self,
        listener: _Listener,
        sock: socket.socket,
        spare: _SpareDescriptor,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self.listener = listener
        self.sock = sock
        self._spare = spare
        self._loop = loop
        self._tasks: set[asyncio.Task[None]] = set()
        self._resume: asyncio.TimerHandle | None = None
        self._out_of_fds_reported = False
        loop.add_reader(sock.fileno(), self._on_readable)

    def _on_readable(self) -> None:
        for _ in range(ACCEPTS_PER_WAKEUP):
            try:
                conn, address = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                if exc.errno in _OUT_OF_RESOURCES:
                    # (Linux says EMFILE even when no client waits: the spare tells which.)
                    outcome = self._refuse_with_spare()
                    if outcome == "refused":
                        continue
                    if outcome == "failed":
                        self._pause()
                    return
                return  # ECONNABORTED and the like: that client is gone already
            self._admit(conn, address)

    def _admit(self, conn: socket.socket, address: object) -> None:
        listener = self.listener
        ip, peer = _peer_text(address)
        refusal = listener.admission(ip)
        if refusal is not None:
            reply, why = refusal
            listener.emit("refused", peer, why)
            self._refuse(conn, reply)
            return
        listener.take_slot(ip)
        task = self._loop.create_task(self._connect(conn, ip, peer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _connect(self, conn: socket.socket, ip: str, peer: str) -> None:
        connection = _Connection(self.listener, ip, peer)
        listener = self.listener
        tls = listener.tls if listener.implicit_tls else None
        try:
            if tls is None:
                await self._loop.connect_accepted_socket(lambda: connection, conn)
            else:
                idle = listener.limits.idle_timeout
                await self._loop.connect_accepted_socket(
                    lambda: connection,
                    conn,
                    ssl=tls.context,
                    ssl_handshake_timeout=(
                        min(idle, TLS_HANDSHAKE_TIMEOUT) if idle > 0 else TLS_HANDSHAKE_TIMEOUT
                    ),
                )
        except (OSError, asyncio.CancelledError, ConnectionError) as exc:
            if not connection.made:
                self.listener.free_slot(ip)
                conn.close()
                if tls is not None and not isinstance(exc, asyncio.CancelledError):
                    why = str(exc) or type(exc).__name__
                    listener.emit("error", peer, f"TLS handshake failed: {why}", connection.number)

    def _refuse(self, conn: socket.socket, reply: Reply) -> None:
        # A one-line reply on a fresh socket always fits its send buffer: no transport needed,
        # and the descriptor is free again before the next accept. On an implicit-TLS port a
        # clear-text reply would be noise to the client: it is only closed.
        with contextlib.suppress(OSError):
            conn.setblocking(False)
            if not self.listener.implicit_tls:
                conn.send(reply.wire())
        conn.close()

    def _refuse_with_spare(self) -> Literal["refused", "none waiting", "failed"]:
        """Out of descriptors: free the spare one, accept a waiting client into it, refuse it."""
        if not self._spare.release():
            return "failed"
        try:
            conn, address = self.sock.accept()
        except (BlockingIOError, InterruptedError):
            self._spare.take()
            return "none waiting"
        except OSError:
            self._spare.take()
            return "failed"
        _, peer = _peer_text(address)
        self._refuse(conn, self.listener.farewells.refusal)
        self._spare.take()  # the refused client's descriptor is free again
        if not self._out_of_fds_reported:  # one event, not one per client
            self._out_of_fds_reported = True
            self.listener.emit("refused", peer, "out of file descriptors")
        return "refused"

    def _pause(self) -> None:
        """Not even the spare could be used (the whole system is out): retry in a second."""
        self._loop.remove_reader(self.sock.fileno())
        self._resume = self._loop.call_later(1.0, self._restart)

    def _restart(self) -> None:
        self._resume = None
        self._spare.take()
        if not self.listener.closed:
            self._loop.add_reader(self.sock.fileno(), self._on_readable)

    def close(self) -> None:
        if self._resume is not None:
            self._resume.cancel()
        else:
            self._loop.remove_reader(self.sock.fileno())
        self.sock.close()
        for task in self._tasks:
            task.cancel()


@dataclass
class Servers:
    """The running listeners. Addresses are the bound (host, port): the real port when 0 was
    asked for. A listener that was not started (port None) has address None."""

    pop3_address: tuple[str, int] | None
    smtp_address: tuple[str, int] | None
    _acceptors: list[_Acceptor]
    _listeners: list[_Listener]
    _spare: _SpareDescriptor
    #: every listener's bound address by name ("pop3", "smtp", "submission", "smtps", "pop3s")
    addresses: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def connection_count(self) -> int:
        return sum(listener.active for listener in self._listeners)

    def close(self) -> None:
        """Stop listening and end every open connection (SMTP clients get 421; POP3 sessions
        are aborted, which deletes nothing); one that does not take it is aborted after the
        grace period."""
        for listener in self._listeners:
            listener.closed = True
        for acceptor in self._acceptors:
            acceptor.close()
        self._spare.release()
        for listener in self._listeners:
            for connection in list(listener.connections):
                connection.close(listener.farewells.shutdown)

    async def wait_closed(self) -> None:
        """Wait until every connection is gone (bounded by the longest grace period)."""
        grace = max((listener.limits.close_grace for listener in self._listeners), default=0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace + 1.0
        while self.connection_count and loop.time() < deadline:
            await asyncio.sleep(0.01)


def format_address(address: tuple[str, int]) -> str:
    """host:port, with IPv6 literals in brackets ([::1]:1110) as URLs write them."""
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _pop3_listener(
    store: MailStore,
    limits: Limits,
    on_event: EventHook | None,
    tls: TlsSetup | None = None,
    implicit_tls: bool = False,
) -> _Listener:
    from tutor.protocol.pop3 import Pop3Session

    def new_session(ip: str) -> Pop3Session:
        return Pop3Session(store, tls_available=tls is not None)

    # RFC 2449 response code [SYS/TEMP]: a temporary condition, try again later. RFC 1939 §3:
    # the autologout timer just closes the connection, and so do the other server-side ends.
    return _Listener(
        protocol="pop3",
        new_session=new_session,
        tls=tls,
        implicit_tls=implicit_tls,
        limits=limits,
        farewells=_Farewells(
            refusal=err("[SYS/TEMP] too many connections, try again later", closes=True),
            peer_refusal=err(
                "[SYS/TEMP] too many connections from your address, try again later", closes=True
            ),
            idle=None,
            data=None,
            session=None,
            shutdown=None,
            auth=None,
            failure=err("[SYS/TEMP] internal server error", closes=True),
        ),
        on_event=on_event,
    )


def _smtp_listener(
    store: MailStore,
    limits: Limits,
    on_event: EventHook | None,
    tls: TlsSetup | None = None,
    implicit_tls: bool = False,
    role: str = "mx",
) -> _Listener:
    from tutor.protocol.smtp import SmtpSession

    def new_session(ip: str) -> SmtpSession:
        return SmtpSession(store, peer=_received_peer(ip), role=role, tls_available=tls is not None)

    host = store.hostname

    def closing(text: str) -> Reply:  # RFC 5321 §3.8: 421 before the server closes
        return smtp(421, f"{host} {text}", closes=True)

    return _Listener(
        protocol="smtp",
        new_session=new_session,
        tls=tls,
        implicit_tls=implicit_tls,
        limits=limits,
        farewells=_Farewells(
            refusal=closing("too many connections, try again later"),
            peer_refusal=closing("too many connections from your address, try again later"),
            idle=closing("idle timeout, closing connection"),
            data=closing("timeout waiting for the end of data, closing connection"),
            session=closing("session time limit reached, closing connection"),
            shutdown=closing("service shutting down"),
            auth=closing("too many failed logins, closing connection"),
            failure=smtp(421, "internal server error, closing connection", closes=True),
        ),
        on_event=on_event,
    )


def _received_peer(ip: str) -> str:
    """The client as a Received: line names it, Postfix style "name [address]". No reverse DNS
    lookup (it would stall every connection on a machine without DNS): loopback is "localhost",
    anything else "unknown", which is what Postfix writes when a name does not resolve."""
    import ipaddress

    try:
        loopback = ipaddress.ip_address(ip.split("%")[0]).is_loopback
    except ValueError:
        loopback = False
    literal = f"IPv6:{ip}" if ":" in ip else ip  # RFC 5321 §4.1.3 address literal
    return f"{'localhost' if loopback else 'unknown'} [{literal}]"


async def _bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets for every address `host` resolves to (as asyncio's create_server).

    With port 0 and several addresses (localhost: 127.0.0.1 and ::1), every socket listens on
    the port the first one was given, so the one printed address holds for all of them; when
    that port is taken on another address, the whole set is tried again on a new free port.
    """
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    addresses = list(dict.fromkeys(infos))
    for _ in range(BIND_SAME_PORT_ATTEMPTS - 1):
        try:
            return _listen_all(addresses, port)
        except OSError as exc:
            if port != 0 or exc.errno != errno.EADDRINUSE:
                raise
    return _listen_all(addresses, port)  # the last try: its error is the caller's


def _listen_all(addresses: list[tuple], port: int) -> list[socket.socket]:
    """One listening socket per getaddrinfo entry; port 0: all on the first one's free port."""
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in addresses:
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            if port == 0 and len(sockets) > 1:
                address = (address[0], sockets[0].getsockname()[1], *address[2:])
            sock.bind(address)
            sock.listen(LISTEN_BACKLOG)
            sock.setblocking(False)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _bound_address(sock: socket.socket) -> tuple[str, int]:
    name = sock.getsockname()
    return str(name[0]), int(name[1])


def open_descriptors() -> int:
    """File descriptors this process has open now (Linux /proc; a guess elsewhere)."""
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return 10


def descriptor_limit(wanted: int) -> int:
    """The process's file descriptor limit, first raised toward `wanted` as far as the hard
    limit allows (raising the soft limit needs no privilege)."""
    try:
        import resource  # POSIX only
    except ImportError:
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
    return wanted if soft == resource.RLIM_INFINITY else soft


def connection_capacity(limit: int, in_use: int, listeners: int) -> int:
    """Connections each of `listeners` listeners can hold within a descriptor `limit`, with
    `in_use` already open and FD_RESERVE kept back."""
    return max(0, (limit - in_use - FD_RESERVE) // max(1, listeners))


async def start_servers(
    store: MailStore,
    *,
    host: str = "127.0.0.1",
    pop3_port: int | None = 1110,
    smtp_port: int | None = 2525,
    pop3_timeout: float = DEFAULT_POP3_TIMEOUT,
    smtp_timeout: float = DEFAULT_SMTP_TIMEOUT,
    data_timeout: float = DEFAULT_DATA_TIMEOUT,
    session_timeout: float = DEFAULT_SESSION_TIMEOUT,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    max_connections_per_peer: int | None = None,
    auth_failure_delay: float = DEFAULT_AUTH_FAILURE_DELAY,
    max_auth_failures: int = DEFAULT_MAX_AUTH_FAILURES,
    close_grace: float = DEFAULT_CLOSE_GRACE,
    on_event: EventHook | None = None,
    on_dialogue: DialogueHook | None = None,
    tls: TlsSetup | None = None,
    submission_port: int | None = None,
    smtps_port: int | None = None,
    pop3s_port: int | None = None,
) -> Servers:
    """Listen for POP3 and SMTP on `host`, both sessions sharing `store`.

    Port 0 picks a free port (see `Servers.pop3_address`); None skips that listener. With `tls`
    the plain ports offer STARTTLS/STLS, and the submission (STARTTLS, AUTH before MAIL), SMTPS
    and POP3S (implicit TLS) listeners may be opened too; without it those three are skipped.
    A timeout of 0 disables that timer. max_connections counts per listener;
    max_connections_per_peer (default: no more than max_connections) per client address.
    `on_event` and `on_dialogue` subscribe to what happens (see the module docstring).
    Raises OSError (e.g. address in use) with nothing left open.
    """
    loop = asyncio.get_running_loop()
    acceptors: list[_Acceptor] = []
    listeners: list[_Listener] = []
    addresses: dict[str, tuple[str, int] | None] = {"pop3": None, "smtp": None}
    per_peer = max_connections if max_connections_per_peer is None else max_connections_per_peer

    def limits(idle: float) -> Limits:
        return Limits(
            idle_timeout=idle,
            data_timeout=data_timeout,
            session_timeout=session_timeout,
            max_connections=max_connections,
            max_connections_per_peer=per_peer,
            auth_failure_delay=auth_failure_delay,
            max_auth_failures=max_auth_failures,
            close_grace=close_grace,
        )

    pop3 = partial(_pop3_listener, store, limits(pop3_timeout), on_event, tls)
    smtp_ = partial(_smtp_listener, store, limits(smtp_timeout), on_event, tls)
    plan: list[tuple[str, int | None, Callable[[], _Listener]]] = [
        ("pop3", pop3_port, pop3),
        ("smtp", smtp_port, smtp_),
    ]
    if tls is not None:
        plan += [
            ("submission", submission_port, partial(smtp_, role="submission")),
            ("smtps", smtps_port, partial(smtp_, implicit_tls=True, role="submission")),
            ("pop3s", pop3s_port, partial(pop3, implicit_tls=True)),
        ]
    bound: dict[str, tuple[str, int]] = {}
    numbers = itertools.count(1)
    spare = _SpareDescriptor()
    penalties = AuthPenalties()  # one memory of failed logins for POP3 and SMTP alike
    try:
        for name, port, make in plan:
            if port is None:
                continue
            listener = make()
            listener.penalties = penalties
            listener.on_dialogue = on_dialogue
            listener.title = LISTENER_TITLES.get(name, name.upper())
            listener.numbers = numbers
            try:
                sockets = await _bind(host, port)
            except OSError as exc:
                gai = isinstance(exc, socket.gaierror)
                reason = os.strerror(exc.errno) if exc.errno and not gai else exc.strerror
                reason = reason or str(exc)
                where = format_address((host, port))
                what = LISTENER_TITLES.get(name, name.upper())
                raise ListenError(
                    exc.errno, f"cannot listen for {what} on {where}: {reason.lower()}"
                ) from exc
            acceptors.extend(_Acceptor(listener, sock, spare, loop) for sock in sockets)
            listeners.append(listener)
            bound[name] = _bound_address(sockets[0])
            if name in addresses:
                addresses[name] = bound[name]
    except BaseException:
        for acceptor in acceptors:
            acceptor.close()
        spare.release()
        raise
    return Servers(addresses["pop3"], addresses["smtp"], acceptors, listeners, spare, bound)


#: how `serve` names each listener ("SMTP submission listening on ...")
LISTENER_TITLES: dict[str, str] = {
    "pop3": "POP3",
    "smtp": "SMTP",
    "submission": "SMTP submission",
    "smtps": "SMTPS",
    "pop3s": "POP3S",
}
