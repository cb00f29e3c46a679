"""SMTP throughput: `mailtutor serve` against aiosmtpd, same load, same run, alternated rounds.

    python bench/smtp_throughput.py [--rounds 4] [--messages 10000] [--sessions 10]

The load is 2 KB letters over reused connections (10 parallel sessions by default), sent by
Postfix's C load generator `smtp-source`, so the client is not what is measured. Getting it
needs no MTA install: `apt-get download postfix` and `dpkg-deb -x` into ~/.cache/mailtutor-bench
(done automatically when apt-get is available). Without it, a multi-process asyncio raw-socket
client takes over; the output says which client ran. `--ceiling` also runs the client against
Postfix's C sink `smtp-sink` to show how fast the client itself can go.

Both servers run as subprocesses of this script; aiosmtpd with a handler that accepts and drops
every message (the cheapest possible server on its side), mailtutor with the `empty` world
(its maildrop quota raised above what the rounds deliver), delivering into an in-memory
maildrop. Not a test: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from server_process import Server  # bench/ is on sys.path when a script here runs

CACHE = Path(os.environ.get("MAILTUTOR_BENCH_CACHE", Path.home() / ".cache" / "mailtutor-bench"))
SENDER = "ne_skagu@server.ru"
RECIPIENT = "poluchatel@server.ru"
START_TIMEOUT = 30.0


# -- servers under test ------------------------------------------------------------------------


def start_mailtutor() -> Server:
    # The empty world, with the maildrop quota (50 MiB by default) out of the way: the rounds
    # together deliver more than that into one maildrop, and a 552 is not a delivery.
    import json
    import tempfile

    world = Path(tempfile.gettempdir()) / "mailtutor-bench-smtp-world.json"
    world.write_text(json.dumps({"base": "empty", "max_maildrop_size": 1 << 40}))
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
        "--max-connections",
        "1000",
    ]
    return Server("mailtutor", command, "SMTP listening on", START_TIMEOUT)


def start_aiosmtpd() -> Server:
    return Server(
        "aiosmtpd",
        [sys.executable, __file__, "--serve-aiosmtpd"],
        "aiosmtpd listening",
        START_TIMEOUT,
    )


def serve_aiosmtpd() -> None:
    """The peer: aiosmtpd's SMTP protocol on the default asyncio loop, accepting everything."""
    from aiosmtpd.smtp import SMTP

    class Accept:
        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
            return "250 OK"

    async def main() -> None:
        loop = asyncio.get_running_loop()
        handler = Accept()
        server = await loop.create_server(
            lambda: SMTP(handler, hostname="aiosmtpd.local"), "127.0.0.1", 0
        )
        print(f"aiosmtpd listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())  # until the bench terminates it


# -- clients -----------------------------------------------------------------------------------


def find_postfix_tool(name: str) -> tuple[str, dict[str, str]] | None:
    """The path of a Postfix tool (smtp-source, smtp-sink) and the environment it needs.

    Looks on PATH, then in the bench cache; fetches the postfix .deb into the cache (no install,
    no MTA) when apt-get and dpkg-deb are there."""
    on_path = shutil.which(name)
    if on_path:
        return on_path, dict(os.environ)
    unpacked = CACHE / "root"
    tool = unpacked / "usr" / "sbin" / name
    if not tool.exists() and shutil.which("apt-get") and shutil.which("dpkg-deb"):
        CACHE.mkdir(parents=True, exist_ok=True)
        if not glob.glob(str(CACHE / "postfix_*.deb")):
            subprocess.run(
                ["apt-get", "download", "postfix"], cwd=CACHE, capture_output=True, timeout=120
            )
        for deb in glob.glob(str(CACHE / "postfix_*.deb")):
            subprocess.run(["dpkg-deb", "-x", deb, str(unpacked)], capture_output=True, timeout=120)
    if not tool.exists():
        return None
    env = dict(os.environ)
    libs = str(unpacked / "usr" / "lib" / "postfix")
    env["LD_LIBRARY_PATH"] = (
        f"{libs}:{env['LD_LIBRARY_PATH']}" if env.get("LD_LIBRARY_PATH") else libs
    )
    return str(tool), env


class SmtpSource:
    name = "smtp-source (Postfix, C)"

    def __init__(self, path: str, env: dict[str, str]) -> None:
        self.path, self.env = path, env

    def run(self, port: int, messages: int, sessions: int, size: int) -> float:
        """Seconds to send `messages` letters of `size` octets over `sessions` reused sessions."""
        command = [
            self.path,
            "-d",
            "-s",
            str(sessions),
            "-m",
            str(messages),
            "-l",
            str(size),
            "-f",
            SENDER,
            "-t",
            RECIPIENT,
            "-M",
            "bench.local",
            f"127.0.0.1:{port}",
        ]
        started = time.perf_counter()
        result = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=600)
        elapsed = time.perf_counter() - started
        if result.returncode != 0 or result.stderr.strip():
            raise SystemExit(f"smtp-source failed: {result.stderr.strip()}")
        return elapsed


def _letter(size: int) -> bytes:
    head = f"From: {SENDER}\r\nTo: {RECIPIENT}\r\nSubject: bench\r\n\r\n".encode()
    line = b"La de da de da 1. La de da de da 2. La de da de da 3. La de da de da 4.\r\n"
    body = (line * (size // len(line) + 1))[: max(0, size - len(head) - 2)] + b"\r\n"
    return head + body + b".\r\n"


async def _python_session(port: int, count: int, letter: bytes) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def reply() -> bytes:
        while True:
            line = await reader.readline()
            if line[3:4] != b"-":
                if not line.startswith((b"2", b"3")):
                    raise SystemExit(f"server refused: {line!r}")
                return line

    await reply()
    writer.write(b"EHLO bench.local\r\n")
    await reply()
    for _ in range(count):
        writer.write(f"MAIL FROM:<{SENDER}>\r\n".encode())
        await reply()
        writer.write(f"RCPT TO:<{RECIPIENT}>\r\n".encode())
        await reply()
        writer.write(b"DATA\r\n")
        await reply()
        writer.write(letter)
        await reply()
    writer.write(b"QUIT\r\n")
    await reply()
    writer.close()


def _python_worker(port: int, counts: list[int], size: int, go, done) -> None:
    letter = _letter(size)

    async def main() -> None:
        await asyncio.gather(*(_python_session(port, n, letter) for n in counts))

    go.wait()
    asyncio.run(main())
    done.put(True)


class PythonClient:
    """Fallback: several processes, each running asyncio raw-socket sessions in lock step."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.name = f"asyncio raw sockets, {processes} processes (smtp-source not found)"

    def run(self, port: int, messages: int, sessions: int, size: int) -> float:
        per_session = [messages // sessions + (i < messages % sessions) for i in range(sessions)]
        groups = [per_session[i :: self.processes] for i in range(self.processes)]
        ctx = multiprocessing.get_context("fork")
        go, done = ctx.Event(), ctx.Queue()
        workers = [
            ctx.Process(target=_python_worker, args=(port, g, size, go, done)) for g in groups if g
        ]
        for worker in workers:
            worker.start()
        time.sleep(0.3)  # let every worker import and wait at the start line
        started = time.perf_counter()
        go.set()
        for _ in workers:
            done.get(timeout=600)
        elapsed = time.perf_counter() - started
        for worker in workers:
            worker.join()
        return elapsed


# -- the run -------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--messages", type=int, default=10000, help="letters per round")
    parser.add_argument("--sessions", type=int, default=10, help="parallel sessions")
    parser.add_argument("--size", type=int, default=2048, help="octets per letter")
    parser.add_argument("--client", choices=("auto", "python"), default="auto")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument(
        "--ceiling", action="store_true", help="also measure the client against Postfix's smtp-sink"
    )
    parser.add_argument("--serve-aiosmtpd", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_aiosmtpd:
        serve_aiosmtpd()
        return 0

    source = find_postfix_tool("smtp-source") if args.client == "auto" else None
    client = SmtpSource(*source) if source else PythonClient(args.client_processes)
    print(f"client: {client.name}")
    print(
        f"load: {args.messages} letters of {args.size} octets per round, "
        f"{args.sessions} sessions reusing their connections, {args.rounds} rounds"
    )
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")

    first = start_mailtutor()
    try:
        servers = [first, start_aiosmtpd()]
    except BaseException:  # the peer did not start (SystemExit): do not leave ours running
        first.stop()
        raise
    rates: dict[str, list[float]] = {s.name: [] for s in servers}
    per_cpu: dict[str, list[float]] = {s.name: [] for s in servers}
    try:
        for server in servers:  # warm up: imports, first allocations
            client.run(server.port, min(1000, args.messages), args.sessions, args.size)
        for round_number in range(args.rounds):
            order = servers if round_number % 2 == 0 else servers[::-1]
            for server in order:
                cpu = server.cpu_seconds()
                elapsed = client.run(server.port, args.messages, args.sessions, args.size)
                cpu = server.cpu_seconds() - cpu
                rate = args.messages / elapsed
                rates[server.name].append(rate)
                per_cpu[server.name].append(args.messages / cpu if cpu > 0 else float("nan"))
                print(
                    f"round {round_number + 1}: {server.name:10} {rate:8.0f} letters/s, "
                    f"{per_cpu[server.name][-1]:8.0f} per server CPU-second",
                    flush=True,
                )
        if args.ceiling and source:
            print_ceiling(client, args)
    finally:
        for server in servers:
            server.stop()

    ours, peer = statistics.median(rates["mailtutor"]), statistics.median(rates["aiosmtpd"])
    print(f"median: mailtutor {ours:.0f} letters/s, aiosmtpd {peer:.0f} letters/s")
    print(f"ratio mailtutor/aiosmtpd: {ours / peer:.2f}x (target >= 3x)")
    ours, peer = statistics.median(per_cpu["mailtutor"]), statistics.median(per_cpu["aiosmtpd"])
    print(
        f"letters per server CPU-second: mailtutor {ours:.0f}, aiosmtpd {peer:.0f}, "
        f"{ours / peer:.2f}x (less sensitive to other load on the machine)"
    )
    return 0


def print_ceiling(client: SmtpSource, args: argparse.Namespace) -> None:
    """The client against Postfix's own C sink server: an upper bound on what it can measure."""
    sink = find_postfix_tool("smtp-sink")
    if sink is None:
        return
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # smtp-sink refuses to run as root without a user to switch to.
    user = ["-u", "nobody"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    proc = subprocess.Popen(
        [sink[0], *user, f"127.0.0.1:{port}", "256"],
        env=sink[1],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        elapsed = client.run(port, args.messages, args.sessions, args.size)
        print(f"client ceiling (smtp-source -> smtp-sink): {args.messages / elapsed:.0f} letters/s")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    sys.exit(main())
