"""Printing a lesson's dialogue as text: `C:`/`S:` lines, ANSI colour optional.

Colour follows the TUI: server success green, errors red, "go on" (354, `+ `) blue, "try again
later" (4xx) bold yellow, the client's lines plain. Colour is never the only signal: the
prefixes and statuses carry it.

Every line is written through `visible`: a control character in a letter, a typed line or a
lesson text is shown as ^X, never sent to the terminal (the lesson loader strips them from
lesson texts already; letters are data and keep theirs).
"""

from __future__ import annotations

from typing import TextIO

from tutor.ansi import BOLD, COLOURS, DIM, RESET
from tutor.protocol.replies import Reply
from tutor.protocol.session import describe_tls
from tutor.sanitize import visible

from .runner import Connection, LessonRunner, OutcomeKind

#: the few words the printer adds itself, by language
WORDS = {
    "en": {
        "step": "Step",
        "note": "Note: ",
        "note.rfc": "RFC: ",
        "note.tip": "Tip: ",
        "note.warning": "Careful: ",
        "connected": "--- connected to {protocol} ---",
        "dropped": "--- the {protocol} session was still open: dropped, "
        "nothing sent or deleted ---",
    },
    "ru": {
        "step": "Шаг",
        "note": "Примечание: ",
        "note.rfc": "RFC: ",
        "note.tip": "Совет: ",
        "note.warning": "Осторожно: ",
        "connected": "--- соединение по {protocol} ---",
        "dropped": "--- сеанс {protocol} был ещё открыт: он прерван, "
        "ничего не отправлено и не удалено ---",
    },
}


class DialoguePrinter:
    def __init__(self, out: TextIO, *, colour: bool = False, body_limit: int | None = 12):
        self.out = out
        self.colour = colour
        self.body_limit = body_limit  # multi-line data shown before "[... N more lines]"

    def _paint(self, text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if self.colour and code else text

    def write(self, text: str = "", code: str = "") -> None:
        """One line: its control characters made visible, then painted."""
        self.out.write(self._paint(visible(text), code) + "\n")

    def reply(self, reply: Reply) -> None:
        code = COLOURS.get(reply.kind, "")
        for line in reply.status_lines():
            self.write(f"S: {line}", code)
        if reply.body is None:
            return
        body = reply.wire_body_lines()  # as sent: a line beginning with "." shows as ".."
        shown = body if self.body_limit is None else body[: self.body_limit]
        for line in shown:
            self.write(f"S: {line}", code)
        if len(shown) < len(body):
            self.write(f"S: [... {len(body) - len(shown)} more lines]", DIM)
        self.write("S: .", code)

    def client(self, line: str) -> None:
        self.write(f"C: {line}" if line else "C:")  # an empty line (e.g. in a letter)

    def text(self, text: str | None, prefix: str = "   ") -> None:
        """Indented text; `prefix` marks the first line, later lines align under it."""
        if text:
            indent = " " * len(prefix)
            for number, line in enumerate(text.rstrip().splitlines()):
                self.write(f"{prefix if number == 0 else indent}{line}".rstrip())

    def replay(self, runner: LessonRunner) -> None:
        lesson = runner.lesson
        self.write(f"{runner.text(lesson, 'title')} ({lesson.id})", BOLD)
        self.text(runner.text(lesson, "intro"), "")
        self.write()
        two_protocols = len(lesson.protocols) > 1
        runner.start()
        for _, connection in runner.connections:
            self.connection(runner, connection, marker=two_protocols)
        current = None
        for step, outcome in runner.replay_solutions():
            if step is not current:
                current = step
                number = lesson.steps.index(step) + 1
                self.write()
                heading = f"{self._word(runner, 'step')} {number}/{runner.step_count}: {step.id}"
                self.write(heading, BOLD)
                self.text(runner.text(step, "say"))
            self.client(outcome.line)
            for reply in outcome.replies:
                self.reply(reply)
                if reply.starts_tls:
                    self._handshake(runner)
            if outcome.kind in (OutcomeKind.PASSED, OutcomeKind.FINISHED):
                self._after(runner, step)
            elif outcome.kind is OutcomeKind.REMARK and outcome.message:
                self.text(outcome.message, "   -> ")  # a remark the learner would see too
            for connection in outcome.connected:
                self.write()
                self.connection(runner, connection, marker=True)
        finish = runner.text(lesson, "finish")
        if runner.finished and finish:
            self.write()
            self.text(finish, "")

    def connection(self, runner: LessonRunner, connection: Connection, *, marker: bool) -> None:
        """A new session's greeting, after a marker line when the lesson switches protocols."""
        if connection.dropped is not None:
            dropped = self._word(runner, "dropped").format(protocol=connection.dropped.upper())
            self.write(dropped, DIM)
        if marker:
            said = self._word(runner, "connected").format(protocol=connection.protocol.upper())
            self.write(said, BOLD)
        for reply in connection.greeting:
            self.reply(reply)

    def _handshake(self, runner: LessonRunner) -> None:
        """STARTTLS/STLS: what the (simulated) handshake negotiated, where a client would see it."""
        info = runner.session.tls
        if info is not None:
            lang = runner.lang if runner.overlay is not None else "en"
            self.write(self._paint(f"   == {describe_tls(info, lang=lang)} ==", DIM))

    def _after(self, runner: LessonRunner, step) -> None:
        after = runner.text(step, "after")
        note = runner.text(step, "note")
        if after:
            self.text(after, "   -> ")
        if note:
            kind = "note" if step.note_kind == "article" else f"note.{step.note_kind}"
            self.text(note, "   " + self._word(runner, kind))

    @staticmethod
    def _word(runner: LessonRunner, key: str) -> str:
        lang = runner.lang if runner.overlay is not None else "en"
        return WORDS.get(lang, WORDS["en"])[key]
