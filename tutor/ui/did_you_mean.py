"""Did-you-mean for the prompt: the protocol command a mistyped or unknown verb was close to.

Pure: a typed line and the protocol's command reference (`POP3_COMMANDS` / `SMTP_COMMANDS`, the
rows the F1 table shows) in, a `Suggestion` or None out. The server still answers the line with
its own error; the screens add the suggestion as a note under that reply.

Two kinds: a near miss of a keyword (`usr` -> USER, `retr1` -> RETR), matched with difflib; and
the article's own name for a command (`loop`, which RFC 1939 §5 calls NOOP), which also carries
the RFC section and the states where the real command works.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

#: how alike (difflib ratio) a word must be to a keyword to be suggested; "usr"/USER is 0.86,
#: "retr1"/RETR 0.89, "exit"/QUIT 0.25
CUTOFF = 0.7


class CommandRow(Protocol):
    """What is read from a command reference row (tutor.protocol.session.CommandHelp)."""

    keyword: str
    states: tuple[str, ...]
    rfc: str
    article_name: str | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    typed: str  # the verb as typed: "usr"
    keyword: str  # the command meant: "USER"
    article_name: bool = False  # the typed word is the article's name for it ("loop")
    rfc: str = ""  # where the RFC defines it: "RFC 1939 §5"
    states: tuple[str, ...] = ()  # where it is allowed: ("TRANSACTION",)


def verb_of(line: str) -> str:
    """The first word of a command line, as typed ("" for an empty line)."""
    words = line.split(None, 1)
    return words[0] if words else ""


def suggest(
    line: str, commands: Sequence[CommandRow], known: Iterable[str] = ()
) -> Suggestion | None:
    """The command `line` probably meant, or None when its verb is a known command (or
    nothing is close). `known` adds keywords the engine takes beyond the reference rows."""
    typed = verb_of(line)
    word = typed.upper()
    keywords = {row.keyword.upper() for row in commands} | {k.upper() for k in known}
    if not word or word in keywords:
        return None
    for row in commands:
        name = (row.article_name or "").split()
        # "mail from:" is the article's spelling of MAIL: its first word is the keyword itself
        if name and name[0].upper() == word and word != row.keyword.upper():
            return Suggestion(typed, row.keyword, True, row.rfc, tuple(row.states))
    close = difflib.get_close_matches(word, sorted(keywords), n=1, cutoff=CUTOFF)
    if not close:
        return None
    row = next((r for r in commands if r.keyword.upper() == close[0]), None)
    return Suggestion(
        typed,
        close[0],
        rfc=row.rfc if row else "",
        states=tuple(row.states) if row else (),
    )
