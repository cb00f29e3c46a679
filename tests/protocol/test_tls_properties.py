"""Property tests of the TLS-era states as the TCP adapter drives them: commands arrive as bytes
(pipelined, cut anywhere), the handshake completes between reads. Whatever the order: nothing
raises, AUTH (SMTP) and passwords (POP3, where refused in clear) are not offered before TLS, no
reply follows a STARTTLS/STLS in the same read, TLS forgets the clear-text session, and on
submission no letter is accepted unless its session authenticated (inside TLS, unless the world
allows clear-text AUTH)."""

from __future__ import annotations

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from tutor.protocol.pop3 import Pop3Session
from tutor.protocol.replies import Reply
from tutor.protocol.smtp import SmtpSession

from .test_tls_and_auth import PLAIN_OK, POP3_LINES, SMTP_LINES, TLS, pop3, smtp

SETTINGS = settings(max_examples=150, deadline=None)
HANDSHAKE = None  # a step that completes the TLS handshake, if one was asked for


#: whole steps, so that random scripts reach TLS, AUTH and delivery often enough
SMTP_STEPS = [
    "EHLO pc\r\nSTARTTLS",
    "EHLO pc\r\nAUTH PLAIN " + PLAIN_OK,
    "MAIL FROM:<ne_skagu@server.ru>\r\nRCPT TO:<poluchatel@server.ru>\r\nDATA\r\n"
    "Subject: x\r\n\r\ntext\r\n.",
]
POP3_STEPS = ["CAPA\r\nSTLS", "USER ne_skagu\r\nPASS secret", "AUTH PLAIN " + PLAIN_OK]
SMTP_WIRE_LINES = [
    *SMTP_LINES,
    "MAIL FROM:<ne_skagu@server.ru> AUTH=<>",
    "EHLO other",
    "NOOP",
]


#: what a well-behaved client sends: EHLO and STARTTLS, the handshake, EHLO and AUTH, a letter
HONEST_SUBMISSION: list[bytes | None] = [
    SMTP_STEPS[0].encode() + b"\r\n",
    HANDSHAKE,
    *(step.encode() + b"\r\n" for step in SMTP_STEPS[1:]),
]


@st.composite
def cut_in_two(draw: st.DrawFn, lines: list[str]) -> list[bytes]:
    """A few lines pipelined in one write, cut in two at a random place."""
    chosen = draw(st.lists(st.sampled_from(lines), min_size=1, max_size=4))
    data = b"".join(line.encode() + b"\r\n" for line in chosen)
    at = draw(st.integers(0, len(data)))
    return [data[:at], data[at:]]


def reads(lines: list[str], steps: list[str]) -> st.SearchStrategy[list[bytes | None]]:
    """What a client sends, write by write, with the handshake finishing (HANDSHAKE) between:
    single lines, and whole steps (STARTTLS, AUTH, a transaction) as often as the rest."""
    step = st.one_of(cut_in_two(lines), cut_in_two(steps), st.just([HANDSHAKE]))
    return st.lists(step, max_size=12).map(lambda steps: [piece for s in steps for piece in s])


def ehlo_keywords(reply: Reply) -> list[str] | None:
    """The extension keywords of an EHLO reply (None for any other reply)."""
    lines = reply.wire().decode().split("\r\n")[:-1]
    if reply.status != "250" or len(lines) < 2 or "PIPELINING" not in reply.wire().decode():
        return None
    return [line[4:].split(" ")[0].upper() for line in lines[1:]]


@SETTINGS
@example(HONEST_SUBMISSION, "submission", False)  # every run sees a letter submitted in TLS
@given(reads(SMTP_WIRE_LINES, SMTP_STEPS), st.sampled_from(["mx", "submission"]), st.booleans())
def test_smtp_over_the_wire(pieces: list[bytes | None], role: str, clear_auth: bool) -> None:
    session: SmtpSession = smtp(role, auth_without_tls=clear_auth)
    session.greeting()
    for piece in pieces:
        if piece is HANDSHAKE:
            if session.awaiting_tls:
                session.tls_started(TLS)
                view = session.view()  # RFC 3207 §4.2: nothing learnt in clear text survives
                assert view.authenticated_as is None and view.mail_from is None
                assert not view.rcpt_to and session.mode == "command"
            continue
        secure = session.tls is not None
        delivered_before = len(session.view().delivered)
        replies = session.receive(piece)
        for index, reply in enumerate(replies):
            assert reply.wire().endswith(b"\r\n") and reply.status[:1] in "2345"
            if reply.starts_tls:
                assert index == len(replies) - 1  # nothing read after STARTTLS is answered
            keywords = ehlo_keywords(reply)
            if keywords is not None:
                assert ("AUTH" in keywords) == (secure or clear_auth)
                assert ("STARTTLS" in keywords) == (not secure)
        view = session.view()
        if view.authenticated_as is not None and not clear_auth:
            assert secure  # AUTH succeeds only inside TLS
        if len(view.delivered) > delivered_before:
            event(f"{role}: delivered, TLS {secure}")
        if role == "submission" and len(view.delivered) > delivered_before:
            assert view.authenticated_as is not None
            assert secure or clear_auth
        if session.closed:
            break


def test_the_honest_submission_delivers_inside_tls() -> None:
    session = smtp("submission")
    session.greeting()
    for piece in HONEST_SUBMISSION:
        if piece is HANDSHAKE:
            session.tls_started(TLS)
        else:
            session.receive(piece)
    view = session.view()
    assert view.tls == TLS and view.authenticated_as == "ne_skagu" and len(view.delivered) == 1


def pop3_capabilities(reply: Reply) -> list[str] | None:
    body = reply.body_lines() if reply.body is not None else []
    return body if "IMPLEMENTATION mailtutor" in body else None


@SETTINGS
@given(reads([*POP3_LINES, "LIST", "RETR 1", "AUTH", "CAPA"], POP3_STEPS), st.booleans())
def test_pop3_over_the_wire(pieces: list[bytes | None], needs_tls: bool) -> None:
    session: Pop3Session = pop3(plaintext_needs_tls=needs_tls)
    session.store.deliver("ne_skagu", b"Subject: hi\r\n\r\nhello\r\n")
    session.greeting()
    for piece in pieces:
        if piece is HANDSHAKE:
            if session.awaiting_tls:
                session.tls_started(TLS)
                assert session.view().user is None  # RFC 2595 §4: USER is forgotten
            continue
        secure = session.tls is not None
        was_logged_in = session.view().authenticated
        replies = session.receive(piece)
        # the state during this read: TLS could not change; a login could, but not be undone
        in_authorization = not session.view().authenticated
        for index, reply in enumerate(replies):
            assert reply.wire().endswith(b"\r\n")
            if reply.starts_tls:
                assert index == len(replies) - 1
                assert not was_logged_in  # STLS only in AUTHORIZATION
            listed = pop3_capabilities(reply)
            if listed is not None:
                if secure or was_logged_in:
                    assert "STLS" not in listed
                elif in_authorization:
                    assert "STLS" in listed
                if needs_tls and not secure:
                    assert "USER" not in listed and not any(c.startswith("SASL") for c in listed)
        if needs_tls and session.view().authenticated:
            assert secure
        if session.closed:
            break
    session.abort()
    assert not session.store.is_locked("ne_skagu")
