"""`mailtutor web` over real HTTP and websockets (no browser): pages, names, checks, limits."""

from __future__ import annotations

import asyncio
import re
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import aiohttp
import pytest

from tutor.cli import main
from tutor.commands.web import public_url

from .conftest import TIMEOUT, WebServer


@pytest.fixture(scope="module")
def server(start_web) -> WebServer:
    """One server for the tests that need no options of their own (each uses its own names)."""
    return start_web()


class Browser:
    """A urllib client with its own cookie jar: one student's browser."""

    def __init__(self) -> None:
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str) -> tuple[int, str, str]:
        """(status, final URL, body) of a GET, redirects followed."""
        try:
            with self.opener.open(url, timeout=TIMEOUT) as response:
                return response.status, response.url, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode(errors="replace")

    @property
    def key(self) -> str:
        return next(c.value for c in self.cookies if c.name == "mailtutor_key")


async def open_session(
    server: WebServer, student: str, browser: Browser, origin: str | None = None
) -> tuple[aiohttp.ClientSession, aiohttp.ClientWebSocketResponse]:
    """Open a student's websocket as the page does, and wait for the app's first frame."""
    session = aiohttp.ClientSession(cookies={"mailtutor_key": browser.key})
    ws = await session.ws_connect(
        server.url.replace("http:", "ws:") + f"/ws/{student}?width=100&height=30",
        origin=origin or server.url,
        timeout=aiohttp.ClientWSTimeout(ws_close=TIMEOUT),
    )
    async with asyncio.timeout(TIMEOUT):
        while (await ws.receive()).type != aiohttp.WSMsgType.BINARY:
            pass
    return session, ws


def test_page_uses_only_this_server_and_names_the_app(server: WebServer) -> None:
    browser = Browser()
    status, url, page = browser.get(server.url + "/?student=%20%20Anna%20%20Ivanova%2F..%2Fx%20")
    assert (status, url) == (200, server.url + "/s/anna-ivanovax")
    assert "<title>mailtutor · anna-ivanovax</title>" in page
    assert "googleapis" not in page and "python" not in page
    assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?(https?:)?//""", page)
    assert "127.0.0.1" not in page  # the websocket address comes from the page's location
    assert "fresh mail world" in page
    font = server.url + "/static/fonts/RobotoMono-VariableFont_wght.ttf"
    assert browser.get(font)[0] == 200
    assert (server.students / "anna-ivanovax" / ".owner").is_file()


def test_a_name_with_nothing_usable_is_asked_again(server: WebServer) -> None:
    before = sorted(server.students.iterdir())
    status, _, page = Browser().get(server.url + "/?student=%2F..%2F%00")
    assert status == 400 and "at least one letter" in page
    assert sorted(server.students.iterdir()) == before  # no folder made for it


def test_another_browser_cannot_take_a_name(server: WebServer) -> None:
    vera, intruder = Browser(), Browser()
    assert vera.get(server.url + "/s/vera")[0] == 200
    status, _, page = intruder.get(server.url + "/s/vera")
    assert status == 403 and "Another browser already studies as vera" in page
    assert vera.get(server.url + "/s/vera")[0] == 200  # the first browser keeps it


def test_websocket_checks_origin_and_owner(server: WebServer) -> None:
    anna, intruder = Browser(), Browser()
    anna.get(server.url + "/s/olga")
    intruder.get(server.url + "/s/other")

    async def refused(browser: Browser, origin: str) -> int:
        async with aiohttp.ClientSession(cookies={"mailtutor_key": browser.key}) as session:
            try:
                await session.ws_connect(
                    server.url.replace("http:", "ws:") + "/ws/olga", origin=origin
                )
            except aiohttp.WSServerHandshakeError as error:
                return error.status
        raise AssertionError("websocket accepted")

    assert asyncio.run(refused(anna, "http://evil.example")) == 403
    assert asyncio.run(refused(intruder, server.url)) == 403
    assert server.app_pids() == []


def test_student_app_gets_its_folder_by_environment_and_class_has_a_cap(start_web) -> None:
    # --no-fork: a forked app's environment is not in /proc/PID/environ (the browser test
    # checks the forked path by its effect: each student sees their own progress)
    server = start_web("--max-students", "1", "--no-fork")
    anna, bob = Browser(), Browser()
    anna.get(server.url + "/s/anna")

    async def scenario() -> None:
        session, ws = await open_session(server, "anna", anna)
        try:
            (pid,) = server.app_pids()
            environ = dict(
                item.split("=", 1)
                for item in Path(f"/proc/{pid}/environ").read_text().split("\0")
                if "=" in item
            )
            folder = server.students / "anna"
            assert environ["MAILTUTOR_DATA_DIR"] == str(folder.resolve())
            assert environ["MAILTUTOR_STUDENT"] == "anna"
            assert Path(f"/proc/{pid}/cwd").resolve() == folder.resolve()
            assert "anna" not in Path(f"/proc/{pid}/cmdline").read_text()
            status, _, page = bob.get(server.url + "/?student=bob")
            assert status == 503 and "All 1 places are taken" in page
        finally:
            await ws.close()
            await session.close()

    asyncio.run(scenario())
    server.wait_for_apps(0)  # the app ends with its tab, and the place is free again
    assert bob.get(server.url + "/s/bob")[0] == 200


def test_a_course_folder_that_is_not_there_is_said_before_the_classroom_opens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every student's app would stop at once, leaving each tab blank.
    monkeypatch.delenv("MAILTUTOR_COURSE", raising=False)  # main() sets it; undone after
    assert main(["--course", str(tmp_path / "nope"), "web", "--port", "0"]) == 1
    assert f"course: {tmp_path / 'nope'}: no such folder" in capsys.readouterr().err


def test_remote_host_needs_allow_remote(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["web", "--host", "192.0.2.1"]) == 1
    assert "--allow-remote" in capsys.readouterr().err


def test_printed_address_for_wildcard_and_public_url() -> None:
    import socket

    assert public_url("0.0.0.0", 8123, None) == f"http://{socket.gethostname()}:8123"
    assert public_url("::1", 8123, None) == "http://[::1]:8123"
    assert public_url("0.0.0.0", 8123, "https://class.example/") == "https://class.example"
