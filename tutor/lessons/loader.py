"""Lesson, translation and course files -> model values, with every problem as a Diagnostic.

`read_*` functions never raise for bad input: they return (value or None, diagnostics); the value
is None when any error was found. `load_*` raise LessonError instead, for callers that just want
a usable lesson (the TUI, replay).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from tutor.mail.worlds import NAMED_WORLDS

from .diagnostics import Diagnostic, LessonError, Pos, has_errors
from .draft import LessonDraft, QuestionDraft, StepDraft
from .model import (
    FORMAT_VERSION,
    LEVELS,
    NOTE_KINDS,
    Course,
    Expect,
    Lesson,
    Mistake,
    Overlay,
    Protocol,
    Question,
    QuestionText,
    QuestionType,
    Section,
    StateCheck,
    Step,
    StepHint,
    StepText,
)
from .reader import NodeReader, did_you_mean, quoted
from .regexcheck import slow_pattern_problem
from .safeyaml import read_yaml
from .worldlint import lint_world, read_world_file

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REPLY_KINDS = ("ok", "error", "intermediate", "transient")
POP3_STATUSES = ("+OK", "-ERR", "+")
SESSION_STATES = {
    Protocol.POP3: ("AUTHORIZATION", "TRANSACTION", "UPDATE"),
    Protocol.SMTP: ("greeting", "ready", "mail", "rcpt", "data"),
}
#: state conditions that only make sense for one protocol
STATE_KEYS_OF = {
    Protocol.POP3: {"user", "marked_deleted", "not_deleted"},
    Protocol.SMTP: {"mail_from", "rcpt_to", "delivered"},
}
#: keys a question type uses, beyond the common id, type, ask, points, feedback, explain
TYPE_KEYS = {
    QuestionType.CHOICE: {"options", "answer"},
    QuestionType.MULTI: {"options", "answer"},
    QuestionType.TEXT: {"accept"},
    QuestionType.NUMBER: {"answer", "tolerance"},
    QuestionType.ORDER: {"options", "exact", "setup", "world", "protocol"},
    QuestionType.PREDICT: {"command", "setup", "world", "match", "protocol", "accept"},
    QuestionType.COMMAND: {"goal", "example", "setup", "world", "protocol"},
}
TYPE_REQUIRED = {
    QuestionType.CHOICE: ("options", "answer"),
    QuestionType.MULTI: ("options", "answer"),
    QuestionType.TEXT: ("accept",),
    QuestionType.NUMBER: ("answer",),
    QuestionType.ORDER: ("options",),
    QuestionType.PREDICT: ("command",),
    QuestionType.COMMAND: ("goal", "example"),
}
#: a mistake needs at least one of these (all given must hold)
MISTAKE_CONDITIONS = ("match", "reply", "reply_text", "state")
COMMON_QUESTION_KEYS = {"id", "type", "ask", "points", "feedback", "explain"}


def _is_pattern(value: str) -> bool:
    return len(value) >= 2 and value.startswith("/") and value.endswith("/")


def normalize_reply(value: str, protocol: Protocol | None) -> tuple[str | None, str | None]:
    """(normalized reply spec, None) or (None, why it is not one)."""
    text = value.strip()
    if text.lower() in REPLY_KINDS:
        return text.lower(), None
    if text.upper() in POP3_STATUSES:
        if protocol is Protocol.SMTP:
            return None, f"'{quoted(text)}' is a POP3 status; SMTP replies have codes such as 250"
        return text.upper(), None
    if re.fullmatch(r"[2-5][0-9][0-9]", text):
        if protocol is Protocol.POP3:
            return None, f"'{quoted(text)}' is an SMTP code; POP3 replies are +OK or -ERR"
        return text, None
    return None, (
        f"reply '{quoted(text)}' is not a kind ({', '.join(REPLY_KINDS)}), "
        "a status (+OK, -ERR) or an SMTP code (250)"
    )


def _a(protocol: Protocol) -> str:
    """'a POP3', 'an SMTP': how the protocol's name reads after an article."""
    return "an SMTP" if protocol is Protocol.SMTP else "a POP3"


class _LessonReader(NodeReader):
    def __init__(self, shown: str, path: Path | None, cut: set[int] | None = None) -> None:
        super().__init__(shown, cut)
        self.path = path
        self.lesson_protocol: Protocol | None = None
        # the protocol of what is being read now (a step's, a question's): replies, state names
        # and state conditions are checked against it
        self.protocol: Protocol | None = None
        # what lint replays when the lesson has errors: every item of steps and quiz as read
        self.step_drafts: list[StepDraft] = []
        self.question_drafts: list[QuestionDraft] = []
        self.world_value: str | dict[str, Any] | None = "article"
        self.world_cut = False
        self.world_pos: Pos | None = None
        self.lesson_id: str | None = None

    def draft(self, root: Node) -> LessonDraft:
        """What lint replays: the parts of the lesson that loaded (call after `lesson`)."""
        protocol_pos = self.pos(root)
        if isinstance(root, MappingNode):
            for key, value in root.value:
                if isinstance(key, ScalarNode) and key.value == "protocol":
                    protocol_pos = self.pos(value)
        return LessonDraft(
            protocol=self.lesson_protocol,
            world=self.world_value,
            world_cut=self.world_cut,
            cut=self.is_cut(root),
            steps=tuple(self.step_drafts),
            quiz=tuple(self.question_drafts),
            id=self.lesson_id,
            path=self.path,
            pos=self.pos(root),
            world_pos=self.world_pos or self.pos(root),
            protocol_pos=protocol_pos,
        )

    # -- lesson ------------------------------------------------------------------------------

    def lesson(self, root: Node) -> Lesson | None:
        f = self.fields(root, "lesson", "lesson")
        if f is None:
            return None
        self.format_version(f)
        lesson_id = self.ident(f, "id", "lesson id")
        self.lesson_id = lesson_id
        if lesson_id and self.path is not None and self.path.stem != lesson_id:
            self.warn(
                f["id"][1],
                f"lesson id '{lesson_id}' differs from the file name "
                f"'{self.path.name}'; name the file {lesson_id}.yaml",
            )
        title = self.text(f["title"][1], "title") if "title" in f else None
        if "protocol" in f:
            self.lesson_protocol = self.protocol_value(f["protocol"][1], "protocol")
            self.protocol = self.lesson_protocol
        level = self.choice(f["level"][1], "level", LEVELS) if "level" in f else None
        minutes = self.integer(f["minutes"][1], "minutes", 1) if "minutes" in f else None
        world: Any = "article"
        world_pos = self.pos(root)
        if "world" in f:
            world_pos = self.pos(f["world"][1])
            if self.is_cut(f["world"][1]):
                # cut short by a syntax error: building the part above it would mislead
                world, self.world_cut = None, True
            else:
                world = self.world(f["world"][1], "world")
        self.world_value, self.world_pos = world, world_pos
        steps = self.steps(f["steps"][1]) if "steps" in f else ()
        self.protocol = self.lesson_protocol
        quiz = self.quiz(f["quiz"][1]) if "quiz" in f else ()
        texts = {k: self.text(f[k][1], k) for k in ("summary", "intro", "finish") if k in f}
        if has_errors(self.problems) or not (lesson_id and title and self.lesson_protocol):
            return None
        return Lesson(
            id=lesson_id,
            title=title,
            protocol=self.lesson_protocol,
            steps=steps or (),
            summary=texts.get("summary"),
            level=level,
            minutes=minutes,
            world=world,
            intro=texts.get("intro"),
            quiz=quiz or (),
            finish=texts.get("finish"),
            path=self.path,
            pos=self.pos(root),
            world_pos=world_pos,
        )

    def protocol_value(self, node: Node, what: str) -> Protocol | None:
        value = self.choice(node, what, [p.value for p in Protocol])
        return Protocol(value) if value else None

    def format_version(self, f: dict[str, tuple[Node, Node]]) -> None:
        if "format" not in f:
            return
        node = f["format"][1]
        version = self.integer(node, "format")
        if version is not None and version != FORMAT_VERSION:
            self.error(
                node, f"format {version} is not known; this mailtutor reads format {FORMAT_VERSION}"
            )

    def ident(self, f: dict[str, tuple[Node, Node]], key: str, what: str) -> str | None:
        if key not in f:
            return None
        value = self.text(f[key][1], what)
        if value is not None and not ID_RE.match(value):
            self.error(f[key][1], f"{what} '{quoted(value)}' may use only a-z, 0-9 and '-'")
            return None
        return value

    def world(self, node: Node, what: str) -> str | dict[str, Any] | None:
        base = self.path.parent if self.path else Path.cwd()
        if isinstance(node, MappingNode):
            return lint_world(self, node, base)
        name = self.text(node, what)
        if name is None:
            return None
        if name in NAMED_WORLDS:
            return name
        if Path(name).suffix.lower() in (".yaml", ".yml", ".json"):
            if not (base / name).is_file():
                self.error(node, f"world file '{quoted(name)}' not found (relative to {base})")
                return None
            return name if self.world_file(node, base, name) else None
        self.error(
            node,
            f"unknown world '{quoted(name)}'; named worlds are "
            f"{', '.join(NAMED_WORLDS)}{did_you_mean(name, NAMED_WORLDS)}",
        )
        return None

    def world_file(self, node: Node, base: Path, name: str) -> bool:
        """A world file the lesson names, read like the lesson: its problems are reported at
        their lines in that file, and one line here says the world did not load."""
        shown = name if Path(name).is_absolute() else str(Path(self.shown).parent / name)
        problems = read_world_file(base / name, shown)
        self.problems.extend(problems)
        if has_errors(problems):
            self.error(
                node,
                f"world file '{quoted(name)}' has errors (each reported at its line in {shown})",
            )
            return False
        return True

    # -- steps -------------------------------------------------------------------------------

    def steps(self, node: Node) -> tuple[Step, ...] | None:
        items = self.seq(node, "steps")
        if items is None:
            return None
        if not items:
            self.error(node, "steps: a lesson needs at least one step")
        steps: list[Step] = []
        seen: set[str] = set()
        for number, item in enumerate(items, 1):
            step = self.step(item, number, seen)
            if step is not None:
                steps.append(step)
        return tuple(steps)

    def step_draft(self, node: Node, number: int, **read: Any) -> None:
        read["id"] = read.get("id") or self.id_of(node)
        self.step_drafts.append(StepDraft(number, self.pos(node), cut=self.is_cut(node), **read))

    def step(self, node: Node, number: int, seen: set[str]) -> Step | None:
        where = f"step #{number}"
        f = self.fields(node, "step", where)
        if f is None:
            self.step_draft(node, number)
            return None
        step_id = self.ident(f, "id", f"{where} id")
        if step_id is not None:
            if step_id in seen:
                self.error(f["id"][1], f"duplicate step id '{step_id}'")
            seen.add(step_id)
            where = f"step '{step_id}'"
        protocol = None
        if "protocol" in f:
            # Read first: the step's expect and mistakes are checked against its protocol, and
            # the steps after it inherit it.
            protocol = self.protocol_value(f["protocol"][1], f"{where}: protocol")
            if number == 1 and protocol not in (None, self.lesson_protocol):
                self.error(
                    f["protocol"][1],
                    f"{where}: the first step talks the lesson's protocol "
                    f"({self.lesson_protocol}); set the lesson's 'protocol: {protocol}' instead",
                )
            self.protocol = protocol or self.protocol
        say = self.text(f["say"][1], f"{where}: say") if "say" in f else None
        expect = self.expect(f["expect"][1], f"{where}: expect") if "expect" in f else None
        solution = None
        if "solution" in f:
            solution = self.lines(f["solution"][1], f"{where}: solution")
            if solution == ():
                self.error(f["solution"][1], f"{where}: solution needs at least one line")
        hints: tuple[StepHint, ...] = ()
        if "hints" in f:
            hints = self.step_hints(f["hints"][1], where, step_id or "")
        mistakes: list[Mistake] = []
        if "mistakes" in f:
            for index, item in enumerate(self.seq(f["mistakes"][1], f"{where}: mistakes") or []):
                mistake = self.mistake(item, f"{where}: mistake #{index + 1}", step_id or "", index)
                if mistake:
                    mistakes.append(mistake)
        after = self.text(f["after"][1], f"{where}: after") if "after" in f else None
        note = self.text(f["note"][1], f"{where}: note") if "note" in f else None
        note_kind = "article"
        if "note_kind" in f:
            note_kind = self.choice(f["note_kind"][1], f"{where}: note_kind", NOTE_KINDS) or ""
            if note_kind and "note" not in f:
                self.warn(f["note_kind"][1], f"{where}: note_kind without a note does nothing")
        protocol_ok = "protocol" not in f or protocol is not None
        if step_id is None or say is None or expect is None or not solution or not protocol_ok:
            # Lint still replays it if what the engine needs loaded (a missing `say` or a broken
            # hint does not change what the solution does); a broken step's solution is typed
            # only, to keep the state going, unless its protocol is unknown.
            replayable = step_id is not None and expect is not None and solution and protocol_ok
            draft = (
                Step(
                    id=step_id,
                    say=say or "",
                    expect=expect,
                    solution=solution,
                    hints=hints,
                    mistakes=tuple(mistakes),
                    protocol=protocol,
                    pos=self.pos(node),
                    solution_pos=self.pos(f["solution"][1]),
                )
                if replayable and step_id is not None and expect is not None and solution
                else None
            )
            self.step_draft(
                node,
                number,
                step=draft,
                id=step_id,
                solution=solution if protocol_ok else None,
                protocol=protocol,
            )
            return None
        step = Step(
            id=step_id,
            say=say,
            expect=expect,
            solution=solution,
            hints=hints,
            mistakes=tuple(mistakes),
            after=after,
            note=note,
            note_kind=note_kind or "article",
            protocol=protocol,
            pos=self.pos(node),
            solution_pos=self.pos(f["solution"][1]),
        )
        self.step_draft(node, number, step=step, id=step_id, solution=solution, protocol=protocol)
        return step

    def step_hints(self, node: Node, where: str, step_id: str) -> tuple[StepHint, ...]:
        """A lesson's hints: each a text, or {say, state} for a hint that holds only in a state."""
        hints = []
        for index, item in enumerate(self.seq(node, f"{where}: hints") or []):
            what = f"{where}: hint #{index + 1}"
            if not isinstance(item, MappingNode):
                text = self.hint_text(item, what)
                if text is not None:
                    hints.append(StepHint(text, None, step_id, index, self.pos(item)))
                continue
            f = self.fields(item, "hint", what)
            if f is None:
                continue
            say = self.hint_text(f["say"][1], f"{what}: say") if "say" in f else None
            state = self.state(f["state"][1], f"{what}: state") if "state" in f else None
            if say is not None and ("state" not in f or state is not None):
                hints.append(StepHint(say, state, step_id, index, self.pos(item)))
        return tuple(hints)

    def hint_text(self, node: Node, what: str) -> str | None:
        if isinstance(node, ScalarNode) and not str(node.value).strip():
            self.error(node, f"{what} is empty")
            return None
        return self.text(node, what)

    def hints(self, node: Node, where: str) -> tuple[str, ...]:
        """A translation's hints: texts only (the conditions stay in the lesson)."""
        hints = []
        for number, item in enumerate(self.seq(node, f"{where}: hints") or [], 1):
            what = f"{where}: hint #{number}"
            if isinstance(item, MappingNode):
                self.error(
                    item,
                    f"{what}: a translation gives only the hint's text; its 'state' stays in "
                    "the lesson",
                )
                continue
            text = self.hint_text(item, what)
            if text is not None:
                hints.append(text)
        return tuple(hints)

    def mistake(self, node: Node, where: str, step_id: str, index: int) -> Mistake | None:
        f = self.fields(node, "mistake", where)
        if f is None:
            return None
        before = len(self.problems)
        match = self.regex(f["match"][1], f"{where}: match") if "match" in f else None
        reply = self.reply(f["reply"][1], f"{where}: reply") if "reply" in f else None
        reply_text = (
            self.regex(f["reply_text"][1], f"{where}: reply_text") if "reply_text" in f else None
        )
        state = self.state(f["state"][1], f"{where}: state") if "state" in f else None
        wrong = self.boolean(f["wrong"][1], f"{where}: wrong") if "wrong" in f else True
        say = self.text(f["say"][1], f"{where}: say") if "say" in f else None
        if not any(key in f for key in MISTAKE_CONDITIONS) and not self.is_cut(node):
            self.error(
                node,
                f"{where}: give at least one of 'match' (a pattern on the line), "
                "'reply', 'reply_text' or 'state'",
            )
        if say is None or len(self.problems) > before or wrong is None:
            return None
        return Mistake(
            say=say,
            match=match,
            reply=reply,
            reply_text=reply_text,
            state=state,
            wrong=wrong,
            step_id=step_id,
            index=index,
            pos=self.pos(node),
        )

    def reply(self, node: Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        spec, problem = normalize_reply(value, self.protocol)
        if problem:
            self.error(node, f"{what}: {problem}")
        return spec

    def expect(self, node: Node, where: str) -> Expect | None:
        f = self.fields(node, "expect", where)
        if f is None:
            return None
        if not node.value:
            self.error(node, f"{where}: give at least one of command, reply, reply_text, state")
            return None
        before = len(self.problems)
        command = self.regex(f["command"][1], f"{where}: command") if "command" in f else None
        reply = self.reply(f["reply"][1], f"{where}: reply") if "reply" in f else None
        reply_text = (
            self.regex(f["reply_text"][1], f"{where}: reply_text") if "reply_text" in f else None
        )
        state = self.state(f["state"][1], f"{where}: state") if "state" in f else None
        if len(self.problems) > before:
            return None
        return Expect(
            command=command,
            reply=reply,
            reply_text=reply_text,
            state=state,
            pos=self.pos(node),
            parts=tuple((key, self.pos(value)) for key, (_, value) in f.items()),
        )

    def state(self, node: Node, where: str) -> StateCheck | None:
        f = self.fields(node, "state", where)
        if f is None:
            return None
        if not node.value:
            self.error(node, f"{where}: give at least one condition")
        for key, (key_node, _) in f.items():
            for protocol, keys in STATE_KEYS_OF.items():
                if key in keys and self.protocol not in (None, protocol):
                    self.error(
                        key_node,
                        f"{where}: '{key}' is {_a(protocol)} condition "
                        f"and cannot apply to {_a(self.protocol)} session",
                    )
        values: dict[str, Any] = {}
        if "session" in f:
            values["session"] = self.session_state(f["session"][1], f"{where}: session")
        if "user" in f:
            # '' (or an empty value): no name given, or forgotten after a failed PASS
            user_node = f["user"][1]
            empty = isinstance(user_node, ScalarNode) and user_node.tag == "tag:yaml.org,2002:null"
            values["user"] = "" if empty else self.text(user_node, f"{where}: user", empty_ok=True)
        for key in ("closed", "tls"):
            if key in f:
                values[key] = self.boolean(f[key][1], f"{where}: {key}")
        if "authenticated" in f:
            value_node = f["authenticated"][1]
            if isinstance(value_node.value, str) and value_node.tag.endswith(":str"):
                values["authenticated"] = self.text(value_node, f"{where}: authenticated")
            else:
                values["authenticated"] = self.boolean(value_node, f"{where}: authenticated")
        for key in ("marked_deleted", "not_deleted"):
            if key in f:
                values[key] = self.ints(f[key][1], f"{where}: {key}") or ()
        if "mail_from" in f:
            values["mail_from"] = self.regex(f["mail_from"][1], f"{where}: mail_from")
        if "rcpt_to" in f:
            values["rcpt_to"] = self.texts(f["rcpt_to"][1], f"{where}: rcpt_to") or ()
        if "delivered" in f:
            values["delivered"] = self.integer(f["delivered"][1], f"{where}: delivered", 0)
        parts = [(key, self.pos(value)) for key, (_, value) in f.items()]
        if "mailbox" in f:
            counts = []
            for user, key_node, value in self.keyed(f["mailbox"][1], f"{where}: mailbox"):
                count = self.integer(value, f"{where}: mailbox {user}", 0)
                if count is not None:
                    counts.append((user, count))
                    parts.append((f"mailbox.{user}", self.pos(key_node)))
            values["mailbox"] = tuple(counts)
        return StateCheck(pos=self.pos(node), parts=tuple(parts), **values)

    def session_state(self, node: Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is None or self.protocol is None:
            return value
        names = SESSION_STATES[self.protocol]
        for name in names:
            if name.lower() == value.lower():
                return name
        self.error(
            node,
            f"{what} '{quoted(value)}' is not a {self.protocol.value.upper()} state "
            f"({', '.join(names)}){did_you_mean(value, names)}",
        )
        return None

    # -- quiz --------------------------------------------------------------------------------

    def quiz(self, node: Node) -> tuple[Question, ...] | None:
        items = self.seq(node, "quiz")
        if items is None:
            return None
        questions: list[Question] = []
        seen: set[str] = set()
        for number, item in enumerate(items, 1):
            question = self.question(item, number, seen)
            if question is not None:
                questions.append(question)
            qid = question.id if question else self.id_of(item)
            qtype = question.type.value if question else self.scalar_of(item, "type")
            self.question_drafts.append(
                QuestionDraft(number, self.pos(item), question, qid, qtype, self.is_cut(item))
            )
        return tuple(questions)

    @staticmethod
    def scalar_of(node: Node, name: str) -> str | None:
        """The text written under `name` in an item that did not load (its id, its type)."""
        if isinstance(node, MappingNode):
            for key, value in node.value:
                named = isinstance(key, ScalarNode) and key.value == name
                if named and isinstance(value, ScalarNode):
                    return str(value.value)
        return None

    def id_of(self, node: Node) -> str | None:
        """The `id` written in an item that did not load, to name it in messages."""
        found = self.scalar_of(node, "id")
        return found if found and ID_RE.match(found) else None

    def question(self, node: Node, number: int, seen: set[str]) -> Question | None:
        where = f"question #{number}"
        f = self.fields(node, "question", where)
        if f is None:
            return None
        qid = self.ident(f, "id", f"{where} id")
        if qid is not None:
            if qid in seen:
                self.error(f["id"][1], f"duplicate question id '{qid}'")
            seen.add(qid)
            where = f"question '{qid}'"
        qtype = None
        if "type" in f:
            value = self.choice(f["type"][1], f"{where}: type", [t.value for t in QuestionType])
            qtype = QuestionType(value) if value else None
        if qtype is None:
            return None
        used = COMMON_QUESTION_KEYS | TYPE_KEYS[qtype]
        for key, (key_node, _) in f.items():
            if key not in used:
                self.warn(key_node, f"{where}: '{key}' is not used by {qtype} questions")
        for key in TYPE_REQUIRED[qtype]:
            if key not in f and not self.is_cut(node):
                self.error(node, f"{where}: {qtype} questions need '{key}'")
        before = len(self.problems)
        values: dict[str, Any] = {}
        values["ask"] = self.text(f["ask"][1], f"{where}: ask") if "ask" in f else None
        if "points" in f:
            values["points"] = self.integer(f["points"][1], f"{where}: points", 0)
        if "explain" in f:
            values["explain"] = self.text(f["explain"][1], f"{where}: explain")
        options: tuple[str, ...] = ()
        if "options" in f and "options" in TYPE_KEYS[qtype]:
            options = self.options(f["options"][1], where)
            values["options"] = options
        if "feedback" in f:
            values["feedback"] = self.feedback(f["feedback"][1], where, options)
        if "answer" in f and "answer" in TYPE_KEYS[qtype]:
            values["answer"] = self.answer(f["answer"][1], where, qtype, options)
        if "accept" in f and qtype is QuestionType.TEXT:
            values["accept"] = self.accept(f["accept"][1], where)
        if "accept" in f and qtype is QuestionType.PREDICT:
            values["accept"] = self.accept(f["accept"][1], where, plain_needed=False)
        if "exact" in f and qtype is QuestionType.ORDER:
            values["exact"] = self.boolean(f["exact"][1], f"{where}: exact")
        if "tolerance" in f and qtype is QuestionType.NUMBER:
            tolerance = self.number(f["tolerance"][1], f"{where}: tolerance")
            if tolerance is not None and tolerance < 0:
                self.error(f["tolerance"][1], f"{where}: tolerance must not be negative")
            values["tolerance"] = tolerance
        if qtype in (QuestionType.PREDICT, QuestionType.COMMAND, QuestionType.ORDER):
            if "setup" in f:
                values["setup"] = self.lines(f["setup"][1], f"{where}: setup")
            if "world" in f:
                values["world"] = self.world(f["world"][1], f"{where}: world")
            self.protocol = self.lesson_protocol
            if "protocol" in f:
                values["protocol"] = self.protocol_value(f["protocol"][1], f"{where}: protocol")
                self.protocol = values["protocol"] or self.protocol
        if qtype is QuestionType.PREDICT:
            if "command" in f:
                values["command"] = self.line(f["command"][1], f"{where}: command")
            if "match" in f:
                values["match"] = self.choice(f["match"][1], f"{where}: match", ("status", "line"))
        if qtype is QuestionType.COMMAND:
            if "goal" in f:
                values["goal"] = self.expect(f["goal"][1], f"{where}: goal")
            if "example" in f:
                values["example"] = self.text(f["example"][1], f"{where}: example")
        if has_errors(self.problems[before:]) or qid is None:
            return None
        values = {k: v for k, v in values.items() if v is not None}
        if "ask" not in values:
            return None
        return Question(id=qid, type=qtype, pos=self.pos(node), **values)

    def options(self, node: Node, where: str) -> tuple[str, ...]:
        options = self.texts(node, f"{where}: options") or ()
        if len(options) < 2 and not self.is_cut(node):
            self.error(node, f"{where}: give at least two options")
        seen: set[str] = set()
        for item, text in zip(self.seq(node, "options") or [], options, strict=False):
            if text in seen:
                self.error(item, f"{where}: option '{text}' is listed twice")
            seen.add(text)
        return options

    def answer(self, node: Node, where: str, qtype: QuestionType, options: tuple[str, ...]):
        what = f"{where}: answer"
        if qtype is QuestionType.NUMBER:
            return self.number(node, what)
        if qtype is QuestionType.CHOICE:
            value = self.text(node, what)
            if value is not None and options and value not in options:
                self.error(
                    node, f"{what} '{value}' is not among the options{did_you_mean(value, options)}"
                )
            return value
        items = self.seq(node, what)
        if items is None:
            return None
        answers = []
        for item in items:
            value = self.text(item, what)
            if value is not None and options and value not in options:
                self.error(
                    item, f"{what} '{value}' is not among the options{did_you_mean(value, options)}"
                )
            answers.append(value)
        if not answers:
            self.error(node, f"{what}: give at least one correct option")
        return tuple(a for a in answers if a is not None)

    def accept(
        self, node: Node, where: str, *, plain_needed: bool = True
    ) -> tuple[str, ...] | None:
        items = self.seq(node, f"{where}: accept")
        if items is None:
            return None
        if not items:
            self.error(node, f"{where}: accept needs at least one answer")
        values = []
        for item in items:
            value = self.text(item, f"{where}: accept")
            if value is None:
                continue
            if _is_pattern(value):
                try:
                    re.compile(value[1:-1])
                except re.error as exc:
                    offset = None if exc.pos is None else exc.pos + 1
                    self.error(
                        self._offset(item, offset),
                        f"{where}: accept: invalid regular expression: {exc}",
                    )
                    continue
                slow = slow_pattern_problem(value[1:-1])
                if slow is not None:
                    self.error(item, f"{where}: accept: {slow}")
                    continue
            values.append(value)
        if plain_needed and values and all(_is_pattern(v) for v in values):
            self.warn(
                node,
                f"{where}: give one plain answer besides the patterns; it is shown "
                "as the right answer after answering",
            )
        return tuple(values)

    def feedback(self, node: Node, where: str, options: tuple[str, ...]):
        if not isinstance(node, MappingNode):
            return self.text(node, f"{where}: feedback")
        pairs = []
        for option, key, value in self.keyed(node, f"{where}: feedback"):
            if options and option not in options:
                self.error(
                    key,
                    f"{where}: feedback for '{option}', which is not an option"
                    f"{did_you_mean(option, options)}",
                )
            text = self.text(value, f"{where}: feedback for '{option}'")
            if text is not None:
                pairs.append((option, text))
        return tuple(pairs)

    # -- translations --------------------------------------------------------------------------

    def overlay(self, root: Node) -> Overlay | None:
        f = self.fields(root, "overlay", "translation")
        if f is None:
            return None
        self.format_version(f)
        lesson = self.ident(f, "lesson", "lesson")
        lang = self.text(f["lang"][1], "lang") if "lang" in f else None
        if lang is not None and not re.fullmatch(r"[a-z]{2,3}", lang):
            self.error(f["lang"][1], f"lang '{lang}' should be a language code such as ru")
        if lang and self.path is not None and lesson and self.path.name != f"{lesson}.{lang}.yaml":
            self.warn(f["lang"][1], f"name this file {lesson}.{lang}.yaml so it is found")
        texts = {
            k: self.text(f[k][1], k) for k in ("title", "summary", "intro", "finish") if k in f
        }
        steps = []
        if "steps" in f:
            for step_id, _, value in self.keyed(f["steps"][1], "steps"):
                steps.append((step_id, self.step_text(value, f"step '{step_id}'")))
        quiz = []
        if "quiz" in f:
            for qid, _, value in self.keyed(f["quiz"][1], "quiz"):
                quiz.append((qid, self.question_text(value, f"question '{qid}'")))
        if has_errors(self.problems) or not lesson or not lang:
            return None
        return Overlay(
            lesson=lesson,
            lang=lang,
            steps=tuple(steps),
            quiz=tuple(quiz),
            path=self.path,
            pos=self.pos(root),
            **texts,
        )

    def step_text(self, node: Node, where: str) -> StepText:
        f = self.fields(node, "step_text", where) or {}
        values: dict[str, Any] = {
            k: self.text(f[k][1], f"{where}: {k}") for k in ("say", "after", "note") if k in f
        }
        if "hints" in f:
            values["hints"] = self.hints(f["hints"][1], where)
        if "mistakes" in f:
            values["mistakes"] = self.texts(f["mistakes"][1], f"{where}: mistakes")
        return StepText(pos=self.pos(node), **values)

    def question_text(self, node: Node, where: str) -> QuestionText:
        f = self.fields(node, "question_text", where) or {}
        values: dict[str, Any] = {
            k: self.text(f[k][1], f"{where}: {k}") for k in ("ask", "explain") if k in f
        }
        if "options" in f:
            values["options"] = self.texts(f["options"][1], f"{where}: options")
        if "feedback" in f:
            values["feedback"] = self.feedback(f["feedback"][1], where, ())
        return QuestionText(pos=self.pos(node), **values)

    # -- course ------------------------------------------------------------------------------

    def course(self, root: Node) -> Course | None:
        f = self.fields(root, "course", "course")
        if f is None:
            return None
        self.format_version(f)
        sections = []
        seen: set[str] = set()
        for number, item in enumerate(
            self.seq(f["sections"][1], "sections") or [] if "sections" in f else [], 1
        ):
            section = self.section(item, f"section #{number}", seen)
            if section is not None:
                sections.append(section)
        if has_errors(self.problems):
            return None
        return Course(sections=tuple(sections), path=self.path, pos=self.pos(root))

    def section(self, node: Node, where: str, seen: set[str]) -> Section | None:
        f = self.fields(node, "section", where)
        if f is None:
            return None
        title: list[tuple[str, str]] = []
        if "title" in f:
            value = f["title"][1]
            if isinstance(value, MappingNode):
                for lang, _, text_node in self.keyed(value, f"{where}: title"):
                    text = self.text(text_node, f"{where}: title ({lang})")
                    if text is not None:
                        title.append((lang, text))
            else:
                text = self.text(value, f"{where}: title")
                if text is not None:
                    title.append(("en", text))
        lessons = []
        positions = []
        if "lessons" in f:
            for item in self.seq(f["lessons"][1], f"{where}: lessons") or []:
                lesson_id = self.text(item, f"{where}: lesson id")
                if lesson_id is None:
                    continue
                if lesson_id in seen:
                    # A warning, so the rest of the course is still checked (and shown): the
                    # course screen lists a lesson once, where it first appears.
                    self.warn(
                        item,
                        f"lesson '{lesson_id}' is listed twice in the course; "
                        "it is shown only where it first appears",
                    )
                    continue
                seen.add(lesson_id)
                lessons.append(lesson_id)
                positions.append(self.pos(item))
        return Section(
            title=tuple(title),
            lessons=tuple(lessons),
            pos=self.pos(node),
            lesson_pos=tuple(positions),
        )


# -- public entry points -----------------------------------------------------------------------

Document = Lesson | Overlay | Course


def kind_of_document(root: Node, path: Path | None = None) -> str:
    """'lesson', 'overlay' or 'course', judged by the file name and the top-level keys."""
    from .locate import COURSE_FILE, is_overlay_path

    keys: set[str] = set()
    if isinstance(root, MappingNode):
        keys = {k.value for k, _ in root.value if isinstance(k, ScalarNode)}
    if path is not None and path.name == COURSE_FILE or "sections" in keys and "steps" not in keys:
        return "course"
    if path is not None and is_overlay_path(path) or "lesson" in keys and "steps" not in keys:
        return "overlay"
    return "lesson"


def read_document(
    path: Path, shown: str | None = None, expect: str | None = None
) -> tuple[Document | None, list[Diagnostic]]:
    """Read any of the three file kinds (or insist on one with `expect`)."""
    shown = shown if shown is not None else str(path)
    root, problems = read_yaml(path, shown)
    if root is None:
        return None, problems
    reader = _LessonReader(shown, path)
    reader.problems.extend(problems)  # warnings from reading: control characters removed
    kind = expect or kind_of_document(root, path)
    document: Document | None
    if kind == "course":
        document = reader.course(root)
    elif kind == "overlay":
        document = reader.overlay(root)
    else:
        document = reader.lesson(root)
    problems = sorted(reader.problems, key=lambda d: (d.line, d.col))
    return (None if has_errors(problems) else document), problems


def read_lesson_draft(
    root: Node, path: Path, shown: str, cut: set[int] | None = None
) -> tuple[LessonDraft, list[Diagnostic]]:
    """Every problem of a lesson's composed nodes, and the parts that loaded (for lint), even
    when there are errors; `cut` names the nodes a YAML syntax error cut short."""
    reader = _LessonReader(shown, path, cut)
    reader.lesson(root)
    return reader.draft(root), reader.problems


def read_lesson(path: Path, shown: str | None = None) -> tuple[Lesson | None, list[Diagnostic]]:
    document, problems = read_document(path, shown, "lesson")
    return document if isinstance(document, Lesson) else None, problems


def read_overlay(path: Path, shown: str | None = None) -> tuple[Overlay | None, list[Diagnostic]]:
    document, problems = read_document(path, shown, "overlay")
    return document if isinstance(document, Overlay) else None, problems


def read_course(path: Path, shown: str | None = None) -> tuple[Course | None, list[Diagnostic]]:
    document, problems = read_document(path, shown, "course")
    return document if isinstance(document, Course) else None, problems


def _load(reader, path: Path):
    value, problems = reader(Path(path))
    if value is None:
        raise LessonError(problems)
    return value


def load_lesson(path: Path | str) -> Lesson:
    """A usable lesson, or LessonError carrying every problem (warnings are dropped)."""
    return _load(read_lesson, Path(path))


def load_overlay(path: Path | str) -> Overlay:
    return _load(read_overlay, Path(path))


def load_course_file(path: Path | str) -> Course:
    return _load(read_course, Path(path))
