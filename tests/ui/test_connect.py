"""`mailtutor connect`: the transcript and prompt against real servers on 127.0.0.1.

Plain text against the tutor's own `start_servers`; TLS against a small asyncio POP3 stand-in
with STLS, using a certificate made in tmp_path. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

from tutor.certs import self_signed, server_context
from tutor.client import ReplyFramer, masked
from tutor.mail.worlds import build_world
from tutor.net import start_servers
from tutor.ui.app import MailTutorApp
from tutor.ui.screens.connect import ConnectScreen


async def wait_for(pilot, condition, tries: int = 100) -> None:
    """Pause until `condition()` holds (at most ~5 s): replies come from a real socket."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting for the server")


async def type_line(pilot, screen: ConnectScreen, line: str, expect: str) -> None:
    """Type a line, Enter, and wait until the transcript shows `expect` after it."""
    before = screen.transcript.line_count
    screen.prompt.value = line
    await pilot.press("enter")
    await wait_for(
        pilot, lambda: any(expect in text for text in screen.transcript.plain_lines()[before:])
    )


def connect_app(host: str, port: int, tls: str = "none", cafile: str = "") -> MailTutorApp:
    return MailTutorApp(start=("connect", host, str(port), tls, cafile), lang="en")


async def test_pop3_plain_text_against_serve_with_masking_and_multiline() -> None:
    servers = await start_servers(build_world("article"), pop3_port=0, smtp_port=None)
    host, port = servers.pop3_address
    try:
        app = connect_app(host, port)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, ConnectScreen)
            await wait_for(pilot, lambda: screen.protocol == "pop3")
            await type_line(pilot, screen, "user ne_skagu", "+OK")
            await type_line(pilot, screen, "pass secret", "maildrop")
            await type_line(pilot, screen, "list", "S: .")
            lines = screen.transcript.plain_lines()
            assert "C: pass ******" in lines  # the password never shows
            assert not any("secret" in line for line in lines)
            listing = lines[lines.index("C: list") :]
            assert listing[1].startswith("S: +OK") and listing[-1] == "S: ."
            await type_line(pilot, screen, "uidl 1", "+OK 1 ")  # one line: no "." awaited
            await type_line(
                pilot, screen, r"/base64 \0ne_skagu\0secret", "AG5lX3NrYWd1AHNlY3JldA=="
            )
            await type_line(pilot, screen, "quit", "+OK")
            await wait_for(pilot, lambda: screen.closed)
            assert screen.prompt.closed
    finally:
        servers.close()
        await servers.wait_closed()


async def test_smtp_multiline_ehlo_and_data() -> None:
    servers = await start_servers(build_world("article"), pop3_port=None, smtp_port=0)
    host, port = servers.smtp_address
    try:
        app = connect_app(host, port)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            await wait_for(pilot, lambda: screen.protocol == "smtp")
            await type_line(pilot, screen, "ehlo home.example.ru", "S: 250 ")
            await type_line(pilot, screen, "mail from:<ne_skagu@server.ru>", "S: 250")
            await type_line(pilot, screen, "rcpt to:<poluchatel@server.ru>", "S: 250")
            await type_line(pilot, screen, "data", "S: 354")
            assert screen.prompt.message_mode
            screen.prompt.value = "Subject: hi"
            await pilot.press("enter")
            screen.prompt.value = ""
            await pilot.press("enter")
            await type_line(pilot, screen, ".", "S: 250")
            assert not screen.prompt.message_mode
            await type_line(pilot, screen, "quit", "S: 221")
    finally:
        servers.close()
        await servers.wait_closed()


async def test_stls_upgrades_and_shows_the_handshake(tmp_path: Path) -> None:
    """A POP3 stand-in: +OK greeting, STLS, then the TLS side answers CAPA and PASS."""
    certificate = self_signed(tmp_path)
    context = server_context(certificate)
    seen: list[str] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"+OK stand-in ready\r\n")
        while line := (await reader.readline()).decode().strip():
            seen.append(line)
            word = line.split()[0].upper()
            if word == "STLS":
                writer.write(b"+OK begin TLS\r\n")
                await writer.drain()
                await writer.start_tls(context)
                continue
            if word == "CAPA":
                writer.write(b"+OK\r\nUSER\r\n..dotted\r\n.\r\n")
            elif word == "QUIT":
                writer.write(b"+OK bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"+OK\r\n")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        app = connect_app("127.0.0.1", port, "starttls", str(certificate.cert_path))
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            await wait_for(pilot, lambda: screen.protocol == "pop3")
            await type_line(pilot, screen, "stls", "TLS handshake")
            assert screen.tls is not None and screen.tls.fingerprint == certificate.fingerprint
            await type_line(pilot, screen, "capa", "S: .")
            await type_line(pilot, screen, "pass secret", "+OK")
            await type_line(pilot, screen, "quit", "bye")
            transcript = screen.transcript
            lines = transcript.plain_lines()
            assert "S: ..dotted" in lines  # as the wire carries it, the stuffing dot marked
            assert "C: pass ******" in lines
            handshake = next(i for i, line in enumerate(lines) if "TLS handshake" in line)
            assert "(simulated)" not in lines[handshake]
            assert not transcript.is_encrypted(handshake - 1)
            capa = lines.index("C: capa")
            assert transcript.is_encrypted(capa)
        assert seen[:2] == ["stls", "capa"] and "pass secret" in seen
    finally:
        server.close()
        await server.wait_closed()


def test_framer_and_masking_rules() -> None:
    framer = ReplyFramer("pop3")
    framer.sent("list 1")
    assert framer.feed("+OK 1 120").status == "+OK"  # with an argument: one line
    framer.sent("auth plain")
    assert framer.feed("+ ").status == "+"
    assert framer.feed("+OK logged in").status == "+OK"
    smtp = ReplyFramer("smtp")
    assert smtp.feed("250-first") is None
    assert smtp.feed("250 last").lines == ("first", "last")
    assert masked("AUTH PLAIN AGFAYg==", answering_challenge=False) == "AUTH PLAIN ******"
    assert masked("bmFtZQ==", answering_challenge=True) == "******"
    assert masked("*", answering_challenge=True) == "*"
    assert masked("user bob", answering_challenge=False) == "user bob"
    assert ssl.HAS_TLSv1_3 or ssl.HAS_TLSv1_2


async def test_implicit_tls_without_cafile_shows_the_fingerprint_unverified(tmp_path: Path) -> None:
    """--tls: the handshake comes before the greeting; without --cafile it is not verified."""
    certificate = self_signed(tmp_path)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 stand-in ESMTP\r\n")
        while line := (await reader.readline()).decode().strip():
            if line.upper().startswith("QUIT"):
                writer.write(b"221 bye\r\n")
                break
            writer.write(b"250-stand-in\r\n250 AUTH PLAIN\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=server_context(certificate))
    port = server.sockets[0].getsockname()[1]
    try:
        app = connect_app("127.0.0.1", port, "implicit")
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            await wait_for(pilot, lambda: screen.protocol == "smtp")
            lines = screen.transcript.plain_lines()
            handshake = next(i for i, line in enumerate(lines) if "TLS handshake" in line)
            assert "NOT verified" in lines[handshake + 1]
            assert certificate.fingerprint[:23] in lines[handshake + 1]
            await type_line(pilot, screen, "ehlo me", "S: 250 AUTH PLAIN")
            assert screen.transcript.is_encrypted(screen.transcript.line_count - 1)
            await type_line(pilot, screen, "quit", "S: 221")
    finally:
        server.close()
        await server.wait_closed()


async def test_a_refused_connection_says_so_and_closes_the_prompt() -> None:
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()  # nothing listens on `port` now
    app = connect_app("127.0.0.1", port)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.closed)
        assert any("could not connect" in line for line in screen.transcript.plain_lines())
        assert screen.prompt.closed
        await type_line(pilot, screen, "user x", "closed the connection")
