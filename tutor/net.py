"""Real TCP servers: the same POP3 and SMTP engines the TUI drives, on loopback sockets.

Theory of operation: each accepted connection gets one `_Connection` (an asyncio
`BufferedProtocol`) holding one engine session. Bytes arrive in one fixed receive buffer that is
reused for the whole life of the connection (asyncio's default read path allocates a fresh
256 KiB buffer per read and costs extra system calls; system calls dominate a small server's CPU
here). Whatever arrives goes to `session.receive()`, and all the replies due are written with one
`transport.write()`. The engines frame lines and bound their own line buffers, so memory per
connection is bounded by the receive buffer, the engine's limits and transport flow control
(when a client stops reading our RETR output we stop reading its commands).

Idle timeouts do not create a timer per read: each read stamps the time, and one timer per
connection wakes at most once per period to compare the stamp with the clock.

This module knows nothing of lessons or the UI; `mailtutor serve` and the tests drive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from tutor.mail.store import MailStore
from tutor.protocol.replies import Reply, err, smtp
from tutor.protocol.session import Session

#: bytes read per system call; also the most one read hands to an engine
RECEIVE_BUFFER_SIZE = 64 * 1024

DEFAULT_POP3_TIMEOUT = 600.0  # RFC 1939 §3: an autologout timer of at least 10 minutes
DEFAULT_SMTP_TIMEOUT = 300.0  # RFC 5321 §4.5.3.2.7: the server waits at least 5 minutes
DEFAULT_MAX_CONNECTIONS = 100

Protocol = Literal["pop3", "smtp"]
EventKind = Literal["connect", "disconnect", "refused", "timeout", "error"]


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
    detail: str = ""


EventHook = Callable[[ConnectionEvent], None]


@dataclass(eq=False)
class _Listener:
    """What every connection accepted on one listening socket shares."""

    protocol: Protocol
    new_session: Callable[[str], Session]  # peer address -> a fresh engine
    timeout: float
    max_connections: int
    refusal: Reply  # sent to a client over the connection limit
    timeout_reply: Reply | None  # sent before closing an idle connection (SMTP 421)
    shutdown_reply: Reply | None  # sent to connected clients when the server stops
    on_event: EventHook | None
    connections: set[_Connection] = field(default_factory=set)

    def emit(self, kind: EventKind, peer: str, detail: str = "") -> None:
        if self.on_event is not None:
            self.on_event(ConnectionEvent(kind, self.protocol, peer, detail))


def _peer_text(address: object) -> tuple[str, str]:
    """(client IP, "host:port") from a transport's peername, whatever the address family."""
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = str(address[0]), address[1]
        return host, f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return str(address), str(address)


class _Connection(asyncio.BufferedProtocol):
    """One client connection: bytes in, engine replies out, idle timer, flow control."""

    def __init__(self, listener: _Listener) -> None:
        self._listener = listener
        self._buffer = memoryview(bytearray(RECEIVE_BUFFER_SIZE))
        self._transport: asyncio.Transport | None = None
        self._session: Session | None = None
        self._peer = "?"
        self._loop = asyncio.get_running_loop()
        self._last_activity = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._finished = False  # the session ended on its own (QUIT) or was aborted already

    # -- asyncio callbacks ----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        listener = self._listener
        ip, self._peer = _peer_text(transport.get_extra_info("peername"))
        if len(listener.connections) >= listener.max_connections:
            listener.emit("refused", self._peer, "too many connections")
            self._finished = True
            transport.write(listener.refusal.wire())
            transport.close()
            return
        # (asyncio's socket transport already sets TCP_NODELAY: replies go out at once.)
        listener.connections.add(self)
        listener.emit("connect", self._peer)
        try:
            self._session = listener.new_session(ip)
            greeting = self._session.greeting()
        except Exception as exc:  # an engine bug must not take the server down
            self._engine_failed(exc)
            return
        transport.write(greeting.wire())
        self._last_activity = self._loop.time()
        if listener.timeout > 0:
            self._timer = self._loop.call_later(listener.timeout, self._check_idle)

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._buffer

    def buffer_updated(self, nbytes: int) -> None:
        session = self._session
        transport = self._transport
        if session is None or transport is None or transport.is_closing():
            return
        self._last_activity = self._loop.time()
        try:
            replies = session.receive(bytes(self._buffer[:nbytes]))
        except Exception as exc:
            self._engine_failed(exc)
            return
        if len(replies) == 1:  # the usual case: one command, one reply
            transport.write(replies[0].wire())
        elif replies:  # pipelined commands: still one write, one system call
            transport.write(b"".join([reply.wire() for reply in replies]))
        if session.closed or any(reply.closes for reply in replies):
            self._finished = session.closed
            transport.close()

    def eof_received(self) -> bool:
        return False  # the client is done sending: close our side too (after pending output)

    def pause_writing(self) -> None:
        # The client is not reading what we send (a big RETR, pipelined commands): stop reading
        # its commands until it catches up, so output never piles up without bound.
        if self._transport is not None and not self._transport.is_closing():
            self._transport.pause_reading()

    def resume_writing(self) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        listener = self._listener
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self not in listener.connections:
            return  # refused over the limit: never had a session
        listener.connections.discard(self)
        self._abort_session()
        listener.emit("disconnect", self._peer)

    # -- helpers --------------------------------------------------------------------------------

    def _abort_session(self) -> None:
        """A connection that ends without a proper QUIT commits nothing (RFC 1939 §6)."""
        session = self._session
        if session is not None and not self._finished and not session.closed:
            self._finished = True
            with contextlib.suppress(Exception):
                session.abort()

    def _check_idle(self) -> None:
        self._timer = None
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        timeout = self._listener.timeout
        due = self._last_activity + timeout
        if self._loop.time() < due:
            self._timer = self._loop.call_at(due, self._check_idle)
            return
        self._listener.emit("timeout", self._peer)
        self.close(self._listener.timeout_reply)

    def close(self, farewell: Reply | None = None) -> None:
        """End the connection from the server's side: optional last reply, nothing committed."""
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        self._abort_session()
        if farewell is not None:
            transport.write(farewell.wire())
        transport.close()

    def _engine_failed(self, exc: Exception) -> None:
        """An engine raised: tell the client the server failed, drop the session, keep serving."""
        self._listener.emit("error", self._peer, f"{type(exc).__name__}: {exc}")
        farewell = (
            err("[SYS/TEMP] internal server error")
            if self._listener.protocol == "pop3"
            else smtp(421, "internal server error, closing connection")
        )
        self.close(farewell)


@dataclass
class Servers:
    """The running listeners. Addresses are the bound (host, port): the real port when 0 was
    asked for. A listener that was not started (port None) has address None."""

    pop3_address: tuple[str, int] | None
    smtp_address: tuple[str, int] | None
    _servers: list[asyncio.Server]
    _listeners: list[_Listener]

    @property
    def connection_count(self) -> int:
        return sum(len(listener.connections) for listener in self._listeners)

    def close(self) -> None:
        """Stop listening and end every open connection (SMTP clients get 421; POP3 sessions
        are aborted, which deletes nothing)."""
        for server in self._servers:
            server.close()
        for listener in self._listeners:
            for connection in list(listener.connections):
                connection.close(listener.shutdown_reply)

    async def wait_closed(self) -> None:
        for server in self._servers:
            await server.wait_closed()
        # Let the transports closed above run their connection_lost callbacks.
        for _ in range(50):
            if not self.connection_count:
                break
            await asyncio.sleep(0.01)


def format_address(address: tuple[str, int]) -> str:
    """host:port, with IPv6 literals in brackets ([::1]:1110) as URLs write them."""
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _pop3_listener(
    store: MailStore, timeout: float, max_connections: int, on_event: EventHook | None
) -> _Listener:
    from tutor.protocol.pop3 import Pop3Session

    return _Listener(
        protocol="pop3",
        new_session=lambda peer: Pop3Session(store),
        timeout=timeout,
        max_connections=max_connections,
        # RFC 2449 response code: a temporary condition, try again later.
        refusal=err("[SYS/TEMP] too many connections, try again later", closes=True),
        timeout_reply=None,  # RFC 1939 §3: the autologout timer just closes the connection
        shutdown_reply=None,
        on_event=on_event,
    )


def _smtp_listener(
    store: MailStore, timeout: float, max_connections: int, on_event: EventHook | None
) -> _Listener:
    from tutor.protocol.smtp import SmtpSession

    host = store.hostname
    return _Listener(
        protocol="smtp",
        new_session=lambda ip: SmtpSession(store, peer=_received_peer(ip)),
        timeout=timeout,
        max_connections=max_connections,
        refusal=smtp(421, f"{host} too many connections, try again later", closes=True),
        timeout_reply=smtp(421, f"{host} idle timeout, closing connection", closes=True),
        shutdown_reply=smtp(421, f"{host} service shutting down", closes=True),
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


async def _listen(listener: _Listener, host: str, port: int) -> asyncio.Server:
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: _Connection(listener), host=host, port=port, reuse_address=True
    )


def _bound_address(server: asyncio.Server) -> tuple[str, int]:
    name = server.sockets[0].getsockname()
    return str(name[0]), int(name[1])


async def start_servers(
    store: MailStore,
    *,
    host: str = "127.0.0.1",
    pop3_port: int | None = 1110,
    smtp_port: int | None = 2525,
    pop3_timeout: float = DEFAULT_POP3_TIMEOUT,
    smtp_timeout: float = DEFAULT_SMTP_TIMEOUT,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    on_event: EventHook | None = None,
) -> Servers:
    """Listen for POP3 and SMTP on `host`, both sessions sharing `store`.

    Port 0 picks a free port (see `Servers.pop3_address`); None skips that listener. A timeout
    of 0 disables the idle timer. Raises OSError (e.g. address in use) with nothing left open.
    """
    servers: list[asyncio.Server] = []
    listeners: list[_Listener] = []
    addresses: dict[str, tuple[str, int] | None] = {"pop3": None, "smtp": None}
    plan = (
        (pop3_port, _pop3_listener, pop3_timeout),
        (smtp_port, _smtp_listener, smtp_timeout),
    )
    try:
        for port, make, timeout in plan:
            if port is None:
                continue
            listener = make(store, timeout, max_connections, on_event)
            try:
                server = await _listen(listener, host, port)
            except OSError as exc:
                # asyncio rewrites bind errors into a long message; errno says it shortly.
                gai = isinstance(exc, socket.gaierror)
                reason = os.strerror(exc.errno) if exc.errno and not gai else exc.strerror
                reason = reason or str(exc)
                where = format_address((host, port))
                raise ListenError(
                    exc.errno,
                    f"cannot listen for {listener.protocol.upper()} on {where}: {reason.lower()}",
                ) from exc
            servers.append(server)
            listeners.append(listener)
            addresses[listener.protocol] = _bound_address(server)
    except BaseException:
        for server in servers:
            server.close()
        raise
    return Servers(addresses["pop3"], addresses["smtp"], servers, listeners)
