"""`mailtutor watch`: real clients (poplib, smtplib in threads) against servers running in the
app's event loop; the sessions table, the transcript and the state panel follow them live.
One snapshot, of a session fed through a real engine with a fixed greeting."""

from __future__ import annotations

import asyncio
import os
import poplib
import smtplib
import socket
import subprocess
import sys

from textual.widgets import DataTable, Static

from tutor.mail.worlds import build_world
from tutor.net import ConnectionEvent, DialogueEvent, start_servers
from tutor.protocol.pop3 import Pop3Session
from tutor.ui.screens.watch import WatchApp, header_lines

from .conftest import FIXED_TIMESTAMP

TIMEOUT = 10.0
SIZE = (120, 36)


async def wait_for(pilot, condition, tries: int = 200) -> None:
    """Pause until `condition()` holds (at most ~10 s): the events come from real sockets."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting for the servers' events")


def state_line(app: WatchApp, protocol: str) -> str:
    panel = app.watch_screen.panel(protocol)
    return str(panel.query_one("#state-line", Static).render())


async def test_watch_shows_real_sessions_live() -> None:
    store = build_world("article")
    app = WatchApp(store, lang="en")
    servers = await start_servers(
        store,
        pop3_port=0,
        smtp_port=0,
        on_event=app.on_server_event,
        on_dialogue=app.on_dialogue,
    )
    app.show_listening(header_lines(servers.addresses, None, "en"))
    pop3 = servers.addresses["pop3"]
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = app.watch_screen
            listening = str(screen.query_one("#listening", Static).render())
            assert f"POP3 on 127.0.0.1:{pop3[1]} · SMTP on 127.0.0.1:" in listening

            def log_in() -> poplib.POP3:
                client = poplib.POP3(*pop3, timeout=TIMEOUT)
                client.user("ne_skagu")
                client.pass_("secret")
                client.stat()
                return client

            client = await asyncio.to_thread(log_in)
            lines = screen.transcript.plain_lines
            await wait_for(pilot, lambda: "S: +OK 3 93845" in lines())
            table = screen.query_one("#sessions", DataTable)
            assert table.row_count == 1
            assert table.get_row("1")[1:] == ["POP3", client_peer(client), "TRANSACTION", "open"]
            assert "C: PASS ******" in lines() and "C: PASS secret" not in lines()
            assert "TRANSACTION" in state_line(app, "pop3")

            await asyncio.to_thread(client.dele, 1)
            maildrop = screen.panel("pop3").query_one("#maildrop", DataTable)
            await wait_for(pilot, lambda: "deleted" in str(maildrop.get_row_at(0)[-1]))
            await asyncio.to_thread(client.quit)
            await wait_for(pilot, lambda: table.get_row("1")[-1] == "closed")
            assert lines()[-1] == "-- the connection closed"

            def send() -> None:
                with smtplib.SMTP(*servers.addresses["smtp"], timeout=TIMEOUT) as smtp:
                    smtp.sendmail(
                        "ne_skagu@server.ru",
                        ["poluchatel@server.ru"],
                        "Subject: watched\r\n\r\nA letter the class saw arrive.\r\n",
                    )

            await asyncio.to_thread(send)
            await wait_for(pilot, lambda: table.row_count == 2)
            assert screen.shown == 1  # the session being watched stays on screen
            await pilot.press("f")  # the newest one
            await wait_for(pilot, lambda: "C: A letter the class saw arrive." in lines())
            assert screen.shown == 2
            assert screen.panel("smtp").display and not screen.panel("pop3").display
            delivered = screen.panel("smtp").query_one("#delivered", DataTable)
            assert delivered.row_count == 1
            await pilot.press("up")  # back to the POP3 session, from the table
            await wait_for(pilot, lambda: screen.shown == 1)
            assert "C: DELE 1" in lines()
    finally:
        servers.close()
        await servers.wait_closed()


def client_peer(client: poplib.POP3) -> str:
    host, port = client.sock.getsockname()[:2]
    return f"{host}:{port}"


def feed_pop3_session(app: WatchApp, lines: list[str]) -> None:
    """A POP3 session as the adapter reports one, from a real engine (fixed greeting)."""
    peer = "127.0.0.1:50123"
    engine = Pop3Session(app.watch_screen.store, timestamp=FIXED_TIMESTAMP)
    app.on_server_event(ConnectionEvent("connect", "pop3", peer, "POP3", 1))
    greeting = engine.greeting()
    app.on_dialogue(DialogueEvent(1, "pop3", peer, None, b"", (greeting,), engine))
    for line in lines:
        replies = tuple(engine.handle(line))
        shown = "PASS ******" if line.startswith("PASS") else line
        app.on_dialogue(DialogueEvent(1, "pop3", peer, shown, b"", replies, engine))


def test_snapshot_watch(snap_compare) -> None:
    """One POP3 session after DELE 1, a client refused beside it."""
    app = WatchApp(build_world("article"), lang="en")
    addresses = {"pop3": ("127.0.0.1", 1110), "smtp": ("127.0.0.1", 2525), "pop3s": ("::1", 995)}
    fingerprint = ":".join(f"{n:02X}" for n in range(32))
    app.show_listening(header_lines(addresses, fingerprint, "en"))

    async def run_before(pilot) -> None:
        feed_pop3_session(pilot.app, ["USER ne_skagu", "PASS secret", "STAT", "DELE 1"])
        refusal = ConnectionEvent(
            "refused", "pop3", "127.0.0.1:50124", "too many connections from one address"
        )
        pilot.app.on_server_event(refusal)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_watch_reports_a_port_in_use_without_starting_the_screen(tmp_path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for command in (["watch"], ["serve", "--tui"]):
            result = subprocess.run(
                [sys.executable, "-m", "tutor", *command, "--no-tls", "--pop3-port", port],
                capture_output=True,
                text=True,
                timeout=TIMEOUT * 3,
                env={**os.environ, "MAILTUTOR_DATA_DIR": str(tmp_path)},
            )
            assert result.returncode == 1
            assert f"cannot listen for POP3 on 127.0.0.1:{port}" in result.stderr
            assert result.stderr.startswith(f"mailtutor {command[0]}: ")
            assert "Traceback" not in result.stderr and result.stdout == ""
