"""Reading a YAML file into position-marked nodes, safely.

Lessons come from teachers and from the internet, so loading must never run code, exhaust
memory, hang, or pass terminal control sequences on. The rules (the machinery is tutor.safeload,
shared with world files):
- Only regular files: a FIFO, a device or a directory is refused at once; the size is bounded.
- PyYAML's SafeLoader composes nodes; nothing is constructed from a tag. Only the YAML core tags
  (str, int, float, bool, null, seq, map and the implicit timestamp) are allowed; any other tag,
  `!!python/object` included, is refused with a message.
- Aliases (`*name`) are refused outright. Lessons have no use for them, and refusing them is the
  simplest complete defence against "billion laughs" documents whose aliases expand to gigabytes.
- The nesting depth is bounded.
- Control characters (ESC, BEL, C1...) are stripped from every text as it is read, newlines and
  tabs excepted, with a warning at the text's position: a title cannot set the clipboard (OSC 52)
  of whoever opens the lesson.
The result is a node tree whose marks give every value's line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import Node

from tutor.safeload import MAX_DEPTH as MAX_DEPTH
from tutor.safeload import FileTooLarge, NotRegularFile, Refused, clean_scalars, read_regular
from tutor.safeload import compose as compose_nodes
from tutor.safeload import to_python as to_python  # re-exported: the lesson readers use it

from .diagnostics import Diagnostic, Pos, Severity
from .yamlsyntax import SyntaxProblem, explain, later_errors, salvage

MAX_FILE_BYTES = 256 * 1024

_CONTROL_NAMES = {0x07: "BEL", 0x08: "BS", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL", 0x9B: "CSI"}


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def read_text(path: Path, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """The file's text, or the reason it cannot be read as a lesson-sized UTF-8 text file."""

    def fail(message: str, line: int = 1, col: int = 1) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(shown, line, col, Severity.ERROR, message)]

    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        return fail("no such file")
    except FileTooLarge:
        return fail(f"file is larger than {MAX_FILE_BYTES // 1024} KiB; lesson files are small")
    except NotRegularFile as exc:
        return fail(f"{exc.message} (refused without reading it)")
    except OSError as exc:
        return fail(f"cannot read: {exc.strerror or exc}")
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
    """Compose one YAML document into nodes, or say why not (with the position).

    Control characters are stripped from the nodes' texts; each text that held one gets a
    warning (the lesson still loads)."""
    node, problems, _ = _compose(text, shown)
    return node, problems


def _compose(text: str, shown: str) -> tuple[Node | None, list[Diagnostic], SyntaxProblem | None]:
    """As compose, also giving the syntax error (if that is why there is no node)."""
    try:
        node = compose_nodes(text)
    except Refused as exc:
        return None, [Diagnostic(shown, exc.line, exc.col, Severity.ERROR, exc.message)], None
    except yaml.MarkedYAMLError as exc:
        syntax = explain(exc)
        return None, [_syntax(shown, syntax)], syntax
    except yaml.YAMLError as exc:
        return None, [Diagnostic(shown, 1, 1, Severity.ERROR, f"YAML: {exc}")], None
    if node is None:
        return None, [Diagnostic(shown, 1, 1, Severity.ERROR, "the file is empty")], None
    return node, _clean(node, shown), None


def _clean(node: Node, shown: str) -> list[Diagnostic]:
    return [
        Diagnostic(
            shown,
            mark.line + 1,
            mark.column + 1,
            Severity.WARNING,
            f"control character {_name(char)} removed from this text "
            "(terminal control codes are not shown from lesson files)",
        )
        for mark, char in clean_scalars(node)
    ]


def _syntax(shown: str, problem: SyntaxProblem) -> Diagnostic:
    return Diagnostic(shown, problem.line, problem.col, Severity.ERROR, problem.message)


@dataclass
class Salvaged:
    """A document read as far as it can be: `cut` names the collections a syntax error left
    incomplete (id()s of their nodes); empty when the whole file was read."""

    root: Node | None
    problems: list[Diagnostic]
    cut: set[int] = field(default_factory=set)
    partial: bool = False  # only the part above a syntax error was read


def read_yaml_salvaged(path: Path, shown: str | None = None) -> Salvaged:
    """As read_yaml, but past a syntax error: every syntax error the scanner finds, the part
    above the first one as nodes, and a `not checked` line for the rest (see yamlsyntax)."""
    shown = shown if shown is not None else str(path)
    text, problems = read_text(path, shown)
    if text is None:
        return Salvaged(None, problems)
    root, problems, syntax = _compose(text, shown)
    if syntax is None:
        return Salvaged(root, problems)
    problems += [_syntax(shown, later) for later in later_errors(text, syntax)]
    saved = salvage(text, syntax.line)
    last = len(text.rstrip("\n").split("\n"))
    first_lost = saved.kept + 1
    lines = f"line {last}" if first_lost >= last else f"lines {first_lost}-{last}"
    at = (syntax.line, syntax.col) if first_lost == syntax.line else (first_lost, 1)
    problems.append(
        Diagnostic(
            shown,
            *at,
            Severity.WARNING,
            f"not checked: {lines} (YAML cannot be read past the syntax error at "
            f"{syntax.line}:{syntax.col}; only further syntax errors are reported there)",
        )
    )
    if saved.root is None:
        return Salvaged(None, problems)
    return Salvaged(saved.root, problems + _clean(saved.root, shown), saved.cut, partial=True)


def _name(char: str) -> str:
    code = ord(char)
    name = _CONTROL_NAMES.get(code)
    return f"U+{code:04X}" + (f" ({name})" if name else "")


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
