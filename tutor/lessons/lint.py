"""`lint`: everything the loader finds, plus checks that need the real engine.

A lesson's steps are replayed in order: each step's solution, typed into the state the previous
solutions left, must pass that step (and only at its last line); a step must not already hold
before anything is typed. Where a step's protocol differs from the previous one, the replay
connects a new session of that protocol to the same world, as the runner does. Quiz `predict`
commands must get a reply and each `command` question's `example` must reach its goal.
Translations are checked against their lesson, the course file against the lesson files beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .diagnostics import Diagnostic, Pos, Severity
from .engine import build_lesson_world, feed, open_session
from .expect import check_expect, hint_applies, mistake_matches
from .loader import kind_of_document, read_course, read_lesson, read_overlay
from .locate import lesson_ids
from .model import Course, Lesson, Overlay, Protocol, Question, QuestionType, Step
from .quiz import order_outcome, run_question
from .reader import did_you_mean
from .safeyaml import read_yaml
from .worldlint import is_world_document, read_world_file

LESSON_SUFFIXES = (".yaml", ".yml")


def _error(pos: Pos, message: str) -> Diagnostic:
    return Diagnostic.at(pos, message, Severity.ERROR)


def _warning(pos: Pos, message: str) -> Diagnostic:
    return Diagnostic.at(pos, message, Severity.WARNING)


def expand(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """(path, name to show) for each file, a directory standing for the YAML files in it."""
    files: list[tuple[Path, str]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in LESSON_SUFFIXES)
            files.extend((p, str(p)) for p in inside)
            if not inside:
                files.append((path, str(given)))  # reported: a directory with no lessons
        else:
            files.append((path, str(given)))
    return files


def lint_paths(paths: Iterable[str | Path]) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for path, shown in expand(paths):
        if path.is_dir():
            problems.append(
                Diagnostic(shown, 1, 1, Severity.ERROR, "is a directory with no .yaml lesson files")
            )
            continue
        try:
            problems.extend(lint_file(path, shown))
        except Exception as exc:  # a bug of ours must not end the report with a traceback
            problems.append(
                Diagnostic(
                    shown,
                    1,
                    1,
                    Severity.ERROR,
                    f"could not check this file ({exc!r}); please report it",
                )
            )
    # A world file shared by lessons is reported by each of them (and by itself when named):
    # one line per problem is enough.
    return list(dict.fromkeys(problems))


def lint_file(path: Path, shown: str | None = None) -> list[Diagnostic]:
    """Every problem in one lesson, translation, course or world file, in file order."""
    shown = shown if shown is not None else str(path)
    root, problems = read_yaml(path, shown)
    if root is None:
        return problems
    kind = kind_of_document(root, path)
    if kind == "lesson" and is_world_document(root):
        return read_world_file(path, shown)  # sorted; lint checks a world by building it
    if kind == "course":
        course, problems = read_course(path, shown)
        if course is not None:
            problems += check_course(course, path)
    elif kind == "overlay":
        overlay, problems = read_overlay(path, shown)
        if overlay is not None:
            problems += _check_overlay_file(overlay, path, shown)
    else:
        lesson, problems = read_lesson(path, shown)
        if lesson is not None:
            problems += check_lesson(lesson)
    return sorted(problems, key=lambda d: (d.line, d.col))


# -- lessons: replay on the real engine ------------------------------------------------------


def check_lesson(lesson: Lesson) -> list[Diagnostic]:
    try:
        store = build_lesson_world(lesson.world, lesson.base_dir)
    except Exception as exc:  # WorldError and store errors: the world description is wrong
        return [_error(lesson.world_pos, f"world: {exc}")]
    problems: list[Diagnostic] = []
    try:
        protocol = lesson.protocol
        session = open_session(protocol, store)
        session.greeting()
        for step in lesson.steps:
            if lesson.protocol_of(step) is not protocol:
                # As the runner does: a new connection of the step's protocol, same world.
                if not session.closed:
                    problems.append(_still_open(step, protocol, lesson.protocol_of(step)))
                    session.abort()
                protocol = lesson.protocol_of(step)
                session = open_session(protocol, store)
                session.greeting()
            found = _replay_step(step, session, store)
            problems.extend(found)
            if any(p.severity is Severity.ERROR for p in found):
                break  # later steps start from a state the author did not intend
    except Exception as exc:  # an engine bug must not hide the rest of the report
        problems.append(_error(lesson.pos, f"replaying the steps failed: {exc!r}"))
    for question in lesson.quiz:
        try:
            problems.extend(check_question(question, lesson))
        except Exception as exc:
            problems.append(_error(question.pos, f"question '{question.id}': {exc}"))
    return problems


def _still_open(step: Step, old: Protocol, new: Protocol) -> Diagnostic:
    return _warning(
        step.pos,
        f"step '{step.id}' switches to {new.upper()} while the {old.upper()} session is "
        "still open; it is dropped (nothing in it is delivered or deleted). "
        "End it with QUIT in the step before",
    )


def _replay_step(step: Step, session, store) -> list[Diagnostic]:
    """Problems found playing one step's solution; the first error stops the lesson's replay."""
    where = f"step '{step.id}'"
    if not step.expect.needs_line and check_expect(step.expect, None, (), session, store) is None:
        return [
            _error(
                step.expect.pos,
                f"{where} is already satisfied before anything is typed "
                "(after the earlier steps' solutions); it would pass by itself",
            )
        ]
    problems: list[Diagnostic] = []
    if step.hints and not any(hint_applies(h, session, store) for h in step.hints):
        problems.append(
            _warning(
                step.hints[0].pos,
                f"{where}: no hint applies when the step starts (the state of every hint "
                "differs from the one the earlier solutions leave), so F2 goes straight "
                "to the solution",
            )
        )
    reason = "no line"
    for number, line in enumerate(step.solution, 1):
        if session.closed:
            return problems + [
                _error(
                    step.solution_pos,
                    f"{where}: the server closed the connection "
                    f"before solution line {number} ({line!r})",
                )
            ]
        replies = session.handle(line)
        reason = check_expect(step.expect, line, replies, session, store)
        if reason is None:
            if number < len(step.solution):
                problems.append(
                    _error(
                        step.solution_pos,
                        f"{where}: the solution passes the step already "
                        f"at line {number} ({line!r}); the lines after it would be typed "
                        "into the next step",
                    )
                )
            return problems
        said = next(
            (m for m in step.mistakes if mistake_matches(m, line, replies, session, store)), None
        )
        if said is not None and said.wrong:  # a remark (wrong: false) may cheer a line on
            problems.append(
                _error(
                    said.pos,
                    f"{where}: mistake #{said.index + 1} is said to solution line {number} "
                    f"({line!r}), a line on the right way; narrow its conditions",
                )
            )
    return problems + [
        _error(
            step.solution_pos,
            f"{where}: the solution does not pass its own step: "
            f"after {step.solution[-1]!r}, {reason}",
        )
    ]


def check_question(question: Question, lesson: Lesson) -> list[Diagnostic]:
    where = f"question '{question.id}'"
    if question.type is QuestionType.ORDER and not question.exact:
        # Graded by running the learner's order, so the options must be commands that work.
        stopped = order_outcome(question, lesson, question.options).stopped_at
        if stopped is not None:
            line, reply = stopped
            said = f"got {reply!r}" if reply else "comes after the server closed the connection"
            return [
                _error(
                    question.pos,
                    f"{where}: its options in the given order do not work on the server "
                    f"({line!r} {said}); an order question is graded by running the "
                    "learner's order, so if it asks for one specific order (of steps that "
                    "are not commands, say), add `exact: true`",
                )
            ]
    if question.type is QuestionType.PREDICT:
        _, _, replies = run_question(question, lesson, question.command or "")
        if not replies:
            return [
                _error(
                    question.pos,
                    f"{where}: the command {question.command!r} gets no "
                    "reply, so there is nothing to predict",
                )
            ]
    if question.type is QuestionType.COMMAND and question.goal is not None:
        goal = question.goal
        if not goal.needs_line:
            store = build_lesson_world(question.world or lesson.world, lesson.base_dir)
            session = open_session(lesson.protocol_of_question(question), store)
            session.greeting()
            feed(session, question.setup)
            if check_expect(goal, None, (), session, store) is None:
                return [
                    _error(
                        goal.pos,
                        f"{where}: the goal already holds after setup; any answer would pass",
                    )
                ]
        if question.example is not None:
            session, store, replies = run_question(question, lesson, question.example)
            reason = check_expect(goal, question.example, replies, session, store)
            if reason is not None:
                return [
                    _error(
                        question.pos,
                        f"{where}: the example {question.example!r} does "
                        f"not reach the goal: {reason}",
                    )
                ]
    return []


# -- translations ------------------------------------------------------------------------------


def _check_overlay_file(overlay: Overlay, path: Path, shown: str) -> list[Diagnostic]:
    base_path = path.with_name(f"{overlay.lesson}.yaml")
    if not base_path.is_file():
        return [
            _error(
                overlay.pos,
                f"translation of '{overlay.lesson}', but there is no {base_path.name} beside it",
            )
        ]
    base, problems = read_lesson(base_path)
    if base is None:
        return [_error(overlay.pos, f"the lesson {base_path.name} has errors; lint it first")]
    return check_overlay(overlay, base)


def check_overlay(overlay: Overlay, base: Lesson) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    lang = overlay.lang
    for name in ("title", "summary", "intro", "finish"):
        if getattr(base, name) and not getattr(overlay, name):
            problems.append(_warning(overlay.pos, f"{lang}: '{name}' is not translated yet"))
    step_ids = [s.id for s in base.steps]
    for step_id, texts in overlay.steps:
        step = base.step(step_id)
        if step is None:
            problems.append(
                _error(
                    texts.pos,
                    f"no step '{step_id}' in lesson '{base.id}'{did_you_mean(step_id, step_ids)}",
                )
            )
            continue
        for name in ("hints", "mistakes"):
            given = getattr(texts, name)
            want = len(getattr(step, name))
            if given is not None and len(given) != want:
                problems.append(
                    _error(
                        texts.pos,
                        f"step '{step_id}': {len(given)} {name} "
                        f"translated, but the lesson has {want}",
                    )
                )
    translated_steps = dict(overlay.steps)
    for step in base.steps:
        texts = translated_steps.get(step.id)
        if texts is None:
            problems.append(_warning(overlay.pos, f"{lang}: step '{step.id}' is not translated"))
            continue
        missing = [
            n
            for n in ("say", "hints", "mistakes", "after", "note")
            if getattr(step, n) and not getattr(texts, n)
        ]
        if missing:
            problems.append(
                _warning(
                    texts.pos, f"{lang}: step '{step.id}': {', '.join(missing)} not translated"
                )
            )
    question_ids = [q.id for q in base.quiz]
    translated_quiz = dict(overlay.quiz)
    for qid, texts in overlay.quiz:
        question = base.question(qid)
        if question is None:
            problems.append(
                _error(
                    texts.pos,
                    f"no question '{qid}' in lesson '{base.id}'{did_you_mean(qid, question_ids)}",
                )
            )
            continue
        if texts.options is not None and len(texts.options) != len(question.options):
            problems.append(
                _error(
                    texts.pos,
                    f"question '{qid}': {len(texts.options)} options "
                    f"translated, but the lesson has {len(question.options)}",
                )
            )
        if isinstance(texts.feedback, tuple):
            for option, _ in texts.feedback:
                if option not in question.options:
                    problems.append(
                        _error(
                            texts.pos,
                            f"question '{qid}': feedback for "
                            f"'{option}', which is not an option of the lesson "
                            "(key feedback by the English option text)",
                        )
                    )
    for question in base.quiz:
        texts = translated_quiz.get(question.id)
        if texts is None:
            problems.append(
                _warning(overlay.pos, f"{lang}: question '{question.id}' is not translated")
            )
            continue
        missing = [
            n
            for n in ("ask", "options", "feedback", "explain")
            if getattr(question, n) and not getattr(texts, n)
        ]
        if missing:
            problems.append(
                _warning(
                    texts.pos,
                    f"{lang}: question '{question.id}': {', '.join(missing)} not translated",
                )
            )
    return problems


# -- the course --------------------------------------------------------------------------------


def check_course(course: Course, path: Path) -> list[Diagnostic]:
    """The course file against the folder it is in: every listed lesson has a file there that
    loads, under the id it is listed by; no section is empty; no lesson file is left out."""
    problems: list[Diagnostic] = []
    available = lesson_ids(path.parent)
    if not course.sections:
        problems.append(_error(course.pos, "the course has no sections, so it lists no lesson"))
    for number, section in enumerate(course.sections, 1):
        if not section.lessons:
            problems.append(
                _warning(section.pos, f"section #{number} lists no lessons; it shows up empty")
            )
        for index, lesson_id in enumerate(section.lessons):
            where = section.position_of(index)
            if lesson_id not in available:
                problems.append(
                    _error(
                        where,
                        f"no lesson file {lesson_id}.yaml beside "
                        f"the course{did_you_mean(lesson_id, available)}",
                    )
                )
                continue
            problems.extend(_check_listed_lesson(lesson_id, path.parent, where))
    listed = set(course.lesson_ids)
    for lesson_id in available:
        if lesson_id not in listed:
            problems.append(_warning(course.pos, f"lesson '{lesson_id}' is not in any section"))
    return problems


def _check_listed_lesson(lesson_id: str, folder: Path, where: Pos) -> list[Diagnostic]:
    """A listed lesson's file must load (the course screen would show a problem line instead)
    and carry the id it is listed by (progress is kept by that id)."""
    lesson_path = folder / f"{lesson_id}.yaml"
    lesson, found = read_lesson(lesson_path)
    if lesson is None:
        errors = sum(1 for d in found if d.is_error)
        return [
            _error(
                where,
                f"lesson '{lesson_id}': {lesson_path.name} has {errors} error(s) and will not "
                f"open; run `mailtutor lint {lesson_path}`",
            )
        ]
    if lesson.id != lesson_id:
        return [
            _error(
                where,
                f"{lesson_path.name} has the id '{lesson.id}', not '{lesson_id}': progress is "
                f"kept by id, so give file and id the same name",
            )
        ]
    if lesson.id != lesson_id:
        return [
            _error(
                where,
                f"{lesson_path.name} has the id '{lesson.id}', not '{lesson_id}': progress is "
                f"kept by id, so give file and id the same name",
            )
        ]
    return []
