"""Raw sockets: what polite client libraries never send, and what the listener itself enforces
(line limits, SMTP data termination, the connection limit, idle timeouts, flow control, IPv6)."""

from __future__ import annotations

import poplib
import socket
import time

import pytest

TIMEOUT = 10.0


def login(client) -> None:
    assert client.line().startswith(b"+OK")
    client.send(b"USER ne_skagu\r\nPASS secret\r\n")
    assert client.line().startswith(b"+OK")
    assert client.line().startswith(b"+OK")


def smtp_envelope(client, recipient: bytes = b"poluchatel@server.ru") -> None:
    assert client.smtp_reply()[0].startswith(b"220")
    client.send(b"EHLO client.example\r\n")
    assert client.smtp_reply()[-1].startswith(b"250 ")
    client.send(b"MAIL FROM:<ne_skagu@server.ru>\r\nRCPT TO:<" + recipient + b">\r\nDATA\r\n")
    assert client.smtp_reply()[0].startswith(b"250")
    assert client.smtp_reply()[0].startswith(b"250")
    assert client.smtp_reply()[0].startswith(b"354")


def retrieve_last(address, user: str = "poluchatel") -> bytes:
    client = poplib.POP3(address.host, address.port, timeout=TIMEOUT)
    try:
        client.user(user)
        client.pass_("secret")
        count, _ = client.stat()
        assert count > 0
        return b"\r\n".join(client.retr(count)[1])
    finally:
        client.quit()


def test_pop3_overlong_line_is_refused_and_connection_stays_usable(served, raw):
    client = raw(served.pop3)
    assert client.line().startswith(b"+OK")
    client.send(b"USER " + b"x" * 300 + b"\r\n")
    assert client.line().startswith(b"-ERR")
    client.send(b"USER ne_skagu\r\nPASS secret\r\nSTAT\r\nQUIT\r\n")
    assert client.line().startswith(b"+OK")
    assert client.line().startswith(b"+OK")
    assert client.line() == b"+OK 3 93845"
    assert client.line().startswith(b"+OK")
    assert client.at_eof()


def test_pop3_pipelined_retrs_survive_a_slow_reader(served, raw):
    # 60 RETRs of a 46 KB letter: far more than socket buffers hold, so the server must pause
    # reading while its output waits and resume when the client reads.
    client = raw(served.pop3)
    login(client)
    client.send(b"RETR 1\r\n" * 60 + b"QUIT\r\n")
    for _ in range(60):
        assert client.line().startswith(b"+OK")
        assert sum(len(line) + 2 for line in client.multiline()) >= 46394
    assert client.line().startswith(b"+OK")
    assert client.at_eof()


def test_pipelined_commands_before_a_half_close_are_all_answered(server, raw):
    # The client sends everything, shuts its side (nc -N does) and only then reads: the 40 RETRs
    # wait for output to drain, yet the QUIT after them is still handled and commits the DELE.
    client = raw(server.pop3)
    login(client)
    client.send(b"RETR 1\r\n" * 40 + b"DELE 1\r\nQUIT\r\n")
    client.sock.shutdown(socket.SHUT_WR)
    for _ in range(40):
        assert client.line().startswith(b"+OK")
        assert len(client.multiline()) > 100
    assert client.line() == b"+OK message 1 deleted"
    assert client.line().startswith(b"+OK POP3 server signing off")
    assert client.at_eof()
    client = raw(server.pop3)
    login(client)
    client.send(b"STAT\r\n")
    assert client.line() == b"+OK 2 47451"


def test_smtp_article_dialogue_lenient_lower_case(served, raw):
    """The article's session: no HELO, no angle brackets, lower case, a lone "." ends data."""
    client = raw(served.smtp)
    assert client.smtp_reply()[0].startswith(b"220")
    client.send(b"mail from: ne_skagu@server.ru\r\n")
    assert client.smtp_reply()[0].startswith(b"250")
    client.send(b"rcpt to: poluchatel@server.ru\r\n")
    assert client.smtp_reply()[0].startswith(b"250")
    client.send(b"data\r\n")
    assert client.smtp_reply()[0].startswith(b"354")
    client.send(
        b"date: sat, 3 nov 2001 16:14:46 +0300\r\nfrom: otpravitel\r\n"
        b"to: poluchatel@server.ru\r\nsubject: raw article dialogue\r\n\r\n"
        + "Привет.\r\nЭто тестовое письмо.\r\n\r\n.\r\n".encode("cp1251")
    )
    assert client.smtp_reply()[0].startswith(b"250")
    client.send(b"quit\r\n")
    assert client.smtp_reply()[0].startswith(b"221")
    assert client.at_eof()
    assert b"subject: raw article dialogue" in retrieve_last(served.pop3)


def test_smtp_overlong_command_line_gets_500_and_session_continues(served, raw):
    client = raw(served.smtp)
    assert client.smtp_reply()[0].startswith(b"220")
    client.send(b"HELO " + b"h" * 600 + b"\r\n")
    assert client.smtp_reply()[0].startswith(b"500")
    client.send(b"NOOP\r\n")
    assert client.smtp_reply()[0].startswith(b"250")


@pytest.mark.parametrize("smuggled_end", [b"\n.\n", b"\n.\r\n", b"\r\n.\n"])
def test_smtp_bare_lf_dot_does_not_end_data(server, raw, smuggled_end):
    """SMTP smuggling: only CRLF.CRLF ends the data, so a second envelope hidden after a
    bare-LF dot stays inside the first letter instead of becoming commands."""
    client = raw(server.smtp)
    smtp_envelope(client)
    client.send(
        b"Subject: smuggling\r\n\r\nfirst"
        + smuggled_end
        + b"MAIL FROM:<evil@example.org>\r\nRCPT TO:<ne_skagu@server.ru>\r\n"
        + b"DATA\r\nSubject: smuggled\r\n\r\n.\r\nNOOP\r\n"
    )
    # One 250 for the one letter, then the NOOP's 250: no replies to smuggled commands.
    end_of_data = client.smtp_reply()[0]
    assert end_of_data.startswith(b"250")
    client.send(b"QUIT\r\n")
    assert client.smtp_reply()[0].startswith(b"250")  # NOOP
    assert client.smtp_reply()[0].startswith(b"221")
    delivered = server.call(lambda: [m.data for m in server.store.messages("poluchatel")])
    assert len(delivered) == 1
    assert b"MAIL FROM:<evil@example.org>" in delivered[0]
    victim = poplib.POP3(server.pop3.host, server.pop3.port, timeout=TIMEOUT)
    victim.user("ne_skagu")
    victim.pass_("secret")
    assert victim.stat() == (3, 93845)  # nothing smuggled into ne_skagu's maildrop
    victim.quit()


def test_smtp_data_dot_stuffing_is_undone(server, raw):
    client = raw(server.smtp)
    smtp_envelope(client)
    client.send(b"Subject: dots\r\n\r\n..leading dot\r\n...two\r\n.\r\n")
    assert client.smtp_reply()[0].startswith(b"250")
    letter = retrieve_last(server.pop3)
    assert letter.endswith(b"\r\n.leading dot\r\n..two")


def test_connection_limit_refuses_politely(start_server, raw):
    server = start_server(max_connections=2)
    pop_a, pop_b = raw(server.pop3), raw(server.pop3)
    assert pop_a.line().startswith(b"+OK") and pop_b.line().startswith(b"+OK")
    over = raw(server.pop3)
    assert over.line().startswith(b"-ERR [SYS/TEMP]")
    assert over.at_eof()

    smtp_a, smtp_b = raw(server.smtp), raw(server.smtp)
    assert smtp_a.smtp_reply()[0].startswith(b"220")
    assert smtp_b.smtp_reply()[0].startswith(b"220")
    over = raw(server.smtp)
    assert over.smtp_reply()[0].startswith(b"421")
    assert over.at_eof()

    # A slot frees up once a client leaves.
    pop_a.send(b"QUIT\r\n")
    assert pop_a.line().startswith(b"+OK")
    assert pop_a.at_eof()
    for _ in range(100):
        again = raw(server.pop3)
        if again.line().startswith(b"+OK"):
            break
        time.sleep(0.02)
    else:
        raise AssertionError("the freed slot was never reused")


def test_idle_timeouts(start_server, raw):
    server = start_server(pop3_timeout=0.5, smtp_timeout=0.5)
    pop = raw(server.pop3)
    login(pop)
    pop.send(b"DELE 1\r\nDELE 2\r\n")
    assert pop.line().startswith(b"+OK")
    assert pop.line().startswith(b"+OK")
    smtp = raw(server.smtp)
    assert smtp.smtp_reply()[0].startswith(b"220")

    # POP3 closes silently (RFC 1939 autologout) and deletes nothing.
    assert pop.line() == b""
    # SMTP says 421 first (RFC 5321 §4.5.3.2).
    farewell = smtp.smtp_reply()
    assert farewell[0].startswith(b"421") and b"timeout" in farewell[0].lower()
    assert smtp.at_eof()

    again = raw(server.pop3)
    login(again)
    again.send(b"STAT\r\n")
    assert again.line() == b"+OK 3 93845"


def test_activity_keeps_a_connection_alive(start_server, raw):
    server = start_server(pop3_timeout=0.6)
    pop = raw(server.pop3)
    login(pop)
    for _ in range(4):  # 0.8 s of activity in all, longer than the timeout
        time.sleep(0.2)
        pop.send(b"NOOP\r\n")
        assert pop.line().startswith(b"+OK")


def _ipv6_loopback_available() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback_available(), reason="no IPv6 loopback here")
def test_ipv6_loopback(start_server):
    server = start_server(host="::1")
    assert server.pop3.host == "::1"
    client = poplib.POP3(server.pop3.host, server.pop3.port, timeout=TIMEOUT)
    client.user("ne_skagu")
    client.pass_("secret")
    assert client.stat() == (3, 93845)
    client.quit()


def test_letter_with_bare_lf_dot_line_is_retrieved_whole(server, raw):
    client = raw(server.smtp)
    smtp_envelope(client)
    client.send(b"Subject: bare\r\n\r\nbefore\n.\nafter\r\n.\r\n")
    assert client.smtp_reply()[0].startswith(b"250")
    letter = retrieve_last(server.pop3)
    assert letter.startswith(b"Return-Path:") and b"after" in letter


def test_connection_events_reach_the_hook(start_server, raw):
    events = []
    server = start_server(pop3_timeout=0.5, on_event=events.append)
    polite = raw(server.pop3)
    assert polite.line().startswith(b"+OK")
    polite.send(b"QUIT\r\n")
    assert polite.line().startswith(b"+OK")
    assert polite.at_eof()
    idle = raw(server.pop3)
    assert idle.line().startswith(b"+OK")
    assert idle.line() == b""  # timed out
    server.call(lambda: None)  # let the loop run the disconnect callbacks queued before this
    kinds = [(e.kind, e.protocol) for e in events]
    assert kinds[:2] == [("connect", "pop3"), ("disconnect", "pop3")]
    assert kinds[2:] == [("connect", "pop3"), ("timeout", "pop3"), ("disconnect", "pop3")]
    assert all(e.peer.startswith("127.0.0.1:") for e in events)


def test_huge_line_without_end_is_refused_once_and_memory_stays_bounded(served, raw):
    client = raw(served.pop3)
    assert client.line().startswith(b"+OK")
    client.send(b"USER " + b"x" * (4 * 1024 * 1024))  # 4 MB and still no line end
    client.send(b"\r\nUSER ne_skagu\r\n")
    assert client.line().startswith(b"-ERR")  # one answer for the whole overlong line
    assert client.line().startswith(b"+OK")


def test_oversize_letter_gets_552_and_the_session_goes_on(start_server, raw):
    users = [{"name": "poluchatel", "password": "secret"}]
    server = start_server({"max_message_size": 10_000, "users": users})
    client = raw(server.smtp)
    smtp_envelope(client)
    client.send(b"Subject: big\r\n\r\n" + (b"z" * 98 + b"\r\n") * 2000)
    client.send(b".\r\nNOOP\r\n")  # 200 KB of text against a 10 KB limit
    assert client.smtp_reply()[0].startswith(b"552")
    assert client.smtp_reply()[0].startswith(b"250")


def test_stopping_the_server_says_421_to_smtp_clients(start_server, raw):
    server = start_server()
    smtp = raw(server.smtp)
    assert smtp.smtp_reply()[0].startswith(b"220")
    pop = raw(server.pop3)
    login(pop)
    server.stop()
    assert smtp.smtp_reply()[0].startswith(b"421")
    assert smtp.at_eof()
    assert pop.line() == b""  # POP3 just closes; the session is aborted, nothing deleted
