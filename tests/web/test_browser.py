"""Two students in real headless Chromium (Debian's chromium + chromium-driver, via selenium):
each opens the page, goes to the POP3 sandbox and types the article's dialogue; their worlds and
their progress are their own.

What a student's browser received is read from the page's websocket (a tap installed before the
page's own scripts), since xterm.js draws on a canvas. Skipped, loudly and with the reason, where
Chromium or its driver is missing (`.ci/run` installs them with apt-get when it can).
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import TIMEOUT, WebServer

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
#: escape sequences: CSI (colours, cursor moves), OSC/DCS strings, charset selection
ANSI = re.compile(
    r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|[\]P_^][^\x1b\x07]*(\x07|\x1b\\)|[()][0-9A-Za-z])"
)

#: runs before the page's scripts: keeps the text of every binary frame the app sent
TAP = """
window.__received = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new NativeWebSocket(...args);
  const decoder = new TextDecoder();
  socket.addEventListener("message", (event) => {
    if (event.data instanceof ArrayBuffer) {
      window.__received.push(decoder.decode(event.data, {stream: true}));
    }
  });
  return socket;
};
window.WebSocket.prototype = NativeWebSocket.prototype;
"""


def _browser_or_skip():  # -> selenium.webdriver.Chrome
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("the selenium package")
    if missing:
        reason = (
            f"BROWSER TESTS NOT RUN: {', '.join(missing)} missing "
            "(apt-get install -y chromium chromium-driver; pip install -e '.[test]')"
        )
        warnings.warn(reason, stacklevel=2)
        pytest.skip(reason)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # containers and root CI runners have no user namespaces
        "--disable-dev-shm-usage",
        "--window-size=1280,720",
        "--disable-gpu",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(TIMEOUT)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TAP})
    return driver


class Student:
    def __init__(self, driver, server: WebServer, name: str) -> None:  # driver: webdriver.Chrome
        self.driver = driver
        self.server = server
        self.name = name

    def received(self) -> str:
        return ANSI.sub("", "".join(self.driver.execute_script("return window.__received")))

    def wait_for(self, text: str) -> None:
        from selenium.webdriver.support.ui import WebDriverWait

        try:
            WebDriverWait(self.driver, TIMEOUT, poll_frequency=0.1).until(
                lambda _: text in self.received()
            )
        except Exception as error:
            tail = self.received()[-600:]
            message = f"{self.name} never saw {text!r}; last received: {tail!r}"
            raise AssertionError(message) from error

    def open(self) -> None:
        self.driver.get(f"{self.server.url}/?student={self.name}")
        assert self.driver.current_url == f"{self.server.url}/s/{self.name}"
        assert self.driver.title == f"mailtutor · {self.name}"

    def type(self, text: str) -> None:
        self.driver.find_element("css selector", ".xterm-helper-textarea").send_keys(text)

    def command(self, line: str, reply: str) -> None:
        self.type(line + "\n")
        self.wait_for(reply)


@pytest.fixture
def two_browsers() -> Iterator[tuple]:
    with ThreadPoolExecutor(2) as pool:  # each driver takes seconds to start: in parallel
        drivers = list(pool.map(lambda _: _browser_or_skip(), range(2)))
    try:
        yield tuple(drivers)
    finally:
        for driver in drivers:
            driver.quit()


def seed_progress(folder: Path) -> None:
    """A student who stopped in the middle of the first lesson."""
    folder.mkdir(parents=True)
    when = "2026-12-01T10:00:00+00:00"
    lesson = {"last_step": 2, "last_step_id": None, "steps": 8, "started": when, "updated": when}
    data = {"format": 1, "app": "mailtutor", "lessons": {"pop3-article": lesson}}
    (folder / "progress.json").write_text(json.dumps(data), encoding="utf-8")


def test_two_students_each_with_a_world_and_progress(start_web, two_browsers) -> None:
    server = start_web()
    seed_progress(server.students / "anna")
    anna, boris = (
        Student(d, server, n) for d, n in zip(two_browsers, ("anna", "boris"), strict=True)
    )
    anna.open()
    boris.open()
    anna.wait_for("Resume (R)")  # her own progress.json...
    boris.wait_for("Pick a lesson")  # ...and none for him
    assert "Resume (R)" not in boris.received()
    assert len(server.app_pids()) == 2

    for student in (anna, boris):
        student.type("p")
        student.wait_for("+OK POP3 server ready")
        student.command("user ne_skagu", "+OK send your password")
        student.command("pass secret", "93845 octets")
    anna.command("dele 1", "+OK message 1 deleted")
    anna.command("quit", "+OK")
    boris.command("stat", "+OK 3 93845")  # anna's QUIT removed a letter from her world only
    if shot := os.environ.get("MAILTUTOR_WEB_SCREENSHOT"):
        boris.driver.save_screenshot(shot)
    assert sorted(p.name for p in server.students.iterdir()) == ["anna", "boris"]

    apps = server.app_pids()
    server.process.terminate()  # Ctrl-C or SIGTERM: the server stops its students' apps
    assert server.process.wait(TIMEOUT) == 0
    assert [pid for pid in apps if Path(f"/proc/{pid}").exists()] == []
