"""`mailtutor serve`'s session log: every session's dialogue as it happens, one line a piece.

    14:02:11 POP3 #1 127.0.0.1:53422 -- connected to POP3
    14:02:11 POP3 #1 127.0.0.1:53422 S: +OK POP3 server ready <1896.697170952@mail.server.ru>
    14:02:11 POP3 #1 127.0.0.1:53422 C: PASS ******
    14:02:11 POP3 #1 127.0.0.1:53422 S: +OK 20377 octets
    14:02:11 POP3 #1 127.0.0.1:53422 S: [letter 2: 412 lines, 20377 octets]

`SessionLog` subscribes to the TCP adapter's ConnectionEvent and DialogueEvent values (tutor.net;
secrets arrive masked already) and turns them into text. What a teacher watching a client wants
decides what is summarised: a letter's text (RETR, TOP, the text after DATA) is one line saying
its size, since the point is what the client asks for, not the letter, and 46 KB would scroll
the rest away; lists (CAPA, EHLO, LIST, UIDL) show their first BODY_LIMIT lines, since what a
server offers is what makes a client choose its next command; `full` prints everything.

Output never holds up the servers: lines go to `BoundedOutput`, at most MAX_QUEUED lines
waiting for a thread of its own that writes them. When the stream is slower than the sessions
(a terminal scrolled back, a pipe nobody reads) lines are dropped, counted, and the count is
printed as soon as there is room again; the servers go on at full speed. Every line goes through
`tutor.sanitize.visible`, so a client's escape sequences reach the terminal as ^[ text.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from tutor.ansi import COLOURS, DIM, RESET
from tutor.net import ConnectionEvent, DialogueEvent
from tutor.protocol.replies import Reply, ReplyKind, decode_for_display
from tutor.sanitize import visible

#: lines of a list (CAPA, LIST, UIDL...) printed before "[... N more lines]"
BODY_LIMIT = 12
#: pieces (an event's lines) waiting for a slow stream before further ones are dropped, counted
MAX_QUEUED = 10_000
#: pieces gathered before they are handed to the writer thread, however soon
WRITE_BATCH = 512
#: seconds lines wait to be handed to the writer with those that follow: a person cannot tell
#: 20 ms, and under load the writer then wakes a few dozen times a second, not once per event
HAND_OVER_DELAY = 0.02
#: POP3 commands whose multi-line reply is a letter (or its top)
LETTER_COMMANDS = frozenset({"RETR", "TOP"})
_END_OF_DATA_LINE = b".\r\n"


class BoundedOutput:
    """Lines written to `stream` by a thread of its own, at most `limit` pieces waiting (a
    piece is a line, or the few lines of one event joined by newlines).

    `put` never blocks and never makes a system call: lines are gathered and handed to the
    writer together HAND_OVER_DELAY after the first of them (or at WRITE_BATCH pieces), so the
    writer wakes a few dozen times a second at most, not once per line (waking it per line, and
    the GIL passing back and forth with it, cost more than formatting the lines). Lines that do
    not fit are dropped and counted, and a line saying how many goes out before the next ones
    that fit. A stream that fails (a closed pipe) ends the writing; nothing is raised in the
    caller."""

    def __init__(self, stream: TextIO, *, limit: int = MAX_QUEUED) -> None:
        self._stream = stream
        self._limit = limit
        self._ready = threading.Condition()
        self._batches: deque[list[str]] = deque()  # guarded by _ready
        self._queued = 0  # lines in _batches, guarded by _ready
        self._closing = False  # guarded by _ready
        self._gathering: list[str] = []  # put since the last hand-over (event loop thread)
        self._pending_drops = 0  # dropped since the last notice was handed over
        self.dropped = 0  # lines dropped in all
        self.broken = False  # the stream failed: nothing more is written
        self._thread = threading.Thread(target=self._write, name="session-log", daemon=True)
        self._thread.start()

    def put(self, line: str) -> None:
        if self.broken:
            return
        gathering = self._gathering
        gathering.append(line)
        if len(gathering) == 1:
            try:
                asyncio.get_running_loop().call_later(HAND_OVER_DELAY, self.hand_over)
            except RuntimeError:  # no event loop here: hand it over at once
                self.hand_over()
        elif len(gathering) >= WRITE_BATCH:
            self.hand_over()

    def hand_over(self) -> None:
        """Give the lines gathered so far to the writer (or count them dropped)."""
        batch, self._gathering = self._gathering, []
        if not batch:
            return
        with self._ready:
            if self._pending_drops and self._queued + len(batch) < self._limit:
                batch.insert(0, self._notice())
                self._pending_drops = 0
            if self._queued + len(batch) > self._limit:
                lines = sum(piece.count("\n") + 1 for piece in batch)
                self._pending_drops += lines
                self.dropped += lines
                return
            self._batches.append(batch)
            self._queued += len(batch)
            self._ready.notify()

    def close(self, timeout: float = 2.0) -> None:
        """Write what is queued (waiting at most `timeout` seconds for the stream), then stop;
        the last line says how many lines were not shown, if any were not."""
        self.hand_over()
        with self._ready:
            if self._pending_drops:
                self._batches.append([self._notice()])
                self._pending_drops = 0
            self._closing = True
            self._ready.notify()
        self._thread.join(timeout)

    def _notice(self) -> str:
        return f"[{self._pending_drops} lines not shown: the output was too slow]"

    def _write(self) -> None:
        ready = self._ready
        while True:
            with ready:
                while not self._batches and not self._closing:
                    ready.wait()
                batches = list(self._batches)
                self._batches.clear()
                self._queued = 0
                closing = self._closing
            try:
                if batches:
                    self._stream.write("\n".join(line for b in batches for line in b) + "\n")
                    self._stream.flush()
            except (OSError, ValueError):  # a closed pipe or stream: stop, quietly
                self.broken = True
                return
            if closing and not self._batches:
                return


@dataclass
class LetterText:
    """SMTP message text as it arrives in pieces: whole lines out, lines and octets counted."""

    octets: int = 0
    lines: int = 0
    _partial: bytearray = field(default_factory=bytearray)

    def feed(self, piece: bytes, *, keep_lines: bool) -> list[str]:
        """Count `piece`; with `keep_lines`, also return the whole lines it completes (as sent,
        dot-stuffing and the final "." included)."""
        self.octets += len(piece)
        self.lines += piece.count(b"\n")
        if not keep_lines:
            return []
        data = bytes(self._partial) + piece if self._partial else piece
        parts = data.split(b"\n")
        self._partial = bytearray(parts.pop())
        return [decode_for_display(part.rstrip(b"\r")) for part in parts]

    def summary(self) -> tuple[int, int]:
        """(lines, octets) of the letter itself: the ending "." line not counted."""
        if self.octets >= 3:  # it ends with ".\r\n" once the end of data has been seen
            return max(0, self.lines - 1), self.octets - len(_END_OF_DATA_LINE)
        return self.lines, self.octets


#: id(letter data) -> (the data, its line count): letters never change and the same ones are
#: fetched again and again, so each is counted once (the data is kept, so the id stays its own)
_LINE_COUNTS: dict[int, tuple[bytes, int]] = {}
_LINE_COUNTS_KEPT = 256


def body_size(body: bytes) -> tuple[int, int]:
    """(lines, octets) of a multi-line reply's data."""
    known = _LINE_COUNTS.get(id(body))
    if known is not None and known[0] is body:
        return known[1], len(body)
    lines = body.count(b"\n") + (1 if body and not body.endswith(b"\n") else 0)
    if len(_LINE_COUNTS) >= _LINE_COUNTS_KEPT:
        _LINE_COUNTS.clear()
    _LINE_COUNTS[id(body)] = (body, lines)
    return lines, len(body)


@dataclass
class _Session:
    letter: LetterText | None = None  # SMTP text after DATA, while it arrives


class SessionLog:
    """Events in, formatted lines out to `put` (see the module docstring): one call per event,
    its lines joined by newlines."""

    def __init__(
        self,
        put: Callable[[str], None],
        *,
        colour: bool = False,
        full: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._put = put
        self.colour = colour
        self.full = full
        self._clock = clock
        self._sessions: dict[int, _Session] = {}
        self._second = -1
        self._stamp = ""
        self._headed: object = None  # the event the head below was made for
        self._head = ""
        self._lines: list[str] = []  # the lines of the event being formatted

    # -- subscribers --------------------------------------------------------------------------

    def on_event(self, event: ConnectionEvent) -> None:
        self._event_lines(event)
        self._flush()

    def on_dialogue(self, event: DialogueEvent) -> None:
        self._dialogue_lines(event)
        self._flush()

    def _flush(self) -> None:
        """An event's lines go out as one piece: one hand-over, not one per line."""
        lines = self._lines
        if lines:
            self._put(lines[0] if len(lines) == 1 else "\n".join(lines))
            lines.clear()

    def _event_lines(self, event: ConnectionEvent) -> None:
        kind, detail = event.kind, event.detail
        code = COLOURS[ReplyKind.ERROR] if kind in ("refused", "error") else DIM
        if kind == "connect":
            self._sessions[event.session] = _Session()
            text = f"connected to {detail}" if detail else "connected"
        elif kind == "disconnect":
            state = self._sessions.pop(event.session, None)
            if state is not None and state.letter is not None:
                lines, octets = state.letter.summary()
                self._line(event, f"C: [letter text, unfinished: {lines} lines, {octets} octets]")
            text = "disconnected"
        elif kind == "refused":
            text = f"refused: {detail}"
        elif kind == "timeout":
            text = f"closed by the server: {detail}"
            code = COLOURS[ReplyKind.TRANSIENT]
        elif kind == "tls":
            text = detail
        else:
            text = f"failed: {detail}"
        self._line(event, f"-- {text}", code)

    def _dialogue_lines(self, event: DialogueEvent) -> None:
        state = self._sessions.get(event.session)
        if state is None:  # a session that began before we subscribed
            state = self._sessions[event.session] = _Session()
        if event.command is not None:
            self._line(event, f"C: {event.command}" if event.command else "C:")
        if event.letter:
            if state.letter is None:
                state.letter = LetterText()
            for line in state.letter.feed(event.letter, keep_lines=self.full):
                self._line(event, f"C: {line}" if line else "C:")
        if event.replies and state.letter is not None:  # the end of data was answered
            if not self.full:
                lines, octets = state.letter.summary()
                self._line(event, f"C: [letter text: {lines} lines, {octets} octets]", DIM)
                self._line(event, "C: .")
            state.letter = None
        for reply in event.replies:
            self._reply(event, reply, event.command or "")

    # -- formatting ---------------------------------------------------------------------------

    def _reply(self, event: DialogueEvent, reply: Reply, command: str) -> None:
        code = COLOURS.get(reply.kind, "")
        for line in reply.status_lines():
            self._line(event, f"S: {line}", code)
        if reply.body is None:
            return
        words = command.split()
        word = words[0].upper() if words else ""
        if self.full:
            for line in reply.wire_body_lines():
                self._line(event, f"S: {line}", code)
        elif word in LETTER_COMMANDS:
            lines, octets = body_size(reply.body)
            which = words[1] if len(words) > 1 else "?"
            what = f"letter {which}" if word == "RETR" else f"top of letter {which}"
            self._line(event, f"S: [{what}: {lines} lines, {octets} octets]", DIM)
        else:
            body = reply.wire_body_lines()
            for line in body[:BODY_LIMIT]:
                self._line(event, f"S: {line}", code)
            if len(body) > BODY_LIMIT:
                self._line(event, f"S: [... {len(body) - BODY_LIMIT} more lines]", DIM)
        self._line(event, "S: .", code)

    def _line(self, event: ConnectionEvent | DialogueEvent, text: str, code: str = "") -> None:
        if event is not self._headed:  # one head for all the lines of one event
            number = f"#{event.session}" if event.session else "-"
            head = f"{self._time()} {event.protocol.upper()} {number} {event.peer}"
            self._head = f"{DIM}{head}{RESET}" if self.colour else head
            self._headed = event
        text = visible(text)
        if code and self.colour:
            text = f"{code}{text}{RESET}"
        self._lines.append(f"{self._head} {text}")

    def _time(self) -> str:
        now = self._clock()
        second = int(now)
        if second != self._second:  # one strftime a second, not one a line
            self._second = second
            self._stamp = time.strftime("%H:%M:%S", time.localtime(now))
        return self._stamp


def stdout_log(*, full: bool, colour: bool | None = None) -> tuple[SessionLog, BoundedOutput]:
    """A SessionLog printing to stdout through a BoundedOutput (colour: as wants_colour)."""
    from tutor.ansi import wants_colour

    output = BoundedOutput(sys.stdout)
    use_colour = wants_colour(sys.stdout) if colour is None else colour
    return SessionLog(output.put, colour=use_colour, full=full), output
