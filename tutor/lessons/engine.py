"""Opening engine sessions on lesson worlds: the one place lessons touch tutor.protocol.

Lesson sessions are deterministic: the POP3 greeting carries a fixed timestamp (the one from
RFC 1939's APOP example), so an APOP digest written into a lesson's solution stays valid, and a
replay prints the same dialogue every time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from tutor.mail.store import MailStore
from tutor.mail.worlds import build_world
from tutor.protocol.replies import Reply
from tutor.protocol.session import Session

from .model import Protocol

LESSON_TIMESTAMP = "1896.697170952"
#: the SMTP clock in lessons: the Date of the article's letter, so Received headers repeat
LESSON_TIME = datetime(2001, 11, 3, 16, 14, 46, tzinfo=timezone(timedelta(hours=3)))

Exchange = tuple[str, list[Reply]]


def lesson_timestamp(store: MailStore) -> str:
    """The POP3 banner timestamp lessons use: `<1896.697170952@mail.server.ru>`."""
    return f"<{LESSON_TIMESTAMP}@{store.hostname}>"


def build_lesson_world(world: str | dict[str, Any] | None, base_dir: Path) -> MailStore:
    """A fresh world; file names are taken relative to the lesson's folder."""
    if isinstance(world, str) and Path(world).suffix.lower() in (".yaml", ".yml", ".json"):
        world = str(base_dir / world)
    return build_world(world, base_dir=base_dir)


def open_session(protocol: Protocol | str, store: MailStore) -> Session:
    session: Session
    if Protocol(protocol) is Protocol.POP3:
        from tutor.protocol.pop3 import Pop3Session

        session = Pop3Session(store, timestamp=lesson_timestamp(store), tls_available=store.tls)
    else:
        from tutor.protocol.smtp import SmtpSession

        session = SmtpSession(store, clock=lambda: LESSON_TIME, tls_available=store.tls)
    return with_simulated_tls(session, store)


def with_simulated_tls(session: Session, store: MailStore) -> Session:
    """In-process sessions have no socket: STARTTLS/STLS complete at once with a simulated
    handshake (shown as such), on worlds whose server has a certificate (`tls: true`)."""
    from tutor.protocol.session import simulated_tls

    session.simulate_tls = lambda: simulated_tls(store.hostname)
    return session


def feed(session: Session, lines: Iterable[str]) -> list[Exchange]:
    """Type each line in turn, stopping once the server has closed the connection."""
    exchanges: list[Exchange] = []
    for line in lines:
        if session.closed:
            break
        exchanges.append((line, session.handle(line)))
    return exchanges
