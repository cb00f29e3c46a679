"""POP3 over a byte stream: CRLF and bare-LF framing, pipelining, overlong lines (RFC 2449 §4)."""

from __future__ import annotations

import pytest

from tutor.mail.store import MailStore
from tutor.mail.worlds import build_world
from tutor.protocol.pop3 import Pop3Session
from tutor.protocol.replies import Reply

ARTICLE = build_world("article")
LOGIN = b"USER ne_skagu\r\nPASS secret\r\n"
WELCOME = b"+OK send your password\r\n+OK ne_skagu's maildrop has 3 messages (93845 octets)\r\n"


@pytest.fixture
def store() -> MailStore:
    return ARTICLE.copy()


@pytest.fixture
def session(store: MailStore) -> Pop3Session:
    session = Pop3Session(store, timestamp="<1.1@test>")
    session.greeting()
    return session


def wire(replies: list[Reply]) -> bytes:
    return b"".join(r.wire() for r in replies)


@pytest.mark.parametrize("ending", [b"\r\n", b"\n"])
def test_crlf_and_bare_lf_both_end_a_line(session: Pop3Session, ending: bytes) -> None:
    data = ending.join([b"USER ne_skagu", b"PASS secret", b"STAT", b""])
    assert wire(session.receive(data)) == WELCOME + b"+OK 3 93845\r\n"


def test_pipelined_commands_in_one_receive(session: Pop3Session, store: MailStore) -> None:
    letters = store.messages("ne_skagu")
    replies = session.receive(LOGIN + b"LIST\r\nRETR 1\r\nRETR 2\r\nRETR 3\r\nDELE 1\r\nQUIT\r\n")
    assert [r.status for r in replies] == ["+OK"] * 8
    assert replies[2].body == b"1 46394\r\n2 20377\r\n3 27074\r\n"
    assert [r.body for r in replies[3:6]] == [m.data for m in letters]
    assert replies[-1].closes and session.closed
    assert store.messages("ne_skagu") == letters[1:]


def test_bytes_after_quit_are_ignored(session: Pop3Session) -> None:
    replies = session.receive(b"QUIT\r\nUSER ne_skagu\r\nPASS secret\r\n")
    assert wire(replies) == b"+OK POP3 server signing off\r\n"


def test_a_line_split_across_reads(session: Pop3Session) -> None:
    replies: list[Reply] = []
    for byte in LOGIN + b"STAT\r\n":
        replies += session.receive(bytes([byte]))
    assert wire(replies) == WELCOME + b"+OK 3 93845\r\n"
    assert session.receive(b"ST") == []
    assert wire(session.receive(b"AT\r")) == b""
    assert wire(session.receive(b"\n")) == b"+OK 3 93845\r\n"


def test_longest_allowed_line_is_255_octets_with_crlf(session: Pop3Session) -> None:
    session.receive(LOGIN)
    fits = b"NOOP" + b" " * 249 + b"\r\n"  # 255 octets: NOOP with trailing spaces is fine
    assert len(fits) == 255
    assert wire(session.receive(fits)) == b"+OK\r\n"
    too_long = b"NOOP" + b" " * 250 + b"\r\n"
    assert wire(session.receive(too_long + b"STAT\r\n")) == b"-ERR line too long\r\n+OK 3 93845\r\n"


def test_overlong_line_without_end_is_answered_once_and_discarded(session: Pop3Session) -> None:
    session.receive(LOGIN)
    assert wire(session.receive(b"RETR " + b"1" * 300)) == b"-ERR line too long\r\n"
    # The rest of that line keeps arriving; it is dropped, not answered again or buffered.
    for _ in range(100):
        assert session.receive(b"1" * 1000) == []
    assert len(session._pending) < 256
    assert wire(session.receive(b"1111\r\nSTAT\r\n")) == b"+OK 3 93845\r\n"


def test_junk_bytes_get_err_and_the_session_goes_on(session: Pop3Session) -> None:
    replies = session.receive(b"\xff\xfe\x00\r\n\x80STAT\r\n\r\n" + LOGIN)
    assert [r.status for r in replies] == ["-ERR", "-ERR", "-ERR", "+OK", "+OK"]
    assert replies[2].wire() == b"-ERR empty command line\r\n"
    assert session.state_name == "TRANSACTION"


def test_handle_enforces_the_line_limit_as_receive_does(session: Pop3Session) -> None:
    """The TUI feeds lines to handle() directly: 255 octets with CRLF is the most (RFC 2449 §4)."""
    assert wire(session.handle("USER " + "x" * 248)) == b"+OK send your password\r\n"
    assert wire(session.handle("USER " + "x" * 249)) == b"-ERR line too long\r\n"
    assert wire(session.handle(b"USER " + b"x" * 4_000_000)) == b"-ERR line too long\r\n"
    # counted in UTF-8 octets, not characters: 124 two-octet letters + "USER " = 253
    assert wire(session.handle("USER " + "я" * 124)) == b"+OK send your password\r\n"
    assert wire(session.handle("USER " + "я" * 125)) == b"-ERR line too long\r\n"
    assert wire(session.handle("USER ne_skagu")) == b"+OK send your password\r\n"
