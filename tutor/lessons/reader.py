"""Typed reading of YAML nodes, collecting every problem instead of stopping at the first.

The loader builds the model through a `NodeReader`; each accessor returns a value or None and
records a Diagnostic pointing at the node's own line and column.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tutor.sanitize import one_line

from .diagnostics import Diagnostic, Pos, Severity
from .regexcheck import slow_pattern_problem
from .safeyaml import pos_of, to_python
from .schema import REQUIRED, keys_of

_TAG = "tag:yaml.org,2002:"
_NUMBER_TAGS = (_TAG + "int", _TAG + "float")
#: how much of a value a message quotes: a whole file given as one text is not echoed
QUOTE_MAX = 60


def quoted(value: object) -> str:
    """A value from the file as a message shows it: one line, clipped."""
    return one_line(str(value), QUOTE_MAX)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = node.tag.removeprefix(_TAG)
    if tag == "str":
        return f"the text {quoted(node.value)!r}"
    return {"null": "empty", "int": "a number", "float": "a fraction", "bool": "true/false"}.get(
        tag, f"a {tag}"
    )


class NodeReader:
    def __init__(self, shown: str, cut: set[int] | None = None) -> None:
        self.shown = shown
        self.problems: list[Diagnostic] = []
        # collections a YAML syntax error cut short (id()s): their missing keys are not errors
        self.cut = cut or set()

    def is_cut(self, node: Node) -> bool:
        return id(node) in self.cut

    # -- reporting -------------------------------------------------------------------------

    def pos(self, node: Node) -> Pos:
        return pos_of(node, self.shown)

    def error(self, where: Node | Pos, message: str) -> None:
        pos = where if isinstance(where, Pos) else self.pos(where)
        self.problems.append(Diagnostic.at(pos, message, Severity.ERROR))

    def warn(self, where: Node | Pos, message: str) -> None:
        pos = where if isinstance(where, Pos) else self.pos(where)
        self.problems.append(Diagnostic.at(pos, message, Severity.WARNING))

    # -- mappings --------------------------------------------------------------------------

    def mapping(self, node: Node, what: str) -> list[tuple[Node, Node]] | None:
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping (key: value), not {_describe(node)}")
            return None
        return node.value

    def fields(self, node: Node, kind: str, what: str) -> dict[str, tuple[Node, Node]] | None:
        """The keys of an object of the given schema kind, checked: unknown, duplicate, missing."""
        pairs = self.mapping(node, what)
        if pairs is None:
            return None
        allowed = keys_of(kind)
        found: dict[str, tuple[Node, Node]] = {}
        for key, value in pairs:
            if not isinstance(key, ScalarNode) or key.tag == _TAG + "null":
                self.error(key, f"{what}: keys must be plain words")
                continue
            name = str(key.value)
            if name in found:
                self.error(key, f"{what}: duplicate key '{quoted(name)}'")
                continue
            if name not in allowed:
                hint = did_you_mean(name, allowed)
                self.error(key, f"{what}: unknown key '{quoted(name)}'{hint}")
                continue
            found[name] = (key, value)
        for name in REQUIRED[kind]:
            if name not in found and not self.is_cut(node):
                self.error(node, f"{what}: missing required key '{name}'")
        return found

    def keyed(self, node: Node, what: str) -> list[tuple[str, Node, Node]]:
        """A mapping from free keys (ids, option texts, user names) to values."""
        pairs = self.mapping(node, what)
        result: list[tuple[str, Node, Node]] = []
        seen: set[str] = set()
        for key, value in pairs or []:
            if not isinstance(key, ScalarNode) or key.tag == _TAG + "null":
                self.error(key, f"{what}: keys must be plain text")
                continue
            name = str(key.value)
            if name in seen:
                self.error(key, f"{what}: duplicate key '{quoted(name)}'")
                continue
            seen.add(name)
            result.append((name, key, value))
        return result

    # -- scalars ---------------------------------------------------------------------------

    def text(self, node: Node, what: str, *, empty_ok: bool = False) -> str | None:
        """Any scalar, as the author wrote it (so `say: 250` is the text "250")."""
        if not isinstance(node, ScalarNode) or node.tag == _TAG + "null":
            self.error(node, f"{what} must be text, not {_describe(node)}")
            return None
        value = str(node.value)
        if not empty_ok and not value.strip():
            self.error(node, f"{what} must not be empty")
            return None
        return value

    def line(self, node: Node, what: str) -> str | None:
        """A line to type: any scalar; an empty item (`-` alone) is an empty line."""
        if isinstance(node, ScalarNode):
            return "" if node.tag == _TAG + "null" else str(node.value)
        self.error(node, f"{what} must be one line of text, not {_describe(node)}")
        return None

    def integer(self, node: Node, what: str, minimum: int | None = None) -> int | None:
        if not isinstance(node, ScalarNode) or node.tag != _TAG + "int":
            self.error(node, f"{what} must be a whole number, not {_describe(node)}")
            return None
        value = to_python(node)
        if not isinstance(value, int):  # pragma: no cover - the int tag always constructs an int
            self.error(node, f"{what} must be a whole number")
            return None
        if minimum is not None and value < minimum:
            self.error(node, f"{what} must be at least {minimum}")
            return None
        return value

    def number(self, node: Node, what: str) -> float | None:
        if not isinstance(node, ScalarNode) or node.tag not in _NUMBER_TAGS:
            self.error(node, f"{what} must be a number, not {_describe(node)}")
            return None
        return float(to_python(node))  # type: ignore[arg-type]

    def boolean(self, node: Node, what: str) -> bool | None:
        if not isinstance(node, ScalarNode) or node.tag != _TAG + "bool":
            self.error(node, f"{what} must be true or false, not {_describe(node)}")
            return None
        return node.value.lower() in ("true", "yes", "on", "y")

    def choice(self, node: Node, what: str, choices: Iterable[str]) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        choices = list(choices)
        if value not in choices:
            hint = did_you_mean(value, choices)
            self.error(node, f"{what} '{quoted(value)}' is not one of {', '.join(choices)}{hint}")
            return None
        return value

    def regex(self, node: Node, what: str) -> str | None:
        pattern = self.text(node, what)
        if pattern is None:
            return None
        try:
            re.compile(pattern)
        except re.error as exc:
            self.error(self._offset(node, exc.pos), f"{what}: invalid regular expression: {exc}")
            return None
        slow = slow_pattern_problem(pattern)
        if slow is not None:
            self.error(node, f"{what}: {slow}")
            return None
        return pattern

    def _offset(self, node: Node, offset: int | None) -> Pos:
        """Where character `offset` of a one-line scalar sits in the file (best effort)."""
        pos = self.pos(node)
        if offset is None or node.start_mark.line != node.end_mark.line:
            return pos
        if not isinstance(node, ScalarNode) or node.style not in (None, "'", '"'):
            return pos
        return Pos(pos.path, pos.line, pos.col + offset + (1 if node.style else 0))

    # -- sequences -------------------------------------------------------------------------

    def seq(self, node: Node, what: str) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list, not {_describe(node)}")
            return None
        return list(node.value)

    def texts(self, node: Node, what: str) -> tuple[str, ...] | None:
        items = self.seq(node, what)
        if items is None:
            return None
        values = [self.text(item, f"{what} #{i}") for i, item in enumerate(items, 1)]
        return None if any(v is None for v in values) else tuple(v for v in values if v is not None)

    def lines(self, node: Node, what: str) -> tuple[str, ...] | None:
        items = self.seq(node, what)
        if items is None:
            return None
        values = [self.line(item, f"{what} #{i}") for i, item in enumerate(items, 1)]
        return None if any(v is None for v in values) else tuple(v for v in values if v is not None)

    def ints(self, node: Node, what: str, minimum: int = 1) -> tuple[int, ...] | None:
        if isinstance(node, ScalarNode) and node.tag == _TAG + "int":
            value = self.integer(node, what, minimum)  # a single number stands for a list of one
            return None if value is None else (value,)
        items = self.seq(node, what)
        if items is None:
            return None
        values = [self.integer(item, f"{what} item", minimum) for item in items]
        return None if any(v is None for v in values) else tuple(v for v in values if v is not None)
