"""TUI start-up: launch to first frame of `mailtutor sandbox pop3` against a bare Textual app
with one Input, measured in the same run, alternating, each in a real pseudo-terminal.

    python bench/tui_startup.py [--runs 10] [--size 80x24]

"First frame" is the moment the terminal receives the text that only the finished first screen
holds: the POP3 greeting in the sandbox's transcript, the Input's placeholder in the bare app.
Both are started the same way (a fresh `python` process: interpreter start-up, imports, building
the screen and, for the sandbox, the article world) and killed once their frame has arrived.
Both run from compiled bytecode, as an installed app does (pip compiles at install): the children
get a private PYTHONPYCACHEPREFIX that the unmeasured warm-up launch fills, whatever
PYTHONDONTWRITEBYTECODE says. Without it, an editable checkout in an environment that sets
PYTHONDONTWRITEBYTECODE recompiles every mailtutor module at each start while Textual's
site-packages have their bytecode, which charged the sandbox ~25 ms the bare app never paid.
Prints each median and the ratio sandbox / bare (target: at most 1.25).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

TIMEOUT = 30.0
#: bytecode for both children, filled by the warm-up launch (see the module docstring)
PYCACHE = os.path.join(tempfile.gettempdir(), "mailtutor-bench-pycache")

BARE_APP = """
from textual.app import App
from textual.widgets import Input

class Bare(App):
    AUTO_FOCUS = None
    def compose(self):
        yield Input(placeholder="bare-app-ready")

Bare().run()
"""

# `--phases`: the sandbox's start-up split into its steps, timed inside the child process.
PHASES_SCRIPT = """
import sys, time
start = time.perf_counter()
marks = []
def mark(name):
    marks.append((name, time.perf_counter() - start))
from tutor.cli import build_parser
args = build_parser().parse_args(["sandbox", "pop3", "--world", "article"])
mark("command line parsed (tutor.cli, argparse)")
from tutor.mail.worlds import build_world
mark("mail world modules imported")
store = build_world("article")
mark("article world built")
from tutor.ui.app import MailTutorApp
from textual.drivers.linux_driver import LinuxDriver
mark("Textual and the UI modules imported")
app = MailTutorApp(start=("sandbox", "pop3", "article"), store=store)
write = LinuxDriver.write
def first_frame(driver, data):
    # The frame that holds the greeting, not the first paint request: Textual drops requests
    # made while it batches the start-up, so those are not frames.
    if "POP3 server ready" in data and not any(n.startswith("first") for n, _ in marks):
        mark("first frame of the sandbox handed to the terminal")
        with open(sys.argv[1], "w") as out:
            out.write("\\n".join(f"{t * 1000:.1f} {n}" for n, t in marks))
        app.exit()
    write(driver, data)
LinuxDriver.write = first_frame
app.run()
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
    env["PYTHONPYCACHEPREFIX"] = PYCACHE
    for name in ("NO_COLOR", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
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


def show_phases(columns: int, rows: int) -> None:
    """Run the instrumented start-up a few times and print the median time at each step."""
    runs: list[list[tuple[float, str]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "phases.txt")
        for _ in range(5):
            argv = [sys.executable, "-c", PHASES_SCRIPT, out]
            # The script exits right after its first frame (which may beat the marker to the
            # terminal reader); the file it wrote is what counts.
            with contextlib.suppress(RuntimeError):
                first_frame_seconds(argv, b"POP3 server ready", columns, rows)
            with open(out) as handle:
                steps = (line.split(" ", 1) for line in handle)
                runs.append([(float(ms), name.strip()) for ms, name in steps])
    print("sandbox start-up, median ms since the interpreter began running the script:")
    for index, (_, name) in enumerate(runs[0]):
        print(f"  {statistics.median(run[index][0] for run in runs):6.1f}  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="launches of each (default 10)")
    parser.add_argument("--size", default="80x24", help="terminal size (default 80x24)")
    parser.add_argument(
        "--phases", action="store_true", help="also show where the sandbox's start-up goes"
    )
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.lower().split("x"))
    for argv, marker in CASES.values():  # warm the file system and bytecode caches, not measured
        first_frame_seconds(argv, marker, columns, rows)
    if args.phases:
        show_phases(columns, rows)

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
