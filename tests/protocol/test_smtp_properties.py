"""Property tests for the SMTP engine: whatever comes in, nothing raises, every reply is
well-formed, and a 250 at the end of data means the letter is in every recipient's maildrop."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.mail.store import MailStore
from tutor.protocol.replies import Reply
from tutor.protocol.smtp import SmtpSession, unquote_local

SETTINGS = settings(max_examples=200, deadline=None)

VOCABULARY = [
    "HELO pc",
    "EHLO pc.example",
    "helo",
    "MAIL FROM:<ne_skagu@server.ru>",
    "mail from: ne_skagu@server.ru",
    "MAIL FROM:<>",
    "MAIL FROM:<a@b.example> SIZE=100 BODY=8BITMIME",
    "MAIL FROM:<a@b.example> SIZE=99999999",
    "MAIL FROM:<a@@b>",
    "RCPT TO:<poluchatel@server.ru>",
    "rcpt to: poluchatel@server.ru",
    "RCPT TO:<ne_skagu>",
    'RCPT TO:<"poluchatel"@SERVER.RU>',
    "RCPT TO:<nobody@server.ru>",
    "RCPT TO:<friend@example.org>",
    "RCPT TO:<@relay.example:ne_skagu@server.ru>",
    "DATA",
    "data now",
    ".",
    "..",
    ".leading dot",
    "Subject: =?windows-1251?B?z/Du9/Lo8uUg/fLuIQ==?=",
    "Subject: =?utf-8?b?a?=",
    "",
    "RSET",
    "NOOP",
    "VRFY poluchatel",
    "VRFY nobody@server.ru",
    "HELP",
    "HELP mail",
    "EXPN staff",
    "LOOP",
    "QUIT",
    "x" * 600,
    "y" * 1200,
]

#: a whole transaction, so that random scripts deliver letters often enough to check delivery
TRANSACTION = [
    "MAIL FROM:<ne_skagu@server.ru>",
    "RCPT TO:<poluchatel@server.ru>",
    "RCPT TO:<ne_skagu>",
    "DATA",
    "Subject: hi",
    "",
    "..dot",
    ".",
]

line = st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=40), st.binary(max_size=40))
#: scripts are random lines with whole transactions (or their beginnings) mixed in
scripts = st.lists(
    st.one_of(
        line.map(lambda one: [one]),
        st.integers(1, len(TRANSACTION)).map(lambda n: TRANSACTION[:n]),
    ),
    max_size=20,
).map(lambda blocks: [one for block in blocks for one in block])


def new_session(strict: bool, max_message_size: int = 2000) -> SmtpSession:
    store = MailStore("server.ru", strict=strict, max_message_size=max_message_size)
    store.add_user("ne_skagu", "secret")
    store.add_user("poluchatel", "secret")
    return SmtpSession(store, max_recipients=3)


def assert_well_formed(reply: Reply) -> None:
    assert re.fullmatch(r"[2-5][0-9][0-9]", reply.status), reply
    assert reply.status != "220"  # only the greeting is 220
    wire = reply.wire()
    assert wire.endswith(b"\r\n") and wire.isascii()
    parts = wire.split(b"\r\n")[:-1]
    for index, line in enumerate(parts):
        assert len(line) + 2 <= 512
        assert line[:3] == reply.status.encode()
        assert line[3:4] in ((b" ",) if index == len(parts) - 1 else (b"-",))


def counts(store: MailStore) -> dict[str, int]:
    return {user.name: len(user.messages) for user in store.users}


def users_of(recipients: tuple[str, ...]) -> set[str]:
    return {unquote_local(address.rsplit("@", 1)[0]).lower() for address in recipients}


@SETTINGS
@given(script=scripts, strict=st.booleans())
def test_random_command_sequences(script: list[str | bytes], strict: bool) -> None:
    s = new_session(strict)
    assert s.greeting().status == "220"
    for text in script:
        in_data = s.mode == "data"
        recipients = s.view().rcpt_to
        before = counts(s.store)
        replies = s.handle(text)
        assert len(replies) <= 1
        for reply in replies:
            assert_well_formed(reply)
        after = counts(s.store)
        queued = [r for r in replies if r.status == "250" and "queued as" in r.text]
        if queued:
            assert in_data
            queue_id = queued[0].text.rsplit(" ", 1)[1]
            for user in users_of(recipients):
                assert after[user] == before[user] + 1
                assert f" id {queue_id}".encode() in s.store.messages(user)[-1].data
            assert sum(after.values()) == sum(before.values()) + len(users_of(recipients))
        else:
            assert after == before  # only a 250 at the end of data delivers anything
        if s.closed:
            assert replies[-1].closes
            assert s.handle("NOOP") == []
            break


WIRE_PIECES = [
    b"EHLO pc\r\n",
    b"MAIL FROM:<ne_skagu@server.ru>\r\n",
    b"mail from: <>\r\n",
    b"RCPT TO:<poluchatel@server.ru>\r\n",
    b"RCPT TO:<ne_skagu>\r\n",
    b"RCPT TO:<nobody>\r\n",
    b"DATA\r\n",
    b"\r\n.\r\n",
    b".\r\n",
    b"\n.\n",
    b"\r\n..\r\n",
    b"\r\n",
    b"\n",
    b"QUIT\r\n",
    b"z" * 1100,
]

#: a whole transaction; the CRLF.CRLF first ends whatever line or letter came before it
WIRE_TRANSACTION = b"\r\n.\r\nEHLO pc\r\n" + b"".join(
    text.encode() + b"\r\n" for text in TRANSACTION
)


@st.composite
def byte_streams(draw: st.DrawFn) -> list[bytes]:
    """Random pieces (whole transactions among them), joined, then cut at random places."""
    pieces = draw(
        st.lists(
            st.one_of(
                st.just(WIRE_TRANSACTION),
                st.sampled_from(WIRE_PIECES),
                st.binary(max_size=120),
            ),
            max_size=20,
        )
    )
    stream = b"".join(pieces)
    cuts = sorted(draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    return [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]


@SETTINGS
@given(reads=byte_streams(), strict=st.booleans(), size=st.sampled_from([100, 2000]))
def test_random_bytes_into_receive(reads: list[bytes], strict: bool, size: int) -> None:
    s = new_session(strict, max_message_size=size)
    replies: list[Reply] = []
    for piece in reads:
        replies.extend(s.receive(piece))
        assert len(s._pending) <= 4 * size + 600  # memory stays bounded
    for reply in replies:
        assert_well_formed(reply)
    queued = [r.text.rsplit(" ", 1)[1] for r in replies if "queued as" in r.text]
    delivered = {d.queue_id: d for d in s.view().delivered}
    assert sorted(queued) == sorted(delivered)
    expected_letters = 0
    for queue_id in queued:
        users = users_of(delivered[queue_id].recipients)
        expected_letters += len(users)
        for user in users:
            assert any(f" id {queue_id}".encode() in m.data for m in s.store.messages(user))
    assert sum(counts(s.store).values()) == expected_letters
    if s.closed:
        assert replies[-1].closes


text_lines = st.lists(
    st.one_of(
        st.binary(max_size=30),
        st.sampled_from([b"", b".", b"..", b".x", b"\n.", b".\r", b"\r"]),
        st.integers(995, 1002).map(lambda n: b"w" * n),
    ).filter(lambda line: b"\r\n" not in line and line != b"."),
    max_size=25,
)


@SETTINGS
@given(text=text_lines, size=st.sampled_from([60, 5000]))
def test_both_input_paths_agree(text: list[bytes], size: int) -> None:
    """handle() per line (the TUI) and receive() of the same octets (TCP) answer and store alike."""
    envelope = [b"EHLO pc", b"MAIL FROM:<>", b"RCPT TO:<poluchatel>", b"DATA", *text, b"."]
    by_line, by_bytes = new_session(False, size), new_session(False, size)
    clock = by_line._clock()
    by_line._clock = by_bytes._clock = lambda: clock
    from_lines = [r for line in envelope for r in by_line.handle(line)]
    from_bytes = by_bytes.receive(b"".join(line + b"\r\n" for line in envelope))
    assert [r.wire() for r in from_lines] == [r.wire() for r in from_bytes]
    assert [m.data for m in by_line.store.messages("poluchatel")] == [
        m.data for m in by_bytes.store.messages("poluchatel")
    ]
    assert by_line.mode == by_bytes.mode == "command"
