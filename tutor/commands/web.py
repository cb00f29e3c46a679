"""`mailtutor web`: the course in students' browsers, one app process (and world) per tab."""

from __future__ import annotations

import argparse
import os
import sys

from tutor.commands.serve import _port, _positive, is_loopback

HELP = "serve the course to browsers (a classroom): each tab runs its own app and world"

WILDCARD_HOSTS = {"0.0.0.0", "::", ""}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument(
        "--port", type=_port, default=8000, metavar="PORT", help="port (8000); 0 picks a free one"
    )
    parser.add_argument(
        "--max-students",
        type=_positive,
        default=30,
        metavar="N",
        help="apps running at once; more students get a 'class is full' page (default 30)",
    )
    parser.add_argument(
        "--start-slots",
        type=_positive,
        default=None,
        metavar="N",
        help="apps starting at the same moment; others wait their turn (default: CPU count, "
        "since starting is CPU-bound)",
    )
    parser.add_argument(
        "--no-fork",
        action="store_true",
        help="start each student's app as a fresh Python process instead of forking it from a "
        "warm one (slower start, more memory)",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the address to tell students, e.g. http://classroom.local:8000 "
        "(default: from --host and the port)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other than loopback (no TLS, no passwords: anyone who can reach "
        "the port can study under any free name)",
    )


def _fail(message: str) -> int:
    print(f"mailtutor web: {message}", file=sys.stderr)
    return 1


def public_url(host: str, port: int, given: str | None) -> str:
    if given:
        return given.rstrip("/")
    if host in WILDCARD_HOSTS:
        import socket

        host = socket.gethostname()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def run(args: argparse.Namespace) -> int:
    import asyncio
    import contextlib
    import logging

    from tutor.lessons.progress import data_dir
    from tutor.ui.i18n import resolve_language
    from tutor.web.server import ClassroomConfig, ClassroomServer, bind

    host = args.host.strip("[]")
    if args.public_url and not args.public_url.startswith(("http://", "https://")):
        return _fail(f"--public-url must start with http:// or https://, not {args.public_url!r}")
    if not is_loopback(host):
        if not args.allow_remote:
            return _fail(
                f"{host} is not a loopback address; anyone who can reach it could use the "
                "classroom, with no encryption. Add --allow-remote if you really mean it."
            )
        print(
            f"warning: listening on {host}: anyone who can reach it can open the course and "
            "study under any name not yet taken (plain HTTP, no TLS)",
            file=sys.stderr,
        )
    from tutor.paths import teacher_course_problem

    problem = teacher_course_problem()
    if problem:  # every student's app would stop at once, leaving a blank tab
        from tutor.sanitize import one_line

        return _fail(f"course: {one_line(problem)}")
    students_root = data_dir() / "students"
    try:
        students_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _fail(f"cannot use the data folder {students_root}: {exc.strerror or exc}")
    try:
        sock = bind(host, args.port)
    except OSError as exc:
        return _fail(f"cannot listen on {host}:{args.port}: {exc.strerror or exc}")
    port = sock.getsockname()[1]
    url = public_url(host, port, args.public_url)
    config = ClassroomConfig(
        students_root=students_root.resolve(),
        max_students=args.max_students,
        start_slots=args.start_slots or max(1, os.cpu_count() or 1),
        lang=resolve_language(args.lang),
        app_lang=args.lang,
        fork_apps=not args.no_fork,
    )
    logging.basicConfig(level=logging.WARNING, format="mailtutor web: %(message)s")

    def ready() -> None:
        print(f"Open {url} in a browser", flush=True)
        print(f"Students' progress is kept in {config.students_root}")
        print(f"Up to {config.max_students} students at once. Press Ctrl-C to stop.", flush=True)

    # KeyboardInterrupt: platforms without loop signal handlers
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(ClassroomServer(config).serve_on(sock, ready))
    return 0
