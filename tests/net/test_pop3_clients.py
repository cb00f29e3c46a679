"""Python's poplib against the real POP3 listener: the article's dialogue and RFC 1939's rules."""

from __future__ import annotations

import poplib
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

TIMEOUT = 10.0
ARTICLE_SIZES = [46394, 20377, 27074]


@contextmanager
def pop3(address, user: str = "ne_skagu", password: str = "secret") -> Iterator[poplib.POP3]:
    """A logged-in poplib client; QUIT at the end unless the test already closed it."""
    client = poplib.POP3(address.host, address.port, timeout=TIMEOUT)
    try:
        client.user(user)
        client.pass_(password)
        yield client
    finally:
        if client.sock is not None:
            try:
                client.quit()
            except (poplib.error_proto, OSError):
                client.close()


def login_when_released(address, user: str = "ne_skagu") -> poplib.POP3:
    """Log in, retrying briefly while a just-dropped session still holds the maildrop lock.

    The server notices a dropped connection asynchronously; a few retries bound the wait."""
    for _ in range(100):
        client = poplib.POP3(address.host, address.port, timeout=TIMEOUT)
        client.user(user)
        try:
            client.pass_("secret")
            return client
        except poplib.error_proto as exc:
            client.close()
            if b"[IN-USE]" not in exc.args[0]:
                raise
            time.sleep(0.02)
    raise AssertionError("maildrop still locked after the client went away")


def test_article_dialogue_deletes_at_quit(server):
    client = poplib.POP3(server.pop3.host, server.pop3.port, timeout=TIMEOUT)
    assert client.getwelcome().startswith(b"+OK")
    assert client.user("ne_skagu").startswith(b"+OK")
    assert client.pass_("secret").startswith(b"+OK")
    assert client.stat() == (3, 93845)
    _, lines, _ = client.list()
    assert [int(line.split()[1]) for line in lines] == ARTICLE_SIZES
    for number in (1, 2, 3):
        assert client.dele(number).startswith(b"+OK")
    with pytest.raises(poplib.error_proto) as refused:
        client.dele(4)
    assert refused.value.args[0].startswith(b"-ERR")
    assert client.quit().startswith(b"+OK")

    with pop3(server.pop3) as again:
        assert again.stat() == (0, 0)
        assert again.list()[1] == []


def test_retr_returns_every_octet_unstuffed(served):
    with pop3(served.pop3) as client:
        for number, size in enumerate(ARTICLE_SIZES, 1):
            _, lines, _ = client.retr(number)
            assert sum(len(line) + 2 for line in lines) == size
        headers = b"\r\n".join(client.retr(3)[1]).split(b"\r\n\r\n", 1)[0]
        assert b"Subject:" in headers


def test_second_login_gets_in_use_while_locked(served):
    with pop3(served.pop3) as first:
        assert first.stat() == (3, 93845)
        second = poplib.POP3(served.pop3.host, served.pop3.port, timeout=TIMEOUT)
        second.user("ne_skagu")
        with pytest.raises(poplib.error_proto) as refused:
            second.pass_("secret")
        assert refused.value.args[0].startswith(b"-ERR [IN-USE]")
        second.quit()


def test_wrong_password_and_unknown_user_look_the_same(served):
    replies = []
    for user, password in (("ne_skagu", "wrong"), ("nobody", "secret")):
        client = poplib.POP3(served.pop3.host, served.pop3.port, timeout=TIMEOUT)
        client.user(user)
        with pytest.raises(poplib.error_proto) as refused:
            client.pass_(password)
        replies.append(refused.value.args[0])
        client.quit()
    assert replies[0] == replies[1]
    assert replies[0].startswith(b"-ERR")


def test_dropped_connection_deletes_nothing(server):
    client = poplib.POP3(server.pop3.host, server.pop3.port, timeout=TIMEOUT)
    client.user("ne_skagu")
    client.pass_("secret")
    client.dele(1)
    client.dele(2)
    client.close()  # no QUIT: the connection just goes away

    again = login_when_released(server.pop3)
    assert again.stat() == (3, 93845)
    again.quit()


def test_rset_unmarks_before_quit(server):
    with pop3(server.pop3) as client:
        client.dele(2)
        assert client.stat() == (2, 46394 + 27074)
        assert client.rset().startswith(b"+OK")
        assert client.stat() == (3, 93845)
    with pop3(server.pop3) as again:
        assert again.stat() == (3, 93845)


def test_top_uidl_capa(served):
    with pop3(served.pop3) as client:
        capabilities = client.capa()
        assert {"TOP", "UIDL", "USER"} <= set(capabilities)

        _, head, _ = client.top(1, 0)
        assert any(line.startswith(b"Subject:") for line in head)
        assert head[-1] == b""  # the blank line that ends the header block
        _, with_body, _ = client.top(1, 3)
        assert len(with_body) == len(head) + 3

        _, uid_lines, _ = client.uidl()
        uids = [line.split()[1] for line in uid_lines]
        assert [int(line.split()[0]) for line in uid_lines] == [1, 2, 3]
        assert len(set(uids)) == 3
        assert client.uidl(2).split()[-1] == uids[1]


def test_uids_are_stable_across_sessions(served):
    with pop3(served.pop3) as client:
        first = client.uidl()[1]
    with pop3(served.pop3) as client:
        assert client.uidl()[1] == first


def test_apop_login(served):
    client = poplib.POP3(served.pop3.host, served.pop3.port, timeout=TIMEOUT)
    try:
        assert client.apop("ne_skagu", "secret").startswith(b"+OK")
        assert client.stat() == (3, 93845)
    finally:
        client.quit()


def test_apop_with_wrong_secret_is_refused(served):
    client = poplib.POP3(served.pop3.host, served.pop3.port, timeout=TIMEOUT)
    with pytest.raises(poplib.error_proto):
        client.apop("ne_skagu", "not-the-secret")
    client.quit()
