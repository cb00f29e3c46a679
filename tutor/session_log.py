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

Output never holds up the servers: lines go to `BoundedOutput`, a queue of at most MAX_QUEUED
lines written by a thread of its own. When the stream is slower than the sessions (a terminal
scrolled back, a pipe nobody reads) lines are dropped, counted, and the count is printed as soon
as there is room again; the servers go on at full speed. Every line goes through
`tutor.sanitize.visible`, so a client's escape sequences reach the terminal as ^[ text.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from tutor.ansi import COLOURS, DIM, RESET
from tutor.net import ConnectionEvent, DialogueEvent
from tutor.protocol.replies import Reply, ReplyKind, decode_for_display
from tutor.sanitize import visible

#: lines of a list (CAPA, LIST, UIDL...) printed before "[... N more lines]"
BODY_LIMIT = 12
#: lines waiting for a slow stream before further ones are dropped (and counted)
MAX_QUEUED = 10_000
#: lines written in one go by the writer thread
WRITE_BATCH = 512
#: POP3 commands whose multi-line reply is a letter (or its top)
LETTER_COMMANDS = frozenset({"RETR", "TOP"})
_END_OF_DATA_LINE = b".\r\n"


class BoundedOutput:
    """Lines written to `stream` by a thread, through a queue of at most `limit` lines.

    `put` never blocks: a line that does not fit is dropped and counted, and a line saying how
    many were dropped goes out before the next one that fits. A stream that fails (a closed
    pipe) ends the writing; nothing is raised in the caller."""

    def __init__(self, stream: TextIO, *, limit: int = MAX_QUEUED) -> None:
        self._stream = stream
        self._queue: queue.Queue[str | None] = queue.Queue(limit)
        self._pending_drops = 0  # dropped since the last notice got into the queue
        self.dropped = 0  # dropped in all
        self.broken = False  # the stream failed: nothing more is written
        self._thread = threading.Thread(target=self._write, name="session-log", daemon=True)
        self._thread.start()

    def put(self, line: str) -> None:
        if self.broken:
            return
        try:
            if self._pending_drops:
                self._queue.put_nowait(self._notice())
                self._pending_drops = 0
            self._queue.put_nowait(line)
        except queue.Full:
            self._pending_drops += 1
            self.dropped += 1

    def close(self, timeout: float = 2.0) -> None:
        """Write what is queued (waiting at most `timeout` seconds for the stream), then stop."""
        deadline = time.monotonic() + timeout
        last = [self._notice()] if self._pending_drops else []
        self._pending_drops = 0
        for item in [*last, None]:  # the count of lines not shown, then the end
            while self._thread.is_alive():
                try:
                    self._queue.put(item, timeout=0.05)
                    break
                except queue.Full:
                    if time.monotonic() > deadline:
                        return
        self._thread.join(max(0.0, deadline - time.monotonic()))

    def _notice(self) -> str:
        return f"[{self._pending_drops} lines not shown: the output was too slow]"

    def _write(self) -> None:
        get, get_nowait = self._queue.get, self._queue.get_nowait
        while True:
            batch = [get()]
            while len(batch) < WRITE_BATCH and batch[-1] is not None:
                try:
                    batch.append(get_nowait())
                except queue.Empty:
                    break
            done = batch[-1] is None
            lines = [line for line in batch if line is not None]
            try:
                if lines:
                    self._stream.write("\n".join(lines) + "\n")
                    self._stream.flush()
            except (OSError, ValueError):  # a closed pipe or stream: stop, quietly
                self.broken = True
                return
            if done:
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


def body_size(body: bytes) -> tuple[int, int]:
    """(lines, octets) of a multi-line reply's data."""
    lines = body.count(b"\n") + (1 if body and not body.endswith(b"\n") else 0)
    return lines, len(body)


@dataclass
class _Session:
    letter: LetterText | None = None  # SMTP text after DATA, while it arrives


class SessionLog:
    """Events in, formatted lines out to `put` (see the module docstring)."""

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

    # -- subscribers --------------------------------------------------------------------------

    def on_event(self, event: ConnectionEvent) -> None:
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

    def on_dialogue(self, event: DialogueEvent) -> None:
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
        number = f"#{event.session}" if event.session else "-"
        head = f"{self._time()} {event.protocol.upper()} {number} {event.peer}"
        text = visible(text)
        if self.colour:
            head = f"{DIM}{head}{RESET}"
            if code:
                text = f"{code}{text}{RESET}"
        self._put(f"{head} {text}")

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
