"""The classroom web server: textual-serve's Server, subclassed for a class of students.

textual-serve (the Textual project's package) does the hard part: its page runs xterm.js, its
AppService starts one app process per websocket and relays the Textual web driver's packets.
What it does not do for a classroom is done here:

- the page loads only this server's files (textual-serve's own fonts instead of an outside font
  host, which would stall an offline classroom and tell a third party who the students are);
- the page builds its websocket address from where it was loaded, so a server given port 0,
  host 0.0.0.0 or sitting behind a proxy never sends students to an address they cannot reach;
- the websocket refuses another site's page (Origin must be this server);
- the title is the app's name, not the command line with the install path;
- a student's name travels in the path (/s/NAME), is reduced to a safe folder name, and reaches
  the app only as environment variables (MAILTUTOR_DATA_DIR, MAILTUTOR_STUDENT): the command
  line is fixed and holds nothing a student typed;
- a name is claimed by the browser that first used it (a random key in a cookie), so one student
  cannot read or overwrite another's progress;
- at most `max_students` apps run at once (a friendly page beyond that), and at most
  `start_slots` start at the same moment: start-up is CPU-bound, so a class arriving together is
  served in turn (the first students work in a second or two) rather than all waiting for all.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shlex
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from tutor.web import students
from tutor.web.forking import Zygote, ZygoteError
from tutor.web.texts import tr

log = logging.getLogger("mailtutor.web")

APP_NAME = "mailtutor"
KEY_COOKIE = "mailtutor_key"
KEY_COOKIE_AGE = 365 * 24 * 3600
STUDENT_ENV = "MAILTUTOR_STUDENT"
DATA_ENV = "MAILTUTOR_DATA_DIR"
#: files the app writes on request (ctrl+r saves a lesson) stay in this folder
CONFINE_ENV = "MAILTUTOR_CONFINE_DIR"
#: how long a starting app may hold its start slot before the next student's app starts anyway
FIRST_FRAME_TIMEOUT = 30.0
#: how long a quitting app gets before it is killed
STOP_TIMEOUT = 5.0
MAX_MESSAGE = 64 * 1024
TERMINAL_CELLS = (10, 500)
FONT_SIZES = (8, 40)
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class ClassroomConfig:
    students_root: Path
    max_students: int
    start_slots: int
    lang: str  # the pages' language
    app_lang: str | None  # --lang for the app, or None for the locale's
    fork_apps: bool = True  # from a warm zygote (tutor/web/zygote.py), else a fresh python each


def app_argv(app_lang: str | None) -> list[str]:
    """The fixed command of a student's app; nothing a student typed ever goes in it."""
    argv = [sys.executable, "-m", "tutor"]
    if app_lang:
        argv[3:] = ["--lang", app_lang]
    return argv


def clamp(text: str | None, default: int, bounds: tuple[int, int]) -> int:
    try:
        value = int(text) if text is not None else default
    except ValueError:
        value = default
    return max(bounds[0], min(bounds[1], value))


def same_origin(origin: str | None, host: str | None) -> bool:
    """True if a websocket's Origin header names the host the request was sent to."""
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


class StudentSession(AppService):
    """One student's app process: textual-serve's AppService with the student's environment and
    working folder, started without a shell, noting when its first frame arrives."""

    def __init__(
        self,
        argv: list[str],
        *,
        env: dict[str, str],
        cwd: Path,
        zygote: Zygote | None = None,
        **kwargs: Any,
    ):
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self.student_env = env
        self.cwd = cwd
        self.zygote = zygote
        self.first_frame = asyncio.Event()
        self._stopping: asyncio.Future[None] | None = None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment.update(self.student_env)
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24):  # -> Process
        environment = self._build_environment(width=width, height=height)
        if self.zygote is not None and self.zygote.running:
            try:
                process = await self.zygote.spawn(self.argv[3:], environment, self.cwd)
            except (ZygoteError, OSError, TimeoutError) as exc:
                log.warning("starting an app the slow way: %s", exc)
            else:
                self._process = process  # type: ignore[assignment]
                self._stdin = process.stdin
                return process
        pipe = asyncio.subprocess.PIPE
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=pipe,
            stdout=pipe,
            stderr=pipe,
            env=environment,
            cwd=self.cwd,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def on_data(self, payload: bytes) -> None:
        self.first_frame.set()
        await super().on_data(payload)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def started(self, timeout: float) -> None:
        """Wait until the first frame is out, the app has ended, or `timeout` passed."""
        assert self._task is not None
        frame = asyncio.ensure_future(self.first_frame.wait())
        try:
            await asyncio.wait({frame, self._task}, timeout=timeout, return_when="FIRST_COMPLETED")
        finally:
            frame.cancel()

    async def stop(self) -> None:
        """Once, however many callers (the websocket's end and the server's shutdown can both
        ask; textual-serve's stop is not safe to run twice at once)."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(super().stop())
        await asyncio.shield(self._stopping)

    async def stop_within(self, timeout: float) -> None:
        """Ask the app to quit; kill it if it has not within `timeout` seconds."""
        with contextlib.suppress(Exception, asyncio.CancelledError):  # it is killed below
            await asyncio.wait_for(self.stop(), timeout)
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
            with contextlib.suppress(asyncio.CancelledError):
                await self._process.wait()


class ClassroomServer(Server):
    """textual-serve's Server with the classroom's pages, names, limits and checks."""

    def __init__(self, config: ClassroomConfig):
        argv = app_argv(config.app_lang)
        super().__init__(shlex.join(argv), title=APP_NAME)
        self.config = config
        self.argv = argv
        self.zygote: Zygote | None = None
        self.sessions: set[StudentSession] = set()
        self.sockets: set[web.WebSocketResponse] = set()
        self.start_slots = asyncio.Semaphore(config.start_slots)
        self.pages = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True
        )

    # -- the aiohttp application -------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application()
        app.add_routes(
            [
                web.get("/", self.handle_welcome),
                web.get("/s/{student}", self.handle_student),
                web.get("/ws/{student}", self.handle_websocket),
                web.get("/download/{key}", self.handle_download),
                web.static("/static", self.statics_path),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def serve_on(self, sock: socket.socket, ready: Callable[[], None]) -> None:
        """Serve on an already bound socket (so port 0 is resolved before anything is printed)
        until SIGINT or SIGTERM."""
        if self.config.fork_apps:
            await self._start_zygote()
        runner = web.AppRunner(await self._make_app(), access_log=None)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        ready()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            if self.zygote is not None:
                await self.zygote.stop()

    async def _start_zygote(self) -> None:
        # The apps' common environment, as textual-serve builds it (its method reads only
        # `debug`); Textual reads it when imported, which the zygote does once for all apps.
        environment = AppService._build_environment(SimpleNamespace(debug=self.debug))  # type: ignore[arg-type]
        zygote = Zygote(environment)
        try:
            await zygote.start()
        except (ZygoteError, OSError) as exc:
            log.warning("each app starts as a new process (slower): %s", exc)
        else:
            self.zygote = zygote

    async def on_shutdown(self, app: web.Application) -> None:
        for websocket in list(self.sockets):
            await websocket.close(code=1001, message=b"server stopping")
        await asyncio.gather(*(s.stop_within(STOP_TIMEOUT) for s in list(self.sessions)))

    # -- pages -------------------------------------------------------------------------------

    def _tr(self, key: str, **fmt: object) -> str:
        return tr(key, self.config.lang, **fmt)

    def _render(self, template: str, *, status: int = 200, **context: Any) -> web.Response:
        html = self.pages.get_template(template).render(lang=self.config.lang, **context)
        response = web.Response(text=html, content_type="text/html", status=status)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        return response

    def _message_page(
        self, *, status: int, heading: str, text: str, links: list[dict[str, str]]
    ) -> web.Response:
        return self._render(
            "page.html", status=status, title=APP_NAME, heading=heading, text=text, links=links
        )

    def _welcome_page(self, *, value: str = "", error: str = "", status: int = 200):
        form = {
            "prompt": self._tr("web.welcome.prompt"),
            "button": self._tr("web.welcome.start"),
            "value": value,
        }
        return self._render(
            "page.html",
            status=status,
            title=APP_NAME,
            heading=self._tr("web.welcome.title"),
            error=error,
            form=form,
            note=self._tr("web.fresh_world"),
            links=[],
        )

    @property
    def full(self) -> bool:
        return len(self.sessions) >= self.config.max_students

    def _full_page(self) -> web.Response:
        response = self._message_page(
            status=503,
            heading=self._tr("web.full.title"),
            text=self._tr("web.full.text", max=self.config.max_students),
            links=[{"href": "", "text": self._tr("web.try_again")}],
        )
        response.headers["Retry-After"] = "30"
        return response

    async def handle_welcome(self, request: web.Request) -> web.StreamResponse:
        raw = request.query.get("student")
        if raw is None:
            return self._welcome_page()
        name = students.canonical_name(raw)
        if name is None:
            return self._welcome_page(
                value=raw[:64], error=self._tr("web.welcome.bad_name"), status=400
            )
        raise web.HTTPSeeOther(student_path(name))

    async def handle_student(self, request: web.Request) -> web.StreamResponse:
        raw = request.match_info["student"]
        name = students.canonical_name(raw)
        if name is None:
            raise web.HTTPSeeOther("/")
        if name != raw:
            raise web.HTTPSeeOther(student_path(name))
        key, new_key = browser_key(request)
        if not students.claim(self.student_folder(name), key):
            return self._message_page(
                status=403,
                heading=self._tr("web.taken.title"),
                text=self._tr("web.taken.text", name=name),
                links=[{"href": "/", "text": self._tr("web.other_name")}],
            )
        if self.full:
            response = self._full_page()
        else:
            response = self._render(
                "student.html",
                title=f"{APP_NAME} · {name}",
                websocket_path=f"/ws/{quote(name)}",
                font_size=clamp(request.query.get("fontsize"), 16, FONT_SIZES),
                starting=self._tr("web.starting", name=name),
                starting_class=self._tr("web.starting_class"),
                fresh_world=self._tr("web.fresh_world"),
                ended=self._tr("web.ended"),
                restart=self._tr("web.restart"),
            )
        if new_key:
            response.set_cookie(
                KEY_COOKIE, key, max_age=KEY_COOKIE_AGE, path="/", httponly=True, samesite="Lax"
            )
        return response

    def student_folder(self, name: str) -> Path:
        folder = self.config.students_root / name
        # canonical_name keeps no separators or dots; this is the belt to that brace
        if folder.parent != self.config.students_root or name in ("", ".", ".."):
            raise web.HTTPBadRequest(text="bad student name")
        return folder

    # -- the websocket that drives a student's app -------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if not same_origin(request.headers.get("Origin"), request.host):
            raise web.HTTPForbidden(text="this websocket serves pages of this server only")
        raw = request.match_info["student"]
        name = students.canonical_name(raw)
        key = request.cookies.get(KEY_COOKIE, "")
        if name is None or name != raw or not valid_key(key):
            raise web.HTTPForbidden(text="open the page /s/NAME first")
        folder = self.student_folder(name)
        if not students.claim(folder, key):
            raise web.HTTPForbidden(text="this name belongs to another browser")
        if self.full:
            raise web.HTTPServiceUnavailable(text="the class is full")
        width = clamp(request.query.get("width"), 80, TERMINAL_CELLS)
        height = clamp(request.query.get("height"), 24, TERMINAL_CELLS)

        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        session = StudentSession(
            self.argv,
            env={DATA_ENV: str(folder), STUDENT_ENV: name, CONFINE_ENV: str(folder)},
            cwd=folder,
            zygote=self.zygote,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self.sessions.add(session)  # counted from now: the next page may already say "full"
        self.sockets.add(websocket)
        try:
            await websocket.prepare(request)
            async with self.start_slots:
                await session.start(width, height)
                await session.started(FIRST_FRAME_TIMEOUT)
            await self._relay(websocket, session)
        except (ConnectionError, asyncio.CancelledError):
            pass
        except Exception:  # one student's failure must not stop the class
            log.exception("session of %s failed", name)
        finally:
            self.sockets.discard(websocket)
            await session.stop_within(STOP_TIMEOUT)
            self.sessions.discard(session)
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, session: StudentSession) -> None:
        """Browser -> app: keys, size, focus. Malformed messages are dropped, not fatal."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind = envelope[0]
            data = envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await session.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                width = clamp(str(data.get("width")), 80, TERMINAL_CELLS)
                height = clamp(str(data.get("height")), 24, TERMINAL_CELLS)
                await session.set_terminal_size(width, height)
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await session.blur()
            elif kind == "focus":
                await session.focus()


def student_path(name: str) -> str:
    return f"/s/{quote(name, safe='')}"


def valid_key(key: str) -> bool:
    return 16 <= len(key) <= 64 and all(c.isalnum() or c in "-_" for c in key) and key.isascii()


def browser_key(request: web.Request) -> tuple[str, bool]:
    """This browser's key from its cookie, or a new one (True: set the cookie)."""
    key = request.cookies.get(KEY_COOKIE, "")
    if valid_key(key):
        return key, False
    return students.new_key(), True


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before the server starts so port 0 has its real number."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=128)
