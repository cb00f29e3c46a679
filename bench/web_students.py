"""Browser classroom: start-up time and memory per student of `mailtutor web`.

    python bench/web_students.py [--students 1 10 30] [--start-slots N]

For each class size, starts `mailtutor web --port 0` (its own data folder), then that many
students at once, each as a browser does it: GET /s/NAME (which claims the name and sets the
key cookie), then the websocket from the page's origin. A student's start time is from the
websocket request to the moment the course screen's text ("Pick a lesson") has arrived, which
is when a student can work. With every student in, memory is read from
/proc/PID/smaps_rollup of each app process (the server's children): PSS (shared pages split
between the processes sharing them, so the sum is what the class really costs) and RSS.
Prints one line per class size and start mode (apps forked from the warm zygote, or each a
fresh Python process with --no-fork): start times (first, median, last) and PSS per student
(the zygote's own PSS, shared by the class, apart).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

READY_TEXT = "Pick a lesson"
TIMEOUT = 180.0
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]")


def smaps_kib(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        values[name] = int(rest.split()[0])
    return values


def children(pid: int) -> list[int]:
    """Every child of `pid`, whichever of its threads started it."""
    return [
        int(p)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for p in (task / "children").read_text().split()
    ]


async def one_student(url: str, name: str) -> tuple[float, aiohttp.ClientSession, object]:
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # 127.0.0.1
    async with session.get(f"{url}/s/{name}") as page:
        assert page.status == 200, await page.text()
    started = time.perf_counter()
    ws = await session.ws_connect(
        url.replace("http:", "ws:") + f"/ws/{name}?width=120&height=36", origin=url
    )
    text = ""
    while READY_TEXT not in ANSI.sub("", text):
        message = await ws.receive()
        if message.type == aiohttp.WSMsgType.BINARY:
            text = text[-4000:] + message.data.decode("utf-8", "replace")
        elif message.type != aiohttp.WSMsgType.TEXT:
            raise RuntimeError(f"{name}: websocket ended before the course screen")
    # keep reading, as a browser does: the server's heartbeat pings need their pongs
    session.drain = asyncio.ensure_future(drain(ws))  # type: ignore[attr-defined]
    return time.perf_counter() - started, session, ws


async def drain(ws: aiohttp.ClientWebSocketResponse) -> None:
    while (await ws.receive()).type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
        pass


def app_processes(server_pid: int) -> tuple[list[int], list[int]]:
    """(apps, zygotes): the students' apps are the zygote's children (or, with --no-fork, the
    server's own)."""
    apps, zygotes = [], []
    for pid in children(server_pid):
        if b"tutor.web.zygote" in Path(f"/proc/{pid}/cmdline").read_bytes():
            zygotes.append(pid)
            apps += children(pid)
        else:
            apps.append(pid)
    return apps, zygotes


async def measure(
    url: str, server_pid: int, count: int
) -> tuple[list[float], list[dict], list[dict]]:
    async with asyncio.timeout(TIMEOUT):
        results = await asyncio.gather(*(one_student(url, f"s{i:02d}") for i in range(count)))
    await asyncio.sleep(1.0)  # let the apps settle after their first frame
    apps, zygotes = app_processes(server_pid)
    memory = [smaps_kib(pid) for pid in apps]
    zygote_memory = [smaps_kib(pid) for pid in zygotes]
    for _, session, ws in results:
        session.drain.cancel()
        await ws.close()
        await session.close()
    return sorted(t for t, _, _ in results), memory, zygote_memory


def run_class(count: int, start_slots: int | None, fork: bool) -> None:
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, MAILTUTOR_DATA_DIR=data)
        command = [sys.executable, "-m", "tutor", "web", "--port", "0"]
        command += ["--max-students", str(count)]
        if start_slots:
            command += ["--start-slots", str(start_slots)]
        if not fork:
            command.append("--no-fork")
        server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
        try:
            assert server.stdout is not None
            url = re.search(r"http://\S+", server.stdout.readline()).group(0)  # type: ignore[union-attr]
            times, memory, zygote = asyncio.run(measure(url, server.pid, count))
        finally:
            server.terminate()
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                print("mailtutor web did not stop within 60 s of SIGTERM; killed", flush=True)
                server.kill()
                server.wait()
    pss = [m["Pss"] / 1024 for m in memory]
    rss = [m["Rss"] / 1024 for m in memory]
    shared = sum(m["Pss"] for m in zygote) / 1024
    print(
        f"{'fork' if fork else 'exec'} {count:3d} students: start first {times[0]:.1f} s,"
        f" median {statistics.median(times):.1f} s, last {times[-1]:.1f} s;"
        f" PSS per student {statistics.mean(pss):.1f} MiB"
        f" (total {sum(pss):.0f} MiB), RSS {statistics.mean(rss):.1f} MiB;"
        f" {len(memory)} app processes" + (f", zygote PSS {shared:.1f} MiB" if zygote else ""),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--start-slots", type=int, default=None, help="passed to mailtutor web")
    parser.add_argument(
        "--mode",
        choices=("fork", "exec", "both"),
        default="both",
        help="apps forked from the warm zygote, started with --no-fork, or both in turn",
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load average {load:.1f}, Python {sys.version.split()[0]}")
    modes = {"fork": [True], "exec": [False], "both": [True, False]}[args.mode]
    for count in args.students:
        for fork in modes:
            run_class(count, args.start_slots, fork)


if __name__ == "__main__":
    main()
