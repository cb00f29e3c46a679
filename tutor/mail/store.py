"""The mail world the engines act on: users, passwords, maildrops, locks and delivery.

Messages are kept as the exact octets a POP3 client would receive (CRLF line endings), so sizes
reported by STAT and LIST are true octet counts. Parsing for display (subject, sender) goes
through the stdlib `email` package, RFC 2047 encoded-words included; it is imported when a
letter is first shown, not when a store is built, so that a sandbox starts without it.

The store knows nothing of protocols: POP3 and SMTP sessions, the TUI and lessons all call the
same small set of methods. `version` grows on every change so a UI can tell when to redraw.

Every letter enters through `deliver_all` (SMTP, tests) or `seed` (a world's starting letters),
and both pass it through `normalize_crlf`: that is the one place line ends are made right. Each
maildrop has a size limit (`max_maildrop_size`); delivery to several maildrops is all or nothing.
`MaildirStore` (tutor.mail.maildir) keeps the same maildrops in Maildir folders.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tutor.protocol.headers import decode_header_text as decode_header_text  # re-exported
from tutor.protocol.maildrop import MaildropError, MaildropFull

if TYPE_CHECKING:
    from email.message import EmailMessage

DEFAULT_DOMAIN = "server.ru"
#: largest message accepted by SMTP (announced as EHLO SIZE) unless a world says otherwise
DEFAULT_MAX_MESSAGE_SIZE = 10 * 1024 * 1024
#: how many octets one maildrop may hold unless a world says otherwise: generous for a tutor,
#: but a client that loops over SMTP gets 552 instead of filling the memory or the disk
DEFAULT_MAX_MAILDROP_SIZE = 50 * 1024 * 1024
#: RFC 1939 §7: a unique-id is 1 to 70 characters from 0x21 to 0x7E
MAX_UID_LENGTH = 70
_FITS_AS_UID = re.compile(f"[!-~]{{1,{MAX_UID_LENGTH}}}")


def normalize_crlf(data: bytes) -> bytes:
    """Give every line a CRLF ending: a bare LF or a lone CR becomes CRLF.

    Why normalise rather than refuse (as Postfix 3.9 does with `smtpd_forbid_bare_newline`):
    learners send letters with nc, telnet and scripts that end lines with a bare LF, and a
    refused letter teaches less than a delivered one. What Postfix's refusal protects against,
    SMTP smuggling, is kept out by the data-end rule instead: only CRLF "." CRLF ends the text
    (RFC 5321 §4.1.1.4), and normalising happens after that end was found, so a bare-LF dot is
    an ordinary line of the letter, which POP3 dot-stuffs on the way out like any other. After
    this every client reads the same letter (curl splits at CRLF, poplib at LF), RETR and TOP
    send only CRLF lines (RFC 1939 §3), and a Maildir file is the letter's exact size.
    """
    crlf = data.count(b"\r\n")
    if data.count(b"\n") == crlf and data.count(b"\r") == crlf:
        return data  # already clean: counting allocates nothing, so clean letters cost no copy
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")


def is_valid_uid(text: str) -> bool:
    """RFC 1939 §7: 1 to 70 characters in the range 0x21 to 0x7E."""
    return _FITS_AS_UID.fullmatch(text) is not None


def bounded_uid(text: str) -> str:
    """`text` as a unique-id RFC 1939 allows: itself when it fits, else a stable digest form.

    The digest form keeps a readable start and adds a hash of the whole text, so it is the same
    on every run (a Maildir key maps to the same UID after a restart) and differs for different
    texts.
    """
    if is_valid_uid(text):
        return text
    digest = hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
    readable = "".join(c for c in text if "!" <= c <= "~")[: MAX_UID_LENGTH - len(digest) - 1]
    return f"{readable}~{digest}"


def run_tag() -> str:
    """A short text that differs for every run of the program: the start time in microseconds,
    in base 36. In-memory UIDs of letters delivered at run time carry it, so a letter delivered
    after a restart never gets the UID a different letter had before it."""
    number = time.time_ns() // 1000
    digits = ""
    while number:
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
    return digits or "0"


class HeaderAccess:
    """Subject and sender of a letter for display, from its header block only (cheap)."""

    __slots__ = ()

    def head(self) -> bytes:
        """The header block, up to and including the CRLF that ends the last header."""
        raise NotImplementedError

    def header(self, name: str) -> str:
        """A header decoded for display."""
        import email.policy

        raw = email.message_from_bytes(self.head(), policy=email.policy.compat32).get(name)
        return decode_header_text(str(raw) if raw is not None else None)

    @property
    def subject(self) -> str:
        return self.header("Subject")

    @property
    def sender(self) -> str:
        return self.header("From")


def head_of(data: bytes) -> bytes:
    end = data.find(b"\r\n\r\n")
    return data if end < 0 else data[: end + 2]


@dataclass(eq=False, slots=True, weakref_slot=True)  # engines cache per letter
class StoredMessage(HeaderAccess):
    """One letter in a maildrop. `uid` is stable for the message's whole life (UIDL)."""

    uid: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    def head(self) -> bytes:
        return head_of(self.data)

    def parsed(self) -> EmailMessage:
        import email.policy
        from email.message import EmailMessage

        message = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return message


@dataclass(slots=True)
class User:
    name: str
    password: str
    #: StoredMessage in memory; MaildirLetter (same attributes) in a MaildirStore
    messages: list[Any] = field(default_factory=list)
    #: the messages' total size, kept with them so a quota check costs nothing per delivery
    octets: int = 0


class MailStoreError(MaildropError):
    """A store operation that cannot be done (an unknown user, a duplicate name...)."""


class MailStore:
    """Users and their maildrops for one local domain.

    strict: SMTP refuses what lenient servers let through (no angle brackets, MAIL before HELO).
    max_maildrop_size: octets one maildrop may hold; SMTP answers 552 beyond it. A world's
    starting letters are not held to it (the world's author decided what the maildrop holds).
    The TLS policy (see `TlsPolicy`): tls, auth_without_tls, plaintext_needs_tls.
    """

    #: the server has a certificate, as today's servers do: the TUI simulates STARTTLS/STLS and
    #: AUTH exists (`serve` offers TLS on every port whatever this says: it has a certificate)
    tls: bool = False
    #: SMTP AUTH is offered in clear text too (a lesson shows why that is bad)
    auth_without_tls: bool = False
    #: POP3 refuses USER/PASS and AUTH PLAIN before STLS, as Dovecot does by default
    plaintext_needs_tls: bool = False
    #: the role of an in-process SMTP session (lessons, sandbox): "mx" (port 25: relay for
    #: local users) or "submission" (port 587: AUTH before MAIL); `serve` sets it per port
    smtp_role: str = "mx"

    def __init__(
        self,
        domain: str = DEFAULT_DOMAIN,
        *,
        strict: bool = False,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        max_maildrop_size: int = DEFAULT_MAX_MAILDROP_SIZE,
        hostname: str | None = None,
    ) -> None:
        self.domain = domain.lower()
        self.hostname = hostname or f"mail.{self.domain}"
        self.strict = strict
        self.max_message_size = max_message_size
        self.max_maildrop_size = max_maildrop_size
        self.version = 0
        #: who reads mail for postmaster when no user has that name (None: the first user)
        self.postmaster: str | None = None
        self._users: dict[str, User] = {}
        self._locked: set[str] = set()
        # A world's starting letters get deterministic UIDs (domain-0001...), which keeps
        # lessons and snapshots repeatable: they are the same letters on every run. Letters
        # delivered at run time also carry this run's tag, so that a restart, which brings the
        # world back, never gives a new letter the UID another one had before.
        self._next_uid = 1
        self._run = run_tag()

    # -- users ---------------------------------------------------------------------------

    def add_user(self, name: str, password: str) -> User:
        key = name.lower()
        if key in self._users:
            raise MailStoreError(f"user {name!r} already exists")
        user = User(name, password)
        self._users[key] = user
        self._changed()
        return user

    def user(self, name: str) -> User | None:
        """Look a user up by local part, case-insensitively (as most servers do)."""
        return self._users.get(name.lower())

    @property
    def users(self) -> list[User]:
        return list(self._users.values())

    def check_password(self, name: str, password: str) -> bool:
        import secrets  # hmac and OpenSSL: loaded at the first login, not at start-up

        user = self.user(name)
        # compare_digest so a wrong guess costs the same whatever it shares with the password
        return user is not None and secrets.compare_digest(
            user.password.encode("utf-8"), password.encode("utf-8")
        )

    def password_of(self, name: str) -> str | None:
        """The shared secret APOP digests are made from."""
        user = self.user(name)
        return user.password if user else None

    def recipient(self, local_part: str) -> User | None:
        """Whose maildrop mail for `local_part` lands in.

        A user of that name; failing that, for "postmaster" the world's postmaster (RFC 5321
        §4.5.1: every server must accept mail for postmaster): the user named by `postmaster`,
        or the first user of the world.
        """
        user = self.user(local_part)
        if user is not None or local_part.lower() != "postmaster":
            return user
        if self.postmaster is not None:
            return self.user(self.postmaster)
        return next(iter(self._users.values()), None)

    def is_local(self, domain: str) -> bool:
        domain = domain.lower().rstrip(".")
        return domain in (self.domain, self.hostname) or domain == f"[{self.domain}]"

    # -- maildrop locks (RFC 1939 §8: one session per maildrop) ---------------------------------

    def lock(self, name: str) -> bool:
        key = name.lower()
        if key not in self._users or key in self._locked:
            return False
        self._locked.add(key)
        self._changed()
        return True

    def unlock(self, name: str) -> None:
        self._locked.discard(name.lower())
        self._changed()

    def is_locked(self, name: str) -> bool:
        return name.lower() in self._locked

    # -- messages ------------------------------------------------------------------------

    def messages(self, name: str) -> list[Any]:
        """The maildrop's current messages, oldest first (a new list; the messages are shared)."""
        user = self.user(name)
        return list(user.messages) if user else []

    def maildrop_size(self, name: str) -> int:
        """Octets the maildrop holds now."""
        user = self.user(name)
        return user.octets if user else 0

    def space_left(self, name: str) -> int:
        """Octets the maildrop can still take before it is full (0 when full)."""
        return max(0, self.max_maildrop_size - self.maildrop_size(name))

    def new_uid(self) -> str:
        """A UID for a letter delivered at run time (see __init__ for why it has a run tag)."""
        uid = bounded_uid(f"{self.domain}-{self._next_uid:04d}-{self._run}")
        self._next_uid += 1
        return uid

    def deliver(self, name: str, data: bytes) -> Any:
        """Append a letter to a user's maildrop (see deliver_all)."""
        return self.deliver_all([name], data)[0]

    def deliver_all(self, names: Sequence[str], data: bytes) -> list[Any]:
        """Give one letter to each named user (one copy per maildrop): all of them, or none.

        Raises MaildropFull when a maildrop has no room for it, MailStoreError for an unknown
        user, OSError when a persistent store cannot write; then no maildrop has changed, so a
        client that retries after a 4xx never leaves a second copy anywhere. Delivery works
        while a maildrop is locked; the POP3 session holding the lock does not see the letter
        until the next login.
        """
        data = normalize_crlf(data)
        users: list[User] = []
        for name in names:
            user = self.user(name)
            if user is None:
                raise MailStoreError(f"no such user {name!r}")
            if all(other is not user for other in users):  # one copy per maildrop
                users.append(user)
        for user in users:
            if len(data) > self.space_left(user.name):
                raise MaildropFull(user.name)
        letters = self._store_all(users, data)
        for user, letter in zip(users, letters, strict=True):
            user.messages.append(letter)
            user.octets += letter.size
        self._changed()
        return letters

    def delete(self, name: str, uids: Iterable[str]) -> int:
        """Remove messages by UID (POP3 UPDATE state). Returns how many were removed.

        A removal that fails raises; the letters removed before it are gone from memory too."""
        user = self.user(name)
        if user is None:
            return 0
        doomed = set(uids)
        removed: list[Any] = []
        try:
            for message in user.messages:
                if message.uid in doomed:
                    self._remove(user, message)
                    removed.append(message)
        finally:
            if removed:
                gone = {id(m) for m in removed}
                user.messages[:] = [m for m in user.messages if id(m) not in gone]
                user.octets -= sum(m.size for m in removed)
                self._changed()
                self._removed(user)
        return len(removed)

    def seed(self, name: str, data: bytes, *, uid: str | None = None) -> Any | None:
        """Put one of a world's starting letters in a maildrop (no size limit applies).

        `uid`: the letter's unique-id as the world's author gave it (checked by the caller);
        without it the letter is numbered (domain-0001...). Either way the numbering counts
        the letter, so giving one letter a uid changes no other letter's. A Maildir store names
        letters by their files, as Maildir servers do, and uses no given uid.

        Returns the letter, or None when a persistent store already holds the world."""
        user = self.user(name)
        if user is None:
            raise MailStoreError(f"no such user {name!r}")
        letter = self._seed(user, normalize_crlf(data), uid)
        if letter is not None:
            user.messages.append(letter)
            user.octets += letter.size
            self._changed()
        return letter

    def finish_seeding(self) -> None:
        """Called once the world's starting letters are in (persistent stores remember it)."""

    # -- copies and persistence hooks -------------------------------------------------------

    def copy(self) -> MailStore:
        """An independent in-memory scratch copy (quiz `command` questions run on one).

        Always a plain MailStore, never touching disk; locks are not copied."""
        clone = MailStore(
            self.domain,
            strict=self.strict,
            max_message_size=self.max_message_size,
            max_maildrop_size=self.max_maildrop_size,
            hostname=self.hostname,
        )
        clone._next_uid = self._next_uid
        clone._run = self._run
        clone.postmaster = self.postmaster
        clone.tls = self.tls
        clone.auth_without_tls = self.auth_without_tls
        clone.plaintext_needs_tls = self.plaintext_needs_tls
        clone.smtp_role = self.smtp_role
        clone._users = {
            key: User(
                u.name, u.password, [StoredMessage(m.uid, m.data) for m in u.messages], u.octets
            )
            for key, u in self._users.items()
        }
        return clone

    def _seed(self, user: User, data: bytes, uid: str | None = None) -> Any | None:
        """A starting letter for `user` (persistent stores write it, or skip it if present)."""
        numbered = bounded_uid(f"{self.domain}-{self._next_uid:04d}")
        self._next_uid += 1
        return StoredMessage(uid or numbered, data)

    def _store_all(self, users: list[User], data: bytes) -> list[Any]:
        """One new letter per user, persisted all or none (in memory nothing can fail)."""
        return [StoredMessage(self.new_uid(), data) for _ in users]

    def _remove(self, user: User, message: Any) -> None:
        """Forget a message persistently (the in-memory store has nothing to do)."""

    def _removed(self, user: User) -> None:
        """Removals from `user`'s maildrop are over: make them durable (nothing in memory)."""

    def _changed(self) -> None:
        self.version += 1


def __getattr__(name: str) -> Any:
    # MaildirStore lives in tutor.mail.maildir (which imports this module); it is still
    # importable from here, where callers have always found it.
    if name in ("MaildirStore", "maildir_key_order"):
        from . import maildir

        return getattr(maildir, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
