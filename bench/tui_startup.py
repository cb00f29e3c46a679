"""TUI start-up: launch to first frame of `mailtutor sandbox pop3` against a bare Textual app
with one Input, measured in the same run, alternating, each in a real pseudo-terminal.

    python bench/tui_startup.py [--runs 10] [--size 80x24]

"First frame" is the moment the terminal receives the text that only the finished first screen
holds: the POP3 greeting in the sandbox's transcript, the Input's placeholder in the bare app.
Both are started the same way (a fresh `python` process: interpreter start-up, imports, building
the screen and, for the sandbox, the article world) and killed once their frame has arrived.
Prints each median and the ratio sandbox / bare (target: at most 1.25).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time

TIMEOUT = 30.0

BARE_APP = """
from textual.app import App
from textual.widgets import Input

class Bare(App):
    AUTO_FOCUS = None
    def compose(self):
        yield Input(placeholder="bare-app-ready")

Bare().run()
"""

CASES = {
    "sandbox": (
        [sys.executable, "-m", "tutor", "sandbox", "pop3", "--world", "article"],
        b"POP3 server ready",
    ),
    "bare": ([sys.executable, "-c", BARE_APP], b"bare-app-ready"),
}


def first_frame_seconds(argv: list[str], marker: bytes, columns: int, rows: int) -> float:
    """Seconds from spawning argv in a pty of columns x rows until `marker` is written."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows))
    env.pop("NO_COLOR", None)
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = b""
    try:
        while True:
            left = TIMEOUT - (time.perf_counter() - start)
            if left <= 0:
                raise TimeoutError(f"{argv[:4]} drew no frame within {TIMEOUT:.0f} s")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal: it exited early
                raise RuntimeError(f"{argv[:4]} exited before drawing: {seen[-500:]!r}") from None
            seen = seen[-len(marker) :] + chunk
            if marker in seen:
                return time.perf_counter() - start
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(master)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="launches of each (default 10)")
    parser.add_argument("--size", default="80x24", help="terminal size (default 80x24)")
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.lower().split("x"))

    for argv, marker in CASES.values():  # warm the file system cache, not measured
        first_frame_seconds(argv, marker, columns, rows)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for run in range(args.runs):
        order = list(CASES) if run % 2 == 0 else list(reversed(CASES))
        for name in order:
            argv, marker = CASES[name]
            times[name].append(first_frame_seconds(argv, marker, columns, rows))

    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(
            f"{name:8} first frame: median {medians[name] * 1000:6.0f} ms  "
            f"min {min(values) * 1000:6.0f} ms  max {max(values) * 1000:6.0f} ms  "
            f"({len(values)} runs, {columns}x{rows})"
        )
    ratio = medians["sandbox"] / medians["bare"]
    print(f"ratio sandbox / bare: {ratio:.2f}x (target <= 1.25x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
