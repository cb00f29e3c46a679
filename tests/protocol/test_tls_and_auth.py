"""STARTTLS/STLS and AUTH in the engines: TLS as a value, the session restart, SASL PLAIN and
LOGIN, the submission role; and property tests that no sequence raises and nothing is
delivered on submission without AUTH."""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.mail.store import MailStore
from tutor.protocol.pop3 import Pop3Session
from tutor.protocol.sasl import Exchange, b64decode_strict, plain_response
from tutor.protocol.session import TlsInfo
from tutor.protocol.smtp import SmtpSession

TLS = TlsInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384", "CN=localhost", "AB:CD")
PLAIN_OK = plain_response("ne_skagu", "secret")
PLAIN_BAD = plain_response("ne_skagu", "wrong")
USER_B64 = base64.b64encode(b"ne_skagu").decode()
PASS_B64 = base64.b64encode(b"secret").decode()


def new_store() -> MailStore:
    store = MailStore("server.ru")
    store.add_user("ne_skagu", "secret")
    store.add_user("poluchatel", "secret")
    return store


def smtp(role: str = "mx", **options: object) -> SmtpSession:
    return SmtpSession(new_store(), role=role, tls_available=True, **options)  # type: ignore[arg-type]


def say(session: SmtpSession | Pop3Session, line: str) -> str:
    (reply,) = session.handle(line)
    return reply.wire().decode()


def secured(session: SmtpSession) -> SmtpSession:
    say(session, "EHLO pc")
    (reply,) = session.handle("STARTTLS")
    assert reply.starts_tls
    session.tls_started(TLS)
    say(session, "EHLO pc")
    return session


# -- SASL ------------------------------------------------------------------------------------


def test_plain_response_is_base64_of_nul_separated_credentials() -> None:
    assert base64.b64decode(PLAIN_OK) == b"\0ne_skagu\0secret"
    step = Exchange("PLAIN").start(PLAIN_OK)
    assert (step.kind, step.user, step.password) == ("credentials", "ne_skagu", "secret")


def test_login_asks_for_name_then_password() -> None:
    exchange = Exchange("LOGIN")
    assert base64.b64decode(exchange.start(None).challenge) == b"Username:"
    assert base64.b64decode(exchange.feed(USER_B64).challenge) == b"Password:"
    step = exchange.feed(PASS_B64)
    assert (step.user, step.password) == ("ne_skagu", "secret")


def test_sasl_refuses_what_is_not_base64_and_takes_star_as_cancel() -> None:
    assert b64decode_strict("not base64!") is None
    assert b64decode_strict("=") == b""
    assert Exchange("PLAIN").feed("*").kind == "cancelled"
    assert Exchange("PLAIN").feed("%%%").kind == "malformed"
    assert Exchange("PLAIN").feed(base64.b64encode(b"no nuls").decode()).kind == "malformed"


# -- SMTP STARTTLS ---------------------------------------------------------------------------


def test_without_tls_support_starttls_and_auth_stay_502_as_in_2007() -> None:
    session = SmtpSession(new_store())
    ehlo = say(session, "EHLO pc")
    assert "STARTTLS" not in ehlo and "AUTH" not in ehlo
    assert say(session, "STARTTLS").startswith("502 ")
    assert say(session, "AUTH PLAIN " + PLAIN_OK).startswith("502 ")


def test_ehlo_offers_starttls_and_no_auth_before_tls() -> None:
    ehlo = say(smtp(), "EHLO pc")
    assert "250-STARTTLS" in ehlo
    assert "AUTH" not in ehlo


def test_starttls_answers_220_and_the_session_forgets_everything() -> None:
    session = smtp()
    say(session, "EHLO pc")
    (reply,) = session.handle("STARTTLS")
    assert reply.wire() == b"220 2.0.0 Ready to start TLS\r\n" and reply.starts_tls
    assert session.awaiting_tls
    session.tls_started(TLS)
    view = session.view()
    assert view.tls == TLS and view.helo is None and view.state == "greeting"
    ehlo = say(session, "EHLO pc")
    assert "STARTTLS" not in ehlo and "250-AUTH PLAIN LOGIN" in ehlo
    assert say(session, "STARTTLS").startswith("503 5.5.1 Error: TLS already active")


def test_starttls_takes_no_argument_and_not_inside_a_transaction() -> None:
    session = smtp()
    say(session, "EHLO pc")
    assert say(session, "STARTTLS now").startswith("501 ")
    say(session, "MAIL FROM:<ne_skagu@server.ru>")
    assert say(session, "STARTTLS").startswith("503 5.5.1 Error: MAIL transaction in progress")


def test_commands_pipelined_after_starttls_are_discarded() -> None:
    # RFC 3207 §4.2 (the STARTTLS command injection of 2011): clear text that follows
    # STARTTLS must never be read as if it came inside TLS.
    session = smtp()
    replies = session.receive(b"EHLO pc\r\nSTARTTLS\r\nMAIL FROM:<evil@x.example>\r\n")
    assert [r.status for r in replies] == ["250", "220"]
    assert session.receive(b"RCPT TO:<ne_skagu@server.ru>\r\n") == []
    session.tls_started(TLS)
    assert session.view().mail_from is None
    assert [r.status for r in session.receive(b"EHLO pc\r\n")] == ["250"]


# -- SMTP AUTH -------------------------------------------------------------------------------


def test_auth_before_tls_is_538() -> None:
    session = smtp()
    say(session, "EHLO pc")
    assert say(session, "AUTH PLAIN " + PLAIN_OK).startswith("538 5.7.11 ")


def test_auth_plain_with_initial_response() -> None:
    session = secured(smtp())
    assert say(session, "AUTH PLAIN " + PLAIN_OK) == "235 2.7.0 Authentication successful\r\n"
    assert session.view().authenticated_as == "ne_skagu"
    assert say(session, "AUTH PLAIN " + PLAIN_OK).startswith("503 5.5.1 Error: already")


def test_auth_plain_with_an_empty_challenge_and_cancel() -> None:
    session = secured(smtp())
    assert say(session, "AUTH PLAIN") == "334 \r\n"
    assert say(session, "*").startswith("501 5.7.0 ")
    assert say(session, "AUTH PLAIN") == "334 \r\n"
    assert say(session, PLAIN_OK).startswith("235 ")


def test_auth_login_step_by_step() -> None:
    session = secured(smtp())
    assert say(session, "auth login") == "334 VXNlcm5hbWU6\r\n"
    assert say(session, USER_B64) == "334 UGFzc3dvcmQ6\r\n"
    assert say(session, PASS_B64).startswith("235 ")


def test_a_wrong_password_and_an_unknown_user_get_the_same_535() -> None:
    wrong_password = say(secured(smtp()), "AUTH PLAIN " + PLAIN_BAD)
    unknown_user = say(secured(smtp()), "AUTH PLAIN " + plain_response("nobody", "secret"))
    assert wrong_password == unknown_user == "535 5.7.8 Error: authentication failed\r\n"


def test_auth_needs_ehlo_and_a_known_mechanism() -> None:
    session = smtp()
    session.tls_started(TLS)
    assert say(session, "AUTH PLAIN " + PLAIN_OK).startswith("503 5.5.1 Error: send HELO/EHLO")
    say(session, "EHLO pc")
    assert say(session, "AUTH CRAM-MD5").startswith("504 ")
    assert say(session, "AUTH PLAIN not-base64!").startswith("501 5.5.2 ")


def test_a_world_may_allow_auth_in_clear_text() -> None:
    session = smtp(auth_without_tls=True)
    assert "250-AUTH PLAIN LOGIN" in say(session, "EHLO pc")
    assert say(session, "AUTH PLAIN " + PLAIN_OK).startswith("235 ")


def test_starttls_forgets_an_earlier_auth() -> None:
    session = smtp(auth_without_tls=True)
    say(session, "EHLO pc")
    say(session, "AUTH PLAIN " + PLAIN_OK)
    say(session, "STARTTLS")
    session.tls_started(TLS)
    assert session.view().authenticated_as is None


# -- the submission role -----------------------------------------------------------------------


def test_submission_refuses_mail_before_starttls_then_before_auth() -> None:
    session = smtp("submission")
    say(session, "EHLO pc")
    assert say(session, "MAIL FROM:<ne_skagu@server.ru>").startswith(
        "530 5.7.0 Must issue a STARTTLS command first"
    )
    secured(session)
    assert say(session, "MAIL FROM:<ne_skagu@server.ru>").startswith(
        "530 5.7.0 Authentication required"
    )


def test_submission_after_auth_takes_any_domain_and_delivers_locally() -> None:
    session = secured(smtp("submission"))
    say(session, "AUTH PLAIN " + PLAIN_OK)
    assert say(session, "MAIL FROM:<ne_skagu@server.ru> AUTH=<>").startswith("250 ")
    outside = say(session, "RCPT TO:<friend@example.org>")
    assert outside.startswith("250 2.1.5 ") and "outside this world" in outside
    assert say(session, "RCPT TO:<poluchatel@server.ru>").startswith("250 ")
    say(session, "DATA")
    session.handle("Subject: hi")
    session.handle("")
    session.handle("hello")
    assert say(session, ".").startswith("250 2.0.0 Ok: queued")
    assert len(session.store.messages("poluchatel")) == 1
    assert session.view().role == "submission"


def test_mx_role_still_refuses_relaying_without_auth() -> None:
    session = smtp()
    say(session, "EHLO pc")
    say(session, "MAIL FROM:<ne_skagu@server.ru>")
    assert say(session, "RCPT TO:<friend@example.org>").startswith("550 5.7.1 ")


# -- POP3 STLS and AUTH -------------------------------------------------------------------------


def pop3(**options: object) -> Pop3Session:
    return Pop3Session(new_store(), timestamp="<1.1@server.ru>", tls_available=True, **options)  # type: ignore[arg-type]


def capa(session: Pop3Session) -> list[str]:
    (reply,) = session.handle("CAPA")
    return reply.body_lines()


def test_without_tls_support_capa_is_as_before_and_auth_is_refused() -> None:
    session = Pop3Session(new_store(), timestamp="<1.1@server.ru>")
    assert "STLS" not in capa(session) and not any(c.startswith("SASL") for c in capa(session))
    assert say(session, "STLS").startswith("-ERR ")
    assert say(session, "AUTH PLAIN " + PLAIN_OK).startswith("-ERR ")


def test_capa_offers_stls_and_sasl_and_stls_starts_tls() -> None:
    session = pop3()
    assert {"STLS", "SASL PLAIN", "USER"} <= set(capa(session))
    say(session, "USER ne_skagu")
    (reply,) = session.handle("STLS")
    assert reply.wire() == b"+OK Begin TLS negotiation\r\n" and reply.starts_tls
    session.tls_started(TLS)
    assert "STLS" not in capa(session)
    assert session.view().user is None  # forgotten, RFC 2595 §4
    assert say(session, "STLS").startswith("-ERR command not permitted when TLS active")


def test_auth_plain_logs_in_and_view_says_who() -> None:
    session = pop3()
    assert say(session, "AUTH PLAIN") == "+ \r\n"
    assert say(session, PLAIN_OK).startswith("+OK ne_skagu's maildrop has 0 messages")
    assert session.view().authenticated_as == "ne_skagu"


def test_pop3_auth_cancel_and_failure() -> None:
    session = pop3()
    say(session, "AUTH PLAIN")
    assert say(session, "*").startswith("-ERR authentication cancelled")
    assert say(session, "AUTH PLAIN " + PLAIN_BAD) == (
        "-ERR [AUTH] invalid user name or password\r\n"
    )


def test_plaintext_login_refused_before_tls_as_dovecot_does() -> None:
    session = pop3(plaintext_needs_tls=True)
    listed = capa(session)
    assert "USER" not in listed and "STLS" in listed
    assert "Plaintext authentication disallowed" in say(session, "USER ne_skagu")
    assert "Plaintext authentication disallowed" in say(session, "AUTH PLAIN " + PLAIN_OK)
    say(session, "STLS")
    session.tls_started(TLS)
    assert "USER" in capa(session)
    say(session, "USER ne_skagu")
    assert say(session, "PASS secret").startswith("+OK ")
    assert session.view().tls == TLS


# -- properties ----------------------------------------------------------------------------

SMTP_LINES = [
    "EHLO pc",
    "HELO pc",
    "STARTTLS",
    "STARTTLS x",
    "AUTH PLAIN " + PLAIN_OK,
    "AUTH PLAIN " + PLAIN_BAD,
    "AUTH PLAIN",
    "AUTH LOGIN",
    USER_B64,
    PASS_B64,
    PLAIN_OK,
    "*",
    "MAIL FROM:<ne_skagu@server.ru>",
    "RCPT TO:<poluchatel@server.ru>",
    "RCPT TO:<friend@example.org>",
    "DATA",
    "Subject: x",
    "",
    ".",
    "RSET",
    "QUIT",
]
TLS_NOW = "<tls handshake>"


def played(session, lines: list[str]):
    """Feed `lines` to `session` as a client would (TLS_NOW: the handshake, when one was asked
    for; nothing once it waits for TLS or has closed), yielding after each line it answered."""
    for line in lines:
        if line == TLS_NOW:
            if session.awaiting_tls:
                session.tls_started(TLS)
            continue
        if session.awaiting_tls or session.closed:
            continue
        for reply in session.handle(line):
            assert reply.wire().endswith(b"\r\n")
        yield line


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([*SMTP_LINES, TLS_NOW]), max_size=25),
    st.sampled_from(["mx", "submission"]),
    st.booleans(),
)
def test_smtp_no_sequence_raises_and_submission_needs_auth(
    lines: list[str], role: str, clear_auth: bool
) -> None:
    session = smtp(role, auth_without_tls=clear_auth)
    session.greeting()
    ever_authenticated = False
    for _ in played(session, lines):
        ever_authenticated |= session.view().authenticated_as is not None
    delivered = len(session.store.messages("poluchatel"))
    if role == "submission" and not ever_authenticated:
        assert delivered == 0


POP3_LINES = [
    "CAPA",
    "STLS",
    "USER ne_skagu",
    "PASS secret",
    "AUTH PLAIN",
    "AUTH PLAIN " + PLAIN_OK,
    PLAIN_OK,
    "*",
    "STAT",
    "QUIT",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*POP3_LINES, TLS_NOW]), max_size=20), st.booleans())
def test_pop3_no_sequence_raises_and_no_login_in_clear_when_refused(
    lines: list[str], needs_tls: bool
) -> None:
    session = pop3(plaintext_needs_tls=needs_tls)
    for _ in played(session, lines):
        view = session.view()
        if needs_tls and view.authenticated:
            assert view.tls is not None


def test_failed_auth_counts_for_throttling_like_pass() -> None:
    smtp_session = secured(smtp())
    say(smtp_session, "AUTH PLAIN " + PLAIN_BAD)
    pop3_session = pop3()
    say(pop3_session, "AUTH PLAIN " + PLAIN_BAD)
    assert smtp_session.failed_logins == pop3_session.failed_logins == 1
