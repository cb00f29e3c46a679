"""`mailtutor serve`: the tutor's POP3 and SMTP engines on real TCP ports for real clients."""

from __future__ import annotations

import argparse
import sys

HELP = "run real POP3 and SMTP servers on loopback for telnet, nc, curl or a mail client"

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
MAX_USERS_SHOWN = 8


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_server_arguments(parser)
    parser.add_argument(
        "--tui",
        action="store_true",
        help="show the sessions in a live screen instead of printing them (= mailtutor watch)",
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--quiet",
        action="store_true",
        help="print only the listening lines, not every session's dialogue (for benchmarks)",
    )
    shown.add_argument(
        "--full",
        action="store_true",
        help="print letters and long lists whole instead of a line saying their size",
    )


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """The options `serve` and `watch` share: addresses, world, TLS, limits."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument(
        "--pop3-port",
        type=_port,
        default=1110,
        metavar="PORT",
        help="POP3 port (1110); 0 picks one",
    )
    parser.add_argument(
        "--smtp-port",
        type=_port,
        default=2525,
        metavar="PORT",
        help="SMTP port (2525); 0 picks one",
    )
    parser.add_argument(
        "--submission-port",
        type=_port,
        default=5587,
        metavar="PORT",
        help="SMTP submission port (5587, as 587): STARTTLS, then AUTH before MAIL; 0 picks one",
    )
    parser.add_argument(
        "--smtps-port",
        type=_port,
        default=4465,
        metavar="PORT",
        help="SMTPS port (4465, as 465): submission with TLS from the first byte; 0 picks one",
    )
    parser.add_argument(
        "--pop3s-port",
        type=_port,
        default=1995,
        metavar="PORT",
        help="POP3S port (1995, as 995): POP3 with TLS from the first byte; 0 picks one",
    )
    parser.add_argument(
        "--cert",
        metavar="FILE",
        help="TLS certificate (PEM) to use instead of the self-signed one made on first start",
    )
    parser.add_argument("--key", metavar="FILE", help="the private key (PEM) for --cert")
    parser.add_argument(
        "--no-tls",
        action="store_true",
        help="plain text only, as in 2007: no STARTTLS/STLS, no submission, SMTPS or POP3S",
    )
    parser.add_argument(
        "--world",
        default="article",
        metavar="NAME|PATH",
        help="starting world: a named world or a world file (default: article)",
    )
    parser.add_argument(
        "--maildir",
        metavar="DIR",
        help="keep mail in Maildir folders under DIR so it survives a restart",
    )
    parser.add_argument(
        "--pop3-timeout",
        type=_seconds,
        default=600.0,
        metavar="S",
        help="close an idle POP3 connection after S seconds (default 600, RFC 1939)",
    )
    parser.add_argument(
        "--smtp-timeout",
        type=_seconds,
        default=300.0,
        metavar="S",
        help="close an idle SMTP connection after S seconds (default 300, RFC 5321)",
    )
    parser.add_argument(
        "--data-timeout",
        type=_seconds,
        default=600.0,
        metavar="S",
        help="an SMTP letter's text must arrive within S seconds of DATA (default 600)",
    )
    parser.add_argument(
        "--session-timeout",
        type=_seconds,
        default=3600.0,
        metavar="S",
        help="end any connection after S seconds, busy or not (default 3600)",
    )
    parser.add_argument(
        "--max-connections",
        type=_positive,
        default=100,
        metavar="N",
        help="connections per listener; more get a try-again-later reply (default 100, "
        "lowered to what the file descriptor limit allows)",
    )
    parser.add_argument(
        "--max-connections-per-peer",
        type=_positive,
        default=None,
        metavar="N",
        help="connections per listener from one client address (default: --max-connections)",
    )
    parser.add_argument(
        "--auth-failure-delay",
        type=_non_negative,
        default=2.0,
        metavar="S",
        help="hold back the reply to a failed login S seconds, doubling with each failure "
        "(default 2; 0: no delay)",
    )
    parser.add_argument(
        "--max-auth-failures",
        type=_positive,
        default=3,
        metavar="N",
        help="close the connection after N failed logins (default 3)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other than loopback (passwords travel in clear text)",
    )


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0..65535, not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("a timeout must be more than 0 seconds")
    return value


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError("must be 0..3600 seconds")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


#: the subcommand whose errors are being reported ("serve", or "watch", which shares all this)
_COMMAND = ["serve"]


def _fail(message: str) -> int:
    print(f"mailtutor {_COMMAND[0]}: {message}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    import asyncio

    prepared = prepare(args)
    if isinstance(prepared, int):
        return prepared
    store, host, tls = prepared
    if getattr(args, "tui", False):
        from tutor.commands.watch import watch

        return watch(store, host, args, tls)
    try:
        return asyncio.run(_serve(store, host, args, tls))
    except KeyboardInterrupt:  # platforms without loop signal handlers
        return 0


def prepare(args: argparse.Namespace):  # -> (MailStore, host, TlsSetup | None) or exit status
    """Everything before listening: the address check, the descriptor limit, the world, the
    certificate; a problem is printed and its exit status returned."""
    from tutor.mail.store import MailStoreError
    from tutor.mail.worlds import WorldError

    host = args.host.strip("[]")
    if not is_loopback(host):
        if not args.allow_remote:
            return _fail(
                f"{host} is not a loopback address; passwords would travel in clear text. "
                "Add --allow-remote if you really mean it."
            )
        print(
            f"warning: listening on {host}: anyone who can reach it can log in with the world's "
            "passwords, and on the plain ports sees passwords and mail in clear text",
            file=sys.stderr,
        )
    if (args.cert is None) != (args.key is None):
        return _fail("--cert and --key go together: give both, or neither")
    if not _fit_descriptor_limit(args):
        return 1
    try:
        store = _build_store(args.world, args.maildir)
    except WorldError as exc:
        from tutor.lessons.worldlint import world_error_text

        return _fail(world_error_text(args.world, exc))
    except MailStoreError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot use maildir {args.maildir}: {exc.strerror or exc}")
    tls = None
    if not args.no_tls:
        from tutor.certs import CertificateError

        try:
            tls, certificate = _tls_setup(args, store, host)
        except CertificateError as exc:
            return _fail(str(exc))
        except OSError as exc:
            return _fail(f"cannot make a TLS certificate: {exc.strerror or exc}")
        args.certificate = certificate
    return store, host, tls


def _fit_descriptor_limit(args: argparse.Namespace) -> bool:
    """Lower --max-connections to what the process can open (each connection is a file
    descriptor; running out makes accepting fail), saying so; False if not even one fits."""
    from tutor.net import FD_RESERVE, connection_capacity, descriptor_limit, open_descriptors

    listeners = 2 if args.no_tls else 5
    in_use = open_descriptors()
    limit = descriptor_limit(in_use + FD_RESERVE + listeners * args.max_connections)
    capacity = connection_capacity(limit, in_use, listeners)
    if capacity < 1:
        _fail(
            f"the process may open only {limit} files (ulimit -n); "
            f"at least {in_use + FD_RESERVE + listeners} are needed"
        )
        return False
    if capacity < args.max_connections:
        print(
            f"notice: --max-connections lowered from {args.max_connections} to {capacity}: "
            f"the process may open only {limit} files (ulimit -n)",
            file=sys.stderr,
            flush=True,
        )
        args.max_connections = capacity
    return True


def _tls_setup(args: argparse.Namespace, store, host: str):  # -> (TlsSetup, Certificate)
    """The user's certificate, or the self-signed one in the data folder (made if needed)."""
    from tutor import certs
    from tutor.net import TlsSetup
    from tutor.paths import user_data_dir

    if args.cert is not None:
        certificate = certs.load(args.cert, args.key)
    else:
        names = [store.hostname, store.domain]
        if not is_loopback(host) and host not in ("0.0.0.0", "::"):
            names.append(host)
        certificate = certs.self_signed(user_data_dir() / "tls", names)
    context = certs.server_context(certificate)
    return TlsSetup(context, certificate.subject, certificate.fingerprint), certificate


def _build_store(world: str, maildir: str | None):  # -> MailStore
    from tutor.mail.store import MaildirStore
    from tutor.mail.worlds import build_world

    if maildir is None:
        return build_world(world)
    return build_world(world, store_factory=lambda **kw: MaildirStore(maildir, **kw))


def _users_line(store) -> str:  # store: MailStore
    users = store.users
    shown = ", ".join(f"{u.name}/{u.password}" for u in users[:MAX_USERS_SHOWN])
    more = f" and {len(users) - MAX_USERS_SHOWN} more" if len(users) > MAX_USERS_SHOWN else ""
    return f"Users (name/password) at {store.domain}: {shown or 'none'}{more}"


def _report_errors(event) -> None:  # event: tutor.net.ConnectionEvent
    # One line per engine failure, never one per command: the server keeps serving others.
    if event.kind == "refused" and event.detail == "out of file descriptors":
        print(
            f"mailtutor serve: out of file descriptors; {event.protocol.upper()} clients are "
            "refused until some leave (raise ulimit -n)",
            file=sys.stderr,
            flush=True,
        )
    elif event.kind == "error":
        print(
            f"mailtutor serve: {event.protocol.upper()} session with {event.peer} failed: "
            f"{event.detail}",
            file=sys.stderr,
            flush=True,
        )


def _subscribers(args: argparse.Namespace):  # -> (on_event, on_dialogue, output or None)
    """What `serve` does with the adapter's events: errors to stderr always; with the session
    log (not --quiet) every event and exchange to stdout, through a bounded queue."""
    if args.quiet:
        return _report_errors, None, None
    from tutor.session_log import stdout_log

    log, output = stdout_log(full=args.full)

    def on_event(event) -> None:  # event: tutor.net.ConnectionEvent
        _report_errors(event)
        log.on_event(event)

    return on_event, log.on_dialogue, output


async def start(store, host: str, args: argparse.Namespace, tls, on_event, on_dialogue):
    """The listeners serve's options ask for (tutor.net.Servers); OSError if one cannot start."""
    from tutor.net import start_servers

    return await start_servers(
        store,
        host=host,
        pop3_port=args.pop3_port,
        smtp_port=args.smtp_port,
        pop3_timeout=args.pop3_timeout,
        smtp_timeout=args.smtp_timeout,
        data_timeout=args.data_timeout,
        session_timeout=args.session_timeout,
        max_connections=args.max_connections,
        max_connections_per_peer=args.max_connections_per_peer,
        auth_failure_delay=args.auth_failure_delay,
        max_auth_failures=args.max_auth_failures,
        on_event=on_event,
        on_dialogue=on_dialogue,
        tls=tls,
        submission_port=args.submission_port,
        smtps_port=args.smtps_port,
        pop3s_port=args.pop3s_port,
    )


def listening_lines(servers, args: argparse.Namespace) -> list[str]:
    """ "POP3 listening on 127.0.0.1:1110"... and the certificate's line, as serve prints them."""
    from tutor.net import LISTENER_TITLES, format_address

    lines = [
        f"{LISTENER_TITLES[name]} listening on {format_address(address)}"
        for name, address in servers.addresses.items()
    ]
    certificate = getattr(args, "certificate", None)
    if certificate is not None:
        lines.append(
            f"TLS certificate: {certificate.cert_path} (SHA-256 {certificate.fingerprint})"
        )
    return lines


async def _serve(store, host: str, args: argparse.Namespace, tls=None) -> int:
    import asyncio
    import contextlib
    import signal

    on_event, on_dialogue, output = _subscribers(args)
    try:
        servers = await start(store, host, args, tls, on_event, on_dialogue)
    except OSError as exc:  # ListenError names the listener and the address
        if output is not None:
            output.close()
        return _fail(str(exc))
    for line in listening_lines(servers, args):
        print(line)
    if not args.quiet:
        print(_users_line(store))
        if args.maildir:
            print(f"Mail is kept in {args.maildir}")
        print("Press Ctrl-C to stop.")
    sys.stdout.flush()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Windows has no loop signal handlers: Ctrl-C arrives as KeyboardInterrupt in run().
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        servers.close()
        await servers.wait_closed()
        if output is not None:
            output.close()
            if output.dropped:
                print(
                    f"mailtutor serve: {output.dropped} session lines were not shown: "
                    "the output was slower than the sessions",
                    file=sys.stderr,
                )
    return 0
