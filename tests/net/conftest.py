"""Real servers for real clients.

`served` is one `mailtutor serve --world article` subprocess for the whole test session (what a
user runs); tests against it only read the article maildrop or send to poluchatel, so they do not
disturb each other. `server` starts in-process listeners on a fresh world for tests that delete
mail, need a tiny timeout or a low connection limit.
"""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tutor.mail.store import MailStore
from tutor.mail.worlds import build_world
from tutor.net import Servers, start_servers

#: every blocking client call in these tests gives up after this many seconds
TIMEOUT = 10.0
ROOT = Path(__file__).resolve().parents[2]
SERVE_COMMAND = [sys.executable, "-m", "tutor", "serve"]


@dataclass(frozen=True)
class Address:
    host: str
    port: int


def parse_listening(line: str) -> tuple[str, Address]:
    """("POP3", Address) from "POP3 listening on 127.0.0.1:1110" (or "[::1]:1110");
    "SMTP submission", "SMTPS" and "POP3S" name the TLS-era listeners."""
    proto, _, where = line.partition(" listening on ")
    host, _, port = where.rpartition(":")
    return proto, Address(host.strip("[]"), int(port))


#: serve's self-signed certificate for the whole test session goes here, not into the home
CERT_DATA_DIR = tempfile.mkdtemp(prefix="mailtutor-serve-data-")
_TLS_PORT_FLAGS = ("--submission-port", "--smtps-port", "--pop3s-port")


class ServeProcess:
    """`python -m tutor serve ...` in a subprocess, with its printed listener addresses."""

    def __init__(self, *args: str, cwd: Path | None = None) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1", NO_COLOR="1")
        env.setdefault("MAILTUTOR_DATA_DIR", CERT_DATA_DIR)
        if "--no-tls" not in args:  # free ports for the TLS listeners, so tests run in parallel
            args = (
                *args,
                *(x for flag in _TLS_PORT_FLAGS if flag not in args for x in (flag, "0")),
            )
        self.proc = subprocess.Popen(
            [*SERVE_COMMAND, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd or ROOT,
            env=env,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.output: list[str] = []
        self.logged: list[str] = []  # session log lines read after the listening lines
        self.addresses: dict[str, Address] = {}

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_listening(self) -> ServeProcess:
        """Read stdout until serve says it is ready: listeners, users, "Press Ctrl-C" (bounded)."""
        while not self.output or not self.output[-1].startswith("Press Ctrl-C"):
            try:
                line = self.lines.get(timeout=TIMEOUT)
            except queue.Empty:
                self.stop()
                raise AssertionError(f"serve printed no listening lines: {self.output}") from None
            if line is None:
                _, err = self.proc.communicate(timeout=TIMEOUT)
                raise AssertionError(f"serve exited {self.proc.returncode}: {err}")
            self.output.append(line)
            if " listening on " in line:
                proto, address = parse_listening(line)
                self.addresses[proto] = address
        return self

    def log_lines(self, peer: str, until: str, timeout: float = TIMEOUT) -> list[str]:
        """The session log's lines about the client at `peer` ("127.0.0.1:PORT"), without
        their time, read until one ends with `until` (bounded by `timeout`)."""
        deadline = time.monotonic() + timeout
        while True:
            mine = [line[9:] for line in self.logged if f" {peer} " in line]
            if any(line.endswith(until) for line in mine):
                return mine
            left = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(0.0, left))
            except queue.Empty:
                raise AssertionError(f"no {until!r} for {peer} in {mine}") from None
            if line is None:
                raise AssertionError(f"serve ended before {until!r} for {peer}: {mine}")
            self.logged.append(line)

    @property
    def pop3(self) -> Address:
        return self.addresses["POP3"]

    @property
    def smtp(self) -> Address:
        return self.addresses["SMTP"]

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        """Send a signal, wait for the exit; (exit status, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
        try:
            _, err = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate(timeout=TIMEOUT)
        return self.proc.returncode, err


@pytest.fixture(scope="session")
def served() -> Iterator[ServeProcess]:
    # Shared by many tests: a short failed-login delay, since the address's failures add up
    # across their connections (the delay itself is tested on servers of their own).
    process = ServeProcess(
        "--world", "article", "--pop3-port", "0", "--smtp-port", "0", "--auth-failure-delay", "0.2"
    )
    process.wait_listening()
    yield process
    process.stop()


class ServerThread:
    """`start_servers` on an event loop in a background thread, for a fresh world per test.

    The store belongs to the loop thread while it runs; tests look at it over the wire.
    """

    def __init__(self, store: MailStore, **options: Any) -> None:
        self.store = store
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        options.setdefault("pop3_port", 0)
        options.setdefault("smtp_port", 0)
        future = asyncio.run_coroutine_threadsafe(start_servers(store, **options), self.loop)
        self.servers: Servers = future.result(TIMEOUT)

    @property
    def pop3(self) -> Address:
        assert self.servers.pop3_address is not None
        return Address(*self.servers.pop3_address)

    @property
    def smtp(self) -> Address:
        assert self.servers.smtp_address is not None
        return Address(*self.servers.smtp_address)

    def call(self, function: Callable[[], Any]) -> Any:
        """Run `function` on the server's loop thread (to read the store safely)."""

        async def run() -> Any:
            return function()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(TIMEOUT)

    def stop(self) -> None:
        if self.loop.is_closed():
            return

        async def shutdown() -> None:
            self.servers.close()
            await self.servers.wait_closed()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(TIMEOUT)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(TIMEOUT)
        self.loop.close()


@pytest.fixture
def start_server() -> Iterator[Callable[..., ServerThread]]:
    """Factory: start_server(world="article", **start_servers options) -> ServerThread."""
    started: list[ServerThread] = []

    def start(world: Any = "article", **options: Any) -> ServerThread:
        server = ServerThread(build_world(world), **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(start_server: Callable[..., ServerThread]) -> ServerThread:
    """In-process POP3 and SMTP on a fresh article world."""
    return start_server()


class LineClient:
    """A raw socket client reading CRLF lines, for what poplib and smtplib will not send."""

    def __init__(self, address: Address) -> None:
        self.sock = socket.create_connection((address.host, address.port), timeout=TIMEOUT)
        self.file = self.sock.makefile("rb")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def line(self) -> bytes:
        """One reply line without CRLF; b"" when the server closed the connection."""
        return self.file.readline().rstrip(b"\r\n")

    def smtp_reply(self) -> list[bytes]:
        """Every line of one SMTP reply (250-... continuation lines included)."""
        lines = [self.line()]
        while len(lines[-1]) > 3 and lines[-1][3:4] == b"-":
            lines.append(self.line())
        return lines

    def multiline(self) -> list[bytes]:
        """A POP3 multi-line body up to (not including) the final "."."""
        lines = []
        while (line := self.file.readline()) != b".\r\n":
            assert line.endswith(b"\r\n"), "connection closed inside a multi-line reply"
            lines.append(line[:-2])
        return lines

    def at_eof(self) -> bool:
        return self.file.read(1) == b""

    def close(self) -> None:
        self.file.close()
        self.sock.close()

    def __enter__(self) -> LineClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.fixture
def raw() -> Iterator[Callable[[Address], LineClient]]:
    """Factory: raw(address) -> a connected LineClient, closed after the test."""
    clients: list[LineClient] = []

    def connect(address: Address) -> LineClient:
        client = LineClient(address)
        clients.append(client)
        return client

    yield connect
    for client in clients:
        client.close()


@pytest.fixture
def serve_process() -> Iterator[Callable[..., ServeProcess]]:
    """Factory: serve_process(*args) -> a ServeProcess (not yet waited for); all are stopped
    after the test even if it fails."""
    started: list[ServeProcess] = []

    def start(*args: str) -> ServeProcess:
        process = ServeProcess(*args)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
