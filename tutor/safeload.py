"""Reading files from strangers, bounded: lessons, world files, letters, progress.

- `read_regular` takes only regular files: a FIFO, a device, a socket or a directory is refused
  at once (stat before open, then O_NONBLOCK and fstat for the race), and reading stops one byte
  past the size cap, so /dev/zero or a 100 MB file costs nothing.
- `BoundedLoader` is PyYAML's SafeLoader with aliases refused (the complete defence against
  "billion laughs"), only the YAML core tags, and a nesting bound.
- `clean_scalars` strips terminal control characters from every text of a composed document
  (see tutor.sanitize), saying where it did.
- `load_data` reads a YAML or JSON file into plain Python data with all of the above.

A leaf module (stdlib, PyYAML and tutor.sanitize), so the mail layer may use it for world files
as the lessons layer does for lessons.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tutor.sanitize import clean_text, first_control

MAX_DEPTH = 40

_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
)


class Refused(ValueError):
    """A file or document refused; `message` says why, `line` and `col` (1-based) where."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col

    @classmethod
    def at(cls, mark: yaml.Mark | None, message: str) -> Refused:
        if mark is None:
            return cls(message)
        return cls(message, mark.line + 1, mark.column + 1)


class NotRegularFile(Refused):
    """A directory, FIFO, device or socket where a file was expected."""


class FileTooLarge(Refused):
    def __init__(self, limit: int) -> None:
        super().__init__(f"file is larger than {_size(limit)}")
        self.limit = limit


def _size(octets: int) -> str:
    if octets >= 1024 * 1024 and octets % (1024 * 1024) == 0:
        return f"{octets // (1024 * 1024)} MiB"
    if octets >= 1024 and octets % 1024 == 0:
        return f"{octets // 1024} KiB"
    return f"{octets} octets"


def _check_regular(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise NotRegularFile("is a directory, not a file")
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
        raise NotRegularFile(f"is {kind}, not a regular file")


def read_regular(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` octets.

    Raises NotRegularFile, FileTooLarge, or OSError (FileNotFoundError, PermissionError...).
    """
    _check_regular(os.stat(path).st_mode)  # a FIFO would block an open() without O_NONBLOCK
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        _check_regular(info.st_mode)  # swapped for something else between stat and open
        if info.st_size > limit:
            raise FileTooLarge(limit)
        chunks: list[bytes] = []
        left = limit + 1  # the size can grow while we read: never read past the cap
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise FileTooLarge(limit)
    return data


# -- YAML ----------------------------------------------------------------------------------------


def short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


class BoundedLoader(yaml.SafeLoader):
    """A SafeLoader whose composer refuses aliases, foreign tags and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node:  # type: ignore[override]
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise Refused.at(
                event.start_mark,
                f"alias *{clean_text(event.anchor or '')} is not allowed in lesson files "
                "(aliases are refused so a file cannot expand without bound); write it out",
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise Refused.at(self.peek_event().start_mark, f"nested deeper than {MAX_DEPTH} levels")
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node.tag not in ALLOWED_TAGS:
            raise Refused.at(
                node.start_mark,
                f"tag {clean_text(short_tag(node.tag))} is not allowed in lesson files "
                "(only plain YAML values: text, numbers, true/false, lists and mappings)",
            )
        return node


def compose(text: str) -> Node | None:
    """One YAML document as nodes (None if empty). Raises Refused or yaml.YAMLError."""
    loader = BoundedLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def clean_scalars(node: Node) -> list[tuple[yaml.Mark, str]]:
    """Strip control characters (newline and tab stay) from every scalar, keys included.

    Returns (where, the first character removed) for each scalar that held one. The tree's
    depth is bounded by the loader, so recursion is safe.
    """
    found: list[tuple[yaml.Mark, str]] = []
    if isinstance(node, ScalarNode):
        index = first_control(node.value)
        if index is not None:
            found.append((node.start_mark, node.value[index]))
            node.value = clean_text(node.value)
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            found += clean_scalars(key)
            found += clean_scalars(value)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            found += clean_scalars(item)
    return found


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


# -- JSON ----------------------------------------------------------------------------------------


def parse_json(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """JSON data with every string cleaned; deeper than `max_depth` is refused.

    Raises Refused (depth, or too deep for the parser) or ValueError (syntax).
    """
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise Refused(f"nested deeper than {max_depth} levels") from exc
    return clean_data(data, max_depth)


def clean_data(data: Any, max_depth: int = MAX_DEPTH, depth: int = 0) -> Any:
    """`data` (JSON-like) with control characters stripped from every string, keys included."""
    if depth > max_depth:
        raise Refused(f"nested deeper than {max_depth} levels")
    if isinstance(data, str):
        return clean_text(data)
    if isinstance(data, dict):
        return {
            clean_text(k) if isinstance(k, str) else k: clean_data(v, max_depth, depth + 1)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [clean_data(item, max_depth, depth + 1) for item in data]
    return data


def decode_utf8(data: bytes) -> str:
    """UTF-8 text (a BOM dropped); raises Refused for NUL bytes or invalid UTF-8."""
    if b"\0" in data:
        raise Refused("is a binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from exc
    return text.removeprefix("\ufeff")


def load_data(path: Path, limit: int) -> Any:
    """A YAML or JSON file (by its suffix) as plain Python data, bounded and cleaned.

    Raises Refused (with line and column where known), yaml.YAMLError, ValueError or OSError.
    """
    text = decode_utf8(read_regular(path, limit))
    if path.suffix.lower() == ".json":
        return parse_json(text)
    node = compose(text)
    if node is None:
        return None
    clean_scalars(node)
    return to_python(node)
