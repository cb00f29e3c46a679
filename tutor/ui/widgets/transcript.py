"""The dialogue so far: `C:` lines the learner typed, `S:` lines the server answered.

Virtualised: lines are kept as plain (role, text) pairs and only the rows on screen are turned
into Strips, so 10,000+ lines or a 46 KB RETR cost the same to draw as ten. Long lines wrap at
the widget's width; the wrap table is rebuilt only when the width changes and extended on append.

Colour follows Reply.kind (ok green, error red, intermediate and transient yellow) through
component classes that use theme variables, so light, dark and NO_COLOR all read; the `C:`/`S:`
markers and the status text carry the meaning without colour.

TLS: `add_tls` writes the handshake's result as a note; every line sent after it is drawn with a
"TLS " tag before its marker (plain text, so it reads with NO_COLOR) until `end_tls`.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tutor.protocol.replies import Reply

#: role -> the marker printed before the line
MARKERS = {
    "client": "C: ",
    "data": "C: ",
    "ok": "S: ",
    "error": "S: ",
    "intermediate": "S: ",
    "transient": "S: ",
    "note": "-- ",
}
ROLES = tuple(MARKERS)
MARKER_WIDTH = 3
#: put before the marker of every line sent inside TLS (plain text: reads with NO_COLOR too)
TLS_TAG = "TLS "
_CONTROL = {c: f"^{chr(c + 64)}" for c in range(32) if c != 9}
_CONTROL[127] = "^?"
_CONTROL.update({c: f"M-^{chr(c - 64)}" for c in range(0x80, 0xA0)})  # C1, as `cat -v` shows it


def printable(text: str) -> str:
    """Tabs to spaces and control characters shown as ^X, so every cell is predictable."""
    if "\t" in text:
        text = text.expandtabs(8)
    if not text.isprintable():
        text = text.translate(_CONTROL)
    return text


def wrap_cells(text: str, width: int) -> list[str]:
    """Cut `text` into pieces at most `width` cells wide (at least one piece).

    Breaks after a space when there is one in the second half of the row, so words stay whole;
    every character is kept (the space stays at the end of its row).
    """
    width = max(1, width)
    if len(text) <= width and (text.isascii() or cell_len(text) <= width):
        return [text]
    if not text.isascii() and cell_len(text) != len(text):
        return chop_cells(text, width) or [""]  # wide characters: cut by cells
    # Indexes into the one string rather than cutting off the rest each row: linear in the
    # length, so a pasted 1 MB line wraps in milliseconds, not seconds.
    pieces: list[str] = []
    start, length = 0, len(text)
    while length - start > width:
        cut = text.rfind(" ", start, start + width)
        end = cut + 1 if cut >= start + width // 2 else start + width
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


class Transcript(ScrollView, can_focus=True):
    """A fast, wrapping, coloured log of one protocol dialogue."""

    DEFAULT_CSS = """
    Transcript {
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;
        overflow-x: hidden;
    }
    Transcript:focus {
        background-tint: $foreground 4%;
    }
    Transcript > .transcript--client { color: $foreground; }
    Transcript > .transcript--data { color: $foreground; }
    Transcript > .transcript--ok { color: $text-success; }
    Transcript > .transcript--error { color: $text-error; text-style: bold; }
    Transcript > .transcript--intermediate { color: $text-warning; }
    Transcript > .transcript--transient { color: $text-warning; text-style: bold; }
    Transcript > .transcript--note { color: $text-muted; text-style: italic; }
    Transcript > .transcript--marker { color: $text-muted; }
    """

    COMPONENT_CLASSES = {f"transcript--{role}" for role in ROLES} | {"transcript--marker"}

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: list[tuple[str, str]] = []  # (role, printable text)
        # Wrapped rows: (line index, piece). Rebuilt when the width changes.
        self._rows: list[tuple[int, str]] = []
        self._wrap_width = 0
        self._styles: dict[str, Style] | None = None
        # TLS: [start, end) line ranges sent encrypted; the open one ends at None
        self._tls_spans: list[tuple[int, int | None]] = []

    # -- public API --------------------------------------------------------------------------

    @property
    def lines(self) -> list[tuple[str, str]]:
        """Every (role, text) line so far, oldest first (a copy)."""
        return list(self._lines)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def plain_lines(self) -> list[str]:
        """The transcript as text with markers, the way a reader sees it."""
        return [MARKERS[role] + text for role, text in self._lines]

    def add_client(self, line: str, *, message_text: bool = False) -> None:
        """A line the learner sent (a command, or a line of message text after DATA).

        Sending brings the end of the dialogue back into view, as typing in a terminal does."""
        self._append([("data" if message_text else "client", printable(line))], follow=True)

    def add_replies(self, replies: Iterable[Reply]) -> None:
        """Server replies, every line the wire carries (multi-line bodies included)."""
        new: list[tuple[str, str]] = []
        for reply in replies:
            role = str(reply.kind)
            if role not in MARKERS:
                role = "error"
            new.extend((role, printable(text)) for text in reply.display_lines())
        self._append(new)

    def add_note(self, text: str) -> None:
        """A remark from the tutor, not part of the dialogue."""
        self._append([("note", printable(part)) for part in text.splitlines() or [""]])

    def add_tls(self, text: str) -> None:
        """The handshake's result as a note; every line after it is marked encrypted until
        `end_tls` (the connection closed or a new one began)."""
        self.add_note(text)
        if not self.tls_active:
            self._tls_spans.append((len(self._lines), None))

    def end_tls(self) -> None:
        """The encrypted session is over: lines from here on are clear text again."""
        if self.tls_active:
            start, _ = self._tls_spans[-1]
            self._tls_spans[-1] = (start, len(self._lines))
            self.refresh()

    @property
    def tls_active(self) -> bool:
        return bool(self._tls_spans) and self._tls_spans[-1][1] is None

    def is_encrypted(self, index: int) -> bool:
        """Whether line `index` went over the wire inside TLS (notes never do)."""
        if not 0 <= index < len(self._lines) or self._lines[index][0] == "note":
            return False
        return any(
            start <= index and (end is None or index < end) for start, end in self._tls_spans
        )

    def clear(self) -> None:
        self._tls_spans.clear()
        self._lines.clear()
        self._rows.clear()
        self._update_virtual_size()
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    # -- internals ---------------------------------------------------------------------------

    def _text_width(self) -> int:
        return max(1, self.scrollable_content_region.width - MARKER_WIDTH)

    def _append(self, new: list[tuple[str, str]], follow: bool = False) -> None:
        if not new:
            return
        # Otherwise stay where a reader scrolled to, unless they were at the end already.
        follow = follow or self.is_vertical_scroll_end or self.max_scroll_y == 0
        start = len(self._lines)
        self._lines.extend(new)
        if self._wrap_width:
            self._rows.extend(self._wrap(new, start, self._wrap_width))
            self._update_virtual_size()
        if follow:
            # force: the scrollbar that makes scrolling "allowed" appears only at the next layout
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
        self.refresh()

    def _wrap(self, lines: list[tuple[str, str]], start: int, width: int) -> list[tuple[int, str]]:
        rows: list[tuple[int, str]] = []
        tls = bool(self._tls_spans)
        for offset, (_, text) in enumerate(lines):
            index = start + offset
            line_width = width - len(TLS_TAG) if tls and self.is_encrypted(index) else width
            rows.extend((index, piece) for piece in wrap_cells(text, line_width))
        return rows

    def _rewrap(self) -> None:
        width = self._text_width()
        if width == self._wrap_width:
            return
        self._wrap_width = width
        self._rows = self._wrap(self._lines, 0, width)
        self._update_virtual_size()

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))

    def on_resize(self) -> None:
        at_end = self.is_vertical_scroll_end
        self._rewrap()
        if at_end:
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _role_styles(self) -> dict[str, Style]:
        if self._styles is None:
            styles = {role: self.get_component_rich_style(f"transcript--{role}") for role in ROLES}
            styles["marker"] = self.get_component_rich_style("transcript--marker")
            self._styles = styles
        return self._styles

    def render_line(self, y: int) -> Strip:
        if not self._wrap_width:
            self._rewrap()
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = self.scroll_offset.y + y
        if index >= len(self._rows):
            return Strip.blank(width, base)
        line_index, piece = self._rows[index]
        role, _ = self._lines[line_index]
        styles = self._role_styles()
        first = index == 0 or self._rows[index - 1][0] != line_index
        marker = MARKERS[role] if first else " " * MARKER_WIDTH
        # The marker keeps the role's colour for server lines so a status reads as one unit.
        marker_style = base + (styles[role] if role not in ("client", "data") else styles["marker"])
        segments = [Segment(marker, marker_style), Segment(piece, base + styles[role])]
        if self._tls_spans and self.is_encrypted(line_index):
            tag = TLS_TAG if first else " " * len(TLS_TAG)
            segments.insert(0, Segment(tag, base + styles["marker"]))
        return Strip(segments).extend_cell_length(width, base).crop(0, width)
