"""The quiz's answer key, for `mailtutor replay --quiz`: every question with the answer the
engine grades right, so a teacher checks a quiz without playing it.

Each answer shown is graded with the same `grade_question` the app uses, and the key says so if
it is not accepted (a quiz that could never be passed). Predict questions show the reply the real
engine gives to the command after the question's setup; command questions their example and the
reply it gets. Both run on a fresh world, as in the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from tutor.protocol.replies import Reply, ReplyKind

from .model import Question, QuestionType
from .quiz import Answer, grade_question, run_question
from .runner import LessonRunner


@dataclass(frozen=True)
class KeyEntry:
    question: Question
    ask: str  # localized
    options: tuple[str, ...]  # localized, in the lesson's order ("" for types without options)
    answer: Answer  # what is given to the grader
    shown: str  # the right answer as the learner would see it
    setup: tuple[str, ...] = ()  # predict, command: lines typed first
    line: str | None = None  # predict: the command; command: the example
    replies: tuple[Reply, ...] = ()  # what the engine answered to `line`
    graded_right: bool = True
    explain: str | None = None


def _answer(question: Question, options: tuple[str, ...]) -> Answer:
    """An answer the grader should accept, built from the question's own fields."""
    kind = question.type
    if kind is QuestionType.CHOICE:
        return str(question.answer)
    if kind is QuestionType.MULTI:
        return list(question.answer or ())  # type: ignore[arg-type]
    if kind is QuestionType.ORDER:
        return list(question.options)
    if kind is QuestionType.NUMBER:
        return float(question.answer)  # type: ignore[arg-type]
    if kind is QuestionType.TEXT:
        plain = [a for a in question.accept if not (a.startswith("/") and a.endswith("/"))]
        return plain[0] if plain else (question.accept[0] if question.accept else "")
    return ""  # predict and command: filled in from the engine by key_entry


def key_entry(runner: LessonRunner, question: Question) -> KeyEntry:
    """One question's key; runs the engine for predict and command questions."""
    lesson = runner.lesson
    options = tuple(runner.text(question, "options") or question.options)
    answer: Answer = _answer(question, options)
    line: str | None = None
    replies: tuple[Reply, ...] = ()
    if question.type in (QuestionType.PREDICT, QuestionType.COMMAND):
        line = (
            question.command if question.type is QuestionType.PREDICT else question.example
        ) or ""
        _, _, got = run_question(question, lesson, line)
        replies = tuple(got)
        if question.type is QuestionType.COMMAND:
            answer = line
        elif replies:
            last = replies[-1]
            answer = last.status if question.match == "status" else last.status_lines()[0]
    grade = grade_question(question, answer, lesson, runner.text)
    return KeyEntry(
        question=question,
        ask=runner.text(question, "ask"),
        options=options if question.options else (),
        answer=answer,
        shown=grade.expected,
        setup=question.setup,
        line=line,
        replies=replies,
        graded_right=grade.correct,
        explain=grade.explain,
    )


def answer_key(runner: LessonRunner) -> list[KeyEntry]:
    return [key_entry(runner, question) for question in runner.questions]


#: the words the key prints, by language (as printer.WORDS)
KEY_WORDS = {
    "en": {
        "quiz": "Quiz: {count} question(s), with the answers graded right",
        "question": "Question {number}/{count}: {id} ({type}, {points} point(s))",
        "options": "options:",
        "setup": "after:",
        "answer": "answer: ",
        "wrong": "!! this answer is NOT graded right: check the question",
        "explain": "explain: ",
        "none": "No quiz in this lesson.",
        "line": " (the whole first line)",
        "tolerance": " (± {tolerance:g})",
    },
    "ru": {
        "quiz": "Тест: вопросов {count}, с ответами, которые засчитываются",
        "question": "Вопрос {number}/{count}: {id} ({type}, баллов: {points})",
        "options": "варианты:",
        "setup": "после:",
        "answer": "ответ: ",
        "wrong": "!! этот ответ НЕ засчитывается: проверьте вопрос",
        "explain": "пояснение: ",
        "none": "В этом уроке нет теста.",
        "line": " (вся первая строка)",
        "tolerance": " (± {tolerance:g})",
    },
}


def print_key(printer, runner: LessonRunner) -> bool:
    """Print the answer key through a DialoguePrinter; False if some answer is not accepted."""
    from .printer import BOLD, COLOURS

    lang = runner.lang if runner.overlay is not None else "en"
    words = KEY_WORDS.get(lang, KEY_WORDS["en"])
    entries = answer_key(runner)
    printer.write()
    if not entries:
        printer.write(words["none"], BOLD)
        return True
    printer.write(words["quiz"].format(count=len(entries)), BOLD)
    all_right = True
    for number, entry in enumerate(entries, 1):
        question = entry.question
        printer.write()
        heading = words["question"].format(
            number=number,
            count=len(entries),
            id=question.id,
            type=question.type.value,
            points=question.points,
        )
        printer.write(heading, BOLD)
        printer.text(entry.ask)
        if entry.options:
            printer.write("   " + words["options"])
            for option in entry.options:
                printer.write(f"     - {option}")
        if entry.line is not None:
            if entry.setup:
                printer.write("   " + words["setup"])
                for line in entry.setup:
                    printer.write(f"     C: {line}")
            printer.write(f"   C: {entry.line}")
            for reply in entry.replies:
                code = COLOURS.get(reply.kind, "")
                for line in reply.status_lines():
                    printer.write(f"   S: {line}", code)
        shown = entry.shown
        if question.type is QuestionType.NUMBER and question.tolerance:
            shown += words["tolerance"].format(tolerance=question.tolerance)
        if question.type is QuestionType.PREDICT and question.match == "line":
            shown += words["line"]
        printer.text(shown, "   " + words["answer"])
        if not entry.graded_right:
            all_right = False
            printer.write("   " + words["wrong"], COLOURS[ReplyKind.ERROR])
        printer.text(entry.explain, "   " + words["explain"])
    return all_right
