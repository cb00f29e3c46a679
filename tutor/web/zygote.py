"""A warm parent for students' apps: imports Textual and the UI once, then forks one app per
student, so a student's start skips the interpreter start-up and the imports (most of its CPU
time) and the class shares those pages of memory copy-on-write.

    python -m tutor.web.zygote SOCKET_PATH

Run by the classroom server with the environment textual-serve gives an app (Textual reads
TEXTUAL_DRIVER and friends when it is imported). It listens on a Unix socket in a private
folder; each request is one JSON line {"argv": [...], "env": {...}, "cwd": "..."} sent with three
file descriptors (the app's stdin, stdout, stderr). It forks; the child takes those descriptors
as 0, 1 and 2, the environment (replaced whole) and the working folder, runs `tutor.cli.main`
and exits; the zygote answers {"pid": N}. Children are reaped by the kernel (SIGCHLD ignored).
The zygote prints `ready` once it listens and exits when its stdin closes (the server is gone).
"""

from __future__ import annotations

import gc
import json
import os
import selectors
import signal
import socket
import sys

MAX_REQUEST = 256 * 1024
FDS = 3


def preload() -> None:
    """Everything a student's app imports before its first frame."""
    import textual.drivers.web_driver  # noqa: F401

    import tutor.cli  # noqa: F401
    import tutor.ui.app  # noqa: F401
    from tutor.ui.screens import home, lesson, sandbox  # noqa: F401


def run_child(request: dict, fds: list[int]) -> None:
    """In the forked child: become the student's app. Never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.setsid()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        from tutor.cli import main

        code = int(main(request["argv"]) or 0)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(path: str) -> None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the apps
    print("ready", flush=True)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(sys.stdin, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj is sys.stdin:
                return  # the server closed our stdin: it is gone
            connection, _ = listener.accept()
            with connection:
                handle(connection, listener)


def handle(connection: socket.socket, listener: socket.socket) -> None:
    data, fds, _, _ = socket.recv_fds(connection, MAX_REQUEST, FDS)
    try:
        request = json.loads(data)
        if len(fds) != FDS:
            raise ValueError(f"expected {FDS} descriptors, got {len(fds)}")
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            listener.close()
            connection.close()
            run_child(request, fds)
        connection.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    except (ValueError, KeyError, TypeError, OSError) as exc:
        connection.sendall(json.dumps({"error": str(exc)}).encode() + b"\n")
    finally:
        for fd in fds:
            os.close(fd)


if __name__ == "__main__":
    preload()
    # Objects made so far are never collected: the garbage collector would otherwise touch, and
    # so copy into each app, every page holding them.
    gc.collect()
    gc.freeze()
    serve(sys.argv[1])
