"""curl, where installed: pop3:// listing and retrieval, smtp:// upload. curl sends CAPA first."""

from __future__ import annotations

import poplib
import shutil
import subprocess

import pytest

TIMEOUT = 10.0
CURL = shutil.which("curl")

pytestmark = pytest.mark.skipif(CURL is None, reason="curl is not installed")


def curl(*args: str) -> subprocess.CompletedProcess[bytes]:
    assert CURL is not None
    return subprocess.run(
        [CURL, "--silent", "--show-error", "--max-time", str(TIMEOUT), *args],
        capture_output=True,
        timeout=TIMEOUT + 5,
    )


def test_curl_lists_the_maildrop(served):
    result = curl(f"pop3://{served.pop3.host}:{served.pop3.port}/", "-u", "ne_skagu:secret")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(b"\r\n") == [b"1 46394", b"2 20377", b"3 27074", b""]


def test_curl_retrieves_a_letter(served):
    result = curl(f"pop3://{served.pop3.host}:{served.pop3.port}/2", "-u", "ne_skagu:secret")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout) == 20377
    assert b"Subject: Mail Weekly: how your letters travel" in result.stdout


def test_curl_wrong_password_fails(served):
    result = curl(f"pop3://{served.pop3.host}:{served.pop3.port}/", "-u", "ne_skagu:nope")
    assert result.returncode == 67  # CURLE_LOGIN_DENIED


def test_curl_uploads_a_letter_over_smtp(served, tmp_path):
    upload = tmp_path / "letter.eml"
    upload.write_bytes(
        b"From: ne_skagu@server.ru\r\nTo: poluchatel@server.ru\r\n"
        b"Subject: uploaded by curl\r\n\r\n.A line that starts with a dot.\r\n"
    )
    result = curl(
        f"smtp://{served.smtp.host}:{served.smtp.port}",
        "--mail-from",
        "ne_skagu@server.ru",
        "--mail-rcpt",
        "poluchatel@server.ru",
        "-T",
        str(upload),
    )
    assert result.returncode == 0, result.stderr
    client = poplib.POP3(served.pop3.host, served.pop3.port, timeout=TIMEOUT)
    try:
        client.user("poluchatel")
        client.pass_("secret")
        count, _ = client.stat()
        lines = client.retr(count)[1]
    finally:
        client.quit()
    assert b"Subject: uploaded by curl" in lines
    assert lines[-1] == b".A line that starts with a dot."
