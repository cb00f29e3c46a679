"""Turning a sandbox session into a lesson skeleton, like Learn Git Branching's level builder.

Each command the author typed becomes a step: its id from the command keyword, a task text that
already works ("Type: `stat`"), an `expect` that anchors the exact line (case-insensitive, any run
of spaces) and the reply the engine gave, and the line itself as the solution. The lines of an
SMTP message (after 354, up to the lone ".") form one step that expects the final reply. The
result lints clean and replays as it was recorded; the author then rewrites the texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from tutor.protocol.replies import Reply, ReplyKind

from .model import FORMAT_VERSION, Protocol

HEADER = """\
# A lesson recorded in the mailtutor sandbox. Each command became a step; the texts are plain
# "Type: ..." tasks. Rewrite say/after, add hints, mistakes and a quiz, then check it with
#   mailtutor lint {file}    and preview it with    mailtutor replay {file}
# The format is described in docs/lesson-format.md.
"""


def line_pattern(line: str) -> str:
    """An anchored, case-insensitive regex matching exactly this line (spaces may vary)."""
    words = line.split()
    if not words:
        return "^$"
    return "(?i)^\\s*" + "\\s+".join(re.escape(word) for word in words) + "\\s*$"


def reply_spec(reply: Reply, protocol: Protocol) -> str:
    """SMTP steps expect the exact code; POP3 ones the kind (+OK text varies between servers)."""
    if protocol is Protocol.SMTP:
        return reply.status
    return {ReplyKind.OK: "ok", ReplyKind.INTERMEDIATE: "intermediate"}.get(reply.kind, "error")


def slug(text: str, fallback: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value or fallback


class _Ids:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, base: str) -> str:
        candidate, number = base, 1
        while candidate in self.used:
            number += 1
            candidate = f"{base}-{number}"
        self.used.add(candidate)
        return candidate


def _say(line: str) -> str:
    if "`" in line or not line.strip():
        return f"Type: {line}" if line.strip() else "Press Enter on an empty line."
    return f"Type: `{line}`"


def record_lesson(
    transcript: Sequence[tuple[str | None, Sequence[Reply]]],
    *,
    protocol: str | Protocol,
    world: str | dict[str, Any] | Path | None,
    lesson_id: str,
    title: str,
) -> str:
    """A lesson YAML text from a sandbox session: (line, replies) pairs, greeting line None.

    Raises ValueError when there is nothing to record."""
    protocol = Protocol(protocol)
    ids = _Ids()
    steps: list[dict[str, Any]] = []
    data_lines: list[str] | None = None
    for line, replies in transcript:
        if line is None:
            continue
        if data_lines is not None:
            data_lines.append(line)
            if replies:
                steps.append(_data_step(ids, data_lines, replies[-1]))
                data_lines = None
                if replies[-1].closes:
                    break
            continue
        if not replies:
            continue
        last = replies[-1]
        steps.append(
            {
                "id": ids.make(slug(line.split()[0] if line.split() else "", "empty-line")),
                "say": _say(line),
                "expect": {"command": line_pattern(line), "reply": reply_spec(last, protocol)},
                "solution": [line],
            }
        )
        if last.closes:
            break  # the server hung up: nothing after this reaches it
        if protocol is Protocol.SMTP and last.kind is ReplyKind.INTERMEDIATE:
            data_lines = []
    if not steps:
        raise ValueError("nothing to record yet: type some commands first")
    world_value: Any = "article" if world is None else world
    if isinstance(world_value, Path) or (
        isinstance(world_value, str) and Path(world_value).suffix.lower() in (".yaml", ".json")
    ):
        world_value = str(Path(world_value).resolve())
    lesson_id = slug(lesson_id, f"recorded-{protocol.value}")
    world_name = world_value if isinstance(world_value, str) else "described below"
    name = protocol.value.upper()
    a_session = f"{'an' if protocol is Protocol.SMTP else 'a'} {name} session"
    lesson = {
        "format": FORMAT_VERSION,
        "id": lesson_id,
        "title": title.strip() or f"Recorded {protocol.value.upper()} session",
        "summary": f"{a_session[0].upper()}{a_session[1:]} recorded in the sandbox.",
        "protocol": protocol.value,
        "level": "beginner",
        "minutes": max(1, len(steps) // 2),
        "world": world_value,
        "intro": (
            f"This lesson replays {a_session} recorded in the sandbox "
            f"(world: {world_name}). Type each command as the steps ask."
        ),
        "steps": steps,
        "finish": "You have typed the whole recorded session.",
    }
    body = yaml.dump(lesson, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER.format(file=f"{lesson_id}.yaml") + body


def _data_step(ids: _Ids, lines: list[str], reply: Reply) -> dict[str, Any]:
    return {
        "id": ids.make("message-text"),
        "say": "Type the message text line by line, then end it with a line holding only `.`.",
        "expect": {"reply": reply.status},
        "solution": list(lines),
    }


class _Dumper(yaml.SafeDumper):
    """Multi-line texts as `|` blocks, the way teachers write them."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
