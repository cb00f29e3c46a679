"""A server under test, run as a subprocess: shared by the throughput benchmarks."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Server:
    """A server subprocess that prints "... listening on HOST:PORT" when ready."""

    def __init__(self, name: str, command: list[str], marker: str, start_timeout: float) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.ports: dict[str, int] = {}
        deadline = time.monotonic() + start_timeout
        assert self.proc.stdout is not None
        while True:
            line = self.proc.stdout.readline()
            if not line or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"{name} did not start: {self.proc.stderr.read()}")
            if " listening on " in line:  # every listener, by what the line calls it
                self.ports[line.split(" listening on ")[0]] = int(line.rsplit(":", 1)[1])
            if line.startswith(marker):
                self.port = int(line.rsplit(":", 1)[1])
                break

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far, from /proc (Linux;
        NaN elsewhere). Letters per server CPU-second hardly depend on what else the machine
        runs, unlike letters per second."""
        try:
            stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        except OSError:
            return float("nan")
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (name)": field 3 onwards
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
