"""TLS costs: `mailtutor serve` against Twisted's POP3 server, both with TLS, in the same run.

    python bench/tls_costs.py [--rounds 3] [--handshakes 1000] [--clients 2 4]
                              [--users 4] [--letters 100] [--per-round 10000]

Both servers listen for POP3S (TLS from the first byte) with the very same certificate and key,
the ECDSA P-256 pair `mailtutor serve` makes on its first start; mailtutor's TLS is Python's ssl
module under asyncio, Twisted's is pyOpenSSL (`twisted[tls]`); both are OpenSSL underneath.

- Handshakes/s: a client connects, completes a full handshake (a fresh one each time: no
  session resumption), reads the greeting, sends QUIT, reads its reply and closes.
- RETR over TLS: `pop3_throughput.py`'s session (login, LIST and every RETR pipelined, QUIT)
  inside TLS, on 10 KB letters; the same sessions in plain text in the same rounds give what
  TLS costs each server.

Clients are processes (fork), one user each, started together; the runs alternate which server
goes first. The handshake client does about as much work per handshake as the server (it
verifies the certificate and does its half of the key exchange), so on a small machine the
client shares the CPU: letters or handshakes per server CPU-second, from /proc, are printed
beside the rates. Not a test: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import ssl
import statistics
import sys
import tempfile
from functools import partial
from pathlib import Path

from pop3_throughput import race, run_clients, serve_twisted, write_world  # bench/ is on sys.path
from server_process import Server

START_TIMEOUT = 60.0
SERVERS = ("mailtutor", "twisted")


def start_mailtutor(world: Path, data_dir: Path) -> Server:
    """serve with its TLS listeners on free ports; it makes its certificate in `data_dir`."""
    os.environ["MAILTUTOR_DATA_DIR"] = str(data_dir)  # inherited by the subprocess
    command = [sys.executable, "-m", "tutor", "serve", "--quiet", "--world", str(world)]
    for flag in ("--pop3-port", "--smtp-port", "--submission-port", "--smtps-port"):
        command += [flag, "0"]
    command += ["--pop3s-port", "0"]  # printed last: the marker below
    return Server("mailtutor", command, "POP3S listening on", START_TIMEOUT)


def start_twisted(world: Path, cert: Path, key: Path) -> Server:
    command = [sys.executable, __file__, "--serve-twisted", str(world), str(cert), str(key)]
    return Server("twisted", command, "twisted POP3S listening", START_TIMEOUT)


def ports_of(server: Server) -> tuple[int, int]:
    """(plain POP3 port, POP3S port)."""
    if server.name == "mailtutor":
        return server.ports["POP3"], server.ports["POP3S"]
    return server.ports["twisted"], server.ports["twisted POP3S"]


# -- handshakes ----------------------------------------------------------------------------------


def read_line(sock: socket.socket) -> bytes:
    line = b""
    while not line.endswith(b"\r\n"):
        chunk = sock.recv(512)
        if not chunk:
            raise SystemExit(f"connection closed after {line!r}")
        line += chunk
    return line


def handshake_process(port: int, cafile: str, count: int, go, done) -> None:
    """`count` connections, each a full handshake, the greeting, QUIT and its reply."""
    context = ssl.create_default_context(cafile=cafile)
    go.wait()
    for _ in range(count):
        with (
            socket.create_connection(("127.0.0.1", port), timeout=60) as raw,
            context.wrap_socket(raw, server_hostname="127.0.0.1") as sock,
        ):
            if not read_line(sock).startswith(b"+OK"):
                raise SystemExit("no greeting")
            sock.sendall(b"QUIT\r\n")
            if not read_line(sock).startswith(b"+OK"):
                raise SystemExit("QUIT refused")
    done.put(count)


def negotiated(port: int, cafile: str) -> str:
    """The protocol version and cipher a server agrees on with this client."""
    context = ssl.create_default_context(cafile=cafile)
    with (
        socket.create_connection(("127.0.0.1", port), timeout=60) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as sock,
    ):
        cipher = sock.cipher()
        return f"{sock.version()}, {cipher[0] if cipher else 'no cipher'}"


def run_handshakes(port: int, cafile: str, processes: int, total: int) -> float:
    """Handshakes per second with `processes` clients sharing `total` connections."""
    ctx = multiprocessing.get_context("fork")
    go, done = ctx.Event(), ctx.Queue()
    each = max(1, total // processes)
    workers = [
        ctx.Process(target=handshake_process, args=(port, cafile, each, go, done))
        for _ in range(processes)
    ]
    return each * processes / race(workers, go, done)


def retr_rate(port: int, processes: int, letters: int, per_round: int, cafile: str | None):
    return run_clients(port, processes, letters, per_round, cafile)[0]


# -- the run -------------------------------------------------------------------------------------


def measure(
    server: Server, what: str, run, units: int, rates: dict, per_cpu: dict, label: str
) -> None:
    """Run one measurement; record its rate and its rate per server CPU-second."""
    cpu = server.cpu_seconds()
    rate = run()
    cpu = server.cpu_seconds() - cpu
    efficiency = units / cpu if cpu > 0 else float("nan")
    rates.setdefault((server.name, what), []).append(rate)
    per_cpu.setdefault((server.name, what), []).append(efficiency)
    print(f"{label} {server.name:9} {what:16} {rate:8.0f}/s, {efficiency:8.0f} per CPU-s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--handshakes", type=int, default=1000, help="per measurement")
    parser.add_argument("--clients", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--users", type=int, default=4, help="users (one per client process)")
    parser.add_argument("--letters", type=int, default=100, help="10 KB letters per maildrop")
    parser.add_argument("--per-round", type=int, default=10000, help="letters per measurement")
    parser.add_argument("--serve-twisted", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_twisted:
        serve_twisted(*args.serve_twisted)
        return 0
    if max(args.clients) > args.users:
        parser.error("each client process needs its own user: --clients must be <= --users")

    print(
        f"load: {args.handshakes} handshakes, {args.per_round} RETRs of 10 KB letters per "
        f"measurement; client processes {args.clients}; {args.rounds} rounds"
    )
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {ssl.OPENSSL_VERSION}")
    rates: dict[tuple[str, str], list[float]] = {}
    per_cpu: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp) / "bench-world.json"
        write_world(world, args.users, args.letters)
        mailtutor = start_mailtutor(world, Path(tmp))
        tls_dir = Path(tmp) / "tls"  # where serve made its certificate (tutor/certs.py)
        cert, key = tls_dir / "mailtutor-cert.pem", tls_dir / "mailtutor-key.pem"
        servers = [mailtutor]
        try:
            servers.append(start_twisted(world, cert, key))
            cafile = str(cert)
            for server in servers:  # warm up, and check both speak TLS with this certificate
                plain, secure = ports_of(server)
                print(f"{server.name}: {negotiated(secure, cafile)}")
                run_handshakes(secure, cafile, 1, 20)
                run_clients(secure, 1, args.letters, args.letters, cafile)
            for round_number in range(args.rounds):
                order = servers if round_number % 2 == 0 else servers[::-1]
                label = f"round {round_number + 1}:"
                for server in order:
                    plain, secure = ports_of(server)
                    for n in args.clients:
                        measure(
                            server,
                            f"handshakes x{n}",
                            partial(run_handshakes, secure, cafile, n, args.handshakes),
                            args.handshakes // n * n,
                            rates,
                            per_cpu,
                            label,
                        )
                    for n in args.clients:
                        for what, port, ca in (("TLS", secure, cafile), ("plain", plain, None)):
                            measure(
                                server,
                                f"RETR {what} x{n}",
                                partial(retr_rate, port, n, args.letters, args.per_round, ca),
                                max(1, args.per_round // (n * args.letters)) * n * args.letters,
                                rates,
                                per_cpu,
                                label,
                            )
        finally:
            for server in servers:
                server.stop()
    report(rates, per_cpu, args.clients)
    return 0


def report(rates: dict, per_cpu: dict, clients: list[int]) -> None:
    """Medians; for each measure the best client count of each server, and the ratios."""

    def best(name: str, kind: str) -> tuple[float, float]:
        keys = [(name, f"{kind} x{n}") for n in clients]
        return (
            max(statistics.median(rates[k]) for k in keys),
            max(statistics.median(per_cpu[k]) for k in keys),
        )

    print("medians, best client count (rate/s; per server CPU-second):")
    for kind in ("handshakes", "RETR TLS", "RETR plain"):
        (ours, ours_cpu), (peer, peer_cpu) = best("mailtutor", kind), best("twisted", kind)
        print(
            f"  {kind:10}: mailtutor {ours:7.0f} ({ours_cpu:7.0f}), "
            f"twisted {peer:7.0f} ({peer_cpu:7.0f}); "
            f"ratio {ours / peer:.2f}x ({ours_cpu / peer_cpu:.2f}x per CPU-s)"
        )
    for name in SERVERS:
        tls, plain = best(name, "RETR TLS")[0], best(name, "RETR plain")[0]
        print(f"  {name}: RETR over TLS at {tls / plain:.0%} of its plain-text rate")


if __name__ == "__main__":
    sys.exit(main())
