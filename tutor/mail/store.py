"""The mail world the engines act on: users, passwords, maildrops, locks and delivery.

Messages are kept as the exact octets a POP3 client would receive (CRLF line endings), so sizes
reported by STAT and LIST are true octet counts. Parsing for display (subject, sender) goes
through the stdlib `email` package, RFC 2047 encoded-words included; it is imported when a
letter is first shown, not when a store is built, so that a sandbox starts without it.

The store knows nothing of protocols: POP3 and SMTP sessions, the TUI and lessons all call the
same small set of methods. `version` grows on every change so a UI can tell when to redraw.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.protocol.headers import decode_header_text as decode_header_text  # re-exported
from tutor.protocol.maildrop import MaildropError

if TYPE_CHECKING:
    from email.message import EmailMessage

DEFAULT_DOMAIN = "server.ru"
#: largest message accepted by SMTP (announced as EHLO SIZE) unless a world says otherwise
DEFAULT_MAX_MESSAGE_SIZE = 10 * 1024 * 1024


def normalize_crlf(data: bytes) -> bytes:
    """Give every line a CRLF ending, whatever it had (LF, CRLF, or a mix)."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


@dataclass(eq=False, slots=True, weakref_slot=True)  # engines cache per letter
class StoredMessage:
    """One letter in a maildrop. `uid` is stable for the message's whole life (UIDL)."""

    uid: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    def parsed(self) -> EmailMessage:
        import email.policy
        from email.message import EmailMessage

        message = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return message

    def header(self, name: str) -> str:
        """A header decoded for display. Only the header block is parsed, so this is cheap."""
        import email.policy

        end = self.data.find(b"\r\n\r\n")
        head = self.data if end < 0 else self.data[: end + 2]
        raw = email.message_from_bytes(head, policy=email.policy.compat32).get(name)
        return decode_header_text(str(raw) if raw is not None else None)

    @property
    def subject(self) -> str:
        return self.header("Subject")

    @property
    def sender(self) -> str:
        return self.header("From")


@dataclass(slots=True)
class User:
    name: str
    password: str
    messages: list[StoredMessage] = field(default_factory=list)


class MailStoreError(MaildropError):
    """A store operation that cannot be done (an unknown user, a duplicate name...)."""


class MailStore:
    """Users and their maildrops for one local domain.

    strict: SMTP refuses what lenient servers let through (no angle brackets, MAIL before HELO).
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
        hostname: str | None = None,
    ) -> None:
        self.domain = domain.lower()
        self.hostname = hostname or f"mail.{self.domain}"
        self.strict = strict
        self.max_message_size = max_message_size
        self.version = 0
        #: who reads mail for postmaster when no user has that name (None: the first user)
        self.postmaster: str | None = None
        self._users: dict[str, User] = {}
        self._locked: set[str] = set()
        # Deterministic UIDs (UIDL) keep lessons and snapshots repeatable; they are unique for
        # the life of the store, which is what RFC 1939 asks of an in-memory maildrop.
        self._next_uid = 1

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

    def messages(self, name: str) -> list[StoredMessage]:
        """The maildrop's current messages, oldest first (a new list; the messages are shared)."""
        user = self.user(name)
        return list(user.messages) if user else []

    def new_uid(self) -> str:
        uid = f"{self.domain}-{self._next_uid:04d}"
        self._next_uid += 1
        return uid

    def deliver(self, name: str, data: bytes, uid: str | None = None) -> StoredMessage:
        """Append a letter to a user's maildrop. Delivery works while the maildrop is locked;
        the POP3 session holding the lock simply does not see it until the next login."""
        user = self.user(name)
        if user is None:
            raise MailStoreError(f"no such user {name!r}")
        message = StoredMessage(uid or self.new_uid(), data)
        self._store(user, message)
        user.messages.append(message)
        self._changed()
        return message

    def delete(self, name: str, uids: Iterable[str]) -> int:
        """Remove messages by UID (POP3 UPDATE state). Returns how many were removed."""
        user = self.user(name)
        if user is None:
            return 0
        doomed = set(uids)
        kept = [m for m in user.messages if m.uid not in doomed]
        removed = [m for m in user.messages if m.uid in doomed]
        for message in removed:
            self._remove(user, message)
        user.messages[:] = kept
        if removed:
            self._changed()
        return len(removed)

    def seed(self, name: str, data: bytes) -> StoredMessage | None:
        """Put one of a world's starting letters in a maildrop."""
        return self.deliver(name, data)

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
            hostname=self.hostname,
        )
        clone._next_uid = self._next_uid
        clone.postmaster = self.postmaster
        clone.tls = self.tls
        clone.auth_without_tls = self.auth_without_tls
        clone.plaintext_needs_tls = self.plaintext_needs_tls
        clone.smtp_role = self.smtp_role
        clone._users = {
            key: User(u.name, u.password, [StoredMessage(m.uid, m.data) for m in u.messages])
            for key, u in self._users.items()
        }
        return clone

    def _store(self, user: User, message: StoredMessage) -> None:
        """Persist a new message (the in-memory store has nothing to do)."""

    def _remove(self, user: User, message: StoredMessage) -> None:
        """Forget a message persistently (the in-memory store has nothing to do)."""

    def _changed(self) -> None:
        self.version += 1


_MAILDIR_KEY = re.compile(r"(\d+)\.M(\d+)P(\d+)Q(\d+)")


def maildir_key_order(key: str) -> tuple[int, int, int, str]:
    """Sort key putting Maildir keys in delivery order.

    The stdlib names files "seconds.M<microseconds>P<pid>Q<count>.host" with unpadded numbers,
    so plain text order puts "M99999" after "M100000". Keys of another shape sort last, by name.
    """
    match = _MAILDIR_KEY.match(key)
    if match is None:
        return (1 << 62, 0, 0, key)
    seconds, micro, _pid, count = (int(group) for group in match.groups())
    return (seconds, micro, count, key)


class MaildirStore(MailStore):
    """A MailStore whose maildrops live in Maildir folders (`ROOT/<user>/{cur,new,tmp}`).

    Uses the stdlib `mailbox` module. A letter that got 250 is on disk before the reply is sent,
    so it survives a restart; deletions at POP3 QUIT remove the files. The Maildir key is the
    POP3 UID, stable across restarts.
    """

    def __init__(self, root: str | Path, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _maildir(self, user: User):  # -> mailbox.Maildir
        import mailbox

        return mailbox.Maildir(self.root / user.name.lower(), factory=None, create=True)

    def add_user(self, name: str, password: str) -> User:
        user = super().add_user(name, password)
        box = self._maildir(user)
        # Oldest first, by the delivery time the Maildir key records.
        for key in sorted(box.keys(), key=maildir_key_order):
            data = normalize_crlf(box.get_bytes(key))
            user.messages.append(StoredMessage(key, data))
        return user

    @property
    def _marker(self) -> Path:
        return self.root / ".mailtutor-seeded"

    def seed(self, name: str, data: bytes) -> StoredMessage | None:
        # A world's starting letters go in once; after a restart the folders already hold the
        # world as the users left it (letters deleted at QUIT must stay deleted).
        if self._marker.exists():
            return None
        return self.deliver(name, data)

    def finish_seeding(self) -> None:
        self._marker.write_text("world seeded; delete this file to seed again\n")

    def _store(self, user: User, message: StoredMessage) -> None:
        box = self._maildir(user)
        # mailbox writes os.linesep line endings; POP3 gives them back as CRLF.
        message.uid = box.add(message.data)

    def _remove(self, user: User, message: StoredMessage) -> None:
        box = self._maildir(user)
        with contextlib.suppress(KeyError):  # already gone: deleting again is not an error
            box.remove(message.uid)
