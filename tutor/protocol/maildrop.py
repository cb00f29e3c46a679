"""What the engines need of the mail world, as structural interfaces.

The layer rule keeps tutor/protocol free of every other part of mailtutor, tutor/mail included:
the engines are written against these `typing.Protocol` classes, and `tutor.mail.store.MailStore`
(or a test double, or another store) satisfies them without inheriting anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol


class MaildropError(Exception):
    """A maildrop operation failed (the store's own errors derive from this)."""


class MaildropFull(MaildropError):
    """A letter does not fit in a maildrop's size limit (SMTP answers 552 5.2.2)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the maildrop of {name} is full")
        self.name = name  # the user whose maildrop is full


class Letter(Protocol):
    """One message in a maildrop: exact octets with CRLF line ends, and a stable UID.

    `data` may be read from disk when asked for (a Maildir letter); reading it can then raise
    MaildropError (the file went away), which the engine answers with -ERR.
    """

    @property
    def uid(self) -> str: ...
    @property
    def data(self) -> bytes: ...
    @property
    def size(self) -> int: ...
    @property
    def subject(self) -> str: ...
    @property
    def sender(self) -> str: ...


class Mailbox(Protocol):
    """A user as the engines see one: the name as the store spells it."""

    @property
    def name(self) -> str: ...


class Maildrops(Protocol):
    """Users, passwords, maildrops, locks and delivery for one local domain."""

    domain: str
    hostname: str
    strict: bool
    max_message_size: int
    version: int  # grows with every change

    def user(self, name: str) -> Mailbox | None: ...
    def check_password(self, name: str, password: str) -> bool: ...
    def password_of(self, name: str) -> str | None: ...
    def is_local(self, domain: str) -> bool: ...
    def recipient(self, local_part: str) -> Mailbox | None:
        """Whose maildrop mail for this local part lands in (postmaster included)."""
        ...

    def lock(self, name: str) -> bool: ...
    def unlock(self, name: str) -> None: ...
    def messages(self, name: str) -> Sequence[Letter]: ...
    def deliver(self, name: str, data: bytes) -> Letter: ...
    def deliver_all(self, names: Sequence[str], data: bytes) -> Sequence[Letter]:
        """One copy to each named maildrop, all or none: raises MaildropFull when one has no
        room, another MaildropError or OSError when it cannot be written; then none changed."""
        ...

    def space_left(self, name: str) -> int:
        """Octets the maildrop can still take (0: full)."""
        ...

    def delete(self, name: str, uids: Iterable[str]) -> int: ...
