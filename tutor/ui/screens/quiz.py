"""The quiz after a lesson: one question at a time, the right input for each type, feedback.

Grading is the runner's (`LessonRunner.grade`): predict questions run on the real engine, command
questions on a scratch world. This screen builds the input widget for the question's type,
collects the answer in the form the runner takes (an option's base text, a list of them, or the
typed text) and shows the Grade it gets back. Wrong answers can be retried (graded, no points);
the summary lists each answer beside the expected one and offers the ones not yet right again,
or a whole new attempt (which starts from 0 points; progress keeps the best attempt).
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import (
    Footer,
    Input,
    Label,
    Markdown,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
)
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

from tutor.lessons import AnswerError, Question, QuestionType
from tutor.lessons.progress import Progress
from tutor.lessons.quiz import parse_number
from tutor.ui.i18n import tr
from tutor.ui.ordered_keys import OrderedKeys
from tutor.ui.widgets import lesson_strings
from tutor.ui.widgets.lesson_session import save_progress
from tutor.ui.widgets.quiz_order import OrderList
from tutor.ui.widgets.quiz_text import option_text

lesson_strings.register_strings()

INPUT_TYPES = (QuestionType.TEXT, QuestionType.NUMBER, QuestionType.PREDICT, QuestionType.COMMAND)


class AnswerList(SelectionList[str]):
    """Options to tick (multi); Enter checks the answer instead of ticking.

    An unticked box is drawn empty, so ticked and unticked differ without colour (NO_COLOR)."""

    BINDINGS = [Binding("enter", "screen.check", "Check", show=False)]

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if selection.value in self.selected or len(segments) < 2:
            return strip
        inner = segments[1]
        if inner.text != ToggleButton.BUTTON_INNER:
            return strip
        segments[1] = Segment(" " * len(inner.text), inner.style)
        return Strip(segments, strip.cell_length)


def one_line(text: str) -> str:
    """A question's text on one line, for the summary (the widget adds the ellipsis)."""
    return " ".join(text.split())


class QuizScreen(OrderedKeys, Screen[None]):
    """Ask the lesson's questions in order; Esc goes back to the lesson."""

    DEFAULT_CSS = """
    QuizScreen { layout: vertical; }
    QuizScreen #quiz-top {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    QuizScreen #quiz-title { width: 1fr; text-style: bold; }
    QuizScreen #quiz-score { width: auto; color: $text-accent; }
    QuizScreen #quiz-body {
        height: 1fr;
        padding: 0 1;
        border: round $primary;
        border-title-color: $text-primary;
    }
    QuizScreen Markdown { margin: 0; padding: 0; background: transparent; }
    QuizScreen #quiz-answer { height: auto; }
    QuizScreen .quiz-feedback Markdown > *:last-child { margin-bottom: 0; }
    QuizScreen RadioSet { width: 1fr; }
    QuizScreen AnswerList { height: auto; max-height: 10; }
    QuizScreen #quiz-keys { color: $text-muted; margin: 0 0 0 1; }
    QuizScreen .quiz-feedback {
        height: auto;
        margin: 1 0 0 0;
        padding: 0 0 0 1;
        border-left: thick $success;
    }
    QuizScreen .quiz-feedback.-wrong { border-left: thick $error; }
    QuizScreen .quiz-feedback > .quiz-verdict { text-style: bold; color: $text-success; }
    QuizScreen .quiz-feedback.-wrong > .quiz-verdict { color: $text-error; }
    QuizScreen #quiz-summary-title { text-style: bold; margin: 0 0 1 0; }
    QuizScreen .quiz-summary-ask { text-wrap: nowrap; text-overflow: ellipsis; }
    QuizScreen .quiz-summary-answer { color: $text-muted; padding: 0 0 0 3; }
    QuizScreen #quiz-summary-next { margin: 1 0 0 0; }
    """

    BINDINGS = [
        Binding("enter", "check", "Check", id="quiz.check", show=False),
        Binding("n", "next", "Next", id="quiz.next"),
        Binding("r", "retry", "Retry", id="quiz.retry"),
        Binding("t", "retake", "Take again", id="quiz.retake"),
        Binding("escape", "back", "Back", id="quiz.back"),
    ]

    def __init__(self, runner: Any, lang: str = "en", *, progress: Progress | None = None) -> None:
        super().__init__()
        self.runner = runner
        self.progress = progress  # where answers are recorded (None: not saved, e.g. a preview)
        self.lang = lang
        self.questions: tuple[Question, ...] = tuple(runner.lesson.quiz)
        if runner.quiz_complete:
            runner.new_quiz_attempt()  # taken before: this is a new attempt, from 0 points
        results = runner.question_results
        # Questions still to ask, in order (a quiz left half-way goes on where it stopped).
        self._queue = [i for i, q in enumerate(self.questions) if q.id not in results] or [0]
        self.index = self._queue.pop(0)
        self.graded: dict[str, Any] = {}  # question id -> its Grade
        self.answered = False  # the current question has been checked
        self.finished = False

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        title = self.runner.text(self.runner.lesson, "title")
        with Horizontal(id="quiz-top"):
            yield Label(Text(tr("quiz.title", self.lang, title=title)), id="quiz-title")
            yield Label("", id="quiz-score")
        yield VerticalScroll(id="quiz-body")
        yield Footer()

    async def on_mount(self) -> None:
        lesson_strings.localize_bindings(self, self.lang)
        await self.show_question()

    @property
    def question(self) -> Question:
        return self.questions[self.index]

    @property
    def current_grade(self) -> Any:
        return self.graded.get(self.question.id) if not self.finished else None

    def quiz_score(self) -> tuple[int, int]:
        """Points of this attempt (first answers only, as the runner counts them) and points
        possible."""
        return self.runner.quiz_points, self.runner.quiz_max

    def _not_right(self) -> list[int]:
        """Questions of this attempt not answered right yet (not even on a retry)."""
        results = self.runner.question_results
        return [
            i
            for i, q in enumerate(self.questions)
            if q.id not in results or not results[q.id].correct
        ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Only the keys that do something now are in the footer.
        if action == "next":
            return self.answered and not self.finished
        if action == "retry":
            if self.finished:
                return bool(self._not_right())
            grade = self.graded.get(self.question.id)
            return self.answered and grade is not None and not grade.correct
        if action == "retake":
            return self.finished
        return True

    def _update_score(self) -> None:
        score, maximum = self.quiz_score()
        for label in self.query("#quiz-score").results(Label):
            label.update(tr("quiz.score", self.lang, score=score, max=maximum))

    async def show_question(self) -> None:
        """Draw the current question with a fresh input widget."""
        self.answered = False
        self.graded.pop(self.question.id, None)
        body = self.query_one("#quiz-body", VerticalScroll)
        await body.remove_children()
        body.border_title = (
            tr("quiz.question", self.lang, number=self.index + 1, total=len(self.questions))
            + " · "
            + tr("quiz.points", self.lang, points=self.question.points)
        )
        parts = self._question_parts(self.question)
        answer = self._answer_widget(self.question)
        await body.mount_all(
            [
                *parts,
                Vertical(answer, id="quiz-answer"),
                Label(self._keys_help(self.question), id="quiz-keys"),
            ]
        )
        if not answer.is_mounted:
            return  # the screen was closed or redrawn meanwhile
        lesson_strings.localize_bindings(answer, self.lang)  # the order list's keys
        answer.focus(scroll_visible=False)  # keep the question's text in sight
        body.scroll_home(animate=False)
        self._update_score()
        self.refresh_bindings()

    def _question_parts(self, question: Question) -> list[Widget]:
        """The question's text, and for predict/command questions what runs before the answer,
        as short lines of inline code (code blocks would take half of an 80x24 screen)."""
        lang = self.lang
        parts: list[Widget] = [Markdown(self.runner.text(question, "ask"), id="quiz-ask")]
        if question.type in (QuestionType.PREDICT, QuestionType.COMMAND):
            lines = []
            world = question.world if question.world is not None else self.runner.lesson.world
            if isinstance(world, str):
                lines.append(tr("quiz.world", lang, world=f"`{world}`"))
            if question.setup:
                key = (
                    "quiz.predict.setup"
                    if question.type is QuestionType.PREDICT
                    else "quiz.command.setup"
                )
                typed = " · ".join(f"`{line}`" for line in question.setup)
                lines.append(f"{tr(key, lang)} {typed}")
            if question.type is QuestionType.PREDICT and question.command:
                lines.append(f"{tr('quiz.predict.command', lang)} `{question.command}`")
            parts.append(Markdown("  \n".join(lines), id="quiz-setup"))
        return parts

    def _options(self, question: Question) -> list[str]:
        shown = self.runner.text(question, "options")
        return (
            list(shown) if shown and len(shown) == len(question.options) else list(question.options)
        )

    def _answer_widget(self, question: Question) -> Widget:
        shown = self._options(question)
        if question.type is QuestionType.CHOICE:
            return RadioSet(*(RadioButton(option_text(text)) for text in shown), id="quiz-input")
        if question.type is QuestionType.MULTI:
            return AnswerList(
                *(
                    (option_text(text), base)
                    for text, base in zip(shown, question.options, strict=True)
                ),
                id="quiz-input",
            )
        if question.type is QuestionType.ORDER:
            # The runner mixes the items (never in the right order); it grades shown texts.
            mixed = self.runner.shuffled_options(question.id)
            return OrderList([(text, text) for text in mixed], id="quiz-input")
        placeholder = tr(f"quiz.placeholder.{question.type.value}", self.lang)
        # Numbers too take any text: "27074 octets" or "27 074" must reach the grader whole
        # (a number-only Input keeps "27074e" of it); the grader says how it read them.
        return Input(placeholder=placeholder, id="quiz-input")

    def _keys_help(self, question: Question) -> str:
        if question.type in INPUT_TYPES:
            return tr("quiz.help.input", self.lang)
        return tr(f"quiz.help.{question.type.value}", self.lang)

    # -- answering -----------------------------------------------------------------------------

    def current_answer(self) -> str | list[str] | None:
        """The answer as the runner grades it, or None if nothing was given yet."""
        question = self.question
        widget = self.query_one("#quiz-input")
        if isinstance(widget, RadioSet):
            index = widget.pressed_index
            return question.options[index] if index >= 0 else None
        if isinstance(widget, AnswerList):
            return list(widget.selected)
        if isinstance(widget, OrderList):
            return widget.values
        assert isinstance(widget, Input)
        text = widget.value.strip()
        return text or None

    # Checked here, in the screen's own queue (not in a worker): the keys that follow (Enter,
    # n, r, Esc) wait until the grade is drawn, so none of them finds the question half gone.
    async def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        # Choosing an option (Enter or Space on it) is the answer.
        event.stop()
        await self.action_check()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.action_check()

    async def on_option_list_option_selected(self, event: Any) -> None:
        if isinstance(event.option_list, OrderList):
            event.stop()
            await self.action_check()

    async def action_check(self) -> None:
        if self.finished:
            return
        if self.answered:
            await self.action_next()  # Enter after an answer: the next question
            return
        answer = self.current_answer()
        if answer is None:
            self.notify(tr("quiz.empty", self.lang), severity="warning")
            return
        if self.question.type is QuestionType.NUMBER and parse_number(str(answer)) is None:
            self.notify(tr("quiz.number.invalid", self.lang), severity="warning")
            return
        try:
            grade = self.runner.grade(self.question.id, answer)
        except AnswerError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        for message in save_progress(self.progress, self.runner):
            self.notify(message, severity="warning", timeout=8, markup=False)
        await self.show_grade(grade)

    def _grade_texts(self, grade: Any) -> list[str]:
        """What is said under the verdict: notes on how the answer was read, the feedback,
        the expected answer, the explanation, the keys."""
        lang = self.lang
        texts = []
        if grade.read_as is not None:
            texts.append(tr("quiz.read_as", lang, value=grade.read_as))
        if grade.server_says is not None:
            texts.append(tr("quiz.server_case", lang, reply=grade.server_says))
        if grade.stopped_at is not None:
            line, reply = grade.stopped_at
            key = "quiz.order.stopped" if reply else "quiz.order.closed"
            texts.append(tr(key, lang, line=line, reply=reply))
        if grade.feedback:
            texts.append(grade.feedback)
        if not grade.correct and grade.expected:
            texts.append(tr(self._expected_key(self.question), lang, expected=grade.expected))
        if grade.explain:
            texts.append(grade.explain)
        texts.append(tr("quiz.after.right" if grade.correct else "quiz.after.wrong", lang))
        return texts

    @staticmethod
    def _expected_key(question: Question) -> str:
        """An order graded by whether it works has more than one right answer: the key's
        order is shown as one of them."""
        if question.type is QuestionType.ORDER and not question.exact:
            return "quiz.expected.order"
        return "quiz.expected"

    async def show_grade(self, grade: Any) -> None:
        self.graded[self.question.id] = grade
        self.answered = True
        self.refresh_bindings()
        lang = self.lang
        self.query_one("#quiz-input").disabled = True
        if grade.correct:
            verdict = tr("quiz.right.retry" if grade.retry else "quiz.right", lang)
        else:
            verdict = tr("quiz.wrong.retry" if grade.retry else "quiz.wrong", lang)
        box = Vertical(
            Label(verdict, classes="quiz-verdict"),
            Markdown("\n\n".join(self._grade_texts(grade))),
            classes="quiz-feedback" + ("" if grade.correct else " -wrong"),
        )
        body = self.query_one("#quiz-body", VerticalScroll)
        await body.mount(box)
        if not box.is_mounted:
            return  # the screen was closed or redrawn meanwhile
        for keys in self.query("#quiz-keys").results(Label):
            keys.display = False
        self.set_focus(None)
        body.scroll_end(animate=False)
        self._update_score()

    async def action_next(self) -> None:
        if not self.answered or self.finished:
            return
        if self._queue:
            self.index = self._queue.pop(0)
            await self.show_question()
        else:
            await self.show_summary()

    async def action_retry(self) -> None:
        """On a wrong answer: the same question again. On the summary: the questions not
        answered right yet, one after the other, then the summary again."""
        if self.finished:
            again = self._not_right()
            if not again:
                self.notify(tr("quiz.nothing_to_retry", self.lang))
                return
            self.finished = False
            self.index, self._queue = again[0], again[1:]
            await self.show_question()
        elif self.answered and not self.graded[self.question.id].correct:
            await self.show_question()

    async def action_retake(self) -> None:
        """From the summary: a new attempt at the whole quiz, from 0 points."""
        if not self.finished:
            return
        self.runner.new_quiz_attempt()
        self.graded.clear()
        self.finished = False
        self.index, self._queue = 0, list(range(1, len(self.questions)))
        await self.show_question()

    def summary_rows(self) -> list[tuple[str, str, str]]:
        """For each question: (mark, its text on one line, "your answer · expected")."""
        lang = self.lang
        results = self.runner.question_results
        rows = []
        for number, question in enumerate(self.questions, 1):
            result = results.get(question.id)
            ask = one_line(self.runner.text(question, "ask"))
            if result is None:
                rows.append(("·", f"{number}. {ask}", tr("quiz.summary.unanswered", lang)))
                continue
            if result.first_correct:
                mark = "✓"
            elif result.correct:
                mark = "↻"
            else:
                mark = "✗"
            parts = [tr("quiz.summary.given", lang, given=result.given or "—")]
            if result.correct and not result.first_correct:
                parts.append(tr("quiz.summary.retry_right", lang))
            if not result.correct:
                key = self._expected_key(question).replace("quiz.", "quiz.summary.")
                parts.append(tr(key, lang, expected=result.expected))
            rows.append((mark, f"{number}. {ask}", " · ".join(parts)))
        return rows

    async def show_summary(self) -> None:
        """Every question with the learner's answer beside the expected one. Plain Static
        widgets (not Markdown), so the summary is there at once."""
        self.finished = True
        self.answered = True
        self.refresh_bindings()
        lang = self.lang
        score, maximum = self.quiz_score()
        widgets: list[Widget] = [
            Static(tr("quiz.done", lang, score=score, max=maximum), id="quiz-summary-title")
        ]
        for mark, ask, answer in self.summary_rows():
            # `code` spans as code, not backticks (data, never markup)
            line = Text(f"{mark} ").append_text(option_text(ask))
            widgets.append(Static(line, classes="quiz-summary-ask"))
            widgets.append(Static(option_text(answer), classes="quiz-summary-answer"))
        wrong = len(self._not_right())
        next_keys = (
            tr("quiz.done.next", lang, count=wrong) if wrong else tr("quiz.done.all_right", lang)
        )
        widgets.append(Static(next_keys, id="quiz-summary-next"))
        body = self.query_one("#quiz-body", VerticalScroll)
        await body.remove_children()
        body.border_title = tr("quiz.score", lang, score=score, max=maximum)
        await body.mount_all(widgets)
        if not body.is_mounted:
            return
        body.scroll_home(animate=False)
        self._update_score()

    def set_lang(self, lang: str) -> None:
        """Another language: keys and title at once; the question is redrawn unless it has
        been answered (its feedback stays as it was said)."""
        self.lang = lang
        lesson_strings.localize_bindings(self, lang)
        title = self.runner.text(self.runner.lesson, "title")
        self.query_one("#quiz-title", Label).update(Text(tr("quiz.title", lang, title=title)))
        self._update_score()
        if self.finished:
            self.call_later(self.show_summary)  # the summary is made of interface words
        elif not self.answered:
            self.call_later(self.show_question)

    def action_back(self) -> None:
        if self.is_current:  # a second queued Escape must not pop the screen beneath
            self.dismiss(None)
