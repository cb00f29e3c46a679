"""`mailtutor web` as a user runs it: a subprocess on 127.0.0.1, port 0, its own data folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

#: every wait in these tests gives up after this many seconds
TIMEOUT = 60.0  # a student app starts slowly while the rest of the suite runs beside it


def children(pid: int) -> list[int]:
    """Children of `pid`, started by any of its threads."""
    tasks = Path(f"/proc/{pid}/task").iterdir()
    return [int(child) for task in tasks for child in (task / "children").read_text().split()]


@dataclass
class WebServer:
    url: str
    students: Path
    process: subprocess.Popen[str]

    def app_pids(self) -> list[int]:
        """The students' app processes: the zygote's children, and the server's own (--no-fork)."""
        apps = []
        for pid in children(self.process.pid):
            if b"tutor.web.zygote" in Path(f"/proc/{pid}/cmdline").read_bytes():
                apps += children(pid)
            else:
                apps.append(pid)
        return apps

    def wait_for_apps(self, count: int) -> list[int]:
        deadline = time.monotonic() + TIMEOUT
        while len(pids := self.app_pids()) != count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} app processes, have {pids}")
            time.sleep(0.05)
        return pids


@pytest.fixture(scope="module")
def start_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., WebServer]]:
    """Start `mailtutor web` with these options; each started server lives for the module."""
    tmp_path = tmp_path_factory.mktemp("web")
    started: list[WebServer] = []

    def start(*args: str) -> WebServer:
        data = tmp_path / f"data{len(started)}"
        # Only what a classroom would set: a MAILTUTOR_* variable left in this worker by an
        # earlier test (a course folder since deleted) would make every student's app exit.
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAILTUTOR_")}
        env.update(MAILTUTOR_DATA_DIR=str(data), LANG="C.UTF-8")
        env.pop("LC_ALL", None)
        process = subprocess.Popen(
            [sys.executable, "-m", "tutor", "web", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=(tmp_path / "web-stderr.txt").open("w"),
            text=True,
            env=env,
        )
        line = process.stdout.readline() if process.stdout else ""
        found = re.fullmatch(r"Open (http://\S+) in a browser\n", line)
        if not found:
            process.kill()
            log = (tmp_path / "web-stderr.txt").read_text()
            raise AssertionError(f"no address printed: {line!r} {log}")
        server = WebServer(found.group(1), data / "students", process)
        started.append(server)
        return server

    yield start
    # a server stops its students' apps before it exits
    for server in started:
        server.process.terminate()
        try:
            server.process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
