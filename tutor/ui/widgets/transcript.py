"""The dialogue so far: `C:` lines the learner typed, `S:` lines the server answered.

Virtualised: lines are kept as plain (role, text) pairs and only the rows on screen are turned
into Strips, so 10,000+ lines or a 46 KB RETR cost the same to draw as ten. Long lines wrap at
the widget's width; the wrap table is rebuilt only when the width changes and extended on append.

Colour follows Reply.kind (ok green, error red, "go on" 354/`+ ` in the theme's primary colour,
transient 4xx in bold warning yellow) through component classes that use theme variables, so
every theme reads; the `C:`/`S:` markers and the status text carry the meaning without colour,
and under NO_COLOR a 4xx or 354 line also ends with a word in brackets ("try later", "go on").

Lines are shown as the wire carries them: a POP3 body line that begins with "." arrives
dot-stuffed (".."), and a letter line typed after DATA that begins with "." loses that dot at the
server. The stuffing dot is drawn reversed, and the first such line gets a note saying why.

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
from tutor.ui.i18n import tr

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
    Transcript > .transcript--intermediate { color: $text-primary; }
    Transcript:light > .transcript--intermediate { color: $text-secondary; }
    Transcript > .transcript--transient { color: $text-warning; text-style: bold; }
    Transcript > .transcript--note { color: $text-muted; text-style: italic; }
    Transcript > .transcript--marker { color: $text-muted; }
    Transcript > .transcript--stuffing { text-style: reverse; }
    Transcript > .transcript--tag { color: $text-muted; text-style: italic; }
    """

    COMPONENT_CLASSES = {f"transcript--{role}" for role in ROLES} | {
        "transcript--marker",
        "transcript--stuffing",
        "transcript--tag",
    }

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: list[tuple[str, str]] = []  # (role, printable text)
        self._stuffed: set[int] = set()  # indexes of lines whose first "." is dot-stuffing
        self._explained: set[str] = set()  # stuffing notes already shown ("server", "client")
        # Wrapped rows: (line index, offset of the piece in the line, piece). Rebuilt when the
        # width (or, under NO_COLOR, the language of the tags) changes.
        self._rows: list[tuple[int, int, str]] = []
        self._wrap_key: tuple[int, str] = (0, "")
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

    def is_stuffed(self, index: int) -> bool:
        """Whether line `index` begins with a dot-stuffing "." (shown reversed)."""
        return index in self._stuffed

    def add_client(self, line: str, *, message_text: bool = False) -> None:
        """A line the learner sent (a command, or a line of message text after DATA).

        Sending brings the end of the dialogue back into view, as typing in a terminal does.
        A letter line that begins with "." (but is not the lone ending ".") loses that dot at
        the server (RFC 5321 section 4.5.2): it is marked as stuffing."""
        stuffed = message_text and line.startswith(".") and line != "."
        if stuffed:
            self._stuffed.add(len(self._lines))
        self._append([("data" if message_text else "client", printable(line))], follow=True)
        if stuffed:
            self._explain("client")

    def add_replies(self, replies: Iterable[Reply]) -> None:
        """Server replies, every line as the wire carries it (multi-line bodies dot-stuffed)."""
        new: list[tuple[str, str]] = []
        stuffed = False
        for reply in replies:
            role = str(reply.kind)
            if role not in MARKERS:
                role = "error"
            lines = reply.display_lines()
            if reply.body is not None:
                first_body = len(self._lines) + len(new) + len(reply.status_lines())
                for offset, text in enumerate(lines[len(reply.status_lines()) : -1]):
                    if text.startswith("."):  # a body line on the wire begins "." only stuffed
                        self._stuffed.add(first_body + offset)
                        stuffed = True
            new.extend((role, printable(text)) for text in lines)
        self._append(new)
        if stuffed:
            self._explain("server")

    def add_note(self, text: str) -> None:
        """A remark from the tutor, not part of the dialogue."""
        self._append([("note", printable(part)) for part in text.splitlines() or [""]])

    def _explain(self, side: str) -> None:
        """The first stuffed line of each side gets a note saying what the marked dot is."""
        if side not in self._explained:
            self._explained.add(side)
            self.add_note(tr(f"note.stuffing.{side}", self._lang()))

    def _lang(self) -> str:
        try:
            return str(getattr(self.app, "lang", "en"))
        except Exception:  # not attached to an app (yet): English
            return "en"

    def _tag(self, role: str, text: str) -> str:
        """Under NO_COLOR, the word that tells a 4xx or 354/`+ ` line apart without colour."""
        if role not in ("transient", "intermediate") or text[3:4] == "-":
            return ""  # only the last line of a multi-line reply ("421-..." lines continue)
        return "  " + tr(f"transcript.tag.{role}", self._lang())

    def _no_color(self) -> bool:
        try:
            return bool(self.app.no_color)
        except Exception:
            return False

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
        self._stuffed.clear()
        self._explained.clear()
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
        if self._wrap_key[0]:
            self._rows.extend(self._wrap(new, start, self._wrap_key[0]))
            self._update_virtual_size()
        if follow:
            # force: the scrollbar that makes scrolling "allowed" appears only at the next layout
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
        self.refresh()

    def _wrap(
        self, lines: list[tuple[str, str]], start: int, width: int
    ) -> list[tuple[int, int, str]]:
        tags = self._no_color()
        tls = bool(self._tls_spans)
        rows: list[tuple[int, int, str]] = []
        for offset, (role, text) in enumerate(lines):
            index = start + offset
            if tags:
                text += self._tag(role, text)
            at = 0
            # an encrypted line gives up room for its "TLS " tag
            line_width = width - len(TLS_TAG) if tls and self.is_encrypted(index) else width
            for piece in wrap_cells(text, line_width):
                rows.append((index, at, piece))
                at += len(piece)
        return rows

    def _rewrap(self) -> None:
        key = (self._text_width(), self._lang() if self._no_color() else "")
        if key == self._wrap_key:
            return
        self._wrap_key = key
        self._rows = self._wrap(self._lines, 0, key[0])
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
            for extra in ("marker", "stuffing", "tag"):
                styles[extra] = self.get_component_rich_style(f"transcript--{extra}")
            self._styles = styles
        return self._styles

    def render_line(self, y: int) -> Strip:
        if not self._wrap_key[0] or (self._no_color() and self._wrap_key[1] != self._lang()):
            self._rewrap()
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = self.scroll_offset.y + y
        if index >= len(self._rows):
            return Strip.blank(width, base)
        line_index, at, piece = self._rows[index]
        role, text = self._lines[line_index]
        styles = self._role_styles()
        first = at == 0
        marker = MARKERS[role] if first else " " * MARKER_WIDTH
        # The marker keeps the role's colour for server lines so a status reads as one unit.
        marker_style = base + (styles[role] if role not in ("client", "data") else styles["marker"])
        style = base + styles[role]
        segments = [Segment(marker, marker_style)]
        if first and line_index in self._stuffed and piece.startswith("."):
            segments.append(Segment(".", style + styles["stuffing"]))
            piece, at = piece[1:], 1
        own = max(0, len(text) - at)  # the part of the piece that is the line itself
        segments.append(Segment(piece[:own], style))
        if own < len(piece):  # the NO_COLOR tag after a 4xx or 354 line
            segments.append(Segment(piece[own:], base + styles["tag"]))
        if self._tls_spans and self.is_encrypted(line_index):
            tag = TLS_TAG if first else " " * len(TLS_TAG)
            segments.insert(0, Segment(tag, base + styles["marker"]))
        return Strip(segments).extend_cell_length(width, base).crop(0, width)
