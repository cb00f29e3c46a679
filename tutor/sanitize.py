"""Text from files we did not write, made harmless for a terminal.

Lessons, worlds, translations and progress files come from strangers. A control character in
them (ESC, BEL, the C1 range) would reach the terminal as a control sequence: OSC 52 sets the
clipboard, others move the cursor or retitle the window. Every string read from such a file
goes through `clean_text` as it is loaded; what echoes a name or key on one line (lint messages,
progress tables) uses `one_line`; what shows raw protocol data (letters, typed lines) uses
`visible`, which keeps the characters readable as ^X instead of dropping them.

A leaf module (stdlib only), so every layer may use it.
"""

from __future__ import annotations

import re

#: C0 controls, DEL and C1 controls: what a terminal may act on
CONTROLS = frozenset([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)])
#: layout that multi-line texts (Markdown intros, step texts) need: newline and tab
LAYOUT = frozenset((0x09, 0x0A))

_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_STRIP = {code: None for code in CONTROLS - LAYOUT}
_ONE_LINE = {**{code: None for code in CONTROLS}, 0x09: " ", 0x0A: " ", 0x0D: " "}
_VISIBLE = {
    **{code: f"^{chr(code + 64)}" for code in range(0x20) if code != 0x09},
    0x7F: "^?",
    # C1 as `cat -v` shows it: M- and the C0 caret form
    **{code: f"M-^{chr(code - 0x80 + 64)}" for code in range(0x80, 0xA0)},
}


def first_control(text: str) -> int | None:
    """Index of the first control character other than newline and tab, or None."""
    for index, char in enumerate(text):
        code = ord(char)
        if code in CONTROLS and code not in LAYOUT:
            return index
    return None


def clean_text(text: str) -> str:
    """`text` without control characters; newlines and tabs stay (texts are multi-line)."""
    if _ANY_CONTROL.search(text) is None:
        return text
    return text.translate(_STRIP)


def one_line(text: str, limit: int | None = None) -> str:
    """`text` fit to echo inside a one-line message: no controls, breaks and tabs as spaces,
    cut to `limit` characters with an ellipsis."""
    if limit is not None and len(text) > limit:
        text = text[: max(1, limit - 1)] + "…"
    if _ANY_CONTROL.search(text) is None:
        return text
    return text.translate(_ONE_LINE)


def visible(text: str) -> str:
    """Raw data (a letter's line, a typed line) with every control shown as ^X (tabs kept)."""
    if _ANY_CONTROL.search(text) is None:
        return text
    return text.translate(_VISIBLE)
