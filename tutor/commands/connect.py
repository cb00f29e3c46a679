"""`mailtutor connect HOST PORT [--tls | --starttls] [--cafile FILE]`: the tutor's transcript and
prompt against a real POP3 or SMTP server (for instance `mailtutor serve`)."""

from __future__ import annotations

import argparse
import os
import sys

HELP = "talk to a real POP3 or SMTP server with the tutor's transcript (passwords masked)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("host", help="server name or address, e.g. 127.0.0.1")
    parser.add_argument("port", type=int, help="port, e.g. 1110 (POP3) or 2525 (SMTP)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--tls", action="store_true", help="implicit TLS from the first byte (ports 995, 465)"
    )
    mode.add_argument(
        "--starttls",
        action="store_true",
        help="the server offers STARTTLS/STLS: type it yourself, the tutor then upgrades",
    )
    parser.add_argument(
        "--cafile",
        metavar="FILE",
        help="verify the server's certificate against this file (e.g. the one serve printed); "
        "without it the certificate is accepted and its fingerprint shown",
    )


def run(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        print(f"mailtutor connect: port {args.port} is not between 1 and 65535", file=sys.stderr)
        return 2
    if args.cafile and not os.path.isfile(args.cafile):
        print(f"mailtutor connect: {args.cafile}: no such file", file=sys.stderr)
        return 2
    if args.cafile:
        import ssl

        from tutor.client import client_context

        try:
            client_context(args.cafile)
        except (ssl.SSLError, OSError, ValueError) as exc:
            print(
                f"mailtutor connect: {args.cafile}: not a usable CA file ({exc})", file=sys.stderr
            )
            return 2
    from tutor.ui.app import MailTutorApp

    tls = "implicit" if args.tls else ("starttls" if args.starttls else "none")
    app = MailTutorApp(
        start=("connect", args.host, str(args.port), tls, args.cafile or ""),
        lang=getattr(args, "lang", None),
    )
    app.run()
    return 0
