"""SMTP message text: both input paths, dot-stuffing, the end of data, limits, and delivery."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta, timezone

import pytest

from tutor.mail.store import MailStore
from tutor.protocol import smtp
from tutor.protocol.replies import Reply
from tutor.protocol.smtp import SmtpSession

ARTICLE_TIME = datetime(2001, 11, 3, 16, 14, 46, tzinfo=timezone(timedelta(hours=3)))
ENVELOPE = (
    b"EHLO pc.example\r\nMAIL FROM:<ne_skagu@server.ru>\r\nRCPT TO:<poluchatel@server.ru>\r\n"
)


def article_letter(subject: str) -> bytes:
    """The article's letter: 8-bit windows-1251 text, CRLF line endings."""
    lines = [
        "date: sat, 3 nov 2001 16:14:46 +0300",
        "from: otpravitel",
        "to: poluchatel@server.ru",
        f"subject: {subject}",
        "mime-version: 1.0",
        "content-type: text/plain; charset=windows-1251",
        "content-transfer-encoding: 8bit",
        "",
        "Привет.",
        "Это тестовое письмо.",
        "",
    ]
    return "".join(line + "\r\n" for line in lines).encode("windows-1251")


AS_PRINTED = "=?windows-1251?b?z/du9/lo8uug/fluiq==?="  # lower-cased in the article
CORRECTED = "=?windows-1251?B?z/Du9/Lo8uUg/fLuIQ==?="


def new_session(max_message_size: int = 10 * 1024 * 1024, **options: object) -> SmtpSession:
    store = MailStore("server.ru", max_message_size=max_message_size)
    store.add_user("ne_skagu", "secret")
    store.add_user("poluchatel", "secret")
    return SmtpSession(store, clock=lambda: ARTICLE_TIME, **options)  # type: ignore[arg-type]


def stuffed(body: bytes) -> bytes:
    """The text as a client sends it: dot-stuffed and ended with CRLF.CRLF."""
    stuffed_body = (b"." + body if body.startswith(b".") else body).replace(b"\r\n.", b"\r\n..")
    return stuffed_body + b".\r\n"


def via_bytes(s: SmtpSession, wire: bytes) -> list[Reply]:
    return s.receive(wire)


def via_lines(s: SmtpSession, wire: bytes) -> list[Reply]:
    """The TUI's way: one handle() call per CRLF-ended line."""
    lines = wire.split(b"\r\n")
    assert lines[-1] == b""
    return [reply for line in lines[:-1] for reply in s.handle(line)]


PATHS = pytest.mark.parametrize("feed", [via_bytes, via_lines], ids=["receive", "handle"])


def statuses(replies: list[Reply]) -> list[str]:
    return [reply.status for reply in replies]


def letters(s: SmtpSession, user: str = "poluchatel") -> list[bytes]:
    return [message.data for message in s.store.messages(user)]


def without_trace(data: bytes) -> bytes:
    """A stored letter minus the Return-Path and Received lines the server put on top."""
    assert data.startswith(b"Return-Path: <")
    received = data.index(b"\r\nReceived: ")
    end = data.index(b"\r\n", data.index(b"; ", received)) + 2
    return data[end:]


# -- the article's letter, byte for byte ------------------------------------------------------


@PATHS
def test_article_letter_arrives_untouched_below_the_trace_headers(feed) -> None:
    s = new_session()
    letter = article_letter(AS_PRINTED)
    replies = feed(s, ENVELOPE + b"DATA\r\n" + stuffed(letter))
    assert statuses(replies) == ["250", "250", "250", "354", "250"]
    queue_id = replies[-1].text.rsplit(" ", 1)[1]
    assert replies[-1].text == f"2.0.0 Ok: queued as {queue_id}"
    (stored,) = letters(s)
    assert stored == (
        b"Return-Path: <ne_skagu@server.ru>\r\n"
        b"Received: from pc.example (localhost [127.0.0.1])\r\n"
        b"\tby mail.server.ru (mailtutor) with ESMTP id " + queue_id.encode() + b"\r\n"
        b"\tfor <poluchatel@server.ru>; Sat, 03 Nov 2001 16:14:46 +0300\r\n" + letter
    )
    assert letters(s, "ne_skagu") == []


def test_corrected_subject_decodes_with_the_email_package() -> None:
    s = new_session()
    s.receive(ENVELOPE + b"DATA\r\n" + stuffed(article_letter(CORRECTED)) + b"QUIT\r\n")
    (stored,) = letters(s)
    message = email.message_from_bytes(stored, policy=email.policy.default)
    assert str(message["subject"]) == "Прочтите это!"
    assert message["Return-Path"] == "<ne_skagu@server.ru>"
    assert message.get_content() == "Привет.\r\nЭто тестовое письмо.\r\n\r\n"
    (delivered,) = s.view().delivered
    assert delivered.subject == "Прочтите это!"
    assert delivered.size == len(stored)
    assert delivered.recipients == ("poluchatel@server.ru",)
    assert delivered.mail_from == "ne_skagu@server.ru"


def test_lower_cased_subject_does_not_decode_to_the_text() -> None:
    s = new_session()
    s.receive(ENVELOPE + b"DATA\r\n" + stuffed(article_letter(AS_PRINTED)))
    assert s.view().delivered[0].subject != "Прочтите это!"


def test_typed_lines_are_utf8() -> None:
    s = new_session()
    for line in ["MAIL FROM:<>", "RCPT TO:<poluchatel>", "DATA", "Subject: Привет", "", "ёж", "."]:
        s.handle(line)
    assert letters(s)[0].endswith("Subject: Привет\r\n\r\nёж\r\n".encode())
    assert s.view().delivered[0].subject == "Привет"


def test_a_broken_encoded_word_is_shown_as_sent() -> None:
    s = new_session()
    s.receive(ENVELOPE + b"DATA\r\n" + stuffed(b"Subject: =?utf-8?b?a?=\r\n\r\nx\r\n"))
    assert s.view().delivered[0].subject == "=?utf-8?b?a?="


# -- the trace headers --------------------------------------------------------------------------


def test_received_names_helo_protocol_and_peer() -> None:
    s = new_session(peer="pc [192.0.2.7]", hostname="mx.server.ru")
    for line in ["HELO old.example", "MAIL FROM:<>", "RCPT TO:<poluchatel>", "DATA", "x", "."]:
        s.handle(line)
    head = letters(s)[0].split(b"\r\n")
    assert head[0] == b"Return-Path: <>"
    assert head[1] == b"Received: from old.example (pc [192.0.2.7])"
    assert head[2].startswith(b"\tby mx.server.ru (mailtutor) with SMTP id ")


def test_several_recipients_each_get_a_copy_and_one_received_line() -> None:
    s = new_session()
    wire = b"MAIL FROM:<a@example.org>\r\nRCPT TO:<poluchatel>\r\nRCPT TO:<ne_skagu>\r\nDATA\r\n"
    replies = s.receive(wire + stuffed(b"Subject: both\r\n\r\nhi\r\n"))
    assert statuses(replies)[-1] == "250"
    (first,), (second,) = letters(s), letters(s, "ne_skagu")
    assert first == second
    assert b"\tfor <" not in first and first.count(b"Received: ") == 1
    assert s.view().delivered[0].recipients == ("poluchatel@server.ru", "ne_skagu@server.ru")


def test_queue_ids_differ_between_letters() -> None:
    s = new_session()
    ids = []
    for _ in range(5):
        replies = s.receive(ENVELOPE + b"DATA\r\n" + stuffed(b"x\r\n"))
        ids.append(replies[-1].text.rsplit(" ", 1)[1])
    assert len(set(ids)) == 5
    assert [d.queue_id for d in s.view().delivered] == ids


class FailingStore(MailStore):
    def _store_all(self, users, data):  # the disk under the store is full
        raise OSError(28, "No space left on device")


def test_failed_delivery_is_451_never_250() -> None:
    store = FailingStore()
    store.add_user("poluchatel", "secret")
    s = SmtpSession(store)
    replies = s.receive(b"MAIL FROM:<>\r\nRCPT TO:<poluchatel>\r\nDATA\r\n" + stuffed(b"x\r\n"))
    assert replies[-1] is smtp.R_LOCAL_ERROR
    assert s.view().delivered == ()
    assert statuses(s.receive(b"NOOP\r\n")) == ["250"]


# -- dot-stuffing and the end of data, in both paths ------------------------------------------

# (the text as the client sends it, after 354 -- what is stored below the trace headers)
TEXTS = [
    (b".\r\n", b""),
    (b"..\r\n.\r\n", b".\r\n"),
    (b"..leading dot\r\n.\r\n", b".leading dot\r\n"),
    (b"a\r\n...three\r\n.x\r\n. \r\n.\r\n", b"a\r\n..three\r\nx\r\n \r\n"),
    (b"no final dot yet\r\n.\r\n", b"no final dot yet\r\n"),
    # a dot between bare line feeds is text: only CRLF.CRLF ends the data (SMTP smuggling);
    # once the text is complete, the store gives a bare LF or lone CR a CRLF end
    (b"a\n.\nMAIL FROM:<evil@x>\r\n.\r\n", b"a\r\n.\r\nMAIL FROM:<evil@x>\r\n"),
    (b"a\r\n.\nRCPT TO:<x>\r\n.\r\n", b"a\r\n\r\nRCPT TO:<x>\r\n"),  # ".\nRCPT..." unstuffed
    (b"a\n.\r\nDATA\r\n.\r\n", b"a\r\n.\r\nDATA\r\n"),
    (b"a\r.\r\nb\r\n.\r\n", b"a\r\n.\r\nb\r\n"),
    (b"\r\n\r\n.\r\n", b"\r\n\r\n"),
]


@PATHS
@pytest.mark.parametrize(("text", "stored"), TEXTS)
def test_text_is_unstuffed_and_ends_only_at_crlf_dot_crlf(feed, text: bytes, stored: bytes) -> None:
    s = new_session()
    replies = feed(s, ENVELOPE + b"DATA\r\n" + text)
    assert statuses(replies) == ["250", "250", "250", "354", "250"]
    (letter,) = letters(s)
    assert without_trace(letter) == stored
    assert s.mode == "command"


@PATHS
def test_bare_lf_dot_does_not_end_the_data(feed) -> None:
    s = new_session()
    replies = feed(s, ENVELOPE + b"DATA\r\nhello\n.\nQUIT\r\n")
    assert statuses(replies) == ["250", "250", "250", "354"]
    assert s.mode == "data" and not s.closed
    assert statuses(feed(s, b".\r\n")) == ["250"]
    assert without_trace(letters(s)[0]) == b"hello\r\n.\r\nQUIT\r\n"  # stored CRLF-clean


# -- limits: text lines and message size ------------------------------------------------------


@PATHS
@pytest.mark.parametrize(
    ("line_length", "expected"),
    [(998, "250"), (999, "500"), (5000, "500")],
)
def test_text_lines_over_1000_octets_refuse_the_letter(feed, line_length: int, expected) -> None:
    s = new_session()
    text = b"Subject: long\r\n\r\n" + b"x" * line_length + b"\r\n"
    replies = feed(s, ENVELOPE + b"DATA\r\n" + stuffed(text))
    assert replies[-1].status == expected
    if expected == "500":
        assert "line too long" in replies[-1].text
        assert letters(s) == []
    # the session is still usable: the envelope was reset either way
    again = feed(s, b"MAIL FROM:<>\r\nRCPT TO:<poluchatel>\r\nDATA\r\n" + stuffed(b"ok\r\n"))
    assert statuses(again) == ["250", "250", "354", "250"]


def test_a_stuffed_dot_does_not_count_toward_the_line_length() -> None:
    s = new_session()
    replies = s.receive(ENVELOPE + b"DATA\r\n.." + b"x" * 997 + b"\r\n.\r\n")
    assert replies[-1].status == "250"


@PATHS
@pytest.mark.parametrize(("size", "expected"), [(1000, "250"), (1001, "552"), (50_000, "552")])
def test_oversize_letters_get_552_after_the_end_of_data(feed, size: int, expected: str) -> None:
    s = new_session(max_message_size=1000)
    # lines of 100 octets, the first one longer by what is left over
    text = b"y" * (98 + size % 100) + b"\r\n" + (b"z" * 98 + b"\r\n") * (size // 100 - 1)
    assert len(text) == size
    replies = feed(s, ENVELOPE + b"DATA\r\n" + stuffed(text))
    assert replies[-1].status == expected
    assert len(letters(s)) == (1 if expected == "250" else 0)
    again = feed(s, b"MAIL FROM:<>\r\nRCPT TO:<poluchatel>\r\nDATA\r\n" + stuffed(b"ok\r\n"))
    assert statuses(again) == ["250", "250", "354", "250"]


def test_oversize_text_is_not_kept_in_memory() -> None:
    s = new_session(max_message_size=10_000)
    s.receive(ENVELOPE + b"DATA\r\n")
    chunk = b"z" * 4094 + b"\r\n"
    for _ in range(200):  # 800 KB against a 10 KB limit
        assert s.receive(chunk) == []
        assert len(s._pending) < 20_000
    # the terminator split across two reads is still found
    assert s.receive(b"\r\n.") == []
    replies = s.receive(b"\r\nNOOP\r\n")
    assert [r.status for r in replies] == ["552", "250"]


def test_size_counts_the_text_after_unstuffing() -> None:
    s = new_session(max_message_size=300)
    sent = b".x\r\n" * 100  # 400 octets sent, 300 once unstuffed: exactly the limit
    assert s.receive(ENVELOPE + b"DATA\r\n" + sent + b".\r\n")[-1].status == "250"
    assert s.receive(ENVELOPE + b"DATA\r\n" + sent + b"x\r\n.\r\n")[-1].status == "552"


# -- framing: pipelining and reads split anywhere --------------------------------------------

SMALL = (
    ENVELOPE
    + b"DATA\r\n"
    + stuffed(b"Subject: hi\r\n\r\n.dot\r\nbare\n.\nend\r\n")
    + b"NOOP\r\nQUIT\r\n"
)


def test_pipelined_commands_and_text_in_one_receive() -> None:
    s = new_session()
    replies = s.receive(SMALL)
    assert statuses(replies) == ["250", "250", "250", "354", "250", "250", "221"]
    assert replies[-1].closes and s.closed
    assert without_trace(letters(s)[0]) == b"Subject: hi\r\n\r\n.dot\r\nbare\r\n.\r\nend\r\n"


def test_bytes_after_quit_are_neither_answered_nor_kept() -> None:
    s = new_session()
    assert statuses(s.receive(b"QUIT\r\nNOOP\r\n" + b"z" * 5000)) == ["221"]
    assert s.receive(b"NOOP\r\n") == [] and len(s._pending) == 0


def test_two_letters_pipelined_back_to_back() -> None:
    s = new_session()
    one = b"MAIL FROM:<>\r\nRCPT TO:<poluchatel>\r\nDATA\r\n" + stuffed(b"first\r\n")
    two = b"MAIL FROM:<>\r\nRCPT TO:<ne_skagu>\r\nDATA\r\n" + stuffed(b"second\r\n")
    assert statuses(s.receive(one + two)) == ["250", "250", "354", "250"] * 2
    assert without_trace(letters(s)[0]) == b"first\r\n"
    assert without_trace(letters(s, "ne_skagu")[0]) == b"second\r\n"


def outcome(chunks: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    s = new_session()
    replies = [reply.wire() for chunk in chunks for reply in s.receive(chunk)]
    return replies, letters(s)


def test_reads_split_at_every_byte_boundary_give_the_same_result() -> None:
    expected = outcome([SMALL])
    assert len(expected[1]) == 1
    for cut in range(1, len(SMALL)):
        assert outcome([SMALL[:cut], SMALL[cut:]]) == expected, cut
    assert outcome([SMALL[i : i + 1] for i in range(len(SMALL))]) == expected


def test_empty_letter_split_around_its_dot() -> None:
    wire = ENVELOPE + b"DATA\r\n.\r\nNOOP\r\n"
    expected = outcome([wire])
    assert [w[:3] for w in expected[0]] == [b"250", b"250", b"250", b"354", b"250", b"250"]
    start = wire.index(b"DATA\r\n") + 6
    for cut in range(start, start + 4):
        assert outcome([wire[:cut], wire[cut:]]) == expected


def test_both_paths_store_the_same_octets() -> None:
    text = stuffed(article_letter(CORRECTED) + b".\r\n..\r\n\r\ntail\n.\n\r\n")
    one, two = new_session(), new_session()
    wire = ENVELOPE + b"DATA\r\n" + text
    assert [r.wire() for r in via_bytes(one, wire)] == [r.wire() for r in via_lines(two, wire)]
    assert letters(one) == letters(two)
