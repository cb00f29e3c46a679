"""`mailtutor serve` as a user runs it: printed addresses, Maildir persistence across restarts,
clean stops on SIGINT/SIGTERM, clear errors instead of tracebacks."""

from __future__ import annotations

import poplib
import signal
import smtplib
import socket
import subprocess
import sys
from email.message import EmailMessage

from tutor.commands.serve import is_loopback

TIMEOUT = 10.0


def stat_of(address, user: str) -> tuple[int, int]:
    client = poplib.POP3(address.host, address.port, timeout=TIMEOUT)
    try:
        client.user(user)
        client.pass_("secret")
        return client.stat()
    finally:
        client.quit()


def test_serve_prints_listeners_and_users(served):
    listening = [line for line in served.output if " listening on " in line]
    addresses = served.addresses
    assert listening == [
        f"POP3 listening on 127.0.0.1:{served.pop3.port}",
        f"SMTP listening on 127.0.0.1:{served.smtp.port}",
        f"SMTP submission listening on 127.0.0.1:{addresses['SMTP submission'].port}",
        f"SMTPS listening on 127.0.0.1:{addresses['SMTPS'].port}",
        f"POP3S listening on 127.0.0.1:{addresses['POP3S'].port}",
    ]
    assert all(address.port != 0 for address in addresses.values())
    assert served.output[5].startswith("TLS certificate: ")  # path and SHA-256 fingerprint
    assert " (SHA-256 " in served.output[5]
    users = served.output[6]  # the line right after the certificate
    assert "ne_skagu/secret" in users and "poluchatel/secret" in users


def test_maildir_survives_restarts(tmp_path, serve_process):
    maildir = tmp_path / "mail"
    options = (
        "--world",
        "article",
        "--maildir",
        str(maildir),
        "--pop3-port",
        "0",
        "--smtp-port",
        "0",
    )

    first = serve_process(*options).wait_listening()
    letter = EmailMessage()
    letter["From"] = "ne_skagu@server.ru"
    letter["To"] = "poluchatel@server.ru"
    letter["Subject"] = "Kept on disk"
    letter.set_content("This letter got 250, so it must survive a restart.\n")
    with smtplib.SMTP(first.smtp.host, first.smtp.port, timeout=TIMEOUT) as client:
        client.send_message(letter)
    assert first.stop(signal.SIGTERM) == (0, "")

    second = serve_process(*options).wait_listening()
    client = poplib.POP3(second.pop3.host, second.pop3.port, timeout=TIMEOUT)
    client.user("poluchatel")
    client.pass_("secret")
    assert client.stat()[0] == 1
    assert b"Subject: Kept on disk" in client.retr(1)[1]
    client.quit()
    # The world's starting letters were not seeded a second time; DELE + QUIT removes a file.
    assert stat_of(second.pop3, "ne_skagu") == (3, 93845)
    client = poplib.POP3(second.pop3.host, second.pop3.port, timeout=TIMEOUT)
    client.user("ne_skagu")
    client.pass_("secret")
    client.dele(1)
    client.quit()
    files = [p for sub in ("new", "cur") for p in (maildir / "ne_skagu" / sub).iterdir()]
    assert len(files) == 2
    assert second.stop(signal.SIGINT) == (0, "")

    third = serve_process(*options).wait_listening()
    assert stat_of(third.pop3, "ne_skagu") == (2, 93845 - 46394)
    assert stat_of(third.pop3, "poluchatel")[0] == 1
    assert third.stop() == (0, "")


def run_serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tutor", "serve", "--no-tls", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def test_port_in_use_is_one_clear_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_serve("--pop3-port", str(port), "--smtp-port", "0")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"mailtutor serve: cannot listen for POP3 on 127.0.0.1:{port}: address already in use"
    ]


def test_remote_host_needs_allow_remote():
    result = run_serve("--host", "0.0.0.0", "--pop3-port", "0", "--smtp-port", "0")
    assert result.returncode == 1
    assert "--allow-remote" in result.stderr and "clear text" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_world_is_a_clear_error():
    result = run_serve("--world", "atlantis", "--pop3-port", "0", "--smtp-port", "0")
    assert result.returncode == 1
    assert "unknown world 'atlantis'" in result.stderr
    assert "Traceback" not in result.stderr


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("127.1.2.3") and is_loopback("::1")
    assert is_loopback("localhost") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert not is_loopback("::") and not is_loopback("mail.example.org")


def test_help_lists_the_limits_and_bad_values_are_one_line():
    command = [sys.executable, "-m", "tutor", "serve"]
    shown = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=TIMEOUT)
    for flag in (
        "--max-connections-per-peer",
        "--data-timeout",
        "--session-timeout",
        "--auth-failure-delay",
        "--max-auth-failures",
    ):
        assert flag in shown.stdout
    bad = subprocess.run(
        [*command, "--max-connections-per-peer", "0"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert bad.returncode == 2
    assert "must be at least 1" in bad.stderr and "Traceback" not in bad.stderr
