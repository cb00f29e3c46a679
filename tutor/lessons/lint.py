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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.mail.store import MailStore

from .diagnostics import Diagnostic, Pos, Severity
from .draft import LessonDraft, StepDraft
from .engine import build_lesson_world, feed, open_session
from .expect import Failure, check_expect, expect_failure, hint_applies, mistake_matches
from .loader import (
    kind_of_document,
    read_course,
    read_lesson,
    read_lesson_draft,
    read_overlay,
)
from .locate import lesson_ids
from .model import Course, Lesson, Overlay, Protocol, Question, QuestionType, StateCheck, Step
from .quiz import order_outcome, run_question
from .reader import did_you_mean
from .safeyaml import read_yaml_salvaged
from .worldlint import is_world_document, read_world_file

LESSON_SUFFIXES = (".yaml", ".yml")
#: question types lint checks by running them (the others are checked as they are read)
ENGINE_GRADED = {QuestionType.ORDER.value, QuestionType.PREDICT.value, QuestionType.COMMAND.value}


def _error(pos: Pos, message: str) -> Diagnostic:
    return Diagnostic.at(pos, message, Severity.ERROR)


def _warning(pos: Pos, message: str) -> Diagnostic:
    return Diagnostic.at(pos, message, Severity.WARNING)


def expand(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """(path, name to show) for each file, a directory standing for the YAML files in it."""
    files: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in LESSON_SUFFIXES)
            files.extend((p, str(p)) for p in inside)
            if not inside:
                files.append((path, str(given)))  # reported: a directory with no lessons
        else:
            files.append((path, str(given)))
    unique = []
    for path, shown in files:  # `lint lessons/*.yaml lessons/course.yaml`: the course once
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append((path, shown))
    return unique


@dataclass
class Tally:
    """What one lint run checked, for its closing line."""

    lessons: int = 0
    translations: int = 0
    courses: int = 0
    steps: int = 0  # steps whose solution was replayed and checked on the engine
    questions: int = 0  # questions whose answer key was checked

    def summary(self, lang: str = "en") -> str:
        words = SUMMARY_WORDS.get(lang, SUMMARY_WORDS["en"])
        parts = [
            _count(n, forms)
            for n, forms in (
                (self.lessons, words["lessons"]),
                (self.steps, words["steps"]),
                (self.questions, words["questions"]),
                (self.translations, words["translations"]),
                (self.courses, words["courses"]),
            )
            if n or forms is words["lessons"]
        ]
        return f"{words['ok']}: {', '.join(parts)}"


#: the closing line's words; the Russian forms are for 1, 2-4 and 5+ (and 11-14)
SUMMARY_WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "ok": "ok",
        "lessons": ("lesson", "lessons"),
        "steps": ("step replayed", "steps replayed"),
        "questions": ("question checked", "questions checked"),
        "translations": ("translation", "translations"),
        "courses": ("course", "courses"),
    },
    "ru": {
        "ok": "ok",
        "lessons": ("урок", "урока", "уроков"),
        "steps": ("шаг проигран", "шага проиграно", "шагов проиграно"),
        "questions": ("вопрос проверен", "вопроса проверено", "вопросов проверено"),
        "translations": ("перевод", "перевода", "переводов"),
        "courses": ("курс", "курса", "курсов"),
    },
}


def _count(n: int, forms: tuple[str, ...]) -> str:
    if len(forms) == 2:
        return f"{n} {forms[0] if n == 1 else forms[1]}"
    if n % 10 == 1 and n % 100 != 11:
        form = forms[0]
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        form = forms[1]
    else:
        form = forms[2]
    return f"{n} {form}"


def lint_paths(paths: Iterable[str | Path], tally: Tally | None = None) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for path, shown in expand(paths):
        if path.is_dir():
            problems.append(
                Diagnostic(shown, 1, 1, Severity.ERROR, "is a directory with no .yaml lesson files")
            )
            continue
        try:
            problems.extend(lint_file(path, shown, tally))
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


def lint_file(path: Path, shown: str | None = None, tally: Tally | None = None) -> list[Diagnostic]:
    """Every problem in one lesson, translation, course or world file, in file order.

    Past a YAML syntax error the part above it is still checked (see yamlsyntax), and a lesson
    with errors still has every step that loaded replayed on the engine (see draft)."""
    shown = shown if shown is not None else str(path)
    tally = tally if tally is not None else Tally()
    read = read_yaml_salvaged(path, shown)
    root, problems = read.root, list(read.problems)
    if root is None:
        return problems
    kind = kind_of_document(root, path)
    if kind == "lesson" and is_world_document(root):
        if read.partial:
            return problems  # a world file cut short: its syntax errors say enough
        return read_world_file(path, shown)  # sorted; lint checks a world by building it
    if read.partial and kind != "lesson":
        return problems  # a translation or course cut short: its syntax errors say enough
    if kind == "course":
        course, problems = read_course(path, shown)
        tally.courses += 1
        if course is not None:
            problems += check_course(course, path)
    elif kind == "overlay":
        overlay, problems = read_overlay(path, shown)
        tally.translations += 1
        if overlay is not None:
            problems += _check_overlay_file(overlay, path, shown)
    else:
        draft, found = read_lesson_draft(root, path, shown, read.cut)
        tally.lessons += 1
        problems += found
        problems += check_draft(draft, tally)
    return sorted(problems, key=lambda d: (d.line, d.col))


# -- lessons: replay on the real engine ------------------------------------------------------


def _not_checked(pos: Pos, what: str, why: str) -> Diagnostic:
    """A check that could not run says so: the reader must not take silence for a pass."""
    return _warning(pos, f"{what} not checked: {why}")


def check_lesson(lesson: Lesson, tally: Tally | None = None) -> list[Diagnostic]:
    """The engine checks of a lesson that loaded whole."""
    return check_draft(LessonDraft.of(lesson), tally)


def check_draft(draft: LessonDraft, tally: Tally | None = None) -> list[Diagnostic]:
    """The engine checks of every part of a lesson that loaded, and a `not checked` line for
    each part whose checks cannot run."""
    tally = tally if tally is not None else Tally()
    if draft.protocol is None:
        if draft.cut:
            return []  # the protocol may be below the syntax error: that line says it all
        return [
            _not_checked(
                draft.protocol_pos,
                "the steps and quiz on the engine",
                "the lesson's protocol is missing or wrong",
            )
        ]
    if draft.world is None:
        why = (
            "the world is cut short by the YAML syntax error"
            if draft.world_cut
            else "the world has errors (see above)"
        )
        return [_not_checked(draft.world_pos, "the steps and quiz on the engine", why)]
    try:
        store = build_lesson_world(draft.world, draft.base_dir)
    except Exception as exc:  # WorldError and store errors: the world description is wrong
        return [_error(draft.world_pos, f"world: {exc}")]
    lesson = draft.lesson()
    problems = unknown_users(lesson, store)
    problems += _replay_steps(draft, store, tally)
    for item in draft.quiz:
        question = item.question
        if item.cut:
            problems.append(
                _not_checked(item.pos, item.name, "the YAML syntax error below cuts it short")
            )
            continue
        if question is None:
            if item.type in ENGINE_GRADED:
                problems.append(
                    _not_checked(item.pos, f"{item.name} on the engine", "it has errors")
                )
            continue  # its errors are reported; a question that did not load is not graded
        try:
            problems.extend(check_question(question, lesson))
            tally.questions += 1
        except Exception as exc:
            problems.append(_error(question.pos, f"question '{question.id}': {exc}"))
    return problems


def _replay_steps(draft: LessonDraft, store: MailStore, tally: Tally) -> list[Diagnostic]:
    """Each step's solution in order, on one world; a failing step does not stop the replay
    (the next starts from the state its solution leaves), a step with errors is typed only."""
    problems: list[Diagnostic] = []
    protocol = draft.protocol
    assert protocol is not None
    session = open_session(protocol, store)
    session.greeting()
    typed = False  # whether a step has typed into this session yet
    for item in draft.steps:
        if item.cut:
            problems.append(
                _not_checked(item.pos, item.name, "the YAML syntax error below cuts it short")
            )
            break  # nothing after it was read
        own = item.protocol or protocol
        if own is not protocol:
            # As the runner does: a new connection of the step's protocol, same world.
            if not session.closed:
                if typed:
                    problems.append(_still_open(item, protocol, own))
                session.abort()
            protocol = own
            session = open_session(protocol, store)
            session.greeting()
            typed = False
        typed = True
        try:
            if item.step is None:
                problems.append(_broken_step(item))
                feed(session, item.solution or ())
                continue
            problems.extend(_replay_step(item.step, session, store))
            tally.steps += 1
        except Exception as exc:  # an engine bug must not hide the rest of the report
            problems.append(_error(item.pos, f"replaying {item.name} failed: {exc!r}"))
            rest = draft.steps[item.number :]
            if rest:
                problems.append(
                    _not_checked(rest[0].pos, "the steps from here on", "the replay failed above")
                )
            break
    return problems


def _broken_step(item: StepDraft) -> Diagnostic:
    if item.solution:
        then = "its solution is typed anyway, so the steps after it start where you meant"
    else:
        then = "its solution is not typed, so the steps after it are replayed without it"
    return _not_checked(
        item.pos, f"{item.name} on the engine", f"its definition has errors; {then}"
    )


def _still_open(item: StepDraft, old: Protocol, new: Protocol) -> Diagnostic:
    return _warning(
        item.pos,
        f"{item.name} switches to {new.upper()} while the {old.upper()} session is "
        "still open; it is dropped (nothing in it is delivered or deleted). "
        "End it with QUIT in the step before",
    )


def _replay_step(step: Step, session, store) -> list[Diagnostic]:
    """Problems found playing one step's solution. Every solution line is typed, whatever is
    found, so the next step starts from the state this solution leaves."""
    where = f"step '{step.id}'"
    problems: list[Diagnostic] = []
    already = not step.expect.needs_line and (
        check_expect(step.expect, None, (), session, store) is None
    )
    if already:
        problems.append(
            _error(
                step.expect.pos,
                f"{where} is already satisfied before anything is typed "
                "(after the earlier steps' solutions); it would pass by itself",
            )
        )
    elif step.hints and not any(hint_applies(h, session, store) for h in step.hints):
        problems.append(
            _warning(
                step.hints[0].pos,
                f"{where}: no hint applies when the step starts (the state of every hint "
                "differs from the one the earlier solutions leave), so F2 goes straight "
                "to the solution",
            )
        )
    failure: Failure | None = ("", "no line")
    passed_at: int | None = None
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
        if passed_at is not None:
            continue  # typed for the state it leaves; the step is already passed
        failure = expect_failure(step.expect, line, replies, session, store)
        if failure is None:
            passed_at = number
            continue
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
    if passed_at is None:
        key, reason = failure or ("", "no line")
        return problems + [
            _error(
                step.expect.pos_of(key) if key else step.solution_pos,
                f"{where}: the solution does not pass its own step: "
                f"after {step.solution[-1]!r}, {reason}",
            )
        ]
    if passed_at < len(step.solution) and not already:
        problems.append(
            _error(
                step.solution_pos,
                f"{where}: the solution passes the step already "
                f"at line {passed_at} ({step.solution[passed_at - 1]!r}); the lines after it "
                "would be typed into the next step",
            )
        )
    return problems


# -- worlds: names a lesson's conditions use ---------------------------------------------------


def unknown_users(lesson: Lesson, store: MailStore) -> list[Diagnostic]:
    """Every `mailbox:`, `authenticated:` and `user:` naming someone not in the world the
    condition is checked against (the lesson's, or a question's own world)."""
    problems: list[Diagnostic] = []
    for step in lesson.steps:
        states = [step.expect.state]
        states += [m.state for m in step.mistakes] + [h.state for h in step.hints]
        for state in states:
            if state is not None:
                problems += _users_in(state, store)
    for question in lesson.quiz:
        if question.goal is None or question.goal.state is None:
            continue
        world = store
        if question.world is not None:
            try:
                world = build_lesson_world(question.world, lesson.base_dir)
            except Exception:
                continue  # its world's own errors are reported where it is read
        problems += _users_in(question.goal.state, world)
    return problems


def _users_in(state: StateCheck, store: MailStore) -> list[Diagnostic]:
    names = [user.name for user in store.users]

    def missing(name: str) -> bool:
        return bool(name) and store.user(name) is None

    problems = [
        _error(
            state.pos_of(f"mailbox.{user}"),
            f"mailbox: no such user '{user}' in the world{did_you_mean(user, names)}",
        )
        for user, _ in state.mailbox
        if missing(user)
    ]
    if isinstance(state.authenticated, str) and missing(state.authenticated):
        problems.append(
            _error(
                state.pos_of("authenticated"),
                f"authenticated: no such user '{state.authenticated}' in the world, so no one "
                f"can log in as it{did_you_mean(state.authenticated, names)}",
            )
        )
    if state.user and missing(state.user):
        problems.append(
            _warning(
                state.pos_of("user"),
                f"user: no such user '{state.user}' in the world (USER takes any name, so this "
                f"holds only after USER {state.user}){did_you_mean(state.user, names)}",
            )
        )
    return problems


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
