"""SMTP engine, command by command: the article's dialogue, every reply code, lenient vs strict."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tutor.mail.store import MailStore
from tutor.mail.worlds import build_world
from tutor.protocol import smtp
from tutor.protocol.replies import ReplyKind
from tutor.protocol.smtp import SMTP_COMMANDS, SmtpSession

ARTICLE_TIME = datetime(2001, 11, 3, 16, 14, 46, tzinfo=timezone(timedelta(hours=3)))


def new_store(**options: object) -> MailStore:
    store = MailStore("server.ru", **options)  # type: ignore[arg-type]
    store.add_user("ne_skagu", "secret")
    store.add_user("poluchatel", "secret")
    return store


def session(strict: bool = False, **options: object) -> SmtpSession:
    return SmtpSession(new_store(strict=strict), clock=lambda: ARTICLE_TIME, **options)  # type: ignore[arg-type]


def run(s: SmtpSession, lines: list[str]) -> list[str]:
    """Feed lines, return the status of the (single) reply each command got, "" for none."""
    statuses = []
    for line in lines:
        replies = s.handle(line)
        assert len(replies) <= 1
        statuses.append(replies[0].status if replies else "")
    return statuses


def last(s: SmtpSession, lines: list[str]) -> str:
    """The wire text of the reply to the last line."""
    for line in lines[:-1]:
        s.handle(line)
    (reply,) = s.handle(lines[-1])
    return reply.wire().decode()


# -- the article's dialogue -----------------------------------------------------------------

ARTICLE_COMMANDS = [
    "mail from: ne_skagu@server.ru",
    "rcpt to: poluchatel@server.ru",
    "data",
    "date: sat, 3 nov 2001 16:14:46 +0300",
    "from: otpravitel",
    "to: poluchatel@server.ru",
    "subject: =?windows-1251?b?z/du9/lo8uug/fluiq==?=",
    "mime-version: 1.0",
    "content-type: text/plain; charset=windows-1251",
    "content-transfer-encoding: 8bit",
    "",
    "Привет.",
    "Это тестовое письмо.",
    "",
    ".",
    "quit",
]


def test_article_dialogue_gets_the_real_codes_not_220() -> None:
    s = session()
    assert s.greeting().wire() == b"220 mail.server.ru ESMTP mailtutor\r\n"
    statuses = [status for status in run(s, ARTICLE_COMMANDS) if status]
    assert statuses == ["250", "250", "354", "250", "221"]
    assert s.closed
    letters = s.store.messages("poluchatel")
    assert len(letters) == 1
    assert letters[0].data.startswith(b"Return-Path: <ne_skagu@server.ru>\r\nReceived: from ")


def test_state_names_follow_the_envelope() -> None:
    s = session()
    seen = [s.state_name]
    for line in ["EHLO client.example", "MAIL FROM:<a@b.example>", "RCPT TO:<poluchatel>", "DATA"]:
        s.handle(line)
        seen.append(s.state_name)
    assert seen == ["greeting", "ready", "mail", "rcpt", "data"]
    assert s.mode == "data"
    s.handle(".")
    assert (s.state_name, s.mode) == ("ready", "command")


def test_view_shows_the_envelope_so_far() -> None:
    s = session()
    run(s, ["EHLO pc.example", "MAIL FROM:<>", "RCPT TO:<poluchatel@server.ru>"])
    view = s.view()
    assert (view.state, view.helo, view.esmtp) == ("rcpt", "pc.example", True)
    assert view.mail_from == ""
    assert view.rcpt_to == ("poluchatel@server.ru",)
    assert view.delivered == () and not view.closed


# -- HELO and EHLO ----------------------------------------------------------------------------


def test_helo_answers_with_the_hostname() -> None:
    assert last(session(), ["HELO pc.example"]) == "250 mail.server.ru\r\n"
    assert last(session(hostname="smtp.test"), ["helo pc"]) == "250 smtp.test\r\n"


def test_ehlo_lists_the_extensions() -> None:
    s = session()
    (reply,) = s.handle("ehlo pc.example")
    assert reply.status == "250"
    assert reply.lines[0] == "mail.server.ru"
    assert set(reply.lines[1:]) >= {
        f"SIZE {s.store.max_message_size}",
        "8BITMIME",
        "PIPELINING",
        "HELP",
        "ENHANCEDSTATUSCODES",
    }
    assert reply.wire().endswith(b"250 HELP\r\n") and reply.wire().count(b"250-") == 5


@pytest.mark.parametrize("line", ["HELO", "EHLO", "helo   "])
def test_helo_without_a_name_is_501(line: str) -> None:
    assert last(session(), [line]).startswith("501 Syntax: ")


def test_helo_again_clears_the_envelope() -> None:
    s = session()
    run(s, ["EHLO a", "MAIL FROM:<x@y.example>", "RCPT TO:<poluchatel@server.ru>"])
    assert run(s, ["EHLO b"]) == ["250"]
    assert s.view().mail_from is None and s.view().helo == "b"
    assert run(s, ["RCPT TO:<poluchatel@server.ru>"]) == ["503"]


# -- the table of single replies --------------------------------------------------------------

# (lines before, line, expected reply on the wire (start), strict world)
REPLIES = [
    # ordinary answers
    ([], "NOOP", "250 2.0.0 Ok", False),
    ([], "noop anything at all", "250 2.0.0 Ok", False),
    ([], "RSET", "250 2.0.0 Ok", False),
    ([], "QUIT", "221 2.0.0 Bye", False),
    (["HELO a"], "MAIL FROM:<ne_skagu@server.ru>", "250 2.1.0 Ok", False),
    (["HELO a"], "MAIL FROM:<>", "250 2.1.0 Ok", True),
    (["HELO a"], "MAIL FROM:<a@b.example> SIZE=100 BODY=8BITMIME", "250 2.1.0 Ok", True),
    (["HELO a"], "mail from:<a@b.example> size=100 body=7bit", "250 2.1.0 Ok", True),
    (["HELO a"], "MAIL FROM:<@relay.example,@r2.example:a@b.example>", "250 2.1.0 Ok", True),
    (["HELO a"], 'MAIL FROM:<"john doe"@b.example>', "250 2.1.0 Ok", True),
    (["HELO a"], "MAIL FROM:<a@[192.0.2.1]>", "250 2.1.0 Ok", True),
    (["HELO a", "MAIL FROM:<>"], "RCPT TO:<poluchatel@server.ru>", "250 2.1.5 Ok", True),
    (["HELO a", "MAIL FROM:<>"], "RCPT TO:<POLUCHATEL@SERVER.RU>", "250 2.1.5 Ok", True),
    (["HELO a", "MAIL FROM:<>"], 'RCPT TO:<"poluchatel"@server.ru>', "250 2.1.5 Ok", True),
    (["HELO a", "MAIL FROM:<>"], "RCPT TO:<poluchatel@mail.server.ru>", "250 2.1.5 Ok", True),
    (["HELO a", "MAIL FROM:<>", "RCPT TO:<ne_skagu@server.ru>"], "DATA", "354 ", True),
    # 500: unknown command, empty line, command line over 512 octets
    ([], "LOOP", "500 5.5.2 Error: command not recognized", False),
    ([], "", "500 5.5.2 Error: bad syntax", False),
    ([], "NOOP " + "x" * 506, "500 5.5.2 Error: line too long", False),
    # 502: real SMTP, not offered here
    ([], "EXPN staff", "502 5.5.1 Error: command not implemented", False),
    ([], "TURN", "502 5.5.1 Error: command not implemented", False),
    ([], "STARTTLS", "502 5.5.1 Error: command not implemented", False),
    ([], "AUTH PLAIN", "502 5.5.1 Error: command not implemented", False),
    # 501: syntax
    (["HELO a"], "MAIL", "501 5.5.4 Syntax: MAIL FROM:<address>", False),
    (["HELO a"], "MAIL TO:<a@b.example>", "501 5.5.4 Syntax: MAIL FROM:<address>", False),
    (["HELO a"], "MAIL FROM:", "501 5.5.4 Syntax: MAIL FROM:<address>", False),
    (["HELO a"], "MAIL FROM:<a@@b>", "501 5.1.7 Bad sender address syntax", False),
    (["HELO a"], "MAIL FROM:<a b@c.example>", "501 5.1.7", False),
    (["HELO a"], "MAIL FROM:<a@b.example>junk", "501 5.1.7", False),
    (["HELO a"], "MAIL FROM:<a@-bad-.example>", "501 5.1.7", False),
    (["HELO a"], "MAIL FROM:<a@b.example> SIZE=lots", "501 5.5.4 Bad message size syntax", False),
    (["HELO a"], "MAIL FROM:<a@b.example> BODY=BINARYMIME", "501 5.5.4 Bad BODY keyword", False),
    (["HELO a"], "MAIL FROM:<a@b.example> =x", "501 5.5.4 Bad parameter syntax", False),
    (["HELO a"], "MAIL FROM:<" + "a" * 250 + "@b.example>", "501 5.5.4 Error: address too", False),
    (["HELO a", "MAIL FROM:<>"], "RCPT", "501 5.5.4 Syntax: RCPT TO:<address>", False),
    (["HELO a", "MAIL FROM:<>"], "RCPT TO:<>", "501 5.1.3 Bad recipient address syntax", False),
    (["HELO a", "MAIL FROM:<>"], "RCPT TO:<a..b@server.ru>", "501 5.1.3", False),
    (
        ["HELO a", "MAIL FROM:<>", "RCPT TO:<poluchatel>"],
        "DATA now",
        "501 5.5.4 Syntax: DATA",
        False,
    ),
    ([], "RSET everything", "501 5.5.4 Syntax: RSET", False),
    ([], "VRFY", "501 5.5.4 Syntax: VRFY address", False),
    # 555: ESMTP parameters not offered
    (["HELO a"], "MAIL FROM:<a@b.example> SMTPUTF8", "555 5.5.4 Unsupported option", False),
    (["HELO a", "MAIL FROM:<>"], "RCPT TO:<poluchatel> NOTIFY=NEVER", "555 5.5.4", False),
    # 552: SIZE over the limit is refused at MAIL
    (["EHLO a"], "MAIL FROM:<a@b.example> SIZE=99999999", "552 5.3.4 Message size exceeds", False),
    # 503: out of sequence
    (["HELO a"], "RCPT TO:<poluchatel@server.ru>", "503 5.5.1 Error: need MAIL command", False),
    ([], "RCPT TO:<poluchatel@server.ru>", "503 5.5.1 Error: need MAIL command", False),
    (["HELO a"], "DATA", "503 5.5.1 Error: need MAIL command", False),
    (["HELO a", "MAIL FROM:<>"], "DATA", "503 5.5.1 Error: need RCPT command", False),
    (["HELO a", "MAIL FROM:<>"], "MAIL FROM:<>", "503 5.5.1 Error: nested MAIL command", False),
    (["HELO a", "MAIL FROM:<>", "RCPT TO:<nobody>"], "DATA", "503 5.5.1 Error: need RCPT", False),
    # 550: unknown local user, foreign domain
    (
        ["HELO a", "MAIL FROM:<>"],
        "RCPT TO:<nobody@server.ru>",
        "550 5.1.1 <nobody@server.ru>: Recipient address rejected: User unknown",
        False,
    ),
    (
        ["HELO a", "MAIL FROM:<>"],
        "RCPT TO:<friend@example.org>",
        "550 5.7.1 <friend@example.org>: Relay access denied",
        False,
    ),
    # VRFY tells the truth the way RCPT would
    ([], "VRFY poluchatel", "250 2.1.5 <poluchatel@server.ru>", False),
    ([], "VRFY <ne_skagu@server.ru>", "250 2.1.5 <ne_skagu@server.ru>", False),
    ([], "VRFY Ne Skagu <ne_skagu@server.ru>", "250 2.1.5 <ne_skagu@server.ru>", False),
    ([], "VRFY nobody", "550 5.1.1 <nobody@server.ru>", False),
    ([], "VRFY friend@example.org", "550 5.7.1 <friend@example.org>: Relay access", False),
    ([], "VRFY a@@b", "501 5.5.4 Syntax: VRFY address", False),
    # HELP
    ([], "HELP", "214-2.0.0 ", False),
    ([], "help rcpt", "214-2.0.0 RCPT TO:<address>", False),
    ([], "HELP LOOP", "504 5.5.1 ", False),
]


@pytest.mark.parametrize(("before", "line", "expected", "strict"), REPLIES)
def test_reply(before: list[str], line: str, expected: str, strict: bool) -> None:
    assert last(session(strict=strict), [*before, line]).startswith(expected)


def test_220_is_never_the_answer_to_a_command() -> None:
    for before, line, _, strict in REPLIES:
        s = session(strict=strict)
        for text in [*before, line]:
            assert all(reply.status != "220" for reply in s.handle(text))


def test_reply_kinds() -> None:
    s = session()
    assert s.handle("NOOP")[0].kind is ReplyKind.OK
    assert s.handle("FOO")[0].kind is ReplyKind.ERROR
    run(s, ["MAIL FROM:<>", "RCPT TO:<poluchatel>"])
    assert s.handle("DATA")[0].kind is ReplyKind.INTERMEDIATE
    s2 = session(max_recipients=0)
    s2.handle("MAIL FROM:<>")
    assert s2.handle("RCPT TO:<poluchatel>")[0].kind is ReplyKind.TRANSIENT


def test_every_2xx_4xx_5xx_after_ehlo_carries_an_enhanced_code() -> None:
    import re

    enhanced = re.compile(r"^[245]\.\d{1,3}\.\d{1,3} ")
    for before, line, _, strict in REPLIES:
        s = session(strict=strict)
        for text in [*before, line]:
            for reply in s.handle(text):
                if text.split()[:1] in (["HELO"], ["EHLO"], ["helo"]) or reply.status == "354":
                    continue
                assert all(enhanced.match(part) for part in reply.lines), (text, reply)


def test_errors_leave_the_session_usable() -> None:
    s = session()
    statuses = run(
        s,
        [
            "FOO",
            "NOOP " + "x" * 600,
            "MAIL FROM:<a@@b>",
            "RCPT TO:<x@server.ru>",
            "DATA",
            "MAIL FROM:<ne_skagu@server.ru>",
            "RCPT TO:<friend@example.org>",
            "RCPT TO:<poluchatel@server.ru>",
            "DATA",
            "hello",
            ".",
        ],
    )
    assert statuses == ["500", "500", "501", "503", "503", "250", "550", "250", "354", "", "250"]
    assert len(s.store.messages("poluchatel")) == 1


# -- lenient (the default, like Postfix) and strict ---------------------------------------------

# line after the prefix, reply in a lenient world, reply in a strict world
LENIENCY = [
    ([], "mail from: ne_skagu@server.ru", "250", "503"),  # no HELO, no brackets: the article
    ([], "MAIL FROM:<ne_skagu@server.ru>", "250", "503"),  # no HELO
    (["HELO a"], "mail from: ne_skagu@server.ru", "250", "501"),  # no brackets
    (["HELO a"], "MAIL FROM: <ne_skagu@server.ru>", "250", "250"),  # a space is tolerated
    (["HELO a"], "MAIL FROM:<ne_skagu>", "250", "501"),  # no domain
    (["HELO a", "MAIL FROM:<>"], "rcpt to: poluchatel@server.ru", "250", "501"),
    (["HELO a", "MAIL FROM:<>"], "RCPT TO:<poluchatel>", "250", "501"),
    # RFC 5321 §4.5.1: postmaster is always accepted, even without a domain in strict mode
    (["HELO a", "MAIL FROM:<>"], "RCPT TO:<postmaster>", "250", "250"),
]


@pytest.mark.parametrize(("before", "line", "lenient", "strict"), LENIENCY)
def test_lenient_and_strict(before: list[str], line: str, lenient: str, strict: str) -> None:
    assert run(session(strict=False), [*before, line])[-1] == lenient
    assert run(session(strict=True), [*before, line])[-1] == strict


def test_strict_follows_the_world_unless_overridden() -> None:
    assert SmtpSession(new_store(strict=True)).strict
    assert not SmtpSession(new_store(strict=True), strict=False).strict
    assert SmtpSession(new_store(), strict=True).handle("MAIL FROM:<a@b.c>") == [smtp.R_NEED_HELO]


def test_lenient_addresses_get_the_local_domain() -> None:
    s = session()
    run(s, ["mail from: ne_skagu", "rcpt to: poluchatel"])
    assert s.view().mail_from == "ne_skagu@server.ru"
    assert s.view().rcpt_to == ("poluchatel@server.ru",)


# -- recipients ---------------------------------------------------------------------------------


def test_100_recipients_then_452() -> None:
    s = session()
    run(s, ["EHLO a", "MAIL FROM:<>"])
    statuses = run(s, ["RCPT TO:<poluchatel@server.ru>"] * 101)
    assert statuses == ["250"] * 100 + ["452"]
    assert s.handle("RCPT TO:<poluchatel>")[0].text == "4.5.3 Error: too many recipients"
    # the envelope still works: DATA delivers one copy (the same mailbox named 100 times)
    assert run(s, ["DATA", "Subject: many", "", "hi", "."]) == ["354", "", "", "", "250"]
    assert len(s.store.messages("poluchatel")) == 1


def test_max_recipients_is_configurable() -> None:
    s = session(max_recipients=2)
    statuses = run(
        s, ["MAIL FROM:<>", "RCPT TO:<poluchatel>", "RCPT TO:<ne_skagu>", "RCPT TO:<poluchatel>"]
    )
    assert statuses == ["250", "250", "250", "452"]


def test_rejected_recipients_are_not_in_the_envelope() -> None:
    s = session()
    run(s, ["MAIL FROM:<>", "RCPT TO:<nobody>", "RCPT TO:<x@example.org>", "RCPT TO:<ne_skagu>"])
    assert s.view().rcpt_to == ("ne_skagu@server.ru",)


# -- RSET, QUIT, abort ------------------------------------------------------------------------


def test_rset_drops_the_envelope_but_keeps_the_greeting() -> None:
    s = session()
    run(s, ["EHLO pc", "MAIL FROM:<a@b.example>", "RCPT TO:<poluchatel>"])
    assert run(s, ["RSET"]) == ["250"]
    view = s.view()
    assert (view.state, view.mail_from, view.rcpt_to, view.helo) == ("ready", None, (), "pc")
    assert run(s, ["DATA", "MAIL FROM:<a@b.example>"]) == ["503", "250"]


def test_quit_closes_and_nothing_more_is_answered() -> None:
    s = session()
    (reply,) = s.handle("QUIT")
    assert reply.closes and s.closed and s.view().closed
    assert s.handle("NOOP") == []


def test_abort_in_the_middle_of_a_letter_delivers_nothing() -> None:
    s = session()
    run(s, ["EHLO pc", "MAIL FROM:<a@b.example>", "RCPT TO:<poluchatel>", "DATA", "Subject: x"])
    s.abort()
    assert s.closed and s.mode == "command"
    assert s.store.messages("poluchatel") == []
    assert s.view().mail_from is None


# -- HELP and the command reference --------------------------------------------------------------


def test_help_lists_every_command_and_explains_one() -> None:
    s = session()
    (overview,) = s.handle("HELP")
    assert overview.status == "214"
    assert all(keyword in overview.text for keyword in SmtpSession.keywords())
    (mail,) = s.handle("help Mail")
    assert mail.status == "214"
    assert "MAIL FROM:<address>" in mail.text and "sender" in mail.text


def test_keywords_and_the_command_reference_agree() -> None:
    keywords = SmtpSession.keywords()
    assert keywords == (
        "HELO",
        "EHLO",
        "MAIL",
        "RCPT",
        "DATA",
        "STARTTLS",
        "AUTH",
        "RSET",
        "NOOP",
        "VRFY",
        "HELP",
        "QUIT",
    )
    assert tuple(row.keyword for row in SMTP_COMMANDS) == keywords
    rows = {row.keyword: row for row in SMTP_COMMANDS}
    assert rows["MAIL"].article_name == "mail from:"
    assert rows["RCPT"].article_name == "rcpt to:"
    assert rows["DATA"].states == ("rcpt",)
    assert rows["RCPT"].states == ("mail", "rcpt")
    for row in SMTP_COMMANDS:
        assert row.rfc.startswith("RFC ") and " §" in row.rfc and row.summary and row.syntax
        assert row.replies and all(form[:3].isdigit() for form in row.replies)
        # 220 is the greeting's code, and STARTTLS's (RFC 3207 §4), and nobody else's
        assert ("220" in (form[:3] for form in row.replies)) is (row.keyword == "STARTTLS")


def test_state_table_lines_name_every_state() -> None:
    text = "\n".join(smtp.state_table_lines())
    for state in ("greeting", "ready", "mail", "rcpt", "data"):
        assert state in text
    assert "lenient also: MAIL" in text


@pytest.mark.parametrize(
    "address", ["<postmaster@server.ru>", "<Postmaster>", "<POSTMASTER@server.ru>"]
)
def test_mail_for_postmaster_is_always_accepted(address: str) -> None:
    # RFC 5321 §4.5.1: every server must accept mail for postmaster. The article world has no
    # such user, so its first user reads that mail.
    store = build_world("strict")
    session = SmtpSession(store)
    session.greeting()
    for line in ("EHLO client.example", "MAIL FROM:<a@example.org>", f"RCPT TO:{address}"):
        assert session.handle(line)[-1].code == 250, line
    session.handle("DATA")
    for line in ("Subject: hello postmaster", "", "hi", "."):
        replies = session.handle(line)
    assert replies[-1].code == 250
    assert store.messages("ne_skagu")[-1].subject == "hello postmaster"


def test_a_world_can_name_its_postmaster() -> None:
    store = build_world({"base": "empty", "postmaster": "poluchatel"})
    assert store.recipient("postmaster").name == "poluchatel"
    assert store.recipient("nobody") is None
    with pytest.raises(ValueError, match="postmaster"):
        build_world({"base": "empty", "postmaster": "nobody"})
