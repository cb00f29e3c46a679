"""Load: 100 concurrent SMTP sessions of 5 letters each; all 500 letters reach the maildrop."""

from __future__ import annotations

import poplib
import smtplib
import threading
from concurrent.futures import ThreadPoolExecutor

TIMEOUT = 20.0
SESSIONS = 100
LETTERS = 5


def test_100_concurrent_sessions_of_5_letters(start_server):
    server = start_server("empty")
    everyone_connected = threading.Barrier(SESSIONS, timeout=TIMEOUT)

    def session(number: int) -> int:
        with smtplib.SMTP(server.smtp.host, server.smtp.port, timeout=TIMEOUT) as client:
            everyone_connected.wait()  # all 100 sessions are open at the same time
            for n in range(LETTERS):
                body = f"Subject: s{number}-l{n}\r\n\r\nLetter {n} of session {number}.\r\n"
                client.sendmail("ne_skagu@server.ru", ["poluchatel@server.ru"], body.encode())
        return LETTERS

    with ThreadPoolExecutor(SESSIONS) as pool:
        sent = sum(pool.map(session, range(SESSIONS), timeout=TIMEOUT * 3))
    assert sent == SESSIONS * LETTERS

    client = poplib.POP3(server.pop3.host, server.pop3.port, timeout=TIMEOUT)
    try:
        client.user("poluchatel")
        client.pass_("secret")
        count, _ = client.stat()
        assert count == SESSIONS * LETTERS
        subjects = set()
        for number in range(1, count + 1):
            head = client.top(number, 0)[1]
            subjects.update(line for line in head if line.startswith(b"Subject: "))
    finally:
        client.quit()
    expected = {f"Subject: s{s}-l{n}".encode() for s in range(SESSIONS) for n in range(LETTERS)}
    assert subjects == expected
