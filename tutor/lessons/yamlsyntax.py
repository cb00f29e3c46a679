"""YAML syntax errors in plain words, and what can still be read above one.

PyYAML words its errors for people who write parsers ("found character '\\t' that cannot start
any token") and finds some of them far from the mistake: an unclosed quote is noticed at the end
of the file. A teacher needs the place the mistake was made (the quote), what it is called (a
tab) and the fix (use spaces). Every message keeps the prefix "YAML syntax:".

Lint goes on past a syntax error in two ways:
- `later_errors`: the lines of the errors found so far are blanked and the text is scanned again,
  so a second tab or unclosed quote further down is reported in the same run. Only tabs, quotes
  and stray characters are taken from these passes: an error of structure after a blanked line
  may be the blanking's own doing.
- `salvage`: the text above the error is composed on its own (stepping back a line at a time while
  that fails too), so what loads can be linted. The collections the cut leaves incomplete (the
  step holding the error, the `steps` list, the top-level mapping) are named in `cut`, so their
  missing keys are not reported as mistakes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tutor.safeload import Refused
from tutor.safeload import compose as compose_nodes

#: how many lines `salvage` steps back from an error before giving up
MAX_BACKOFF = 40
#: how many further syntax errors `later_errors` looks for
MAX_LATER = 10
#: the errors `later_errors` reports: a tab, a quote, a character; they do not depend on the
#: structure around them, which blanking a line may have changed (a `|` header blanked turns
#: its text into lines that read as keys)
LEXICAL = ("a tab", "quote", "cannot begin with")


@dataclass(frozen=True)
class SyntaxProblem:
    line: int  # 1-based, as editors count
    col: int
    message: str


def _at(mark: yaml.Mark | None) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def explain(exc: yaml.MarkedYAMLError) -> SyntaxProblem:
    """The error where the author made it, in plain words with the fix."""
    problem, context = exc.problem or "", exc.context or ""
    line, col = _at(exc.problem_mark or exc.context_mark)
    opened = _at(exc.context_mark) if exc.context_mark is not None else None
    if "'\\t'" in problem:
        if not _before(exc.problem_mark).strip():
            return SyntaxProblem(
                line,
                col,
                "YAML syntax: a tab is used for indentation here; YAML indents with spaces "
                "only: use spaces instead of the tab",
            )
        return SyntaxProblem(
            line, col, "YAML syntax: a tab here, where YAML needs spaces: use spaces instead"
        )
    if "quoted scalar" in context and "end of stream" in problem and opened:
        quote = _char_at(exc.context_mark) or "quote"
        return SyntaxProblem(
            *opened,
            f"YAML syntax: this quote ({quote}) is never closed; end the text with {quote} "
            "on the same line, or remove the quote",
        )
    if "unknown escape character" in problem:
        return SyntaxProblem(
            line,
            col,
            f"YAML syntax: {problem.removeprefix('found ')} after a backslash in a "
            "double-quoted text; write \\\\ for a backslash, or use single quotes",
        )
    if "cannot start any token" in problem:
        char = problem.split("'")[1] if problem.count("'") >= 2 else "this character"
        return SyntaxProblem(
            line,
            col,
            f"YAML syntax: a text cannot begin with {char} unquoted; put the text in quotes",
        )
    if problem == "mapping values are not allowed here":
        return SyntaxProblem(
            line,
            col,
            "YAML syntax: a ':' here reads as a second key on the line; put a text that holds "
            "': ' in quotes (say: \"Note: ...\"), or check this line's indentation",
        )
    if "simple key" in context and opened:
        return SyntaxProblem(
            *opened,
            "YAML syntax: this line is neither 'key: value' nor a list item '- ...' (a ':' is "
            "missing, or a text that goes on to this line is not indented)",
        )
    if "flow" in context and opened:
        bracket = _char_at(exc.context_mark) or "bracket"
        closer = {"[": "]", "{": "}"}.get(bracket, "closing bracket")
        return SyntaxProblem(
            *opened,
            f"YAML syntax: this {bracket} is not closed where it should be (found "
            f"{_found(problem)} at {line}:{col}); close it with {closer} or separate its "
            "items with commas",
        )
    if "expected <block end>" in problem:
        return SyntaxProblem(
            line,
            col,
            f"YAML syntax: {_found(problem)} at an indentation that does not fit the lines "
            "above (the keys of one mapping, and the '-' of one list, line up in one column)",
        )
    if "single document" in context:
        return SyntaxProblem(
            line, col, "YAML syntax: a second document ('---'); a lesson file holds one document"
        )
    message = " ".join(p for p in (context, problem) if p) or str(exc)
    return SyntaxProblem(line, col, f"YAML syntax: {message}")


#: what YAML takes for the end of a line
_BREAKS = "\n\r\x85\u2028\u2029"


def _char_at(mark: yaml.Mark | None) -> str | None:
    """The character a mark points at (marks of text input carry the whole text)."""
    buffer = getattr(mark, "buffer", None)
    if mark is None or not buffer or not 0 <= mark.pointer < len(buffer):
        return None
    char = buffer[mark.pointer]
    return None if char == "\0" or char in _BREAKS else char


def _before(mark: yaml.Mark | None) -> str:
    """The text on a mark's line before it."""
    buffer = getattr(mark, "buffer", None)
    if mark is None or not buffer:
        return ""
    start = max(buffer.rfind(c, 0, mark.pointer) for c in _BREAKS) + 1
    return buffer[start : mark.pointer]


def _found(problem: str) -> str:
    """What the parser found, in words: "found '-'" -> "a '-'"."""
    for word in ("found ", "got "):
        if word in problem:
            found = problem.rpartition(word)[2]
            break
    else:
        found = problem
    words = {
        "'<block mapping start>'": "a key",
        "'<scalar>'": "a text",
        "'?'": "a key",
        "'-'": "a list item '-'",
        "'<block sequence start>'": "a list item '-'",
        "'<stream end>'": "the end of the file",
        "':'": "a ':'",
    }
    return words.get(found.strip(), found.strip() or "something")


def later_errors(text: str, first: SyntaxProblem) -> list[SyntaxProblem]:
    """Scanner errors below the first one: each found line is blanked and the text scanned
    again, a bounded number of times."""
    lines = text.split("\n")
    blanked = {first.line}
    found: list[SyntaxProblem] = []
    for _ in range(MAX_LATER):
        attempt = "\n".join("" if i + 1 in blanked else s for i, s in enumerate(lines))
        try:
            for _token in yaml.scan(attempt, Loader=yaml.SafeLoader):
                pass
            return found
        except yaml.scanner.ScannerError as exc:
            problem = explain(exc)
            if problem.line in blanked:
                return found  # the blanked line is still the trouble: nothing new to say
            blanked.add(problem.line)
            if problem.line > first.line and any(w in problem.message for w in LEXICAL):
                found.append(problem)
        except yaml.YAMLError:
            return found
    return found


@dataclass
class Salvage:
    """The document above a syntax error: `root` composed from lines 1..`kept`."""

    root: Node | None
    kept: int
    cut: set[int] = field(default_factory=set)  # id()s of collections left incomplete


def salvage(text: str, error_line: int) -> Salvage:
    """Compose the lines above `error_line`, stepping back while they fail to compose too."""
    lines = text.split("\n")
    for kept in range(error_line - 1, max(0, error_line - 1 - MAX_BACKOFF), -1):
        head = "\n".join(lines[:kept]) + "\n"
        try:
            root = compose_nodes(head)
        except (Refused, yaml.YAMLError):
            continue
        if root is None:
            break
        return Salvage(root, kept, _cut_spine(root, _first_cut_line(lines[kept:])))
    return Salvage(None, 0)


def _first_cut_line(rest: list[str]) -> str:
    """The first line cut off that holds something (comments aside)."""
    for line in rest:
        stripped = line.lstrip(" \t")
        if stripped and not stripped.startswith("#"):
            return line
    return ""


def _cut_spine(root: Node, first_cut: str) -> set[int]:
    """The collections the cut leaves incomplete.

    The text ends inside the last entry of each collection on the way down from the root (its
    "spine"). A block collection starting at column c goes on with the lines indented c or more,
    so it is incomplete when the first line cut off is indented that much. A key whose value was
    wholly cut off (`steps:` with its items below the error), or whose text goes on below the cut,
    is dropped: it is not read as empty or half a text.
    """
    margin = first_cut[: len(first_cut) - len(first_cut.lstrip(" \t"))]
    # a line indented with a tab was meant to go on the innermost entry: all of the spine is cut
    indent = 1 << 30 if "\t" in margin else len(margin)
    cut: set[int] = set()
    node: Node | None = root
    while isinstance(node, (MappingNode, SequenceNode)) and node.flow_style is not True:
        if node.start_mark.column > indent:
            break
        cut.add(id(node))
        if not node.value:
            break
        if isinstance(node, MappingNode):
            key, value = node.value[-1]
            nested = indent > key.start_mark.column or (
                indent == key.start_mark.column and first_cut.lstrip(" ").startswith("- ")
            )
            if nested and (_empty(value) or _block_text(value)):
                # `key:` whose value was cut off entirely, or a text (a `|` block) cut in two
                node.value.pop()
                break
            node = value
        else:
            node = node.value[-1]
    return cut


def _block_text(node: Node) -> bool:
    """A `|` or `>` text: it goes on over the following, deeper lines."""
    return isinstance(node, ScalarNode) and node.style in ("|", ">")


def _empty(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag.endswith(":null") and node.value == ""
