"""Refusing lesson patterns that can take forever to match.

Python's `re` backtracks, and a repeated group of repeats such as `(a+)+` or `(\\w+\\s?)*` tries
exponentially many ways to split a line that almost matches: `(?i)^user (a+)+$` against
`user aaaa...(34)!` never returns, and with it lint, replay or the TUI. `re` has no timeout, so
the loader refuses such patterns instead, from the parsed pattern (`re._parser`, the stdlib's own
parser): an unbounded repeat (`*`, `+`, `{n,}`) whose body holds another repeat of variable
length. The check is conservative: a few patterns that would match fast are refused too, and
the message says how to write them (a bounded count, or a possessive `++`/`*+`).
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+: the parser is re._parser (sre_parse before, deprecated since)
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - older Pythons are not supported, but fail soft
    _c = _p = None  # type: ignore[assignment]

#: an outer repeat allowed to hold a variable one: a small fixed bound cannot blow up
MAX_BOUNDED_OUTER = 16


def _is_repeat(op: Any) -> bool:
    return op in (_c.MAX_REPEAT, _c.MIN_REPEAT)


def _has_variable_repeat(items: Any) -> bool:
    """Whether a variable-length repeat (`+`, `*`, `{1,3}`...) occurs anywhere in `items`."""
    for op, av in items:
        if _is_repeat(op) or op == getattr(_c, "POSSESSIVE_REPEAT", None):
            low, high, body = av
            if high > 1 and low != high:
                return True
            if _has_variable_repeat(body):
                return True
        elif any(_has_variable_repeat(sub) for sub in _children(op, av)):
            return True
    return False


def _children(op: Any, av: Any) -> list[Any]:
    """The sub-patterns of one parsed item (groups, alternatives, lookarounds, conditionals)."""
    if op == _c.SUBPATTERN:
        return [av[-1]]
    if op == _c.BRANCH:
        return list(av[1])
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [av[1]]
    if op == getattr(_c, "ATOMIC_GROUP", None):
        return [av]
    if op == _c.GROUPREF_EXISTS:
        return [branch for branch in av[1:] if branch is not None]
    return []


def _nested(items: Any) -> bool:
    for op, av in items:
        if _is_repeat(op):
            low, high, body = av
            unbounded = high == _c.MAXREPEAT or high > MAX_BOUNDED_OUTER
            if unbounded and low != high and _has_variable_repeat(body):
                return True
            if _nested(body):
                return True
        elif op == getattr(_c, "POSSESSIVE_REPEAT", None):
            if _nested(av[2]):
                return True
        elif any(_nested(sub) for sub in _children(op, av)):
            return True
    return False


def slow_pattern_problem(pattern: str) -> str | None:
    """Why `pattern` may match in exponential time, or None. Call on a pattern that compiles."""
    if _p is None:  # pragma: no cover
        return None
    try:
        parsed = _p.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None  # compiling reports it
    if not _nested(parsed):
        return None
    return (
        "a repeated group that holds a repeat, such as (a+)+ or (\\w+\\s?)*, can take "
        "forever to match a line that almost fits; repeat the group a bounded number of "
        "times ({1,16}), make the inner repeat fixed, or use a possessive ++ / *+"
    )
