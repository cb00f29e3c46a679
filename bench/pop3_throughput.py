"""POP3 throughput: `mailtutor serve` against Twisted's POP3 server, same letters, same run.

    python bench/pop3_throughput.py [--rounds 3] [--users 8] [--letters 100] [--clients 2 4 8]

Every user's maildrop holds the same number of 10 KB letters (a `generate:` world written to a
temporary file; the Twisted server loads the very same world, so both send identical octets).
A client session logs in, pipelines LIST and a RETR of every letter plus QUIT in one write, and
counts the multi-line terminators as the bytes arrive; each client process works on its own
user, since a maildrop is locked while a session holds it. The client is a few lines of C-speed
bytes work per read, so the server is what is measured: the run is repeated with more client
processes, and if the rate does not rise with them the client was not the bottleneck.

Both servers run as subprocesses of this script. Not a test: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import ssl
import statistics
import sys
import tempfile
import time
from pathlib import Path

from server_process import Server  # bench/ is on sys.path when a script here runs

LETTER_SIZE = 10 * 1024
START_TIMEOUT = 60.0
TERMINATOR = b"\r\n.\r\n"


# -- the world both servers serve ------------------------------------------------------------


def write_world(path: Path, users: int, letters: int) -> None:
    world = {
        "domain": "server.ru",
        "users": [
            {
                "name": f"u{n}",
                "password": "secret",
                "messages": [
                    {"generate": {"size": LETTER_SIZE, "subject": f"Letter {k}"}}
                    for k in range(letters)
                ],
            }
            for n in range(users)
        ],
    }
    path.write_text(json.dumps(world), encoding="utf-8")


# -- servers under test ------------------------------------------------------------------------


def start_mailtutor(world: Path) -> Server:
    command = [
        sys.executable,
        "-m",
        "tutor",
        "serve",
        "--no-tls",
        "--quiet",
        "--world",
        str(world),
        "--pop3-port",
        "0",
        "--smtp-port",
        "0",
    ]
    return Server("mailtutor", command, "POP3 listening on", START_TIMEOUT)


def start_twisted(world: Path) -> Server:
    return Server(
        "twisted",
        [sys.executable, __file__, "--serve-twisted", str(world)],
        "twisted listening",
        START_TIMEOUT,
    )


def serve_twisted(world_path: str, cert: str | None = None, key: str | None = None) -> None:
    """The peer: twisted.mail.pop3.POP3 with an in-memory mailbox per user; with `cert` and
    `key` (PEM files), also POP3S: TLS from the first byte, through pyOpenSSL (twisted[tls])."""
    import io

    from twisted.cred.checkers import InMemoryUsernamePasswordDatabaseDontUse
    from twisted.cred.portal import IRealm, Portal
    from twisted.internet import protocol, reactor
    from twisted.mail import pop3
    from zope.interface import implementer

    from tutor.mail.worlds import build_world

    store = build_world(world_path)
    letters = {u.name.encode(): [m.data for m in u.messages] for u in store.users}

    class ListMailbox(pop3.Mailbox):
        def __init__(self, messages: list[bytes]) -> None:
            self.messages = messages

        def listMessages(self, i=None):  # noqa: N802 (Twisted API)
            return [len(m) for m in self.messages] if i is None else len(self.messages[i])

        def getMessage(self, i):  # noqa: N802
            return io.BytesIO(self.messages[i])

        def getUidl(self, i):  # noqa: N802
            return b"%d" % i

        def deleteMessage(self, i):  # noqa: N802
            pass  # the bench never deletes

    @implementer(IRealm)
    class Realm:
        def requestAvatar(self, avatar_id, mind, *interfaces):  # noqa: N802
            return pop3.IMailbox, ListMailbox(letters[avatar_id]), lambda: None

    checker = InMemoryUsernamePasswordDatabaseDontUse()
    for user in store.users:
        checker.addUser(user.name.encode(), user.password.encode())
    portal = Portal(Realm(), [checker])

    class Factory(protocol.ServerFactory):
        def buildProtocol(self, addr):  # noqa: N802
            server = pop3.POP3()
            server.portal = portal
            server.factory = self
            return server

    if cert and key:
        from twisted.internet import ssl as twisted_ssl

        pem = Path(cert).read_bytes() + Path(key).read_bytes()
        options = twisted_ssl.PrivateCertificate.loadPEM(pem).options()
        plain = reactor.listenTCP(0, Factory(), interface="127.0.0.1")
        print(f"twisted listening on 127.0.0.1:{plain.getHost().port}", flush=True)
        secure = reactor.listenSSL(0, Factory(), options, interface="127.0.0.1")
        print(f"twisted POP3S listening on 127.0.0.1:{secure.getHost().port}", flush=True)
    else:
        port = reactor.listenTCP(0, Factory(), interface="127.0.0.1")
        print(f"twisted listening on 127.0.0.1:{port.getHost().port}", flush=True)
    reactor.run()


# -- the client --------------------------------------------------------------------------------


def connect(port: int, cafile: str | None = None) -> socket.socket:
    """A connection to 127.0.0.1; with `cafile`, inside TLS verified against that certificate
    (the handshake done here, before any POP3)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    if cafile is None:
        return sock
    return ssl.create_default_context(cafile=cafile).wrap_socket(sock, server_hostname="127.0.0.1")


def pop3_session(
    port: int, user: str, letters: int, buffer: bytearray, cafile: str | None = None
) -> int:
    """One session: login, LIST, RETR 1..n pipelined, QUIT. Returns octets received."""
    with connect(port, cafile) as sock:
        sock.sendall(f"USER {user}\r\nPASS secret\r\n".encode())
        replies = b""
        while replies.count(b"\r\n") < 3:  # greeting, USER's +OK, PASS's +OK
            chunk = sock.recv(4096)
            if not chunk:
                raise SystemExit(f"{user}: connection closed during login")
            replies += chunk
        if not all(line.startswith(b"+OK") for line in replies.split(b"\r\n")[:3]):
            raise SystemExit(f"{user}: login refused: {replies!r}")
        commands = "LIST\r\n" + "".join(f"RETR {n}\r\n" for n in range(1, letters + 1))
        sock.sendall(commands.encode() + b"QUIT\r\n")
        expected = letters + 1  # LIST's terminator and one per RETR
        found = 0
        total = 0
        tail = b""  # the last 4 bytes seen: a terminator split across two reads starts there
        while True:
            n = sock.recv_into(buffer)
            if n == 0:
                break
            total += n
            found += (tail + bytes(buffer[: min(n, 4)])).count(TERMINATOR)
            found += buffer.count(TERMINATOR, 0, n)
            tail = (tail + bytes(buffer[max(0, n - 4) : n]))[-4:]
        if found != expected:
            raise SystemExit(f"{user}: {found} multi-line replies, expected {expected}")
        return total


def client_process(
    port: int, user: str, letters: int, sessions: int, go, done, cafile: str | None = None
) -> None:
    buffer = bytearray(256 * 1024)
    go.wait()
    octets = sum(pop3_session(port, user, letters, buffer, cafile) for _ in range(sessions))
    done.put(octets)


def race(workers: list, go, done) -> float:
    """Start the client processes, let them go together, and time them until all are done
    (each puts one item on `done`); raises SystemExit if one failed."""
    for worker in workers:
        worker.start()
    time.sleep(0.3)  # every worker waits at the start line before the clock starts
    started = time.perf_counter()
    go.set()
    for _ in workers:
        done.get(timeout=900)
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
        if worker.exitcode:
            raise SystemExit("a client process failed")
    return elapsed


def run_clients(
    port: int, processes: int, letters: int, per_round: int, cafile: str | None = None
) -> tuple[float, int]:
    """(letters per second, letters retrieved) with `processes` clients, one user each; over
    TLS with `cafile` (the handshake is inside the measured time, once per session)."""
    sessions = max(1, per_round // (processes * letters))
    ctx = multiprocessing.get_context("fork")
    go, done = ctx.Event(), ctx.Queue()
    workers = [
        ctx.Process(
            target=client_process, args=(port, f"u{n}", letters, sessions, go, done, cafile)
        )
        for n in range(processes)
    ]
    elapsed = race(workers, go, done)
    retrieved = processes * sessions * letters
    return retrieved / elapsed, retrieved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--users", type=int, default=8, help="users (one per client process)")
    parser.add_argument("--letters", type=int, default=100, help="10 KB letters per maildrop")
    parser.add_argument(
        "--per-round", type=int, default=20000, help="letters retrieved per measurement"
    )
    parser.add_argument(
        "--clients",
        type=int,
        nargs="+",
        default=[2, 4, 8],
        help="client process counts to try (each <= --users)",
    )
    parser.add_argument("--serve-twisted", metavar="WORLD", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_twisted:
        serve_twisted(args.serve_twisted)
        return 0
    if max(args.clients) > args.users:
        parser.error("each client process needs its own user: --clients must be <= --users")

    print("client: raw sockets, LIST + every RETR pipelined, terminators counted per read")
    print(
        f"load: {args.users} users x {args.letters} letters of {LETTER_SIZE} octets; "
        f"{args.per_round} letters per measurement; client processes {args.clients}; "
        f"{args.rounds} rounds"
    )
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")

    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp) / "bench-world.json"
        write_world(world, args.users, args.letters)
        first = start_mailtutor(world)
        try:
            servers = [first, start_twisted(world)]
        except BaseException:  # the peer did not start (SystemExit): do not leave ours running
            first.stop()
            raise
        rates: dict[tuple[str, int], list[float]] = {}
        per_cpu: dict[str, list[float]] = {}
        try:
            for server in servers:  # warm up
                run_clients(server.port, 1, args.letters, args.letters)
            for round_number in range(args.rounds):
                order = servers if round_number % 2 == 0 else servers[::-1]
                for server in order:
                    for processes in args.clients:
                        cpu = server.cpu_seconds()
                        rate, _ = run_clients(server.port, processes, args.letters, args.per_round)
                        cpu = server.cpu_seconds() - cpu
                        rates.setdefault((server.name, processes), []).append(rate)
                        efficiency = args.per_round / cpu if cpu > 0 else float("nan")
                        per_cpu.setdefault(server.name, []).append(efficiency)
                        print(
                            f"round {round_number + 1}: {server.name:9} "
                            f"{processes} clients {rate:8.0f} letters/s, "
                            f"{efficiency:8.0f} per server CPU-second",
                            flush=True,
                        )
        finally:
            for server in servers:
                server.stop()

    print("median letters/s by client processes:")
    best: dict[str, float] = {}
    for name in ("mailtutor", "twisted"):
        medians = {p: statistics.median(rates[(name, p)]) for p in args.clients}
        best[name] = max(medians.values())
        shown = ", ".join(f"{p} clients {m:.0f}" for p, m in medians.items())
        print(f"  {name:9} {shown}")
    print(
        f"ratio mailtutor/twisted (best of each): {best['mailtutor'] / best['twisted']:.2f}x "
        "(target >= 1.5x)"
    )
    ours, peer = statistics.median(per_cpu["mailtutor"]), statistics.median(per_cpu["twisted"])
    print(
        f"letters per server CPU-second: mailtutor {ours:.0f}, twisted {peer:.0f}, "
        f"{ours / peer:.2f}x (less sensitive to other load on the machine)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
