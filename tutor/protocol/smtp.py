"""The SMTP engine: RFC 5321 as a receiving server, with SIZE (RFC 1870), 8BITMIME (RFC 6152),
PIPELINING (RFC 2920), enhanced status codes (RFC 2034, RFC 3463), STARTTLS (RFC 3207) and AUTH
PLAIN/LOGIN (RFC 4954) for message submission (RFC 6409).

Theory of operation: an `SmtpSession` is fed command lines and answers with `Reply` values. The
envelope decides the state, as RFC 5321 §3.3 describes the mail transaction:

    greeting --HELO/EHLO--> ready --MAIL--> mail --RCPT--> rcpt --DATA (354)--> data
    data --CRLF.CRLF (250, 500 or 552)--> ready          any --RSET/HELO/EHLO--> ready
    (ready means "greeting" again while no HELO/EHLO has come: a lenient MAIL skips it)

Which command is in sequence where lives in one table, `STATE_COMMANDS`; `handle()` consults it
before a command runs, so every 503 comes from one place, and the help screen prints the table
the engine obeys. A lenient session (the default, like Postfix) also takes MAIL before HELO and
addresses without angle brackets, as the article's dialogue does; `strict=True` refuses both.

Message text comes in two ways that behave identically: `handle(line)` one line at a time (the
TUI), and `receive(bytes)` whose data mode takes the body as one buffer (the TCP server; see
`receive_data`). Only CRLF "." CRLF ends the text: a dot between bare line feeds is message text,
which is what keeps SMTP smuggling out. At the end of the data the letter gets `Return-Path:` and
`Received:` on top and lands in every local recipient's maildrop before the 250 is sent: in all
of them or in none (451, or 552 when one is full), and with a CRLF end on every line (the store
normalises bare LF and lone CR; see tutor.mail.store.normalize_crlf for why).

Every 2xx, 4xx and 5xx reply except the greeting and the answers to HELO/EHLO carries an enhanced
status code (RFC 2034 §3), which is why EHLO may announce ENHANCEDSTATUSCODES.

A session plays one of two roles. The "mx" role is a relay's port 25: anyone may send, but only
to local users (550 5.7.1 relay denied otherwise) unless AUTH has been given. The "submission"
role is port 587 or 465 (RFC 6409, RFC 8314): MAIL needs AUTH first (530 5.7.0), and an
authenticated user may address anyone; mail for another domain is accepted and then stays in
this world, which has no outside world, as the RCPT reply says. AUTH is offered only inside TLS
unless the world allows clear-text AUTH (RFC 4954 §4 discourages it; one lesson shows why).
STARTTLS is answered 220 and then the session forgets everything, HELO and AUTH included
(RFC 3207 §4.2); the TCP adapter does the handshake, the TUI simulates it.
"""

from __future__ import annotations

import email
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.policy import compat32
from email.utils import format_datetime
from functools import partial
from typing import ClassVar

from .headers import decode_header_text
from .maildrop import MaildropError, MaildropFull, Maildrops
from .replies import Reply, decode_for_display, dot_unstuff
from .sasl import MECHANISMS, Exchange, Step
from .session import CommandHelp, DeliveredView, Session, SmtpView, as_text, command_help

# -- limits (RFC 5321 §4.5.3.1), named as aiosmtpd names its own ------------------------------

#: longest command line, CRLF included (RFC 5321 §4.5.3.1.4)
MAX_COMMAND_LINE = 512
#: longest line of message text, CRLF included, stuffed dot not counted (§4.5.3.1.6)
MAX_TEXT_LINE = 1000
#: recipients per message; §4.5.3.1.8 says a server must take at least 100
MAX_RECIPIENTS = 100
#: longest reverse- or forward-path, angle brackets included (§4.5.3.1.3)
MAX_PATH = 256
#: how many delivered letters a session remembers for view(); a long TCP session stays bounded
DELIVERED_HISTORY = 200
#: how much of a delivered letter's header block is kept for view() (subject decoding)
_HEAD_KEPT = 8192

# -- reply codes (RFC 5321 §4.2.2, §4.2.3) --------------------------------------------------

HELP_MESSAGE = 214
SERVICE_READY = 220
CLOSING = 221
AUTH_SUCCEEDED = 235
OK = 250
AUTH_CHALLENGE = 334
START_MAIL_INPUT = 354
LOCAL_ERROR = 451
INSUFFICIENT_STORAGE = 452  # also "too many recipients" (§4.5.3.1.10)
SYNTAX_ERROR = 500  # command unrecognized, or line too long
PARAMETER_SYNTAX_ERROR = 501
NOT_IMPLEMENTED = 502
BAD_SEQUENCE = 503
PARAMETER_NOT_IMPLEMENTED = 504
AUTH_REQUIRED = 530
AUTH_FAILED = 535
ENCRYPTION_REQUIRED = 538
MAILBOX_UNAVAILABLE = 550
EXCEEDED_STORAGE = 552
PARAMETERS_NOT_RECOGNIZED = 555


def _reply(code: int, text: str, *, closes: bool = False) -> Reply:
    return Reply(str(code), (text,), None, closes)


# The fixed replies, built once: handle() returns these very objects (no allocation per command).
# Texts follow Postfix's, so what a learner sees here is what a real server says.
R_OK = _reply(OK, "2.0.0 Ok")
R_SENDER_OK = _reply(OK, "2.1.0 Ok")
R_RECIPIENT_OK = _reply(OK, "2.1.5 Ok")
R_BYE = _reply(CLOSING, "2.0.0 Bye", closes=True)
R_START_DATA = _reply(START_MAIL_INPUT, "End data with <CR><LF>.<CR><LF>")
R_UNKNOWN_COMMAND = _reply(SYNTAX_ERROR, "5.5.2 Error: command not recognized")
R_EMPTY_COMMAND = _reply(SYNTAX_ERROR, "5.5.2 Error: bad syntax")
R_COMMAND_TOO_LONG = _reply(SYNTAX_ERROR, "5.5.2 Error: line too long")
R_TEXT_LINE_TOO_LONG = _reply(
    SYNTAX_ERROR, "5.6.0 Error: line too long in message text (over 1000 octets); not delivered"
)
# Postfix answers 502 for commands it knows but does not offer (STARTTLS without TLS, EXPN...),
# and RFC 5321 §4.2.4 reserves 502 for "command not implemented": the client learns the verb is
# real SMTP, just not available here.
R_NOT_IMPLEMENTED = _reply(NOT_IMPLEMENTED, "5.5.1 Error: command not implemented")
R_HELO_SYNTAX = _reply(PARAMETER_SYNTAX_ERROR, "Syntax: HELO hostname")
R_EHLO_SYNTAX = _reply(PARAMETER_SYNTAX_ERROR, "Syntax: EHLO hostname")
R_MAIL_SYNTAX = _reply(PARAMETER_SYNTAX_ERROR, "5.5.4 Syntax: MAIL FROM:<address>")
R_MAIL_BRACKETS = _reply(
    PARAMETER_SYNTAX_ERROR, "5.5.4 Syntax: MAIL FROM:<address> (angle brackets required)"
)
R_RCPT_SYNTAX = _reply(PARAMETER_SYNTAX_ERROR, "5.5.4 Syntax: RCPT TO:<address>")
R_RCPT_BRACKETS = _reply(
    PARAMETER_SYNTAX_ERROR, "5.5.4 Syntax: RCPT TO:<address> (angle brackets required)"
)
R_BAD_SENDER = _reply(PARAMETER_SYNTAX_ERROR, "5.1.7 Bad sender address syntax")
R_BAD_RECIPIENT = _reply(PARAMETER_SYNTAX_ERROR, "5.1.3 Bad recipient address syntax")
R_PATH_TOO_LONG = _reply(PARAMETER_SYNTAX_ERROR, "5.5.4 Error: address too long (over 256 octets)")
R_DATA_SYNTAX = _reply(PARAMETER_SYNTAX_ERROR, "5.5.4 Syntax: DATA")
R_RSET_SYNTAX = _reply(PARAMETER_SYNTAX_ERROR, "5.5.4 Syntax: RSET")
R_VRFY_SYNTAX = _reply(PARAMETER_SYNTAX_ERROR, "5.5.4 Syntax: VRFY address")
R_BAD_SIZE = _reply(PARAMETER_SYNTAX_ERROR, "5.5.4 Bad message size syntax")
R_BAD_BODY = _reply(PARAMETER_SYNTAX_ERROR, "5.5.4 Bad BODY keyword (use 7BIT or 8BITMIME)")
R_BAD_PARAMETER = _reply(PARAMETER_SYNTAX_ERROR, "5.5.4 Bad parameter syntax")
R_UNSUPPORTED_OPTION = _reply(PARAMETERS_NOT_RECOGNIZED, "5.5.4 Unsupported option")
R_NEED_HELO = _reply(BAD_SEQUENCE, "5.5.1 Error: send HELO/EHLO first")
R_NESTED_MAIL = _reply(BAD_SEQUENCE, "5.5.1 Error: nested MAIL command")
R_NEED_MAIL = _reply(BAD_SEQUENCE, "5.5.1 Error: need MAIL command")
# RFC 5321 §3.3 allows 503 or 554 for DATA without an accepted recipient; 503 because the client
# has simply not got that far yet, and the text names the missing step.
R_NEED_RCPT = _reply(BAD_SEQUENCE, "5.5.1 Error: need RCPT command")
R_HELP_UNKNOWN = _reply(PARAMETER_NOT_IMPLEMENTED, "5.5.1 No help for that; HELP lists commands")
R_TOO_MANY_RECIPIENTS = _reply(INSUFFICIENT_STORAGE, "4.5.3 Error: too many recipients")
R_SIZE_EXCEEDS_LIMIT = _reply(EXCEEDED_STORAGE, "5.3.4 Message size exceeds fixed limit")
R_MESSAGE_TOO_BIG = _reply(EXCEEDED_STORAGE, "5.3.4 Error: message file too big; not delivered")
R_LOCAL_ERROR = _reply(LOCAL_ERROR, "4.3.0 Error: local delivery failed, try again later")

# STARTTLS (RFC 3207) and AUTH (RFC 4954); texts as Postfix words them.
R_READY_FOR_TLS = Reply(str(SERVICE_READY), ("2.0.0 Ready to start TLS",), starts_tls=True)
R_STARTTLS_SYNTAX = _reply(PARAMETER_SYNTAX_ERROR, "5.5.4 Syntax: STARTTLS")
R_TLS_ALREADY_ACTIVE = _reply(BAD_SEQUENCE, "5.5.1 Error: TLS already active")
R_TRANSACTION_IN_PROGRESS = _reply(BAD_SEQUENCE, "5.5.1 Error: MAIL transaction in progress")
R_AUTH_SYNTAX = _reply(PARAMETER_SYNTAX_ERROR, "5.5.4 Syntax: AUTH mechanism [initial-response]")
R_AUTH_UNKNOWN_MECHANISM = _reply(
    PARAMETER_NOT_IMPLEMENTED, "5.5.4 Error: unsupported authentication mechanism"
)
R_AUTH_ALREADY = _reply(BAD_SEQUENCE, "5.5.1 Error: already authenticated")
R_AUTH_NEEDS_TLS = _reply(
    ENCRYPTION_REQUIRED, "5.7.11 Encryption required for requested authentication mechanism"
)
R_AUTH_OK = _reply(AUTH_SUCCEEDED, "2.7.0 Authentication successful")
# One text for a wrong user and a wrong password: a failure reveals neither (RFC 4954 §6).
R_AUTH_INVALID = _reply(AUTH_FAILED, "5.7.8 Error: authentication failed")
R_AUTH_CANCELLED = _reply(PARAMETER_SYNTAX_ERROR, "5.7.0 Error: authentication aborted")
R_AUTH_MALFORMED = _reply(
    PARAMETER_SYNTAX_ERROR, "5.5.2 Error: malformed authentication response (not base64?)"
)
R_NEED_STARTTLS = _reply(AUTH_REQUIRED, "5.7.0 Must issue a STARTTLS command first")
R_NEED_AUTH = _reply(AUTH_REQUIRED, "5.7.0 Authentication required")
R_BAD_SEQUENCE = _reply(BAD_SEQUENCE, "5.5.1 Error: bad sequence of commands")


def unknown_user(address: str) -> Reply:
    return _reply(
        MAILBOX_UNAVAILABLE,
        f"5.1.1 <{address}>: Recipient address rejected: User unknown in local recipient table",
    )


def mailbox_full_at_rcpt(address: str) -> Reply:
    # RFC 3463 X.2.2 "mailbox full"; 552 as Postfix with a Dovecot quota answers it
    return _reply(EXCEEDED_STORAGE, f"5.2.2 <{address}>: Recipient address rejected: Mailbox full")


def mailbox_full_after_data(address: str) -> Reply:
    return _reply(EXCEEDED_STORAGE, f"5.2.2 <{address}>: Mailbox full; not delivered")


def relay_denied(address: str) -> Reply:
    # Postfix's default code here is 554; 550 is RFC 5321's "not taken, by policy" and what the
    # issue asks for. Either way the client must not retry.
    return _reply(MAILBOX_UNAVAILABLE, f"5.7.1 <{address}>: Relay access denied")


def outside_world(domain: str) -> Reply:
    """RCPT for another domain from an authenticated user: accepted, and said plainly that a
    tutor's world has no Internet to pass the letter on to."""
    return _reply(OK, f"2.1.5 Ok ({domain} is outside this world: only local users get it)")


def auth_challenge(text: str) -> Reply:
    return _reply(AUTH_CHALLENGE, text)


def queued(queue_id: str) -> Reply:
    return _reply(OK, f"2.0.0 Ok: queued as {queue_id}")


# -- the state table --------------------------------------------------------------------------

GREETING = "greeting"
READY = "ready"
MAIL = "mail"
RCPT = "rcpt"
DATA = "data"

_ANYTIME = ("HELO", "EHLO", "RSET", "NOOP", "VRFY", "HELP", "QUIT")

#: state -> the commands in sequence there (RFC 5321 §3.3, §4.1.4). In "data" every line is text.
#: STARTTLS and AUTH only outside a mail transaction (RFC 3207 §4, RFC 4954 §4); AUTH after EHLO.
STATE_COMMANDS: dict[str, tuple[str, ...]] = {
    GREETING: (*_ANYTIME, "STARTTLS"),
    READY: (*_ANYTIME, "STARTTLS", "AUTH", "MAIL"),
    MAIL: (*_ANYTIME, "RCPT"),
    RCPT: (*_ANYTIME, "RCPT", "DATA"),
    DATA: (),
}
#: a lenient server (Postfix by default) also takes MAIL before HELO/EHLO, as the article does
LENIENT_EXTRA: dict[str, tuple[str, ...]] = {GREETING: ("MAIL",)}

_ALLOWED_STRICT = {state: frozenset(commands) for state, commands in STATE_COMMANDS.items()}
_ALLOWED_LENIENT = {
    state: frozenset(commands + LENIENT_EXTRA.get(state, ()))
    for state, commands in STATE_COMMANDS.items()
}

#: (state, command) -> the 503 that says what is missing
_OUT_OF_SEQUENCE: dict[tuple[str, str], Reply] = {
    (GREETING, "MAIL"): R_NEED_HELO,
    (MAIL, "MAIL"): R_NESTED_MAIL,
    (RCPT, "MAIL"): R_NESTED_MAIL,
    (GREETING, "RCPT"): R_NEED_MAIL,
    (READY, "RCPT"): R_NEED_MAIL,
    (GREETING, "DATA"): R_NEED_MAIL,
    (READY, "DATA"): R_NEED_MAIL,
    (MAIL, "DATA"): R_NEED_RCPT,
    (GREETING, "AUTH"): R_NEED_HELO,
    (MAIL, "AUTH"): R_TRANSACTION_IN_PROGRESS,
    (RCPT, "AUTH"): R_TRANSACTION_IN_PROGRESS,
    (MAIL, "STARTTLS"): R_TRANSACTION_IN_PROGRESS,
    (RCPT, "STARTTLS"): R_TRANSACTION_IN_PROGRESS,
}

#: verbs that are SMTP but not offered here: 502, not 500 (see R_NOT_IMPLEMENTED)
NOT_OFFERED = frozenset({"EXPN", "TURN", "ETRN", "ATRN", "BDAT", "SEND", "SOML", "SAML"})

#: verbs a server without TLS support (and no clear-text AUTH) answers 502
_NEEDS_TLS_SUPPORT = frozenset({"STARTTLS", "AUTH"})

#: the roles a listener gives its sessions (see the module docstring)
MX = "mx"
SUBMISSION = "submission"
ROLES = (MX, SUBMISSION)

# -- addresses (RFC 5321 §4.1.2) ---------------------------------------------------------------

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_DOT_ATOM = rf"{_ATEXT}+(?:\.{_ATEXT}+)*"
_QUOTED = r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"'
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_DOMAIN = rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[\x21-\x5a\x5e-\x7e]+\])"
_MAILBOX_RE = re.compile(rf"(?P<local>{_DOT_ATOM}|{_QUOTED})(?:@(?P<domain>{_DOMAIN}))?")
#: an obsolete source route "@relay1,@relay2:" before the mailbox; accepted and ignored (§C)
_ROUTE_RE = re.compile(rf"@{_DOMAIN}(?:,@{_DOMAIN})*:")
_BRACKETED_RE = re.compile(rf'<((?:[^<>"]|{_QUOTED})*)>')
_BARE_RE = re.compile(rf'(?:[^\s<>"]|{_QUOTED})+')
_FROM_RE = re.compile(r"FROM\s*:\s*", re.IGNORECASE)
_TO_RE = re.compile(r"TO\s*:\s*", re.IGNORECASE)
_PARAM_RE = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]*)(?:=([\x21-\x3c\x3e-\x7e]+))?")
_POSTMASTER = "postmaster"


class PathTooLong(ValueError):
    """A path over MAX_PATH octets (RFC 5321 §4.5.3.1.3)."""


@dataclass(frozen=True, slots=True)
class Path:
    """A reverse- or forward-path as given: local part (None for the null path `<>`), domain
    (None when none was given), the ESMTP parameters after it, and whether it had brackets."""

    local: str | None
    domain: str | None
    params: str
    bracketed: bool


def split_path(arg: str) -> Path:
    """Parse `<local@domain> PARAMS`, or the lenient `local@domain PARAMS` without brackets.

    A source route (`<@relay1,@relay2:user@host>`) is accepted and ignored (RFC 5321 §C).
    Raises ValueError for what is not an address (PathTooLong for one that is too long).
    """
    bracketed = _BRACKETED_RE.match(arg)
    if bracketed:
        path, end = bracketed.group(1), bracketed.end()
    else:
        bare = _BARE_RE.match(arg)
        if bare is None:
            raise ValueError("no address")
        path, end = bare.group(0), bare.end()
    params = arg[end:]
    if params and not params[0].isspace():
        raise ValueError("junk after the address")
    if end > MAX_PATH:
        raise PathTooLong("address too long")
    if bracketed and not path:
        return Path(None, None, params.strip(), True)
    if path.startswith("@"):
        route = _ROUTE_RE.match(path)
        if route is None:
            raise ValueError("bad source route")
        path = path[route.end() :]
    mailbox = _MAILBOX_RE.fullmatch(path)
    if mailbox is None:
        raise ValueError("bad mailbox")
    return Path(mailbox.group("local"), mailbox.group("domain"), params.strip(), bool(bracketed))


def unquote_local(local: str) -> str:
    """The mailbox name a quoted local part stands for: `"po\\luchatel"` -> `poluchatel`."""
    if local.startswith('"'):
        return re.sub(r"\\(.)", r"\1", local[1:-1])
    return local


def _now() -> datetime:
    return datetime.now().astimezone()


def _printable(text: str) -> str:
    """Client text put into a header: ASCII only, anything else visible as an escape."""
    return text if text.isascii() and text.isprintable() else ascii(text)[1:-1]


def _encode_text(line: str) -> bytes:
    try:
        return line.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return line.encode("utf-8", "replace")


class _Delivery:
    """One letter this session handed over; the display view is built when first asked for."""

    __slots__ = ("queue_id", "mail_from", "recipients", "size", "head", "_view")

    def __init__(
        self, queue_id: str, mail_from: str, recipients: tuple[str, ...], size: int, head: bytes
    ) -> None:
        self.queue_id = queue_id
        self.mail_from = mail_from
        self.recipients = recipients
        self.size = size
        self.head = head
        self._view: DeliveredView | None = None

    def view(self) -> DeliveredView:
        if self._view is None:
            # The header block as text first (UTF-8 typed in the TUI, or the charset the letter
            # declares), then the email package parses it and decodes RFC 2047 encoded-words.
            head = email.message_from_string(decode_for_display(self.head), policy=compat32)
            subject = decode_header_text(head.get("Subject"))
            self._view = DeliveredView(
                self.queue_id, self.mail_from, self.recipients, self.size, subject
            )
        return self._view


class SmtpSession(Session):
    """One SMTP connection's server side, receiving mail for the store's local domain."""

    PROTOCOL: ClassVar[str] = "smtp"
    MAX_COMMAND_LINE: ClassVar[int] = MAX_COMMAND_LINE

    def __init__(
        self,
        store: Maildrops,
        *,
        hostname: str | None = None,
        strict: bool | None = None,
        max_recipients: int = MAX_RECIPIENTS,
        clock: Callable[[], datetime] | None = None,
        peer: str = "localhost [127.0.0.1]",
        role: str | None = None,
        tls_available: bool = False,
        auth_without_tls: bool | None = None,
    ) -> None:
        super().__init__()
        if role is None:
            role = str(getattr(store, "smtp_role", MX))
        if role not in ROLES:
            raise ValueError(f"unknown SMTP role {role!r}")
        self.store = store
        self.role = role
        self.tls_available = tls_available
        #: AUTH offered before TLS too: a world that shows why clear-text AUTH is bad allows it
        self.auth_without_tls = (
            bool(getattr(store, "auth_without_tls", False))
            if auth_without_tls is None
            else auth_without_tls
        )
        self.hostname = hostname or store.hostname
        self.strict = store.strict if strict is None else strict
        self.max_recipients = max_recipients
        self.max_message_size = store.max_message_size
        self.peer = peer
        self._clock = clock or _now
        self._allowed = _ALLOWED_STRICT if self.strict else _ALLOWED_LENIENT
        self._helo: str | None = None
        self._esmtp = False
        self._ehlo_replies: dict[tuple[bool, bool], Reply] = {}  # (STARTTLS, AUTH) offered
        self._authenticated: str | None = None  # the user AUTH accepted
        # the envelope (RFC 5321 §3.3)
        self._mail_from: str | None = None
        self._rcpts: list[str] = []
        self._rcpt_users: dict[str, str] = {}  # lower-case key -> user name: one copy each
        # data mode
        self._in_data = False
        self._data_lines: list[bytes] = []  # handle() path: lines so far, unstuffed
        self._data_size = 0  # handle() path: octets so far, unstuffed, CRLF counted
        self._data_too_long = False  # handle() path: a line over MAX_TEXT_LINE was seen
        self._data_oversize = False  # either path: over max_message_size, text dropped
        self._data_at_start = False  # receive path: nothing of the text consumed yet
        self._data_scan = 0  # receive path: where the next terminator search starts
        self._delivered: deque[_Delivery] = deque(maxlen=DELIVERED_HISTORY)
        self._date_second: int | None = None
        self._date_text = ""

    # -- Session interface ---------------------------------------------------------------------

    def greeting(self) -> Reply:
        return _reply(SERVICE_READY, f"{self.hostname} ESMTP mailtutor")

    def handle(self, line: str | bytes) -> list[Reply]:
        if self.closed:
            return []
        if self._in_data:
            return self._data_line(line)
        if self._sasl is not None:
            return [self._sasl_line(as_text(line))]
        if isinstance(line, str):
            text = line
            octets = len(line) if line.isascii() else len(_encode_text(line))
        else:
            text = as_text(line)
            octets = len(line)
        if octets + 2 > MAX_COMMAND_LINE:
            return [R_COMMAND_TOO_LONG]
        parts = text.split(None, 1)
        if not parts:
            return [R_EMPTY_COMMAND]
        verb = parts[0].upper()
        command = _HANDLERS.get(verb)
        if command is None:
            return [R_NOT_IMPLEMENTED if verb in NOT_OFFERED else R_UNKNOWN_COMMAND]
        if verb in _NEEDS_TLS_SUPPORT and not self._modern:
            # A server without a certificate (the article's 2007 world) offers neither: the
            # verbs are real SMTP, just not available here (502, as Postfix answers).
            return [R_NOT_IMPLEMENTED]
        state = self.state_name
        if verb not in self._allowed[state]:
            return [_OUT_OF_SEQUENCE.get((state, verb), R_BAD_SEQUENCE)]
        return [command(self, parts[1].strip() if len(parts) > 1 else "")]

    def line_too_long(self) -> Reply:
        return R_COMMAND_TOO_LONG

    def abort(self) -> None:
        """The connection dropped: the letter being sent is dropped and nothing is delivered."""
        self._sasl = None
        self._reset_envelope()
        self._pending.clear()
        self.closed = True

    @property
    def mode(self) -> str:
        return "data" if self._in_data else "command"

    @property
    def state_name(self) -> str:
        if self._in_data:
            return DATA
        if self._rcpts:
            return RCPT
        if self._mail_from is not None:
            return MAIL
        return GREETING if self._helo is None else READY

    def view(self) -> SmtpView:
        return SmtpView(
            state=self.state_name,
            helo=self._helo,
            esmtp=self._esmtp,
            mail_from=self._mail_from,
            rcpt_to=tuple(self._rcpts),
            delivered=tuple(d.view() for d in self._delivered),
            closed=self.closed,
            tls=self.tls,
            authenticated_as=self._authenticated,
            role=self.role,
        )

    @property
    def _modern(self) -> bool:
        """TLS can be had here, or AUTH is allowed without it: STARTTLS and AUTH exist."""
        return self.tls_available or self.tls is not None or self.auth_without_tls

    @property
    def auth_offered(self) -> bool:
        """AUTH is offered inside TLS, or in clear text where the world allows it."""
        return self.tls is not None or self.auth_without_tls

    @property
    def authenticated_as(self) -> str | None:
        return self._authenticated

    def _restart_after_tls(self) -> None:
        # RFC 3207 §4.2: discard all knowledge obtained from the client, the EHLO and any
        # AUTH included; the client must say EHLO again.
        self._reset_envelope()
        self._helo = None
        self._esmtp = False
        self._authenticated = None
        self._sasl = None

    @classmethod
    def keywords(cls) -> tuple[str, ...]:
        return tuple(_HANDLERS)

    # -- commands --------------------------------------------------------------------------

    def _cmd_helo(self, arg: str) -> Reply:
        if not arg:
            return R_HELO_SYNTAX
        self._greeted(arg, esmtp=False)
        return _reply(OK, self.hostname)

    def _cmd_ehlo(self, arg: str) -> Reply:
        if not arg:
            return R_EHLO_SYNTAX
        self._greeted(arg, esmtp=True)
        offers = (self.tls_available and self.tls is None, self.auth_offered)
        reply = self._ehlo_replies.get(offers)
        if reply is None:
            starttls, auth = offers
            reply = self._ehlo_replies[offers] = Reply(
                str(OK),
                (
                    self.hostname,
                    "PIPELINING",
                    f"SIZE {self.max_message_size}",
                    *(("STARTTLS",) if starttls else ()),
                    *((f"AUTH {' '.join(MECHANISMS)}",) if auth else ()),
                    "8BITMIME",
                    "ENHANCEDSTATUSCODES",
                    "HELP",
                ),
            )
        return reply

    def _greeted(self, arg: str, *, esmtp: bool) -> None:
        # HELO/EHLO in the middle of a transaction also clears the envelope (RFC 5321 §4.1.4).
        self._reset_envelope()
        self._helo = _printable(arg.split()[0])
        self._esmtp = esmtp

    def _cmd_mail(self, arg: str) -> Reply:
        prefix = _FROM_RE.match(arg)
        rest = arg[prefix.end() :] if prefix else ""
        if not rest:
            return R_MAIL_SYNTAX
        try:
            path = split_path(rest)
        except PathTooLong:
            return R_PATH_TOO_LONG
        except ValueError:
            return R_BAD_SENDER
        if self.strict:
            if not path.bracketed:
                return R_MAIL_BRACKETS
            if path.local is not None and path.domain is None:
                return R_BAD_SENDER
        if self.role == SUBMISSION and self._authenticated is None:
            # RFC 6409 §4.3: a submission server authenticates its users before MAIL; where
            # the password may not travel in clear text, TLS comes first (RFC 3207 §4).
            if self.tls is None and not self.auth_offered:
                return R_NEED_STARTTLS
            return R_NEED_AUTH
        refused = self._check_mail_params(path.params)
        if refused is not None:
            return refused
        if path.local is None:
            self._mail_from = ""
        else:
            self._mail_from = f"{path.local}@{path.domain or self.store.domain}"
        return R_SENDER_OK

    def _check_mail_params(self, params: str) -> Reply | None:
        """SIZE (RFC 1870) and BODY (RFC 6152) are offered; anything else is 555."""
        for param in params.split():
            match = _PARAM_RE.fullmatch(param)
            if match is None:
                return R_BAD_PARAMETER
            key, value = match.group(1).upper(), match.group(2)
            if key == "SIZE":
                if value is None or not value.isdigit() or len(value) > 20:
                    return R_BAD_SIZE
                if int(value) > self.max_message_size:
                    return R_SIZE_EXCEEDS_LIMIT
            elif key == "BODY":
                if value is None or value.upper() not in ("7BIT", "8BITMIME"):
                    return R_BAD_BODY
            elif key == "AUTH" and self.auth_offered:
                # RFC 4954 §5: who originally submitted the letter; a server that does not
                # trust the client may ignore it, and this one does.
                if value is None:
                    return R_BAD_PARAMETER
            else:
                return R_UNSUPPORTED_OPTION
        return None

    def _cmd_rcpt(self, arg: str) -> Reply:
        prefix = _TO_RE.match(arg)
        rest = arg[prefix.end() :] if prefix else ""
        if not rest:
            return R_RCPT_SYNTAX
        try:
            path = split_path(rest)
        except PathTooLong:
            return R_PATH_TOO_LONG
        except ValueError:
            return R_BAD_RECIPIENT
        local, domain = path.local, path.domain
        if local is None:
            return R_BAD_RECIPIENT  # the null path is only a reverse-path
        if self.strict:
            if not path.bracketed:
                return R_RCPT_BRACKETS
            if domain is None and local.lower() != _POSTMASTER:
                return R_BAD_RECIPIENT  # §4.1.1.3: only <Postmaster> may lack a domain
        if path.params:
            return R_UNSUPPORTED_OPTION  # no RCPT extensions (DSN...) are offered
        if len(self._rcpts) >= self.max_recipients:
            return R_TOO_MANY_RECIPIENTS
        address = f"{local}@{domain or self.store.domain}"
        foreign = domain is not None and not self.store.is_local(domain)
        if foreign and self._authenticated is not None:
            # An authenticated user may send anywhere (RFC 6409 §4.3); this world has no
            # outside to send to, so the letter reaches only its local recipients.
            self._rcpts.append(address)
            return outside_world(domain or "")
        refused, user = self._local_user(local, domain)
        if user is None:
            return refused
        if self.store.space_left(user) <= 0:  # already full: say so now, not after the text
            return mailbox_full_at_rcpt(address)
        self._rcpts.append(address)
        self._rcpt_users.setdefault(user.lower(), user)
        return R_RECIPIENT_OK

    def _local_user(self, local: str, domain: str | None) -> tuple[Reply, str | None]:
        """Whose maildrop an address leads to, or the reply that says why it leads nowhere."""
        address = f"{local}@{domain or self.store.domain}"
        if domain is not None and not self.store.is_local(domain):
            return relay_denied(address), None
        user = self.store.recipient(unquote_local(local))
        if user is None:
            return unknown_user(address), None
        return R_RECIPIENT_OK, user.name

    def _cmd_data(self, arg: str) -> Reply:
        if arg:
            return R_DATA_SYNTAX
        self._in_data = True
        self._data_lines = []
        self._data_size = 0
        self._data_too_long = False
        self._data_oversize = False
        self._data_at_start = True
        self._data_scan = 0
        return R_START_DATA

    def _cmd_starttls(self, arg: str) -> Reply:
        if arg:
            return R_STARTTLS_SYNTAX  # RFC 3207 §4: STARTTLS takes no parameters
        if self.tls is not None:
            return R_TLS_ALREADY_ACTIVE
        self._asked_for_tls()
        return R_READY_FOR_TLS

    def _cmd_auth(self, arg: str) -> Reply:
        words = arg.split()
        if not words or len(words) > 2:
            return R_AUTH_SYNTAX
        if self._authenticated is not None:
            return R_AUTH_ALREADY  # RFC 4954 §4: one successful AUTH per session
        if not self.auth_offered:
            return R_AUTH_NEEDS_TLS
        mechanism = words[0].upper()
        if mechanism not in MECHANISMS:
            return R_AUTH_UNKNOWN_MECHANISM
        exchange = Exchange(mechanism)
        return self._sasl_step(exchange, exchange.start(words[1] if len(words) > 1 else None))

    def _sasl_step(self, exchange: Exchange, step: Step) -> Reply:
        if step.kind == "challenge":
            self._sasl = exchange
            return auth_challenge(step.challenge)
        if step.kind == "cancelled":
            return R_AUTH_CANCELLED
        if step.kind == "malformed":
            return R_AUTH_MALFORMED
        self.login_attempts += 1
        user = self.store.user(step.user)
        if (
            user is None
            or step.authzid not in ("", step.user)
            or not self.store.check_password(step.user, step.password)
        ):
            self.failed_logins += 1  # throttled by the TCP adapter like POP3's PASS
            return R_AUTH_INVALID
        self._authenticated = user.name
        return R_AUTH_OK

    def _cmd_rset(self, arg: str) -> Reply:
        if arg:
            return R_RSET_SYNTAX
        self._reset_envelope()
        return R_OK

    def _cmd_noop(self, arg: str) -> Reply:
        return R_OK  # RFC 5321 §4.1.1.9: an argument is allowed and ignored

    def _cmd_vrfy(self, arg: str) -> Reply:
        # VRFY answers exactly what RCPT would: 250 for a local user, 550 otherwise. A public
        # server answers 252 (or disables VRFY) so spammers cannot harvest addresses (RFC 5321
        # §7.3); a tutor's world has nothing to hide, and a true answer teaches more.
        if not arg:
            return R_VRFY_SYNTAX
        target = arg
        if "<" in arg:
            bracketed = re.search(r"<([^<>]*)>", arg)
            if bracketed is None:
                return R_VRFY_SYNTAX
            target = bracketed.group(1)
        mailbox = _MAILBOX_RE.fullmatch(target.strip())
        if mailbox is None or len(target) > MAX_PATH:
            return R_VRFY_SYNTAX
        local, domain = mailbox.group("local"), mailbox.group("domain")
        refused, user = self._local_user(local, domain)
        if user is None:
            return refused
        return _reply(OK, f"2.1.5 <{local}@{domain or self.store.domain}>")

    def _cmd_help(self, arg: str) -> Reply:
        if not arg:
            return Reply(str(HELP_MESSAGE), HELP_OVERVIEW)
        row = _HELP_BY_KEYWORD.get(arg.split()[0].upper())
        if row is None:
            return R_HELP_UNKNOWN
        return Reply(str(HELP_MESSAGE), (f"2.0.0 {row.syntax}", f"2.0.0 {row.summary}"))

    def _cmd_quit(self, arg: str) -> Reply:
        # Arguments are ignored: whoever types QUIT wants out, and nothing is lost by leaving.
        self._reset_envelope()
        self.closed = True
        return R_BYE

    def _reset_envelope(self) -> None:
        self._mail_from = None
        self._rcpts = []
        self._rcpt_users = {}
        self._in_data = False
        self._data_lines = []

    # -- message text -------------------------------------------------------------------------

    def _data_line(self, line: str | bytes) -> list[Reply]:
        """One line of text from handle() (the TUI path)."""
        raw = bytes(line) if not isinstance(line, str) else _encode_text(line)
        if raw == b".":
            if self._data_oversize:
                return [self._end_of_data(None)]
            return [self._end_of_data(b"".join(self._data_lines), self._data_too_long)]
        if raw[:1] == b".":
            raw = raw[1:]
        if self._data_oversize:
            return []
        size = len(raw) + 2
        self._data_size += size
        if self._data_size > self.max_message_size:
            self._data_oversize = True
            self._data_lines = []  # stop keeping text that will be refused anyway
            return []
        if size > MAX_TEXT_LINE:
            self._data_too_long = True
        self._data_lines.append(raw + b"\r\n")
        return []

    def receive_data(self) -> list[Reply]:
        """The text from `self._pending` as one buffer (the TCP path); see Session.receive."""
        buffer = self._pending
        if self._data_at_start:
            if len(buffer) < 3 and b".\r\n".startswith(buffer):
                return []  # could still become the lone "." of an empty letter
            self._data_at_start = False
            if buffer.startswith(b".\r\n"):
                del buffer[:3]
                return [self._end_of_data(b"")]
        end = buffer.find(b"\r\n.\r\n", self._data_scan)
        if end < 0:
            if self._data_oversize or len(buffer) > _discard_threshold(self.max_message_size):
                # Surely oversize (see _discard_threshold): keep only a tail that may hold the
                # start of the terminator, so memory stays bounded however much text comes.
                self._data_oversize = True
                del buffer[:-4]
            # Next time search only the new bytes, plus enough to catch a terminator split in two.
            self._data_scan = max(0, len(buffer) - 4)
            return []
        if self._data_oversize:
            del buffer[: end + 5]
            return [self._end_of_data(None)]
        body = bytes(buffer[: end + 2])
        del buffer[: end + 5]
        body = dot_unstuff(body)  # RFC 5321 §4.5.2, every line in one replace
        if len(body) > self.max_message_size:
            return [self._end_of_data(None)]
        too_long = len(body) > MAX_TEXT_LINE - 2 and (
            max(map(len, body.split(b"\r\n"))) > MAX_TEXT_LINE - 2
        )
        return [self._end_of_data(body, too_long)]

    def _end_of_data(self, body: bytes | None, too_long: bool = False) -> Reply:
        """The text is complete: deliver it (or say why not) and start a fresh envelope.

        body is None when the letter was over max_message_size.
        """
        try:
            if body is None or len(body) > self.max_message_size:
                return R_MESSAGE_TOO_BIG
            if too_long:
                return R_TEXT_LINE_TOO_LONG
            return self._deliver(body)
        finally:
            self._reset_envelope()

    def _deliver(self, body: bytes) -> Reply:
        now = self._clock()
        second = int(now.timestamp())
        # Postfix-like 10 hex digits: the time, then the store's change counter, which grows with
        # every delivery, so two letters never share an id (and a fixed clock gives fixed ids).
        queue_id = f"{second & 0xFFFFF:05X}{self.store.version & 0xFFFFF:05X}"
        if self._date_second != second:  # one RFC 5322 date per second, not per letter
            self._date_second, self._date_text = second, format_datetime(now.replace(microsecond=0))
        helo = self._helo or "unknown"
        protocol = "ESMTP" if self._esmtp else "SMTP"
        # Like Postfix: one Received line per letter, naming the recipient only when there is one.
        recipient = f"\r\n\tfor <{self._rcpts[0]}>" if len(self._rcpts) == 1 else ""
        header = (
            f"Return-Path: <{self._mail_from}>\r\n"
            f"Received: from {helo} ({self.peer})\r\n"
            f"\tby {self.hostname} (mailtutor) with {protocol} id {queue_id}"
            f"{recipient}; {self._date_text}\r\n"
        )
        data = header.encode("ascii", "backslashreplace") + body
        try:
            # All recipients or none: after a 451 the client sends the letter again, and no
            # maildrop may then hold it twice.
            letters = self.store.deliver_all(tuple(self._rcpt_users.values()), data)
        except MaildropFull as full:
            return mailbox_full_after_data(f"{full.name}@{self.store.domain}")
        except (MaildropError, OSError):
            return R_LOCAL_ERROR
        head_end = data.find(b"\r\n\r\n", 0, _HEAD_KEPT)
        head = data[: head_end + 2] if head_end >= 0 else data[:_HEAD_KEPT]
        self._delivered.append(
            # the stored size: the store gives every line a CRLF end (tutor.mail.store)
            _Delivery(queue_id, self._mail_from or "", tuple(self._rcpts), letters[0].size, head)
        )
        return queued(queue_id)


def _discard_threshold(max_size: int) -> int:
    """Buffered text beyond which the letter is surely over max_size once unstuffed.

    Unstuffing removes at most one octet per line, and a stuffed line keeps at least three
    ("x" CRLF), so the unstuffed text is at least 3/4 of the raw text, less one octet for a line
    still arriving. Past this point the text can go: both input paths still answer alike.
    """
    return (max_size + 2) * 4 // 3 + 8


#: keyword -> the method that carries it out; also the order keywords() lists them in.
_HANDLERS: dict[str, Callable[[SmtpSession, str], Reply]] = {
    "HELO": SmtpSession._cmd_helo,
    "EHLO": SmtpSession._cmd_ehlo,
    "MAIL": SmtpSession._cmd_mail,
    "RCPT": SmtpSession._cmd_rcpt,
    "DATA": SmtpSession._cmd_data,
    "STARTTLS": SmtpSession._cmd_starttls,
    "AUTH": SmtpSession._cmd_auth,
    "RSET": SmtpSession._cmd_rset,
    "NOOP": SmtpSession._cmd_noop,
    "VRFY": SmtpSession._cmd_vrfy,
    "HELP": SmtpSession._cmd_help,
    "QUIT": SmtpSession._cmd_quit,
}


# -- the command reference ----------------------------------------------------------------------


def _form(reply: Reply) -> str:
    return reply.status_lines()[-1]


_EXAMPLE_ADDRESS = "nobody@server.ru"
_FOREIGN_ADDRESS = "friend@example.org"


_help = partial(command_help, STATE_COMMANDS)


#: The command reference: one row per command, states taken from STATE_COMMANDS.
SMTP_COMMANDS: tuple[CommandHelp, ...] = (
    _help(
        "HELO",
        "HELO your.host.name",
        "Introduces the client by name (plain SMTP) and starts a fresh envelope.",
        ("250 mail.server.ru", _form(R_HELO_SYNTAX)),
        "RFC 5321 §4.1.1.1",
    ),
    _help(
        "EHLO",
        "EHLO your.host.name",
        "Introduces the client (ESMTP); the reply lists the extensions the server offers.",
        ("250-mail.server.ru ... 250 HELP", _form(R_EHLO_SYNTAX)),
        "RFC 5321 §4.1.1.1",
    ),
    _help(
        "MAIL",
        "MAIL FROM:<address> [SIZE=n] [BODY=8BITMIME]",
        "Starts a letter and names the sender (the reverse-path; <> for none). Lenient servers "
        "also take it without brackets or before HELO; strict ones refuse.",
        (
            _form(R_SENDER_OK),
            _form(R_MAIL_SYNTAX),
            _form(R_NEED_HELO),
            _form(R_NESTED_MAIL),
            _form(R_SIZE_EXCEEDS_LIMIT),
        ),
        "RFC 5321 §4.1.1.2",
        article_name="mail from:",
    ),
    _help(
        "RCPT",
        "RCPT TO:<address>",
        "Names one recipient; repeat it for each. Only this server's own users are accepted, "
        "unless the client has logged in with AUTH.",
        (
            _form(R_RECIPIENT_OK),
            _form(unknown_user(_EXAMPLE_ADDRESS)),
            _form(relay_denied(_FOREIGN_ADDRESS)),
            _form(R_TOO_MANY_RECIPIENTS),
            _form(R_NEED_MAIL),
        ),
        "RFC 5321 §4.1.1.3",
        article_name="rcpt to:",
    ),
    _help(
        "DATA",
        "DATA",
        "Sends the letter itself, headers first; a line holding a lone '.' ends it, and a line "
        "of text starting with '.' gets one more.",
        (
            _form(R_START_DATA),
            _form(queued("1A2B30000C")),
            _form(R_NEED_RCPT),
            _form(R_MESSAGE_TOO_BIG),
            _form(R_TEXT_LINE_TOO_LONG),
        ),
        "RFC 5321 §4.1.1.4",
    ),
    _help(
        "STARTTLS",
        "STARTTLS",
        "Switches the connection to TLS. After the 220 the client starts the handshake, and the "
        "session starts afresh: EHLO again, and everything said before is forgotten.",
        (_form(R_READY_FOR_TLS), _form(R_TLS_ALREADY_ACTIVE), _form(R_NOT_IMPLEMENTED)),
        "RFC 3207 §4",
    ),
    _help(
        "AUTH",
        "AUTH PLAIN|LOGIN [base64]",
        "Logs in with a password, base64-encoded (which hides nothing: hence TLS first). PLAIN "
        "sends \\0user\\0password in one go; LOGIN asks for the name, then the password. '*' "
        "cancels.",
        (
            _form(R_AUTH_OK),
            "334 VXNlcm5hbWU6",
            _form(R_AUTH_INVALID),
            _form(R_AUTH_NEEDS_TLS),
            _form(R_AUTH_ALREADY),
        ),
        "RFC 4954 §4",
    ),
    _help(
        "RSET",
        "RSET",
        "Forgets the letter being built (sender and recipients); the greeting still holds.",
        (_form(R_OK),),
        "RFC 5321 §4.1.1.5",
    ),
    _help(
        "NOOP",
        "NOOP",
        "Does nothing; the 250 shows the connection is alive.",
        (_form(R_OK),),
        "RFC 5321 §4.1.1.9",
    ),
    _help(
        "VRFY",
        "VRFY address",
        "Asks whether an address is a mailbox here. This server answers truly; public servers "
        "usually answer 252 so that addresses cannot be harvested.",
        (
            "250 2.1.5 <poluchatel@server.ru>",
            _form(unknown_user(_EXAMPLE_ADDRESS)),
            _form(R_VRFY_SYNTAX),
        ),
        "RFC 5321 §4.1.1.6",
    ),
    _help(
        "HELP",
        "HELP [command]",
        "Lists the commands, or explains one.",
        ("214 2.0.0 ...", _form(R_HELP_UNKNOWN)),
        "RFC 5321 §4.1.1.8",
    ),
    _help(
        "QUIT",
        "QUIT",
        "Ends the session; a letter not yet ended with '.' is dropped.",
        (_form(R_BYE),),
        "RFC 5321 §4.1.1.10",
    ),
)

_HELP_BY_KEYWORD: dict[str, CommandHelp] = {row.keyword: row for row in SMTP_COMMANDS}

HELP_OVERVIEW: tuple[str, ...] = (
    "2.0.0 mailtutor SMTP, commands: " + " ".join(_HANDLERS),
    "2.0.0 A letter: HELO name, MAIL FROM:<you>, RCPT TO:<them>, DATA, text, '.', QUIT",
    "2.0.0 HELP <command> explains one command",
)


def state_table_lines() -> list[str]:
    """The state table as plain text lines, for the help screen and the docs."""
    width = max(len(state) for state in STATE_COMMANDS)
    lines = []
    for state, commands in STATE_COMMANDS.items():
        extra = LENIENT_EXTRA.get(state, ())
        listed = " ".join(commands) if commands else "(message text until a lone '.')"
        if extra:
            listed += f"  (lenient also: {' '.join(extra)})"
        lines.append(f"{state:<{width}}  {listed}")
    return lines
