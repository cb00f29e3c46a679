"""`mailtutor serve` prints every session as it happens: real clients (poplib, smtplib, raw
sockets) against the served subprocess or in-process servers, and the printed lines checked:
the article's dialogues, masked secrets, summaries and --full, --quiet, colour and NO_COLOR on a
terminal, connection events, escape sequences, and a stuck stdout that must not stop anything."""

from __future__ import annotations

import base64
import os
import poplib
import pty
import select
import smtplib
import subprocess
import threading
import time
from pathlib import Path

from tutor.mail.worlds import build_world
from tutor.protocol.pop3 import apop_digest
from tutor.session_log import BoundedOutput, SessionLog

from .conftest import CERT_DATA_DIR, ROOT, SERVE_COMMAND, TIMEOUT, Address, ServeProcess

LOCAL_PORTS = ("--submission-port", "0", "--smtps-port", "0", "--pop3s-port", "0")


def peer_of(sock) -> str:
    host, port = sock.getsockname()[:2]
    return f"{host}:{port}"


def dialogue(lines: list[str]) -> list[str]:
    """The C:/S:/-- part of each log line ("POP3 #3 127.0.0.1:5000 C: STAT" -> "C: STAT")."""
    return [line.split(" ", 3)[3] for line in lines]


def test_the_pop3_article_dialogue_is_printed_with_the_password_masked(served: ServeProcess):
    client = poplib.POP3(served.pop3.host, served.pop3.port, timeout=TIMEOUT)
    peer = peer_of(client.sock)
    client.user("ne_skagu")
    client.pass_("secret")
    client.stat()
    client.retr(2)
    client.quit()
    lines = served.log_lines(peer, "-- disconnected")
    number = lines[0].split()[1]
    assert all(line.startswith(f"POP3 {number} {peer} ") for line in lines)
    said = dialogue(lines)
    assert said[0] == "-- connected to POP3"
    assert said[1].startswith("S: +OK POP3 server ready <")
    assert said[2:] == [
        "C: USER ne_skagu",
        "S: +OK send your password",
        "C: PASS ******",
        "S: +OK ne_skagu's maildrop has 3 messages (93845 octets)",
        "C: STAT",
        "S: +OK 3 93845",
        "C: RETR 2",
        "S: +OK 20377 octets",
        said[10],  # the letter's line count is the article file's; checked below
        "S: .",
        "C: QUIT",
        "S: +OK POP3 server signing off (3 messages left)",
        "-- disconnected",
    ]
    assert said[10].startswith("S: [letter 2: ") and said[10].endswith(" lines, 20377 octets]")
    assert not any("secret" in line for line in lines)


def test_the_smtp_article_dialogue_is_printed_with_the_letter_summarised(served: ServeProcess):
    letter = "Subject: hello\r\n\r\nfirst line\r\n.a line that begins with a dot\r\n"
    with smtplib.SMTP(served.smtp.host, served.smtp.port, timeout=TIMEOUT) as client:
        peer = peer_of(client.sock)
        client.helo("client.example")
        client.sendmail("ne_skagu@server.ru", ["poluchatel@server.ru"], letter)
    said = dialogue(served.log_lines(peer, "-- disconnected"))
    octets = len(letter.replace("\r\n.", "\r\n.."))  # smtplib sends the dot line stuffed
    assert said[2:8] == [
        "C: helo client.example",
        "S: 250 mail.server.ru",
        "C: mail FROM:<ne_skagu@server.ru>",
        "S: 250 2.1.0 Ok",
        "C: rcpt TO:<poluchatel@server.ru>",
        "S: 250 2.1.5 Ok",
    ]
    assert said[8:12] == [
        "C: data",
        "S: 354 End data with <CR><LF>.<CR><LF>",
        f"C: [letter text: 4 lines, {octets} octets]",
        "C: .",
    ]
    assert said[12].startswith("S: 250 2.0.0 Ok: queued as ")
    assert said[-3:] == ["C: QUIT", "S: 221 2.0.0 Bye", "-- disconnected"]  # the with block


def test_auth_data_and_apop_digests_are_masked(served: ServeProcess):
    port = served.addresses["SMTP submission"].port
    with smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT) as client:
        peer = peer_of(client.sock)
        client.starttls(context=_trusting())
        client.ehlo()
        client.user, client.password = "ne_skagu", "secret"
        # AUTH LOGIN: the user name as the initial response, the password as a continuation
        client.auth("LOGIN", client.auth_login)
    said = dialogue(served.log_lines(peer, "-- disconnected"))
    assert any(line.startswith("-- TLS handshake: TLSv1.") for line in said)
    assert "C: AUTH LOGIN ******" in said
    assert said[said.index("C: AUTH LOGIN ******") + 2] == "C: ******"
    assert not any(base64.b64encode(b"secret").decode() in line for line in said)

    pop = poplib.POP3(served.pop3.host, served.pop3.port, timeout=TIMEOUT)
    peer = peer_of(pop.sock)
    digest = apop_digest(pop.welcome.decode().split()[-1], "secret")
    pop.apop("ne_skagu", "secret")
    pop.quit()
    said = dialogue(served.log_lines(peer, "-- disconnected"))
    assert "C: APOP ne_skagu ******" in said
    assert not any(digest in line for line in said)


def test_escape_sequences_from_a_client_are_printed_harmless(served: ServeProcess, raw):
    client = raw(served.pop3)
    peer = peer_of(client.sock)
    assert client.line().startswith(b"+OK")
    client.send(b"USER \x1b]52;c;aGk=\x07\x1b[2J\r\nQUIT\r\n")
    lines = served.log_lines(peer, "-- disconnected")
    assert "C: USER ^[]52;c;aGk=^G^[[2J" in dialogue(lines)
    assert not any("\x1b" in line or "\x07" in line for line in lines)


def test_timeouts_and_refusals_are_lines(start_server, raw):
    printed: list[str] = []
    log = SessionLog(printed.append)
    server = start_server(
        pop3_timeout=0.3,
        max_connections_per_peer=1,
        on_event=log.on_event,
        on_dialogue=log.on_dialogue,
    )
    first = raw(server.pop3)
    assert first.line().startswith(b"+OK")
    second = raw(server.pop3)
    assert second.line().startswith(b"-ERR [SYS/TEMP]")  # the same address is over its cap
    assert first.line() == b""  # closed after 0.3 s of silence
    server.call(lambda: None)  # the disconnect callbacks queued before this have run
    said = [line[9:] for line in printed]
    refused = f"POP3 - {peer_of(second.sock)} -- refused: too many connections from one address"
    assert refused in said
    mine = dialogue([line for line in said if f" {peer_of(first.sock)} " in line])
    assert mine[0] == "-- connected to POP3" and mine[1].startswith("S: +OK")
    assert mine[2:] == ["-- closed by the server: idle timeout", "-- disconnected"]


def test_a_stuck_stdout_drops_lines_and_never_holds_up_the_servers(start_server):
    release = threading.Event()

    class Stuck:  # a terminal nobody scrolls: the first write never returns until released
        def __init__(self) -> None:
            self.text: list[str] = []

        def write(self, text: str) -> int:
            release.wait(TIMEOUT)
            self.text.append(text)
            return len(text)

        def flush(self) -> None:
            pass

    stream = Stuck()
    output = BoundedOutput(stream, limit=5)  # type: ignore[arg-type]
    log = SessionLog(output.put)
    server = start_server(on_event=log.on_event, on_dialogue=log.on_dialogue)
    started = time.monotonic()
    for _ in range(15):  # ~10 lines each: far more than the queue holds
        client = poplib.POP3(server.pop3.host, server.pop3.port, timeout=TIMEOUT)
        client.user("ne_skagu")
        client.pass_("secret")
        assert client.stat() == (3, 93845)
        client.quit()
    assert time.monotonic() - started < TIMEOUT / 2  # the sessions did not wait for stdout
    server.call(output.hand_over)  # (on the loop's thread, which gathers the lines)
    assert output.dropped > 50
    release.set()
    output.close()  # what was queued, then how many lines were not shown
    written = "".join(stream.text).splitlines()
    assert any(line.endswith("lines not shown: the output was too slow]") for line in written)


def _trusting():
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class PtyServe:
    """`mailtutor serve` with its stdout on a pseudo-terminal, as a teacher runs it."""

    def __init__(self, *args: str, no_color: bool) -> None:
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        env.update(PYTHONUNBUFFERED="1", MAILTUTOR_DATA_DIR=CERT_DATA_DIR, TERM="xterm")
        if no_color:
            env["NO_COLOR"] = "1"
        self.master, slave = pty.openpty()
        command = [*SERVE_COMMAND, "--pop3-port", "0", "--smtp-port", "0", *LOCAL_PORTS, *args]
        self.proc = subprocess.Popen(
            command, stdout=slave, stderr=subprocess.DEVNULL, cwd=ROOT, env=env
        )
        os.close(slave)
        self.text = ""

    def read_until(self, marker: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while marker not in self.text:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.master], [], [], max(0.0, left))
            if not ready:
                raise AssertionError(f"no {marker!r} in {self.text!r}")
            self.text += os.read(self.master, 65536).decode(errors="replace")
        return self.text

    def address(self, name: str) -> Address:
        text = self.read_until("SMTP listening on ")
        self.read_until("TLS certificate: ")
        line = next(line for line in text.splitlines() if line.startswith(f"{name} listening on"))
        host, _, port = line.rpartition(" ")[2].rpartition(":")
        return Address(host, int(port))

    def finish(self) -> str:
        """Stop serve (SIGTERM) and read what it printed to the end."""
        self.proc.terminate()
        try:
            self.proc.wait(TIMEOUT)
            while select.select([self.master], [], [], TIMEOUT)[0]:
                chunk = os.read(self.master, 65536)
                if not chunk:
                    break
                self.text += chunk.decode(errors="replace")
        except OSError:  # EIO: the terminal's other end is closed, everything has been read
            pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            os.close(self.master)
        return self.text


def _one_pop3_session(address: Address) -> None:
    client = poplib.POP3(address.host, address.port, timeout=TIMEOUT)
    client.user("ne_skagu")
    client.pass_("secret")
    client.retr(2)
    client.quit()


def test_full_prints_letters_whole_and_colours_replies_on_a_terminal():
    serve = PtyServe("--full", no_color=False)
    try:
        _one_pop3_session(serve.address("POP3"))
        serve.read_until("-- disconnected")
    finally:
        text = serve.finish()
    assert "\x1b[32mS: +OK 20377 octets\x1b[0m" in text  # success in the TUI's green
    assert "C: PASS ******" in text and "PASS secret" not in text
    assert "S: [letter 2:" not in text
    letter = build_world("article").users[0].messages[1].data
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if "S: +OK 20377 octets" in line) + 1
    shown = [line for line in lines[first:] if "\x1b[32mS: " in line]
    # every line of the letter as the wire carries it, then the final "."
    assert len(shown) >= letter.count(b"\n") + 1
    assert shown[letter.count(b"\n")].endswith("\x1b[32mS: .\x1b[0m")


def test_no_color_on_a_terminal_and_quiet():
    plain = PtyServe(no_color=True)
    try:
        _one_pop3_session(plain.address("POP3"))
        plain.read_until("-- disconnected")
    finally:
        text = plain.finish()
    assert "S: +OK 20377 octets" in text and "C: PASS ******" in text
    assert "\x1b" not in text

    quiet = PtyServe("--quiet", no_color=False)
    try:
        _one_pop3_session(quiet.address("POP3"))
    finally:
        text = quiet.finish()  # everything serve printed, to its exit
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 6  # five listeners and the certificate, nothing per session
    assert all(" listening on " in line or line.startswith("TLS certificate") for line in lines)


def test_bounded_output_writes_everything_when_the_stream_keeps_up(tmp_path: Path):
    target = tmp_path / "log.txt"
    with target.open("w") as stream:
        output = BoundedOutput(stream, limit=5)
        for number in range(3):
            output.put(f"line {number}")
        output.close()
    assert target.read_text().splitlines() == ["line 0", "line 1", "line 2"]
    assert output.dropped == 0


def test_a_failing_watcher_does_not_end_the_session(start_server):
    calls = []

    def broken(event) -> None:
        calls.append(event)
        raise RuntimeError("a bug in whatever prints the dialogue")

    server = start_server(on_dialogue=broken)
    client = poplib.POP3(server.pop3.host, server.pop3.port, timeout=TIMEOUT)
    client.user("ne_skagu")
    client.pass_("secret")
    assert client.stat() == (3, 93845)
    client.quit()
    assert len(calls) == 1  # the greeting's report failed; the tap went quiet, the session on
