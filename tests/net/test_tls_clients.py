"""Real clients over TLS against `mailtutor serve`: smtplib (starttls, login, SMTP_SSL), poplib
(stls, POP3_SSL), curl and openssl s_client, each verifying the printed certificate by the name
127.0.0.1; plus what TLS must not weaken (a stalled handshake is cut off, injection after
STARTTLS is dropped, submission refuses MAIL before STARTTLS and AUTH)."""

from __future__ import annotations

import poplib
import shutil
import smtplib
import socket
import ssl
import subprocess
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from .conftest import TIMEOUT, Address, ServeProcess


def certificate_of(served: ServeProcess) -> Path:
    (line,) = [line for line in served.output if line.startswith("TLS certificate: ")]
    return Path(line.removeprefix("TLS certificate: ").split(" (SHA-256 ")[0])


def context(served: ServeProcess) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate_of(served)))


def letter(subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "ne_skagu@server.ru"
    message["To"] = "poluchatel@server.ru"
    message["Subject"] = subject
    message.set_content("Sent inside TLS.\n")
    return message


def subjects_of(served: ServeProcess, user: str) -> list[str]:
    client = poplib.POP3_SSL(
        "127.0.0.1", served.addresses["POP3S"].port, context=context(served), timeout=TIMEOUT
    )
    try:
        client.user(user)
        client.pass_("secret")
        count, _ = client.stat()
        found = []
        for number in range(1, count + 1):
            _, lines, _ = client.top(number, 0)
            found += [line.decode()[9:] for line in lines if line.startswith(b"Subject: ")]
        return found
    finally:
        client.quit()


def test_smtplib_submission_with_starttls_and_login(served: ServeProcess) -> None:
    port = served.addresses["SMTP submission"].port
    with smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT) as client:
        client.ehlo()
        assert client.has_extn("starttls") and not client.has_extn("auth")
        code, _ = client.mail("ne_skagu@server.ru")
        assert code == 530  # MAIL before STARTTLS
        client.rset()
        client.starttls(context=context(served))
        client.ehlo()
        assert client.has_extn("auth") and not client.has_extn("starttls")
        code, _ = client.mail("ne_skagu@server.ru")
        assert code == 530  # MAIL before AUTH
        client.rset()
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            client.login("ne_skagu", "wrong")
        assert refused.value.smtp_code == 535
    with smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT) as client:
        client.starttls(context=context(served))
        client.login("ne_skagu", "secret")
        client.send_message(letter("via submission and STARTTLS"))
    assert "via submission and STARTTLS" in subjects_of(served, "poluchatel")


def test_smtplib_smtp_ssl_and_poplib_stls(served: ServeProcess) -> None:
    smtps = served.addresses["SMTPS"].port
    with smtplib.SMTP_SSL("127.0.0.1", smtps, context=context(served), timeout=TIMEOUT) as client:
        client.login("ne_skagu", "secret")
        client.send_message(letter("via SMTPS"))
    pop3 = poplib.POP3("127.0.0.1", served.pop3.port, timeout=TIMEOUT)
    try:
        assert "STLS" in pop3.capa()
        pop3.stls(context=context(served))
        assert "STLS" not in pop3.capa()
        pop3.user("poluchatel")
        pop3.pass_("secret")
        _, lines, _ = pop3.retr(pop3.stat()[0])
        assert b"Subject: via SMTPS" in lines
    finally:
        pop3.quit()


def test_the_plain_smtp_port_offers_starttls_too(served: ServeProcess) -> None:
    with smtplib.SMTP("127.0.0.1", served.smtp.port, timeout=TIMEOUT) as client:
        client.starttls(context=context(served))
        client.ehlo()
        assert client.has_extn("auth")
        client.login("poluchatel", "secret")
        client.send_message(letter("via port 25's STARTTLS"))


def test_no_auth_offered_before_tls_on_any_smtp_port(served: ServeProcess) -> None:
    for port in (served.smtp.port, served.addresses["SMTP submission"].port):
        with smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT) as client:
            client.ehlo()
            assert not client.has_extn("auth")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_pop3s_smtps_and_ssl_reqd(served: ServeProcess, tmp_path: Path) -> None:
    cacert = str(certificate_of(served))
    base = ["curl", "--silent", "--show-error", "--max-time", "10", "--cacert", cacert]
    listing = subprocess.run(
        [*base, f"pop3s://127.0.0.1:{served.addresses['POP3S'].port}/", "-u", "ne_skagu:secret"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 2,
    )
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.splitlines()[0].split() == ["1", "46394"]
    message = tmp_path / "letter.txt"
    message.write_bytes(b"From: ne_skagu@server.ru\r\nSubject: via curl\r\n\r\nHello.\r\n")
    for url in (
        f"smtps://127.0.0.1:{served.addresses['SMTPS'].port}",
        f"smtp://127.0.0.1:{served.addresses['SMTP submission'].port}",
    ):
        sent = subprocess.run(
            [*base, url, "--ssl-reqd", "-u", "ne_skagu:secret"]
            + ["--mail-from", "ne_skagu@server.ru", "--mail-rcpt", "poluchatel@server.ru"]
            + ["-T", str(message)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT * 2,
        )
        assert sent.returncode == 0, (url, sent.stderr)
    stls = subprocess.run(
        [*base, f"pop3://127.0.0.1:{served.pop3.port}/", "--ssl-reqd", "-u", "ne_skagu:secret"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 2,
    )
    assert stls.returncode == 0, stls.stderr


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
@pytest.mark.parametrize("protocol", ["smtp", "pop3"])
def test_openssl_s_client_starttls(served: ServeProcess, protocol: str) -> None:
    port = served.smtp.port if protocol == "smtp" else served.pop3.port
    command = (
        f"openssl s_client -connect 127.0.0.1:{port} -starttls {protocol} "
        f"-CAfile {certificate_of(served)} -verify_ip 127.0.0.1 -verify_return_error -quiet"
    )
    # s_client sends what it reads from stdin as soon as it reads it: give the handshake a
    # moment first, as a person typing would.
    done = subprocess.run(
        ["sh", "-c", f"(sleep 1; printf 'QUIT\\r\\n') | {command}"],
        capture_output=True,
        timeout=TIMEOUT * 2,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert b"verify return:1" in done.stderr
    assert b"221 " in done.stdout or b"+OK POP3 server signing off" in done.stdout


def test_a_stalled_handshake_is_cut_off(serve_process) -> None:
    served = serve_process(
        "--pop3-port", "0", "--smtp-port", "0", "--smtp-timeout", "1", "--pop3-timeout", "1"
    ).wait_listening()
    with socket.create_connection(("127.0.0.1", served.smtp.port), timeout=TIMEOUT) as sock:
        sock.recv(512)
        sock.sendall(b"EHLO pc\r\nSTARTTLS\r\n")
        time.sleep(0.2)
        assert b"220 2.0.0 Ready to start TLS" in sock.recv(4096)
        started = time.monotonic()
        sock.settimeout(TIMEOUT)
        assert sock.recv(512) == b""  # no handshake ever comes: the server gives up
        assert time.monotonic() - started < 6
    with socket.create_connection(("127.0.0.1", served.pop3.port), timeout=TIMEOUT) as sock:
        sock.recv(512)
        sock.sendall(b"STLS\r\n")
        time.sleep(0.2)
        assert sock.recv(512).startswith(b"+OK Begin TLS")
        started = time.monotonic()
        assert sock.recv(512) == b""  # POP3's STLS the same
        assert time.monotonic() - started < 6
    implicit: Address = served.addresses["POP3S"]
    with socket.create_connection((implicit.host, implicit.port), timeout=TIMEOUT) as sock:
        started = time.monotonic()
        assert sock.recv(512) == b""
        assert time.monotonic() - started < 6


def test_clear_text_pipelined_after_starttls_is_never_read(served: ServeProcess) -> None:
    with socket.create_connection(("127.0.0.1", served.smtp.port), timeout=TIMEOUT) as raw:
        reader = raw.makefile("rb")
        reader.readline()
        raw.sendall(b"EHLO pc\r\nSTARTTLS\r\nMAIL FROM:<evil@x.example>\r\n")
        line = reader.readline()
        while line[3:4] == b"-":
            line = reader.readline()
        assert reader.readline().startswith(b"220 ")
        with context(served).wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            tls.sendall(b"RCPT TO:<poluchatel@server.ru>\r\n")
            answer = tls.recv(512)
            assert answer.startswith(b"503 ")  # no MAIL survived the handshake
