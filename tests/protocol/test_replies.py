"""Reply values: wire bytes, display lines, kinds, dot-stuffing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor.protocol.replies import (
    Reply,
    ReplyKind,
    decode_for_display,
    dot_stuff,
    dot_unstuff,
    err,
    kind_of,
    ok,
    smtp,
)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ("+OK", ReplyKind.OK),
        ("-ERR", ReplyKind.ERROR),
        ("+", ReplyKind.INTERMEDIATE),
        ("220", ReplyKind.OK),
        ("250", ReplyKind.OK),
        ("354", ReplyKind.INTERMEDIATE),
        ("421", ReplyKind.TRANSIENT),
        ("452", ReplyKind.TRANSIENT),
        ("500", ReplyKind.ERROR),
        ("550", ReplyKind.ERROR),
    ],
)
def test_kinds(status: str, kind: ReplyKind) -> None:
    assert kind_of(status) is kind


def test_pop3_single_line() -> None:
    assert ok("3 93845").wire() == b"+OK 3 93845\r\n"
    assert err("no such message").wire() == b"-ERR no such message\r\n"
    assert ok().wire() == b"+OK\r\n"
    assert ok("3 93845").display_lines() == ["+OK 3 93845"]


def test_pop3_multiline_is_stuffed_and_terminated() -> None:
    reply = ok("3 messages", body=b"1 46394\r\n2 20377\r\n3 27074\r\n")
    assert reply.wire() == b"+OK 3 messages\r\n1 46394\r\n2 20377\r\n3 27074\r\n.\r\n"
    assert reply.display_lines() == ["+OK 3 messages", "1 46394", "2 20377", "3 27074", "."]
    dotted = ok(body=b".hidden\r\nplain\r\n..two\r\n")
    assert dotted.wire() == b"+OK\r\n..hidden\r\nplain\r\n...two\r\n.\r\n"
    # The transcript shows the lines as the wire carries them, stuffing included.
    assert dotted.display_lines() == ["+OK", "..hidden", "plain", "...two", "."]
    assert dotted.body_lines() == [".hidden", "plain", "..two"]  # the message as it is
    assert ok(body=b"").wire() == b"+OK\r\n.\r\n"
    assert ok(body=b"no final newline").wire() == b"+OK\r\nno final newline\r\n.\r\n"


def test_smtp_multiline() -> None:
    reply = smtp(250, "mail.server.ru", "SIZE 10485760", "PIPELINING")
    assert reply.wire() == b"250-mail.server.ru\r\n250-SIZE 10485760\r\n250 PIPELINING\r\n"
    assert reply.display_lines() == ["250-mail.server.ru", "250-SIZE 10485760", "250 PIPELINING"]
    assert reply.code == 250 and reply.ok
    assert smtp(354, "End data with <CR><LF>.<CR><LF>").kind is ReplyKind.INTERMEDIATE
    assert smtp(221, "Bye", closes=True).closes


@given(st.binary(max_size=300))
def test_stuffing_round_trips(body: bytes) -> None:
    body = body.replace(b"\r", b"").replace(b"\n", b"\r\n")
    assert dot_unstuff(dot_stuff(body)) == body
    # No stuffed line may be a lone "." that would end the reply early.
    assert b"\r\n.\r\n" not in b"\r\n" + dot_stuff(body)


def test_display_decoding_follows_the_letter() -> None:
    assert decode_for_display("Привет".encode()) == "Привет"
    cp1251 = "Content-Type: text/plain; charset=windows-1251\r\n\r\nПривет".encode("cp1251")
    assert decode_for_display(cp1251).endswith("Привет")
    assert decode_for_display(b"\xff\xfe junk") == "\xff\xfe junk"


def test_replies_are_values() -> None:
    assert ok("x") == Reply("+OK", ("x",))
    with pytest.raises(AttributeError):
        ok("x").status = "-ERR"  # type: ignore[misc]


def test_a_dot_after_a_bare_lf_is_stuffed_too() -> None:
    # Letters keep their exact octets; an LF-tolerant client must not end RETR at this ".".
    assert ok(body=b"before\n.\nafter\r\n").wire() == b"+OK\r\nbefore\n..\nafter\r\n.\r\n"


def test_a_cached_wire_form_is_what_would_be_sent_anyway() -> None:
    from tutor.protocol.replies import wire_body

    body = b".dot\r\nplain"
    cached = Reply("+OK", ("x",), body, False, wire_body(body))
    assert cached.wire() == Reply("+OK", ("x",), body).wire() == b"+OK x\r\n..dot\r\nplain\r\n.\r\n"
    assert cached == Reply("+OK", ("x",), body)  # the cache is not part of the value
