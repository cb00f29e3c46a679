"""Python's smtplib against the real SMTP listener, and poplib reading what it delivered."""

from __future__ import annotations

import email
import email.policy
import poplib
import smtplib
from email.message import EmailMessage

import pytest

TIMEOUT = 10.0

# The article's letter, with the Subject's base64 case restored (seed README, departure 8).
ARTICLE_LETTER = (
    b"date: sat, 3 nov 2001 16:14:46 +0300\r\n"
    b"from: otpravitel\r\n"
    b"to: poluchatel@server.ru\r\n"
    b"subject: =?windows-1251?B?z/Du9/Lo8uUg/fLuIQ==?=\r\n"
    b"mime-version: 1.0\r\n"
    b"content-type: text/plain; charset=windows-1251\r\n"
    b"content-transfer-encoding: 8bit\r\n"
    b"\r\n" + "Привет.\r\nЭто тестовое письмо.\r\n\r\n".encode("cp1251")
)


def last_letter(address, user: str = "poluchatel") -> tuple[int, bytes]:
    """(message count, raw octets of the newest letter) in a user's maildrop."""
    client = poplib.POP3(address.host, address.port, timeout=TIMEOUT)
    try:
        client.user(user)
        client.pass_("secret")
        count, _ = client.stat()
        return count, b"\r\n".join(client.retr(count)[1]) + b"\r\n" if count else b""
    finally:
        client.quit()


def letter(subject: str, to: str = "poluchatel@server.ru") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "ne_skagu@server.ru"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Sent by smtplib over a real socket.\n")
    return message


def test_article_letter_arrives_with_trace_headers_and_decodes(served):
    with smtplib.SMTP(served.smtp.host, served.smtp.port, timeout=TIMEOUT) as client:
        refused = client.sendmail("ne_skagu@server.ru", ["poluchatel@server.ru"], ARTICLE_LETTER)
    assert refused == {}

    _, raw = last_letter(served.pop3)
    lines = raw.split(b"\r\n")
    assert lines[0] == b"Return-Path: <ne_skagu@server.ru>"
    assert lines[1].startswith(b"Received: from ")
    assert raw.endswith(ARTICLE_LETTER)  # the letter itself arrives octet for octet
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(parsed["subject"]) == "Прочтите это!"
    text = parsed.get_content().replace("\r\n", "\n")
    assert text == "Привет.\nЭто тестовое письмо.\n\n"


def test_send_message_with_lower_case_verbs_and_size(served):
    with smtplib.SMTP(served.smtp.host, served.smtp.port, timeout=TIMEOUT) as client:
        code, _ = client.ehlo("client.example")
        assert code == 250
        assert client.has_extn("size") and client.has_extn("pipelining")
        assert client.has_extn("8bitmime")
        client.send_message(letter("sent with send_message"))  # "mail FROM:<...> size=N"
    _, raw = last_letter(served.pop3)
    assert b"Subject: sent with send_message" in raw


def test_unknown_local_user_is_refused_with_550(served):
    with (
        smtplib.SMTP(served.smtp.host, served.smtp.port, timeout=TIMEOUT) as client,
        pytest.raises(smtplib.SMTPRecipientsRefused) as refused,
    ):
        client.send_message(letter("to nobody", to="nobody@server.ru"))
    code, text = refused.value.recipients["nobody@server.ru"]
    assert code == 550
    assert b"nobody@server.ru" in text


def test_relay_is_denied(served):
    with (
        smtplib.SMTP(served.smtp.host, served.smtp.port, timeout=TIMEOUT) as client,
        pytest.raises(smtplib.SMTPRecipientsRefused) as refused,
    ):
        client.send_message(letter("elsewhere", to="someone@example.org"))
    code, text = refused.value.recipients["someone@example.org"]
    assert code == 550
    assert b"relay" in text.lower()


def test_mixed_recipients_deliver_to_the_good_ones(served):
    count_before, _ = last_letter(served.pop3)
    with smtplib.SMTP(served.smtp.host, served.smtp.port, timeout=TIMEOUT) as client:
        refused = client.sendmail(
            "ne_skagu@server.ru",
            ["poluchatel@server.ru", "nobody@server.ru"],
            letter("one good one bad").as_bytes(),
        )
    assert set(refused) == {"nobody@server.ru"}
    count_after, raw = last_letter(served.pop3)
    assert count_after == count_before + 1
    assert b"Subject: one good one bad" in raw


def test_after_100_recipients_comes_452(start_server):
    users = [{"name": f"u{n}", "password": "secret"} for n in range(1, 102)]
    server = start_server({"domain": "server.ru", "users": users})
    recipients = [f"u{n}@server.ru" for n in range(1, 102)]
    with smtplib.SMTP(server.smtp.host, server.smtp.port, timeout=TIMEOUT) as client:
        refused = client.sendmail("a@example.org", recipients, letter("many").as_bytes())
    assert list(refused) == ["u101@server.ru"]
    assert refused["u101@server.ru"][0] == 452
    assert last_letter(server.pop3, "u100")[0] == 1
    assert last_letter(server.pop3, "u101")[0] == 0


def test_reused_connection_sends_several_letters(server):
    with smtplib.SMTP(server.smtp.host, server.smtp.port, timeout=TIMEOUT) as client:
        for n in range(5):
            client.send_message(letter(f"letter {n}"))
            client.rset()
    count, raw = last_letter(server.pop3)
    assert count == 5
    assert b"Subject: letter 4" in raw
