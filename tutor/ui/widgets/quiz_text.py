"""Quiz option texts as Rich Text: data, never markup, with `code` spans shown as code.

Options are short Markdown-ish lines written by teachers ("`STAT` and `stat` are the same");
radio buttons, selection lists and option lists take one line of text, not a Markdown widget,
so the backticks become a style here instead of showing as they are.
"""

from __future__ import annotations

from rich.text import Text

CODE_STYLE = "bold"


def option_text(text: str) -> Text:
    """`text` with each `...` span bold and its backticks dropped; unpaired ones stay."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: not code spans, show as written
        return Text(text)
    result = Text()
    for index, part in enumerate(parts):
        result.append(part, style=CODE_STYLE if index % 2 else "")
    return result
