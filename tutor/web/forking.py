"""The server's side of the zygote (tutor/web/zygote.py): start it, ask it for an app process,
and hold that process as textual-serve's AppService expects one (stdin writer, stdout and
stderr readers, kill, wait).

The app is the zygote's child, not the server's, so its end is seen as the end of its stdout
and its stderr (the pipes close when it exits), and it is killed by pid.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import tempfile
from pathlib import Path

READY_TIMEOUT = 60.0
REQUEST_TIMEOUT = 10.0
STREAM_LIMIT = 2**16


class ZygoteError(Exception):
    """The zygote could not start or could not start an app."""


class ForkedProcess:
    """An app forked by the zygote, with the parts of asyncio's Process that AppService uses."""

    def __init__(
        self,
        pid: int,
        stdin: asyncio.StreamWriter,
        stdout: asyncio.StreamReader,
        stderr: asyncio.StreamReader,
    ):
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.returncode: int | None = None

    def _alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # the pid was reused by someone else's process
            return False
        return _state(self.pid) not in ("Z", "X", "")

    def kill(self) -> None:
        if self.returncode is None and self._alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    async def wait(self) -> int:
        """Wait for the app's pid to be gone (the zygote's children are reaped by the kernel;
        AppService reads the output pipes, so this only watches the pid)."""
        while self._alive():
            await asyncio.sleep(0.05)
        if self.returncode is None:
            self.returncode = 0  # not ours to wait for: the real status went to the zygote
        self.stdin.close()
        return self.returncode


def _state(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[0]


class Zygote:
    """The warm parent process, started once per server with the apps' common environment."""

    def __init__(self, environment: dict[str, str]):
        self.environment = environment
        self.folder = tempfile.mkdtemp(prefix="mailtutor-web-")  # mode 0700: ours only
        self.path = os.path.join(self.folder, "zygote.sock")
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        pipe = asyncio.subprocess.PIPE
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tutor.web.zygote",
            self.path,
            stdin=pipe,
            stdout=pipe,
            env=self.environment,
        )
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), READY_TIMEOUT)
        except TimeoutError:
            line = b""
        if line.strip() != b"ready":
            await self.stop()
            raise ZygoteError("the app zygote did not start")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            assert self.process.stdin is not None
            self.process.stdin.close()  # the zygote leaves when its stdin closes
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        with contextlib.suppress(OSError):
            os.rmdir(self.folder)

    async def spawn(self, argv: list[str], env: dict[str, str], cwd: Path) -> ForkedProcess:
        """Fork an app with `env` (its whole environment) in `cwd`."""
        loop = asyncio.get_running_loop()
        pipes = [os.pipe() for _ in range(3)]  # (read, write) for stdin, stdout, stderr
        theirs = [pipes[0][0], pipes[1][1], pipes[2][1]]
        ours = [pipes[0][1], pipes[1][0], pipes[2][0]]
        try:
            request = json.dumps({"argv": argv, "env": env, "cwd": str(cwd)}).encode()
            reply = await asyncio.wait_for(
                loop.run_in_executor(None, self._ask, request, theirs), REQUEST_TIMEOUT
            )
        except BaseException:
            for fd in ours:
                os.close(fd)
            raise
        finally:
            for fd in theirs:
                os.close(fd)
        if "pid" not in reply:
            for fd in ours:
                os.close(fd)
            raise ZygoteError(f"the zygote could not start an app: {reply.get('error')}")

        stdin_transport, stdin_protocol = await loop.connect_write_pipe(
            lambda: asyncio.streams.FlowControlMixin(loop=loop), os.fdopen(ours[0], "wb", 0)
        )
        stdin = asyncio.StreamWriter(stdin_transport, stdin_protocol, None, loop)
        readers = []
        for fd in ours[1:]:
            reader = asyncio.StreamReader(limit=STREAM_LIMIT, loop=loop)
            await loop.connect_read_pipe(
                lambda r=reader: asyncio.StreamReaderProtocol(r, loop=loop), os.fdopen(fd, "rb", 0)
            )
            readers.append(reader)
        return ForkedProcess(int(reply["pid"]), stdin, readers[0], readers[1])

    def _ask(self, request: bytes, fds: list[int]) -> dict:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(REQUEST_TIMEOUT)
            connection.connect(self.path)
            socket.send_fds(connection, [request], fds)
            connection.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := connection.recv(4096):
                answer += chunk
        return json.loads(answer or b"{}")
