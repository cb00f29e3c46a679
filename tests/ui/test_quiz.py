"""The quiz after a lesson: every question type answered with its own widget, right and wrong."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

import pytest
from textual.widgets import Input

from tutor.lessons.progress import Progress
from tutor.ui.screens.quiz import QuizScreen
from tutor.ui.widgets.lesson_pane import LessonPane
from tutor.ui.widgets.quiz_order import OrderList

FIXTURES = Path(__file__).parent / "fixtures" / "course"
UI_POP3 = str(FIXTURES / "ui-pop3.yaml")
SOLUTIONS = ("user ne_skagu", "pass secret", "dele 1", "quit")
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
THEMES = ("textual-dark", "textual-light")
#: each size and each theme once (the full cross product doubled the suite's snapshot time)
VIEWS = [("80x24", "textual-dark"), ("120x40", "textual-light")]

#: the fixture quiz in order: (type, keys or text for a right answer, for a wrong one)
RIGHT = {
    "choice": ["down", "enter"],  # "At QUIT", the second option
    "multi": ["space", "down", "down", "space", "enter"],  # STAT and DELE
    "text": "QUIT",
    "number": "3",
    "predict": "-ERR",
    "command": "dele 2",
}
WRONG = {
    "choice": ["enter"],  # "At DELE"
    "multi": ["down", "space", "enter"],  # LOOP alone
    "text": "exit",
    "number": "4",
    "order": None,  # the mixed-up order as first shown is never right
    "predict": "+OK",
    "command": "dele 1",
}


def sync(test):
    """Run an async Pilot test in its own event loop (the suite has no asyncio plugin)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


async def open_quiz(pilot, submit) -> QuizScreen:
    """Finish the fixture lesson at the prompt, then F7 opens its quiz."""
    await pilot.pause()
    await submit(pilot, *SOLUTIONS)
    await pilot.press("f7")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen)
    return screen


async def put_in_order(pilot, order_list: OrderList, target: list[str]) -> None:
    """Sort the list with Shift+Up, the way a learner would."""
    for position, wanted in enumerate(target):
        index = order_list.values.index(wanted)
        order_list.highlighted = index
        for _ in range(index - position):
            await pilot.press("shift+up")
    assert order_list.values == target


async def answer(pilot, quiz: QuizScreen, right: bool) -> None:
    kind = quiz.question.type.value
    if kind == "order":
        widget = quiz.query_one("#quiz-input", OrderList)
        if right:
            await put_in_order(pilot, widget, list(quiz.runner.text(quiz.question, "options")))
        await pilot.press("enter")
    else:
        given = (RIGHT if right else WRONG)[kind]
        if isinstance(given, str):
            quiz.query_one("#quiz-input", Input).value = given
            await pilot.press("enter")
        else:
            await pilot.press(*given)
    await pilot.pause()
    assert quiz.answered


def feedback(quiz: QuizScreen) -> str:
    box = quiz.query(".quiz-feedback").last()
    return (
        " ".join(str(label.render()) for label in box.query("Label"))
        + " "
        + " ".join(md.source for md in box.query("Markdown"))
    )


def summary_text(quiz: QuizScreen) -> str:
    return "\n".join(str(static.render()) for static in quiz.query("#quiz-body Static"))


def footer_keys(quiz: QuizScreen) -> set[str]:
    """The quiz's own keys the footer offers now."""
    return {
        action
        for action in ("next", "retry", "retake")
        if quiz.check_action(action, ()) is not False
    }


async def look_at_ticked_and_unticked_boxes(pilot, quiz: QuizScreen) -> None:
    """A ticked box shows X and an unticked one is empty, so they differ without colour
    (NO_COLOR); Space ticks STAT, and Space again unticks it for the answer that follows."""
    boxes = quiz.query_one("#quiz-input")
    await pilot.press("space")  # tick STAT
    await pilot.pause()
    lines = [boxes.render_line(y).text for y in range(3)]
    assert lines[0].startswith("▐X▌ STAT") and lines[1].startswith("▐ ▌ LOOP"), lines
    await pilot.press("space")
    await pilot.pause()
    assert boxes.render_line(0).text.startswith("▐ ▌ STAT")


@sync
async def test_every_question_type_answered_wrong_and_right(make_app, submit):
    """The first three questions right at once; the others wrong, then right after a retry,
    which says plainly that it scores nothing. Only first answers earn points."""
    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f7")  # steps not done: no quiz yet
        await pilot.pause()
        assert not isinstance(app.screen, QuizScreen)
        quiz = await open_quiz(pilot, submit)
        assert footer_keys(quiz) == set()  # no Next or Retry before an answer
        await pilot.press("n", "n")
        assert quiz.index == 0  # no skipping an unanswered question
        types = []
        for number in range(len(quiz.questions)):
            question = quiz.question
            types.append(question.type.value)
            if question.type.value == "text":
                await pilot.press("enter")  # an empty line is not an answer
                await pilot.pause()
                assert not quiz.answered
            if number >= 3:
                await answer(pilot, quiz, right=False)
                assert not quiz.current_grade.correct
                assert footer_keys(quiz) == {"next", "retry"}
                said = feedback(quiz)
                assert "✗ Not right" in said
                if question.type.value == "order":  # graded by running it: where it failed
                    assert "An order that works: user ne_skagu → pass secret → quit" in said
                    assert "Your order stops working at `" in said, said
                else:
                    assert "Expected:" in said
                if question.id == "guess-reply":
                    assert "Expected: -ERR" in said  # what the real engine answered
                await pilot.press("r")  # the same question again, with a fresh widget
                await pilot.pause()
                assert not quiz.answered and quiz.question is question
                await answer(pilot, quiz, right=True)
                assert quiz.current_grade.correct, (question.id, feedback(quiz))
                assert "✓ Right, but no points: only the first answer scores" in feedback(quiz)
            else:
                if question.type.value == "multi":
                    await look_at_ticked_and_unticked_boxes(pilot, quiz)
                await answer(pilot, quiz, right=True)
                assert quiz.current_grade.correct, (question.id, feedback(quiz))
                assert "✓ Right" in feedback(quiz) and "no points" not in feedback(quiz)
                assert footer_keys(quiz) == {"next"}
            await pilot.press("enter")  # Enter after an answer goes on, like N
            await pilot.pause()
        assert types == ["choice", "multi", "text", "number", "order", "predict", "command"]
        assert quiz.finished and quiz.quiz_score() == (3, 7)
        summary = summary_text(quiz)
        assert "Quiz complete: 3 of 7 points." in summary
        assert "✓ 1. When does a marked letter leave the maildrop?" in summary
        assert "your answer: At QUIT" in summary
        assert "↻ 6. Which status comes back?" in summary  # right only on a retry
        assert "your answer: -ERR · right on a retry, 0 pt" in summary
        assert footer_keys(quiz) == {"retake"}  # nothing is wrong any more
        await pilot.press("r")
        await pilot.pause()
        assert quiz.finished and "Quiz complete" in summary_text(quiz)  # the summary stays
        await pilot.press("t")  # a new attempt at the whole quiz, from 0 points
        await pilot.pause()
        assert not quiz.finished and quiz.index == 0
        assert str(quiz.query_one("#quiz-score").render()) == "Score 0/7"
        await answer(pilot, quiz, right=False)
        said = feedback(quiz)  # a choice's feedback is the chosen option's own
        assert "DELE only marks it." in said and "Expected: At QUIT" in said
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, QuizScreen)
        # the lesson screen says the best numbers, as the course list and `progress` do
        pane = app.screen.query_one(LessonPane).view
        [after] = [block.text for block in pane.blocks if block.kind == "next"]
        assert after.startswith("Best score 7/11 · quiz 3/7"), after
    record = Progress().lesson("ui-pop3")
    assert record.done and len(record.questions) == 7
    assert all(q.correct for q in record.questions.values())
    assert (record.quiz_best, record.quiz_max) == (3, 7)  # the best attempt, not the last


@sync
async def test_summary_retries_only_the_wrong_ones(make_app, submit):
    """Answers wrong at first are offered again from the summary, and only those; a number
    typed with its unit is read and said so; the summary comes back with both kept."""
    app = make_app(("lesson", UI_POP3))
    async with app.run_test(size=(80, 24)) as pilot:
        quiz = await open_quiz(pilot, submit)
        wrong = {"pick-one", "guess-reply"}
        for _ in range(len(quiz.questions)):
            question = quiz.question
            if question.type.value == "number":
                field = quiz.query_one("#quiz-input", Input)
                field.value = "3 x y"  # not a number: said so, nothing graded
                await pilot.press("enter")
                await pilot.pause()
                assert not quiz.answered and field.value == "3 x y"
                field.value = ""
                await pilot.press("3", "space", *"letters", "enter")  # typed, key by key
                await pilot.pause()
                assert field.value == "3 letters"  # kept whole, not "3e"
                await pilot.pause()
                assert quiz.current_grade.correct
                assert "Your answer was read as 3." in feedback(quiz)
            else:
                await answer(pilot, quiz, right=question.id not in wrong)
            await pilot.press("n")
            await pilot.pause()
        assert quiz.finished and quiz.quiz_score() == (5, 7)
        summary = summary_text(quiz)
        assert "✗ 1. When does a marked letter leave the maildrop?" in summary
        assert "your answer: At DELE · expected: At QUIT" in summary
        assert "R: try the 2 not yet right again" in summary
        assert footer_keys(quiz) == {"retry", "retake"}
        await pilot.press("r")
        await pilot.pause()
        assert quiz.question.id == "pick-one" and not quiz.finished
        await answer(pilot, quiz, right=True)
        await pilot.press("n")
        await pilot.pause()
        assert quiz.question.id == "guess-reply"  # the right ones are not asked again
        await answer(pilot, quiz, right=True)
        await pilot.press("n")
        await pilot.pause()
        assert quiz.finished and quiz.quiz_score() == (5, 7)
        summary = summary_text(quiz)
        assert "↻ 1. When does a marked letter leave the maildrop?" in summary
        assert "✓ 4. How many letters does ne_skagu have?" in summary
        assert "your answer: 3 letters" in summary
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f7")  # the quiz again after finishing it: a new attempt from 0
        await pilot.pause()
        again = app.screen
        assert isinstance(again, QuizScreen) and again is not quiz
        assert again.index == 0 and again.quiz_score() == (0, 7)
        assert str(again.query_one("#quiz-score").render()) == "Score 0/7"


@pytest.mark.parametrize(("size", "theme"), VIEWS)
def test_snapshot_quiz_feedback(snap_compare, make_app, submit, theme, size):
    """The first question answered wrong: the option's feedback and the expected answer."""

    async def run_before(pilot):
        quiz = await open_quiz(pilot, submit)
        await answer(pilot, quiz, right=False)

    app = make_app(("lesson", UI_POP3), theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
def test_snapshot_quiz_summary(snap_compare, make_app, submit, theme):
    """The summary at 80x24: long questions end in an ellipsis, each answer beside the
    expected one, and only the keys that work now in the footer."""

    async def run_before(pilot):
        quiz = await open_quiz(pilot, submit)
        for _ in range(len(quiz.questions)):
            await answer(pilot, quiz, right=quiz.question.type.value not in ("choice", "order"))
            await pilot.press("n")
            await pilot.pause()
        assert quiz.finished

    app = make_app(("lesson", UI_POP3), theme=theme)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
