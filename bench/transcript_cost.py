"""What `serve`'s session log costs: the same servers with --quiet and with the log, same run.

    python bench/transcript_cost.py [--rounds 3] [--messages 5000] [--pop3-letters 10000]
                                    [--before DIR]

Variants, each a `mailtutor serve` subprocess, measured in turn and in a rotated order each
round: `--quiet`; the log to /dev/null; the log to a file; `--full` to a file. With `--before
DIR` (a checkout of the commit before the log existed, e.g. `git archive COMMIT | tar -x -C
DIR`) its `serve --quiet` runs too, so "--quiet costs nothing" is measured, not assumed.

SMTP: Postfix's `smtp-source` (see smtp_throughput.py; the asyncio fallback otherwise) sends 2 KB
letters over 10 reused sessions; every letter is ~12 log lines. POP3: the pipelined RETR client
of pop3_throughput.py on 10 KB letters; every RETR is 3 log lines (the full variant: ~150).
Printed: letters per second and letters per server CPU-second (the server process's user and
system time, from /proc), the medians, and each variant against --quiet.

The log's output goes where the variant says; the listening port is chosen here and passed to
serve (stdout is not read), and a variant is ready when its port accepts a connection.
Not a test: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pop3_throughput import run_clients, write_world
from smtp_throughput import PythonClient, SmtpSource, find_postfix_tool

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Variant:
    """`serve` run one way: its options, where its stdout goes, which source tree."""

    def __init__(self, name: str, options: list[str], output: str, tree: Path = ROOT) -> None:
        self.name, self.options, self.output, self.tree = name, options, output, tree
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, world: Path) -> tuple[int, int]:
        pop3, smtp = free_port(), free_port()
        command = [sys.executable, "-m", "tutor", "serve", "--no-tls", "--world", str(world)]
        command += ["--pop3-port", str(pop3), "--smtp-port", str(smtp), "--max-connections", "1000"]
        # a file: truncated at each start, so its size at the end is one measurement's output
        out = open(self.output, "wb")  # noqa: SIM115 (closed in stop via the process)
        env = dict(os.environ, PYTHONPATH=str(self.tree))
        self.proc = subprocess.Popen(
            command + self.options, cwd=self.tree, stdout=out, stderr=subprocess.DEVNULL, env=env
        )
        out.close()
        deadline = time.monotonic() + START_TIMEOUT
        for port in (pop3, smtp):
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or self.proc.poll() is not None:
                        raise SystemExit(f"{self.name}: serve did not start") from None
                    time.sleep(0.05)
        return pop3, smtp

    def cpu_seconds(self) -> float:
        assert self.proc is not None
        try:
            stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        except OSError:
            return float("nan")
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--messages", type=int, default=5000, help="SMTP letters per measurement")
    parser.add_argument("--pop3-letters", type=int, default=10000, help="RETRs per measurement")
    parser.add_argument("--before", type=Path, help="a source tree to run `serve --quiet` from")
    args = parser.parse_args()

    source = find_postfix_tool("smtp-source")
    client = SmtpSource(*source) if source else PythonClient(2)
    scratch = Path(tempfile.mkdtemp(prefix="mailtutor-transcript-bench-"))
    variants = [
        Variant("--quiet", ["--quiet"], os.devnull),
        Variant("log > /dev/null", [], os.devnull),
        Variant("log > file", [], str(scratch / "log.txt")),
        Variant("--full > file", ["--full"], str(scratch / "full.txt")),
    ]
    if args.before is not None:
        variants.insert(0, Variant("before, --quiet", ["--quiet"], os.devnull, args.before))
    world = scratch / "world.json"
    write_world(world, 2, 100)  # two POP3 users with 100 letters of 10 KB; poluchatel for SMTP
    data = json.loads(world.read_text())
    data["users"].append({"name": "poluchatel", "password": "secret"})
    data["max_maildrop_size"] = 1 << 40
    world.write_text(json.dumps(data))
    print(f"SMTP client: {client.name}; {args.messages} letters of 2048 octets, 10 sessions")
    print(f"POP3: {args.pop3_letters} RETRs of 10 KB letters, 2 client processes")
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load {load:.1f}, Python {sys.version.split()[0]}")

    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for number in range(args.rounds):
        shift = number % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            pop3, smtp = variant.start(world)
            try:
                client.run(smtp, 500, 10, 2048)  # warm up
                cpu = variant.cpu_seconds()
                elapsed = client.run(smtp, args.messages, 10, 2048)
                cpu = variant.cpu_seconds() - cpu
                smtp_figures = (args.messages / elapsed, args.messages / cpu)
                cpu = variant.cpu_seconds()
                rate, letters = run_clients(pop3, 2, 100, args.pop3_letters)
                cpu = variant.cpu_seconds() - cpu
                pop3_figures = (rate, letters / cpu)
            finally:
                variant.stop()
            size = Path(variant.output).stat().st_size if variant.output != os.devnull else 0
            results.setdefault((variant.name, "smtp"), []).append(smtp_figures)
            results.setdefault((variant.name, "pop3"), []).append(pop3_figures)
            print(
                f"round {number + 1} {variant.name:16} SMTP {smtp_figures[0]:6.0f}/s "
                f"{smtp_figures[1]:6.0f}/CPU-s  POP3 {pop3_figures[0]:6.0f}/s "
                f"{pop3_figures[1]:6.0f}/CPU-s  output {size / 1e6:.1f} MB",
                flush=True,
            )
    print()
    print("medians (letters/s, letters per server CPU-second; against --quiet):")
    for protocol in ("smtp", "pop3"):
        base = [statistics.median(x) for x in zip(*results[("--quiet", protocol)], strict=True)]
        for variant in variants:
            rate, per_cpu = (
                statistics.median(x) for x in zip(*results[(variant.name, protocol)], strict=True)
            )
            print(
                f"{protocol.upper():5} {variant.name:16} {rate:7.0f}/s ({rate / base[0]:.2f}x)  "
                f"{per_cpu:7.0f}/CPU-s ({per_cpu / base[1]:.2f}x)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
