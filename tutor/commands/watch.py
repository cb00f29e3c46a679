"""`mailtutor watch`: the servers `serve` runs, with a live screen of their sessions."""

from __future__ import annotations

import argparse

HELP = "run the servers of `serve` and watch every session live: transcript and server state"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tutor.commands.serve import add_server_arguments

    add_server_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from tutor.commands import serve

    serve._COMMAND[0] = "watch"
    prepared = serve.prepare(args)
    if isinstance(prepared, int):
        return prepared
    store, host, tls = prepared
    return watch(store, host, args, tls)


def watch(store, host: str, args: argparse.Namespace, tls) -> int:  # store: MailStore
    """Start the servers in the app's event loop, run the app, stop the servers."""
    import asyncio

    from tutor.ui.crash import report_crash
    from tutor.ui.screens.watch import WatchApp

    app = WatchApp(store, world=args.world, lang=getattr(args, "lang", None))

    async def main() -> int:
        from tutor.commands.serve import _fail, start
        from tutor.ui.screens.watch import header_lines

        try:
            servers = await start(store, host, args, tls, app.on_server_event, app.on_dialogue)
        except OSError as exc:  # ListenError names the listener and the address
            return _fail(str(exc))
        certificate = getattr(args, "certificate", None)
        fingerprint = certificate.fingerprint if certificate is not None else None
        app.show_listening(header_lines(servers.addresses, fingerprint, app.lang))
        try:
            await app.run_async()
        finally:
            servers.close()
            await servers.wait_closed()
        return report_crash(app)

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        return 0
