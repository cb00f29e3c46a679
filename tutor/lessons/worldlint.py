"""World descriptions read like lessons: every problem at its own line and column.

A world (inline under a lesson's `world:`, or a world file) is first read node by node, so an
unknown key, a wrong type or a letter without text, file or generate is reported where it is
written, each one, with a did-you-mean. Only a world that reads cleanly is then built
(tutor.mail.worlds.build_world), which checks what needs the data itself: letter files, sizes,
unique ids, the postmaster; its WorldError says where (`at`), and is reported at that node.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tutor.mail.store import is_valid_uid
from tutor.mail.worlds import (
    MIN_GENERATED_SIZE,
    NAMED_WORLDS,
    SMTP_ROLES,
    TLS_KEYS,
    UID_RULE,
    WorldError,
    build_world,
)

from .diagnostics import Diagnostic, has_errors
from .reader import NodeReader, quoted
from .safeyaml import read_yaml, to_python

_INT_TAG = "tag:yaml.org,2002:int"
_STR_TAG = "tag:yaml.org,2002:str"


def world_error_text(world: str | None, error: Exception) -> str:
    """What to print when `--world` cannot be built: for a world file, each problem at its
    path:line:col as lint reports it; else the error's own message."""
    if world and Path(world).is_file():
        found = [str(d) for d in read_world_file(Path(world)) if d.is_error]
        if found:
            return "\n".join(found)
    return str(error)


def read_world_file(path: Path, shown: str | None = None) -> list[Diagnostic]:
    """Every problem of a world file (`mailtutor lint`, a lesson's `world: FILE`)."""
    shown = shown if shown is not None else str(path)
    root, problems = read_yaml(path, shown)
    if root is None:
        return problems
    reader = NodeReader(shown)
    reader.problems.extend(problems)
    lint_world(reader, world_node(root), path.parent)
    return sorted(reader.problems, key=lambda d: (d.line, d.col))


def world_node(root: Node) -> Node:
    """A world file's world: the file itself, or a lesson file's inline `world:` mapping
    (a lesson can serve as a world file, as tutor.mail.worlds.load_world_file allows)."""
    inner = node_at(root, ("world",))
    return inner if inner is not root and isinstance(inner, MappingNode) else root


def is_world_document(root: Node) -> bool:
    """A mapping with world keys and none of a lesson's, a translation's or a course's: a world
    file, even when one of its keys is misspelt (`mailtutor lint` tells files apart by keys)."""
    from .schema import keys_of

    if not isinstance(root, MappingNode):
        return False
    keys = {k.value for k, _ in root.value if isinstance(k, ScalarNode)}
    others = keys_of("lesson") | keys_of("overlay") | keys_of("course")
    return bool(keys & keys_of("world")) and not keys & others


def lint_world(reader: NodeReader, node: Node, base_dir: Path) -> dict[str, Any] | None:
    """The world's description when it reads and builds cleanly; else None, with every
    problem recorded in `reader` at its node."""
    before = len(reader.problems)
    read_world(reader, node)
    if has_errors(reader.problems[before:]):
        return None
    data = to_python(node)
    if not isinstance(data, dict):  # pragma: no cover - read_world reported it
        return None
    try:
        build_world(data, base_dir=base_dir)
    except WorldError as exc:
        reader.error(node_at(node, exc.at), f"world: {exc}")
        return None
    except Exception as exc:  # a store error such as a user given twice
        reader.error(node, f"world: {exc}")
        return None
    return data


def node_at(node: Node, at: tuple[str | int, ...]) -> Node:
    """The node `at` names (keys and indexes from `node`), or the deepest one that exists."""
    for step in at:
        if isinstance(step, int) and isinstance(node, SequenceNode) and step < len(node.value):
            node = node.value[step]
        elif isinstance(step, str) and isinstance(node, MappingNode):
            found = [v for k, v in node.value if isinstance(k, ScalarNode) and k.value == step]
            if not found:
                return node
            node = found[0]
        else:
            return node
    return node


def read_world(reader: NodeReader, node: Node) -> None:
    f = reader.fields(node, "world", "world")
    if f is None:
        return
    if "base" in f:
        reader.choice(f["base"][1], "world: base", NAMED_WORLDS)
    for key in ("domain", "hostname", "postmaster"):
        if key in f:
            reader.text(f[key][1], f"world: {key}")
    for key in ("strict", *TLS_KEYS):
        if key in f:
            reader.boolean(f[key][1], f"world: {key}")
    if "smtp_role" in f:
        reader.choice(f["smtp_role"][1], "world: smtp_role", SMTP_ROLES)
    for key in ("max_message_size", "max_maildrop_size"):
        if key in f:
            reader.integer(f[key][1], f"world: {key} (octets)", 1)
    if "users" in f:
        for number, item in enumerate(reader.seq(f["users"][1], "world: users") or [], 1):
            _user(reader, item, f"world: user #{number}")


def _user(reader: NodeReader, node: Node, where: str) -> None:
    name_node = node_at(node, ("name",))
    if name_node is not node and isinstance(name_node, ScalarNode) and name_node.value:
        where = f"world: user {quoted(name_node.value)}"  # as tutor.mail.worlds names users
    f = reader.fields(node, "world_user", where)
    if f is None:
        return
    if "name" in f:
        name = reader.text(f["name"][1], f"{where}: name")
        if name is not None and any(c in name for c in " @\t"):
            reader.error(f["name"][1], f"{where}: name '{quoted(name)}' may not hold spaces or @")
    if "password" in f:
        reader.text(f["password"][1], f"{where}: password")
    if "messages" in f:
        letters = reader.seq(f["messages"][1], f"{where}: messages") or []
        for number, item in enumerate(letters, 1):
            _letter(reader, item, f"{where}, message #{number}")


def _letter(reader: NodeReader, node: Node, where: str) -> None:
    if isinstance(node, ScalarNode):
        if node.tag != _STR_TAG:
            reader.error(node, f"{where}: give the letter as text, or as text, file or generate")
        else:
            reader.text(node, where)  # a letter given as text
        return
    f = reader.fields(node, "world_letter", where)
    if f is None:
        return
    kinds = [key for key in ("text", "file", "generate") if key in f]
    if len(kinds) != 1:
        given = f" (it gives {', '.join(kinds)})" if kinds else ""
        reader.error(node, f"{where}: give exactly one of text, file or generate{given}")
    if "text" in f:
        reader.text(f["text"][1], f"{where}: text")
    if "file" in f:
        reader.text(f["file"][1], f"{where}: file")
    if "generate" in f:
        _generate(reader, f["generate"][1], f"{where}: generate")
    if "uid" in f:
        uid = f["uid"][1]
        if not (
            isinstance(uid, ScalarNode)
            and uid.tag in (_STR_TAG, _INT_TAG)
            and is_valid_uid(str(uid.value))
        ):
            reader.error(uid, f"{where}: {UID_RULE}")
        elif uid.tag == _INT_TAG and str(to_python(uid)) != uid.value:
            reader.error(
                uid,
                f"{where}: uid {uid.value} reads as the number {to_python(uid)}; "
                f"write it in quotes: uid: '{uid.value}'",
            )


def _generate(reader: NodeReader, node: Node, where: str) -> None:
    if isinstance(node, ScalarNode):
        reader.integer(node, f"{where} (a size in octets)", MIN_GENERATED_SIZE)
        return
    f = reader.fields(node, "world_generate", where)
    if f is None:
        return
    if "size" in f:
        reader.integer(f["size"][1], f"{where}: size (octets)", MIN_GENERATED_SIZE)
    for key in ("subject", "from", "body"):
        if key in f:
            reader.text(f[key][1], f"{where}: {key}")
    if "size" not in f and "body" not in f:
        reader.error(
            node, f"{where}: give 'size' (the letter's octets), 'body' (its text), or both"
        )
