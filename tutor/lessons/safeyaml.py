"""Reading a YAML file into position-marked nodes, safely.

Lessons come from teachers and from the internet, so loading must never run code or exhaust
memory. The rules:
- PyYAML's SafeLoader composes nodes; nothing is constructed from a tag. Only the YAML core tags
  (str, int, float, bool, null, seq, map and the implicit timestamp) are allowed; any other tag,
  `!!python/object` included, is refused with a message.
- Aliases (`*name`) are refused outright. Lessons have no use for them, and refusing them is the
  simplest complete defence against "billion laughs" documents whose aliases expand to gigabytes.
- The file size and the nesting depth are bounded.
The result is a node tree whose marks give every value's line and column.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diagnostics import Diagnostic, Pos, Severity

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 40

_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
)


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark | None, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader whose composer refuses aliases, foreign tags and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node:  # type: ignore[override]
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise _Refused(
                event.start_mark,
                f"alias *{event.anchor} is not allowed in lesson files "
                "(aliases are refused so a file cannot expand without bound); write it out",
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(self.peek_event().start_mark, f"nested deeper than {MAX_DEPTH} levels")
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node.tag not in ALLOWED_TAGS:
            raise _Refused(
                node.start_mark,
                f"tag {_short_tag(node.tag)} is not allowed in lesson files "
                "(only plain YAML values: text, numbers, true/false, lists and mappings)",
            )
        return node


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def read_text(path: Path, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """The file's text, or the reason it cannot be read as a lesson-sized UTF-8 text file."""

    def fail(message: str, line: int = 1, col: int = 1) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(shown, line, col, Severity.ERROR, message)]

    try:
        if path.is_dir():
            return fail("is a directory, not a lesson file")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return fail("no such file")
    except OSError as exc:
        return fail(f"cannot read: {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        return fail(f"file is larger than {MAX_FILE_BYTES // 1024} KiB; lesson files are small")
    if b"\0" in data:
        return fail("is a binary file, not YAML text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data[: exc.start].decode("utf-8", "replace"), exc.start)
        return fail(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", line, col
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []


def compose(text: str, shown: str) -> tuple[Node | None, list[Diagnostic]]:
    """Compose one YAML document into nodes, or say why not (with the position)."""
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
    except _Refused as exc:
        return None, [_at(shown, exc.mark, exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        return None, [_at(shown, mark, f"YAML syntax: {message or exc}")]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(shown, 1, 1, Severity.ERROR, f"YAML: {exc}")]
    finally:
        loader.dispose()
    if node is None:
        return None, [Diagnostic(shown, 1, 1, Severity.ERROR, "the file is empty")]
    return node, []


def read_yaml(path: Path, shown: str | None = None) -> tuple[Node | None, list[Diagnostic]]:
    shown = shown if shown is not None else str(path)
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    return compose(text, shown)


def _at(shown: str, mark: yaml.Mark | None, message: str) -> Diagnostic:
    if mark is None:
        return Diagnostic(shown, 1, 1, Severity.ERROR, message)
    return Diagnostic(shown, mark.line + 1, mark.column + 1, Severity.ERROR, message)


def pos_of(node: Node, shown: str) -> Pos:
    return Pos(shown, node.start_mark.line + 1, node.start_mark.column + 1)


def to_python(node: Node) -> object:
    """Plain Python data from a composed node (already checked: no aliases, core tags only)."""
    if isinstance(node, MappingNode):
        return {_key(to_python(k)): to_python(v) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [to_python(item) for item in node.value]
    assert isinstance(node, ScalarNode)
    return yaml.SafeLoader("").construct_object(node)  # scalars only: cheap and safe


def _key(value: object) -> object:
    """Mapping keys must be hashable; a list or mapping used as a key becomes its text."""
    return str(value) if isinstance(value, (list, dict)) else value
