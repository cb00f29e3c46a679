"""Does an expectation hold? Pure functions over a line, its replies and a session's state.

Each check returns None when it holds, or a short reason when it does not; lint prints the reason
when a solution fails its own step, so authors see *which* part of `expect` was not met.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tutor.mail.store import MailStore
from tutor.protocol.replies import Reply
from tutor.protocol.session import Pop3View, Session, SmtpView

from .model import Expect, Mistake, StateCheck, StepHint


@lru_cache(maxsize=512)
def regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


#: Typed lines longer than any protocol line (SMTP text lines: 1000 octets) are never matched
#: against a lesson's patterns: `.*x` scans quadratically, and a pasted megabyte would hang.
MAX_MATCHED_LINE = 1024


def line_matches(pattern: str, line: str) -> bool:
    return len(line) <= MAX_MATCHED_LINE and regex(pattern).search(line) is not None


def reply_matches(spec: str, reply: Reply) -> bool:
    """A reply spec is a kind ("ok"), a POP3 status ("+OK") or an SMTP code ("250")."""
    if spec[0].isdigit() or spec[0] in "+-":
        return reply.status.upper() == spec
    return reply.kind.value == spec


def describe(reply: Reply | None) -> str:
    if reply is None:
        return "no reply"
    return f"'{reply.status_lines()[0]}'"


#: which condition failed ("command", "reply", "reply_text", "state.<key>") and why
Failure = tuple[str, str]


def check_expect(
    expect: Expect,
    line: str | None,
    replies: list[Reply] | tuple[Reply, ...],
    session: Session,
    store: MailStore,
) -> str | None:
    """Whether `expect` holds after `line` got `replies` (line None: before anything is typed)."""
    failed = expect_failure(expect, line, replies, session, store)
    return None if failed is None else failed[1]


def expect_failure(
    expect: Expect,
    line: str | None,
    replies: list[Reply] | tuple[Reply, ...],
    session: Session,
    store: MailStore,
) -> Failure | None:
    """As check_expect, naming the condition that failed too, so lint can point at its line."""
    if expect.command is not None:
        if line is None:
            return "command", "no line typed yet"
        if not line_matches(expect.command, line):
            return "command", f"the line does not match command /{expect.command}/"
    last = replies[-1] if replies else None
    if expect.reply is not None and (last is None or not reply_matches(expect.reply, last)):
        return "reply", f"expected reply {expect.reply}, got {describe(last)}"
    if expect.reply_text is not None and (
        last is None or not regex(expect.reply_text).search(last.text)
    ):
        return (
            "reply_text",
            f"the reply {describe(last)} does not match reply_text /{expect.reply_text}/",
        )
    if expect.state is not None:
        failed = state_failure(expect.state, session, store)
        if failed is not None:
            return f"state.{failed[0]}", failed[1]
    return None


def mistake_matches(
    mistake: Mistake,
    line: str,
    replies: list[Reply] | tuple[Reply, ...],
    session: Session,
    store: MailStore,
) -> bool:
    """Whether every condition the mistake gives holds after `line` got `replies`."""
    if mistake.match is not None and not line_matches(mistake.match, line):
        return False
    last = replies[-1] if replies else None
    if mistake.reply is not None and not (last and reply_matches(mistake.reply, last)):
        return False
    if mistake.reply_text is not None and not (
        last and regex(mistake.reply_text).search(last.text)
    ):
        return False
    return mistake.state is None or check_state(mistake.state, session, store) is None


def hint_applies(hint: StepHint, session: Session, store: MailStore) -> bool:
    """Whether a hint's advice holds in the session's present state (always, without `state`)."""
    return hint.state is None or check_state(hint.state, session, store) is None


def check_state(state: StateCheck, session: Session, store: MailStore) -> str | None:
    failed = state_failure(state, session, store)
    return None if failed is None else failed[1]


def state_failure(state: StateCheck, session: Session, store: MailStore) -> Failure | None:
    """The first condition of `state` that does not hold (its key, why), or None."""
    view = session.view()
    if state.session is not None and session.state_name.lower() != state.session.lower():
        return "session", f"the session is in state {session.state_name}, not {state.session}"
    if state.closed is not None and session.closed != state.closed:
        why = "the session is still open" if state.closed else "the session has been closed"
        return "closed", why
    for user, count in state.mailbox:
        if store.user(user) is None:
            return f"mailbox.{user}", f"there is no user {user} in the world"
        have = len(store.messages(user))
        if have != count:
            return f"mailbox.{user}", f"{user}'s maildrop holds {have} message(s), not {count}"
    if state.tls is not None:
        inside = getattr(view, "tls", None) is not None
        if inside != state.tls:
            why = "the connection is in clear text" if state.tls else "TLS is already active"
            return "tls", why
    if state.authenticated is not None:
        who = getattr(view, "authenticated_as", None)
        problem = _check_authenticated(state.authenticated, who)
        if problem:
            return "authenticated", problem
    if isinstance(view, Pop3View):
        return _check_pop3(state, view)
    if isinstance(view, SmtpView):
        return _check_smtp(state, view)
    return None


def _check_pop3(state: StateCheck, view: Pop3View) -> Failure | None:
    if state.user is not None and (view.user or "").lower() != state.user.lower():
        # user '' asks that no name be given (yet, or any more: a failed PASS forgets it)
        return (
            "user",
            f"the user named so far is {view.user or 'nobody'}, not {state.user or 'nobody'}",
        )
    marked = set(view.marked_deleted)
    missing = [n for n in state.marked_deleted if n not in marked]
    if missing:
        return "marked_deleted", f"message(s) {', '.join(map(str, missing))} not marked deleted"
    wrongly = [n for n in state.not_deleted if n in marked]
    if wrongly:
        return "not_deleted", f"message(s) {', '.join(map(str, wrongly))} marked deleted"
    return None


def _check_authenticated(wanted: bool | str, who: str | None) -> str | None:
    if wanted is True and who is None:
        return "not logged in yet"
    if wanted is False and who is not None:
        return "already logged in"
    if isinstance(wanted, str) and (who or "").lower() != wanted.lower():
        return f"logged in as {who}, not {wanted}" if who else f"not logged in as {wanted} yet"
    return None


def _check_smtp(state: StateCheck, view: SmtpView) -> Failure | None:
    if state.mail_from is not None and (
        view.mail_from is None or not regex(state.mail_from).search(view.mail_from)
    ):
        return "mail_from", f"the envelope's sender is {view.mail_from!r}, not /{state.mail_from}/"
    accepted = {_address(r) for r in view.rcpt_to}
    missing = [r for r in state.rcpt_to if _address(r) not in accepted]
    if missing:
        return "rcpt_to", f"recipient(s) {', '.join(missing)} not accepted"
    if state.delivered is not None and len(view.delivered) < state.delivered:
        return "delivered", f"{len(view.delivered)} letter(s) delivered, not {state.delivered}"
    return None


def _address(path: str) -> str:
    return path.strip().strip("<>").lower()
