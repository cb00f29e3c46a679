"""The POP3 engine: RFC 1939 with CAPA and response codes from RFC 2449 (and RFC 3206's [AUTH]),
STLS (RFC 2595 §4) and AUTH PLAIN (RFC 5034).

Theory of operation: a `Pop3Session` is fed command lines and answers with `Reply` values. Three
states, as RFC 1939 §3 names them:

    AUTHORIZATION --(PASS or APOP accepted, maildrop locked)--> TRANSACTION
    TRANSACTION   --(QUIT: marked messages removed, maildrop unlocked)--> UPDATE (closed)

Which command is allowed where lives in one table, `STATE_COMMANDS`; `handle()` consults it
before any command runs, so a command in the wrong state is refused in one place and the help
screen prints the very table the engine obeys. Everything that changes state is in this file.

At login the session takes a snapshot of the maildrop: message numbers are fixed for the whole
session and letters delivered meanwhile are seen at the next login (RFC 1939 §5). DELE only marks;
the store is touched at QUIT from TRANSACTION and never on `abort()` (RFC 1939 §6).

TLS: where the caller can do TLS, CAPA lists STLS and STLS answers +OK with `starts_tls`; the
caller does the handshake and calls `tls_started()`, after which the client is expected to ask
CAPA again (RFC 2595 §4). A world may refuse USER/PASS and AUTH PLAIN before TLS, as Dovecot
does by default (`disable_plaintext_auth`); CAPA then lists neither USER nor SASL until TLS.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import os
import secrets
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from .maildrop import Letter, MaildropError, Maildrops
from .replies import Reply, err, ok, wire_body
from .sasl import Exchange, Step
from .session import CommandHelp, MessageView, Pop3View, Session, as_text, command_help

AUTHORIZATION = "AUTHORIZATION"
TRANSACTION = "TRANSACTION"
UPDATE = "UPDATE"

#: state -> the commands allowed in it, in the order the help screen lists them.
#: UPDATE allows nothing: the server removes the marked messages and closes (RFC 1939 §6).
STATE_COMMANDS: dict[str, tuple[str, ...]] = {
    AUTHORIZATION: ("USER", "PASS", "APOP", "STLS", "AUTH", "CAPA", "QUIT"),
    TRANSACTION: ("STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL", "CAPA", "QUIT"),
    UPDATE: (),
}


@dataclass(frozen=True, slots=True)
class Transition:
    """One edge of the state machine, for the help screen and the docs."""

    state: str
    trigger: str
    next_state: str


STATE_TRANSITIONS: tuple[Transition, ...] = (
    Transition(AUTHORIZATION, "USER name + PASS secret accepted", TRANSACTION),
    Transition(AUTHORIZATION, "APOP name digest accepted", TRANSACTION),
    Transition(AUTHORIZATION, "AUTH PLAIN credentials accepted", TRANSACTION),
    Transition(
        AUTHORIZATION, "STLS (TLS starts; the name given so far is forgotten)", AUTHORIZATION
    ),
    Transition(AUTHORIZATION, "QUIT (nothing changes, connection closes)", AUTHORIZATION),
    Transition(TRANSACTION, "QUIT (marked messages are removed)", UPDATE),
)

_ALLOWED: dict[str, frozenset[str]] = {s: frozenset(c) for s, c in STATE_COMMANDS.items()}

#: RFC 2449 §4: a reply's first line, status and CRLF included, is at most 512 octets.
MAX_REPLY_LINE = 512
#: the longest piece of a client's own input echoed back in a reply, in characters
MAX_ECHO = 40

#: What CAPA advertises: only what this engine really does (RFC 2449 §6).
CAPABILITIES: tuple[str, ...] = (
    "TOP",
    "UIDL",
    "USER",
    "RESP-CODES",
    "PIPELINING",
    "AUTH-RESP-CODE",
    "EXPIRE NEVER",
    "IMPLEMENTATION mailtutor",
)
#: the SASL mechanisms AUTH takes here (RFC 5034; PLAIN is the one every client has)
POP3_MECHANISMS: tuple[str, ...] = ("PLAIN",)


def capabilities(*, stls: bool, user: bool, sasl: bool) -> tuple[str, ...]:
    """What CAPA lists in one situation: STLS while TLS can still start, USER and SASL where a
    password may be sent (RFC 2595 §4: after TLS the client asks again and may see more)."""
    listed = [c for c in CAPABILITIES if c != "USER" or user]
    if sasl:
        listed.insert(listed.index("RESP-CODES"), "SASL " + " ".join(POP3_MECHANISMS))
    if stls:
        listed.insert(listed.index("RESP-CODES"), "STLS")
    return tuple(listed)


def _capa_body(*, stls: bool, user: bool, sasl: bool) -> bytes:
    return b"".join(
        c.encode("ascii") + b"\r\n" for c in capabilities(stls=stls, user=user, sasl=sasl)
    )


#: CAPA's body in the common case (no STLS or SASL to offer, passwords allowed), built once
_CAPA_BODY = _capa_body(stls=False, user=True, sasl=False)
#: AUTH with no argument: the mechanisms, one per line
_MECHANISMS_BODY = b"".join(m.encode("ascii") + b"\r\n" for m in POP3_MECHANISMS)


# Same text for an unknown user and a wrong password: a failed login reveals nothing (RFC 1939 §13).
_AUTH_FAILED = "[AUTH] invalid user name or password"
#: RETR or TOP of a letter kept on disk whose file is gone or unreadable (RFC 2449 SYS/TEMP)
_UNREADABLE = "[SYS/TEMP] cannot read that message now"
# Dovecot's words for disable_plaintext_auth; [AUTH] because it is about how to log in.
_PLAINTEXT_DISALLOWED = "[AUTH] Plaintext authentication disallowed on non-secure connections"

# APOP for an unknown user digests this instead of a password, so that path does the same work as
# a known user's: one fixed secret per process, not a fresh random one per try (which cost more).
_DUMMY_SECRET = secrets.token_hex(8)

_session_counter = itertools.count(1)


def _echo(text: str) -> str:
    """A client's input made safe to quote in a reply: printable and short."""
    clean = "".join(c if c.isprintable() else "?" for c in text[: MAX_ECHO + 1])
    return clean if len(clean) <= MAX_ECHO else clean[: MAX_ECHO - 3] + "..."


def _clip(text: str) -> str:
    """Reply text that encodes to UTF-8 and keeps the first line within MAX_REPLY_LINE octets,
    whatever a world file put in a user or host name."""
    room = MAX_REPLY_LINE - len("-ERR \r\n")
    data = text.encode("utf-8", "replace")
    return data[:room].decode("utf-8", "ignore")


def _number(word: str) -> int | None:
    """An RFC 1939 number argument: ASCII decimal digits only ("1", not "+1", "1.0" or "١")."""
    if not (word.isascii() and word.isdigit()):
        return None
    # Past 10 digits no maildrop has such a message; int() of a huge string is not needed.
    return int(word) if len(word) <= 10 else 10**10


def _encodable(text: str) -> str:
    """Text that encodes to UTF-8: a str from a UI may hold lone surrogates, bytes never do."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def top_of(data: bytes, lines: int) -> bytes:
    """TOP's body: the header block, the blank line after it, then `lines` lines of the body."""
    if data.startswith(b"\r\n"):
        pos = 2  # no headers at all: the message opens with the blank line
    else:
        sep = data.find(b"\r\n\r\n")
        if sep < 0:
            return data  # headers only, no body to count lines of
        pos = sep + 4
    end = len(data)
    for _ in range(lines):
        if pos >= end:
            break
        nxt = data.find(b"\r\n", pos)
        pos = end if nxt < 0 else nxt + 2
    return data[:pos]


#: letter -> its data in wire form. Letters never change and a maildrop's letters are fetched
#: again and again, so each is stuffed once; the entry goes when the letter does.
_WIRE_FORMS: weakref.WeakKeyDictionary[Letter, bytes] = weakref.WeakKeyDictionary()


def _wire_form(message: Letter) -> bytes | None:
    """RETR's body in wire form, cached per letter (None: a letter type that cannot be cached)."""
    try:
        cached = _WIRE_FORMS.get(message)
        if cached is None:
            cached = _WIRE_FORMS[message] = wire_body(message.data)
    except TypeError:  # not weakly referenceable, or not hashable: stuff it at send time
        return None
    return cached


def apop_digest(timestamp: str, secret: str) -> str:
    """The digest APOP expects: MD5 of the greeting's timestamp followed by the secret."""
    return hashlib.md5((timestamp + secret).encode("utf-8")).hexdigest()


def default_timestamp(hostname: str) -> str:
    """An RFC 1939 §7 banner timestamp: unique per session, `<pid.counter.clock@host>`."""
    return f"<{os.getpid()}.{next(_session_counter)}.{int(time.time())}@{hostname}>"


def _octets(line: str | bytes) -> int:
    """The line's length on the wire (UTF-8; a lone surrogate counts as the 3 octets it takes)."""
    if isinstance(line, bytes) or line.isascii():
        return len(line)
    return len(line.encode("utf-8", "surrogatepass"))


class Pop3Session(Session):
    """One POP3 conversation with one client."""

    PROTOCOL: ClassVar[str] = "pop3"
    MAX_COMMAND_LINE: ClassVar[int] = 255  # RFC 2449 §4, CRLF included

    def __init__(
        self,
        store: Maildrops,
        *,
        hostname: str | None = None,
        timestamp: str | None = None,
        tls_available: bool = False,
        plaintext_needs_tls: bool | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.tls_available = tls_available
        #: refuse USER/PASS and AUTH PLAIN before TLS (Dovecot's disable_plaintext_auth)
        self.plaintext_needs_tls = (
            bool(getattr(store, "plaintext_needs_tls", False))
            if plaintext_needs_tls is None
            else plaintext_needs_tls
        )
        self.hostname = hostname or store.hostname
        if timestamp is None:
            timestamp = default_timestamp(self.hostname)
        elif not timestamp.startswith("<"):
            timestamp = f"<{timestamp}>"  # the brackets are part of what APOP digests
        self.timestamp = timestamp
        self._state = AUTHORIZATION
        self._allowed = _ALLOWED[AUTHORIZATION]
        self._user: str | None = None  # name given by USER/APOP, then the logged-in name
        self._locked: str | None = None  # the maildrop this session holds the lock of
        self._messages: list[Letter] = []  # the snapshot; number n is index n - 1
        self._deleted: list[bool] = []
        self._count = 0  # messages not marked deleted
        self._octets = 0  # and their total size
        self._display: dict[int, tuple[str, str]] = {}  # index -> (subject, sender), lazily

    # -- the Session interface ----------------------------------------------------------------

    def greeting(self) -> Reply:
        return ok(_clip(f"POP3 server ready {self.timestamp}"))

    def handle(self, line: str | bytes) -> list[Reply]:
        if self.closed:
            return [err("connection closed", closes=True)]
        if _octets(line) + 2 > self.MAX_COMMAND_LINE:
            # Lines fed directly (the TUI) get the limit `receive` enforces on the wire: a pasted
            # 4 MB line is answered at once instead of being split, echoed and stored.
            return [self.line_too_long()]
        if self._sasl is not None:
            return [self._sasl_line(as_text(line))]
        parts = as_text(line).split(None, 1)
        if not parts:
            return [err("empty command line")]
        word = parts[0]
        keyword = word.upper() if word.isascii() else ""
        handler = _HANDLERS.get(keyword)
        if handler is None:
            return [err(f"unknown command {_echo(word)}")]
        if keyword not in self._allowed:
            return [self._wrong_state(keyword)]
        return [handler(self, parts[1] if len(parts) > 1 else "")]

    def line_too_long(self) -> Reply:
        return err("line too long")

    def abort(self) -> None:
        """Connection dropped or timed out: give the maildrop back untouched (RFC 1939 §6)."""
        self._sasl = None
        self._release()
        self.closed = True

    @property
    def mode(self) -> str:
        return "command"

    @property
    def state_name(self) -> str:
        return self._state

    @classmethod
    def keywords(cls) -> tuple[str, ...]:
        return tuple(_HANDLERS)

    def view(self) -> Pop3View:
        rows = []
        for index, message in enumerate(self._messages):
            subject, sender = self._display_of(index, message)
            rows.append(
                MessageView(
                    number=index + 1,
                    uid=message.uid,
                    size=message.size,
                    subject=subject,
                    sender=sender,
                    deleted=self._deleted[index],
                )
            )
        return Pop3View(
            state=self._state,
            user=self._user,
            authenticated=self._state != AUTHORIZATION,
            messages=tuple(rows),
            closed=self.closed,
            tls=self.tls,
            authenticated_as=self._user if self._state != AUTHORIZATION else None,
        )

    @property
    def sasl_offered(self) -> bool:
        """AUTH exists on a server that has TLS (today's servers); the article's 2007 server
        knows USER/PASS and APOP only."""
        return self.tls_available or self.tls is not None

    @property
    def plaintext_allowed(self) -> bool:
        """A password may be sent now: inside TLS, or where the world does not insist on it."""
        return self.tls is not None or not self.plaintext_needs_tls

    def _restart_after_tls(self) -> None:
        # RFC 2595 §4: the server discards what it learnt from the client before TLS.
        self._user = None
        self._sasl = None

    # -- AUTHORIZATION ----------------------------------------------------------------------

    def _cmd_user(self, rest: str) -> Reply:
        args = rest.split()
        if len(args) != 1:
            return err("syntax: USER name")
        if not self.plaintext_allowed:
            return err(_PLAINTEXT_DISALLOWED)
        self._user = args[0]
        # Always +OK, known user or not: the answer must not reveal who has a maildrop.
        return ok("send your password")

    def _cmd_pass(self, rest: str) -> Reply:
        # RFC 1939 §7: the whole rest of the line is the password, spaces included.
        if self._user is None:
            return err("give USER name first, then PASS")
        if not rest:
            return err("syntax: PASS password")
        if not self.plaintext_allowed:
            return err(_PLAINTEXT_DISALLOWED)
        name, self._user = self._user, None
        self.login_attempts += 1
        if not self.store.check_password(name, _encodable(rest)):
            self.failed_logins += 1
            return err(_AUTH_FAILED)
        return self._enter_transaction(name)

    def _cmd_apop(self, rest: str) -> Reply:
        args = rest.split()
        if len(args) != 2:
            return err("syntax: APOP name digest")
        name, digest = args
        self._user = None
        secret = self.store.password_of(name)
        # An unknown user costs the same work as a known one and gets the same answer.
        expected = apop_digest(self.timestamp, secret if secret is not None else _DUMMY_SECRET)
        given = digest.lower().encode("utf-8", "replace")
        self.login_attempts += 1
        if not hmac.compare_digest(expected.encode("ascii"), given) or secret is None:
            self.failed_logins += 1
            return err(_AUTH_FAILED)
        return self._enter_transaction(name)

    def _cmd_stls(self, rest: str) -> Reply:
        if rest.strip():
            return err("syntax: STLS takes no arguments")
        if not self.tls_available:
            return err("STLS not available: this server has no TLS certificate")
        if self.tls is not None:
            return err("command not permitted when TLS active")  # RFC 2595 §4's wording
        self._asked_for_tls()
        return Reply("+OK", ("Begin TLS negotiation",), starts_tls=True)

    def _cmd_auth(self, rest: str) -> Reply:
        if not self.sasl_offered:
            return err("AUTH not available: this server knows USER/PASS and APOP")
        args = rest.split()
        if not args:
            # RFC 1734's form, still answered by Dovecot: the mechanisms, one per line.
            return ok(
                "SASL mechanisms follow", b"".join(m.encode() + b"\r\n" for m in POP3_MECHANISMS)
            )
        if len(args) > 2:
            return err("syntax: AUTH mechanism [initial-response]")
        mechanism = args[0].upper()
        if mechanism not in POP3_MECHANISMS:
            return err(f"unsupported authentication mechanism {_echo(args[0])}")
        if not self.plaintext_allowed:
            return err(_PLAINTEXT_DISALLOWED)
        self._user = None
        exchange = Exchange(mechanism)
        return self._sasl_step(exchange, exchange.start(args[1] if len(args) > 1 else None))

    def _sasl_step(self, exchange: Exchange, step: Step) -> Reply:
        if step.kind == "challenge":
            self._sasl = exchange
            return Reply("+", (step.challenge,))
        if step.kind == "cancelled":
            return err("authentication cancelled")  # RFC 5034 §4: "*" gets -ERR
        if step.kind == "malformed":
            return err("[AUTH] malformed authentication response (not base64?)")
        self.login_attempts += 1
        if step.authzid not in ("", step.user) or not self.store.check_password(
            step.user, _encodable(step.password)
        ):
            self.failed_logins += 1  # the adapter's throttling counts AUTH like PASS and APOP
            return err(_AUTH_FAILED)
        return self._enter_transaction(step.user)

    def _enter_transaction(self, name: str) -> Reply:
        user = self.store.user(name)
        if user is None or not self.store.lock(name):
            return err("[IN-USE] maildrop already locked by another session")
        self._locked = name
        self._user = user.name
        self._messages = self.store.messages(name)
        self._deleted = [False] * len(self._messages)
        self._count = len(self._messages)
        self._octets = sum(m.size for m in self._messages)
        self._display.clear()
        self._state = TRANSACTION
        self._allowed = _ALLOWED[TRANSACTION]
        return ok(_clip(f"{user.name}'s maildrop has {self._summary()}"))

    # -- TRANSACTION ------------------------------------------------------------------------

    def _cmd_stat(self, rest: str) -> Reply:
        if rest.strip():
            return err("syntax: STAT takes no arguments")
        return ok(f"{self._count} {self._octets}")

    def _cmd_list(self, rest: str) -> Reply:
        args = rest.split()
        if not args:
            deleted = self._deleted
            body = b"".join(
                b"%d %d\r\n" % (i + 1, m.size)
                for i, m in enumerate(self._messages)
                if not deleted[i]
            )
            return ok(self._summary(), body)
        if len(args) != 1:
            return err("syntax: LIST [msg]")
        index = self._index(args[0])
        if isinstance(index, Reply):
            return index
        return ok(f"{index + 1} {self._messages[index].size}")

    def _cmd_retr(self, rest: str) -> Reply:
        args = rest.split()
        if len(args) != 1:
            return err("syntax: RETR msg")
        index = self._index(args[0])
        if isinstance(index, Reply):
            return index
        message = self._messages[index]
        try:
            return Reply(
                "+OK", (f"{message.size} octets",), message.data, False, _wire_form(message)
            )
        except MaildropError:  # a letter read from disk whose file went away
            return err(_UNREADABLE)

    def _cmd_dele(self, rest: str) -> Reply:
        args = rest.split()
        if len(args) != 1:
            return err("syntax: DELE msg")
        index = self._index(args[0])
        if isinstance(index, Reply):
            return index
        self._deleted[index] = True
        self._count -= 1
        self._octets -= self._messages[index].size
        return ok(f"message {index + 1} deleted")

    def _cmd_noop(self, rest: str) -> Reply:
        if rest.strip():
            return err("syntax: NOOP takes no arguments")
        return ok()

    def _cmd_rset(self, rest: str) -> Reply:
        if rest.strip():
            return err("syntax: RSET takes no arguments")
        self._deleted = [False] * len(self._messages)
        self._count = len(self._messages)
        self._octets = sum(m.size for m in self._messages)
        return ok(f"maildrop has {self._summary()}")

    def _cmd_top(self, rest: str) -> Reply:
        args = rest.split()
        if len(args) != 2:
            return err("syntax: TOP msg n")
        index = self._index(args[0])
        if isinstance(index, Reply):
            return index
        lines = _number(args[1])
        if lines is None:
            return err(f"line count must be a whole number, not {_echo(args[1])}")
        try:
            data = self._messages[index].data
        except MaildropError:
            return err(_UNREADABLE)
        return ok("top of message follows", top_of(data, lines))

    def _cmd_uidl(self, rest: str) -> Reply:
        args = rest.split()
        if not args:
            deleted = self._deleted
            body = b"".join(
                b"%d %s\r\n" % (i + 1, m.uid.encode("ascii", "replace"))
                for i, m in enumerate(self._messages)
                if not deleted[i]
            )
            return ok("unique-id listing follows", body)
        if len(args) != 1:
            return err("syntax: UIDL [msg]")
        index = self._index(args[0])
        if isinstance(index, Reply):
            return index
        return ok(_clip(f"{index + 1} {self._messages[index].uid}"))

    # -- either state ---------------------------------------------------------------------

    def _cmd_capa(self, rest: str) -> Reply:
        if rest.strip():
            return err("syntax: CAPA takes no arguments")
        stls = self.tls_available and self.tls is None and self._state == AUTHORIZATION
        sasl = self.sasl_offered and self.plaintext_allowed and self._state == AUTHORIZATION
        if not (stls or sasl) and self.plaintext_allowed:
            return ok("Capability list follows", _CAPA_BODY)
        body = _capa_body(stls=stls, user=self.plaintext_allowed, sasl=sasl)
        return ok("Capability list follows", body)

    def _cmd_quit(self, rest: str) -> Reply:
        if rest.strip():
            return err("syntax: QUIT takes no arguments")
        if self._state == AUTHORIZATION:
            self.closed = True
            return ok("POP3 server signing off", closes=True)
        self._state = UPDATE
        self._allowed = _ALLOWED[UPDATE]
        doomed = [m.uid for m, gone in zip(self._messages, self._deleted, strict=True) if gone]
        failed = False
        if doomed:
            try:
                self.store.delete(self._locked or "", doomed)
            except (OSError, MaildropError):
                failed = True  # e.g. a Maildir file that could not be removed
        self._release()
        self.closed = True
        if failed:
            return err("[SYS/TEMP] some deleted messages not removed", closes=True)
        left = len(self._messages) - len(doomed)
        after = f"{_plural(left, 'message')} left" if left else "maildrop empty"
        return ok(f"POP3 server signing off ({after})", closes=True)

    # -- helpers ----------------------------------------------------------------------------

    def _index(self, word: str) -> int | Reply:
        """The list index of message number `word`, or the -ERR reply explaining why not."""
        number = _number(word)
        if number is None:
            return err(f"message number must be a positive whole number, not {_echo(word)}")
        if not 1 <= number <= len(self._messages):
            return err(f"no such message, only {_plural(len(self._messages), 'message')}")
        index = number - 1
        if self._deleted[index]:
            return err(f"message {number} already deleted")
        return index

    def _summary(self) -> str:
        return f"{_plural(self._count, 'message')} ({self._octets} octets)"

    def _wrong_state(self, keyword: str) -> Reply:
        if self._state == AUTHORIZATION:
            why = "log in first with USER and PASS"
        elif self._state == TRANSACTION:
            why = "already logged in"
        else:
            why = "the session is ending"
        return err(f"{keyword} is not allowed in the {self._state} state: {why}")

    def _release(self) -> None:
        if self._locked is not None:
            self.store.unlock(self._locked)
            self._locked = None

    def _display_of(self, index: int, message: Letter) -> tuple[str, str]:
        # Header parsing is for the UI only; cached so a redraw does not re-parse every letter.
        cached = self._display.get(index)
        if cached is None:
            cached = self._display[index] = (message.subject, message.sender)
        return cached


#: keyword -> the method that carries it out; also the order keywords() lists them in.
_HANDLERS: dict[str, Callable[[Pop3Session, str], Reply]] = {
    "USER": Pop3Session._cmd_user,
    "PASS": Pop3Session._cmd_pass,
    "APOP": Pop3Session._cmd_apop,
    "STLS": Pop3Session._cmd_stls,
    "AUTH": Pop3Session._cmd_auth,
    "STAT": Pop3Session._cmd_stat,
    "LIST": Pop3Session._cmd_list,
    "RETR": Pop3Session._cmd_retr,
    "DELE": Pop3Session._cmd_dele,
    "NOOP": Pop3Session._cmd_noop,
    "RSET": Pop3Session._cmd_rset,
    "TOP": Pop3Session._cmd_top,
    "UIDL": Pop3Session._cmd_uidl,
    "CAPA": Pop3Session._cmd_capa,
    "QUIT": Pop3Session._cmd_quit,
}


_help = partial(command_help, STATE_COMMANDS)


#: The command reference: one row per command, states taken from STATE_COMMANDS.
POP3_COMMANDS: tuple[CommandHelp, ...] = (
    _help(
        "USER",
        "USER name",
        "Names the maildrop to open; the password follows with PASS.",
        ("+OK send your password",),
        "RFC 1939 §7",
    ),
    _help(
        "PASS",
        "PASS secret",
        "Gives the password for the USER just named; on success the maildrop is locked "
        "and the session enters TRANSACTION.",
        (
            "+OK ne_skagu's maildrop has 3 messages (93845 octets)",
            "-ERR [AUTH] invalid user name or password",
            "-ERR [IN-USE] maildrop already locked by another session",
        ),
        "RFC 1939 §7",
    ),
    _help(
        "APOP",
        "APOP name digest",
        "Logs in without sending the password: digest is the MD5 of the greeting's "
        "<timestamp> followed by the password, in lower-case hex.",
        (
            "+OK ne_skagu's maildrop has 3 messages (93845 octets)",
            "-ERR [AUTH] invalid user name or password",
            "-ERR [IN-USE] maildrop already locked by another session",
        ),
        "RFC 1939 §7",
    ),
    _help(
        "STLS",
        "STLS",
        "Switches the connection to TLS; after the +OK the client starts the handshake, then "
        "asks CAPA again. The name given so far is forgotten.",
        ("+OK Begin TLS negotiation", "-ERR command not permitted when TLS active"),
        "RFC 2595 §4",
    ),
    _help(
        "AUTH",
        "AUTH PLAIN [base64]",
        "Logs in with base64 of \\0user\\0password, which hides nothing: use it inside TLS. "
        "Without the base64 the server answers '+ ' and waits for it; '*' cancels.",
        (
            "+OK ne_skagu's maildrop has 3 messages (93845 octets)",
            "-ERR [AUTH] invalid user name or password",
            "-ERR " + _PLAINTEXT_DISALLOWED,
        ),
        "RFC 5034 §4",
    ),
    _help(
        "STAT",
        "STAT",
        "Number of messages in the maildrop and their total size in octets "
        "(messages marked deleted are not counted).",
        ("+OK 3 93845",),
        "RFC 1939 §5",
    ),
    _help(
        "LIST",
        "LIST [msg]",
        "Size of every message, one line each ending with a lone '.', or of one message.",
        ("+OK 3 messages (93845 octets)", "+OK 2 20377", "-ERR no such message, only 3 messages"),
        "RFC 1939 §5",
    ),
    _help(
        "RETR",
        "RETR msg",
        "Sends the whole message, ending with a lone '.'; lines starting with '.' get one more.",
        ("+OK 46394 octets", "-ERR no such message, only 3 messages"),
        "RFC 1939 §5",
    ),
    _help(
        "DELE",
        "DELE msg",
        "Marks a message deleted; it is removed only when QUIT ends the session.",
        ("+OK message 1 deleted", "-ERR message 1 already deleted"),
        "RFC 1939 §5",
    ),
    _help(
        "NOOP",
        "NOOP",
        "Does nothing; the server answers +OK, which shows the connection is alive.",
        ("+OK",),
        "RFC 1939 §5",
        article_name="loop",
    ),
    _help(
        "RSET",
        "RSET",
        "Unmarks every message marked deleted in this session.",
        ("+OK maildrop has 3 messages (93845 octets)",),
        "RFC 1939 §5",
    ),
    _help(
        "TOP",
        "TOP msg n",
        "Sends a message's headers, the blank line, and the first n lines of its body.",
        ("+OK top of message follows", "-ERR no such message, only 3 messages"),
        "RFC 1939 §7",
    ),
    _help(
        "UIDL",
        "UIDL [msg]",
        "Unique id of every message, or of one; the id stays the same across sessions.",
        ("+OK unique-id listing follows", "+OK 2 server.ru-0002"),
        "RFC 1939 §7",
    ),
    _help(
        "CAPA",
        "CAPA",
        "Lists the capabilities this server supports, one per line.",
        ("+OK Capability list follows",),
        "RFC 2449 §5",
    ),
    _help(
        "QUIT",
        "QUIT",
        "Ends the session. From TRANSACTION the marked messages are removed first (UPDATE).",
        ("+OK POP3 server signing off (maildrop empty)", "-ERR some deleted messages not removed"),
        "RFC 1939 §6",
    ),
)


def state_table_lines() -> list[str]:
    """The state table as plain text lines, for the help screen and `--help` style output."""
    width = max(len(state) for state in STATE_COMMANDS)
    lines = [
        f"{state:<{width}}  {' '.join(commands) if commands else '(none: the server closes)'}"
        for state, commands in STATE_COMMANDS.items()
    ]
    lines.append("")
    lines.extend(f"{t.state} -> {t.next_state}: {t.trigger}" for t in STATE_TRANSITIONS)
    return lines
