"""The quiz after a lesson: one question at a time, the right input for each type, feedback.

Grading is the runner's (`LessonRunner.grade`): predict questions run on the real engine, command
questions on a scratch world. This screen builds the input widget for the question's type,
collects the answer in the form the runner takes (an option's base text, a list of them, or the
typed text) and shows the Grade it gets back. Wrong answers can be retried; at the end the score
is shown and the whole quiz can be taken again.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, Markdown, RadioButton, RadioSet, SelectionList

from tutor.lessons import AnswerError, Question, QuestionType
from tutor.lessons.progress import Progress
from tutor.ui.i18n import tr
from tutor.ui.ordered_keys import OrderedKeys
from tutor.ui.widgets import lesson_strings
from tutor.ui.widgets.lesson_session import save_progress
from tutor.ui.widgets.quiz_order import OrderList
from tutor.ui.widgets.quiz_text import option_text

lesson_strings.register_strings()

INPUT_TYPES = (QuestionType.TEXT, QuestionType.NUMBER, QuestionType.PREDICT, QuestionType.COMMAND)


class AnswerList(SelectionList[str]):
    """Options to tick (multi); Enter checks the answer instead of ticking."""

    BINDINGS = [Binding("enter", "screen.check", "Check", show=False)]


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
    """

    BINDINGS = [
        Binding("enter", "check", "Check", id="quiz.check", show=False),
        Binding("n", "next", "Next", id="quiz.next"),
        Binding("r", "retry", "Retry", id="quiz.retry"),
        Binding("escape", "back", "Back", id="quiz.back"),
    ]

    def __init__(self, runner: Any, lang: str = "en", *, progress: Progress | None = None) -> None:
        super().__init__()
        self.runner = runner
        self.progress = progress  # where answers are recorded (None: not saved, e.g. a preview)
        self.lang = lang
        self.questions: tuple[Question, ...] = tuple(runner.lesson.quiz)
        self.index = 0
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
        """Points earned (first answers only, as the runner counts them) and points possible."""
        results = self.runner.question_results
        score = sum(r.points for r in results.values())
        return score, sum(q.points for q in self.questions)

    def _update_score(self) -> None:
        score, maximum = self.quiz_score()
        self.query_one("#quiz-score", Label).update(
            tr("quiz.score", self.lang, score=score, max=maximum)
        )

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
        lesson_strings.localize_bindings(answer, self.lang)  # the order list's keys
        answer.focus(scroll_visible=False)  # keep the question's text in sight
        body.scroll_home(animate=False)
        self._update_score()

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
        kind = "number" if question.type is QuestionType.NUMBER else "text"
        return Input(placeholder=placeholder, type=kind, id="quiz-input")

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
        try:
            grade = self.runner.grade(self.question.id, answer)
        except AnswerError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        for message in save_progress(self.progress, self.runner):
            self.notify(message, severity="warning", timeout=8, markup=False)
        await self.show_grade(grade)

    async def show_grade(self, grade: Any) -> None:
        self.graded[self.question.id] = grade
        self.answered = True
        self.query_one("#quiz-input").disabled = True
        lang = self.lang
        texts = [grade.feedback] if grade.feedback else []
        if not grade.correct and grade.expected:
            texts.append(tr("quiz.expected", lang, expected=grade.expected))
        if grade.explain:
            texts.append(grade.explain)
        texts.append(tr("quiz.after.right" if grade.correct else "quiz.after.wrong", lang))
        verdict = tr("quiz.right" if grade.correct else "quiz.wrong", lang)
        box = Vertical(
            Label(verdict, classes="quiz-verdict"),
            Markdown("\n\n".join(texts)),
            classes="quiz-feedback" + ("" if grade.correct else " -wrong"),
        )
        body = self.query_one("#quiz-body", VerticalScroll)
        await body.mount(box)
        self.query_one("#quiz-keys", Label).display = False
        self.set_focus(None)
        body.scroll_end(animate=False)
        self._update_score()

    async def action_next(self) -> None:
        if not self.answered or self.finished:
            return
        if self.index + 1 < len(self.questions):
            self.index += 1
            await self.show_question()
        else:
            await self.show_summary()

    async def action_retry(self) -> None:
        if self.finished:
            self.finished = False
            self.index = 0
            self.graded.clear()
            await self.show_question()
        elif self.answered and not self.graded[self.question.id].correct:
            await self.show_question()

    async def show_summary(self) -> None:
        self.finished = True
        self.answered = True
        score, maximum = self.quiz_score()
        lines = [f"## {tr('quiz.done', self.lang, score=score, max=maximum)}", ""]
        for number, question in enumerate(self.questions, 1):
            grade = self.graded.get(question.id)
            mark = "✓" if grade is not None and grade.correct else "✗"
            ask = self.runner.text(question, "ask").strip().splitlines()[0]
            lines.append(f"{number}. {mark} {ask}")
        lines += ["", tr("quiz.done.next", self.lang)]
        body = self.query_one("#quiz-body", VerticalScroll)
        await body.remove_children()
        body.border_title = tr("quiz.score", self.lang, score=score, max=maximum)
        await body.mount(Markdown("\n".join(lines)))
        self._update_score()

    def set_lang(self, lang: str) -> None:
        """Another language: keys and title at once; the question is redrawn unless it has
        been answered (its feedback stays as it was said)."""
        self.lang = lang
        lesson_strings.localize_bindings(self, lang)
        title = self.runner.text(self.runner.lesson, "title")
        self.query_one("#quiz-title", Label).update(Text(tr("quiz.title", lang, title=title)))
        self._update_score()
        if not self.answered and not self.finished:
            self.call_later(self.show_question)

    def action_back(self) -> None:
        if self.is_current:  # a second queued Escape must not pop the screen beneath
            self.dismiss(None)
