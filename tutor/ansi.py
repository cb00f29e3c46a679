"""ANSI colours for dialogues printed to a terminal (`replay`, `serve`'s sessions).

The same classification the TUI colours by (Reply.kind): success green, errors red, "go on"
(354, `+ `) blue, "try again later" (4xx) bold yellow; the client's lines plain. Colour is never
the only signal: the C:/S: markers and the statuses carry it.
"""

from __future__ import annotations

import os
from typing import TextIO

from tutor.protocol.replies import ReplyKind

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
COLOURS = {
    ReplyKind.OK: "\x1b[32m",
    ReplyKind.ERROR: "\x1b[31m",
    ReplyKind.TRANSIENT: "\x1b[1;33m",
    ReplyKind.INTERMEDIATE: "\x1b[34m",
}


def wants_colour(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """Colour on a terminal unless NO_COLOR is set to anything (no-color.org)."""
    env = os.environ if environ is None else environ
    try:
        return stream.isatty() and not env.get("NO_COLOR")
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False
