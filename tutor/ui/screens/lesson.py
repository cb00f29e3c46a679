"""The lesson screen: the dialogue on the left, the lesson and the server's state on the right.

Data flow for one typed line (design.md): prompt -> LessonRunner.submit(line) -> StepOutcome ->
transcript (the replies), state panel (session and world), lesson pane (what happened for the
step). The runner decides everything; this screen draws the outcome and forwards keys.

Help ladder: F2 shows the next hint; after the last one it offers the solution behind a
confirmation. F5 redoes the current step, F6 the whole lesson. F7 opens the quiz once the steps
are done, F8 a demo that plays the solutions by itself. At widths under 100 cells the right
column shows the lesson or the server state, F3 switches between them.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label

from tutor.lessons import ReplayError
from tutor.ui.footer_fit import show_what_fits
from tutor.ui.i18n import tr
from tutor.ui.lesson_watch import watch_if_asked
from tutor.ui.messages import HelperEscape, LineEntered
from tutor.ui.ordered_keys import OrderedKeys
from tutor.ui.screens.confirm import ConfirmScreen
from tutor.ui.widgets import lesson_strings
from tutor.ui.widgets.lesson_catalog import lesson_numbers, progress_text
from tutor.ui.widgets.lesson_pane import LessonPane, PaneBlock, PaneView
from tutor.ui.widgets.lesson_session import (
    LessonLoadError,
    draw_connection,
    draw_exchanges,
    open_progress,
    open_runner,
    progress_resume_step,
    prompt_setup,
    save_progress,
)
from tutor.ui.widgets.lesson_strings import note_heading
from tutor.ui.widgets.prompt import CommandPrompt
from tutor.ui.widgets.state_panel import ServerStatePanel
from tutor.ui.widgets.tls_view import show_tls
from tutor.ui.widgets.transcript import Transcript

lesson_strings.register_strings()


class LessonScreen(OrderedKeys, Screen[None]):
    """One lesson, opened by bundled id or path, in `lang`."""

    #: below this width the right column shows the lesson or the server state (F3 switches)
    NARROW_WIDTH = 100

    DEFAULT_CSS = """
    LessonScreen { layout: vertical; }
    LessonScreen #lesson-main { height: 1fr; }
    LessonScreen #lesson-left { width: 1fr; min-width: 30; }
    LessonScreen #lesson-left Transcript { height: 1fr; }
    LessonScreen #lesson-side {
        width: 45%;
        border-left: vkey $primary 40%;
    }
    LessonScreen #lesson-side-tabs {
        display: none;
        width: 1fr;
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    LessonScreen #lesson-side ServerStatePanel { height: 1fr; }
    LessonScreen LessonPane {
        border: round $accent 50%;
        border-title-color: $text-accent;
        border-title-style: bold;
    }
    LessonScreen.-narrow #lesson-side { width: 44; }
    LessonScreen.-narrow #lesson-side-tabs { display: block; }
    LessonScreen.-narrow ServerStatePanel { display: none; }
    LessonScreen.-narrow.-show-server ServerStatePanel { display: block; }
    LessonScreen.-narrow.-show-server LessonPane { display: none; }
    """

    BINDINGS = [
        Binding("f1", "help", "Help", id="lesson.help"),
        Binding("f2", "hint", "Hint", id="lesson.hint"),
        Binding("f3", "toggle_panel", "Lesson/Server", id="lesson.toggle_panel"),
        Binding("f5", "reset_step", "Redo step", id="lesson.reset_step"),
        # F7, F8, F6 show in the footer where they fit (FOOTER_OPTIONAL, in that order of
        # preference), so the footer never clips; they always work and are in the palette.
        Binding("f6", "reset_lesson", "Restart", id="lesson.reset_lesson", show=False),
        Binding("f7", "quiz", "Quiz", id="lesson.quiz", show=False),
        Binding("f8", "demo", "Demo", id="lesson.demo", show=False),
        Binding("escape", "back", "Course", id="lesson.back"),
        # The prompt offers Enter or Ctrl+N for a new connection after the server hung up.
        Binding("ctrl+n", "reset_step", "New connection", id="lesson.new_session", show=False),
        # The prompt keeps focus; these scroll the lesson so far (said on the pane's border).
        Binding("pageup", "scroll_pane(-1)", show=False, id="lesson.page_up"),
        Binding("pagedown", "scroll_pane(1)", show=False, id="lesson.page_down"),
    ]

    #: footer keys shown only where they fit, most wanted first
    FOOTER_OPTIONAL = ("lesson.quiz", "lesson.demo", "lesson.reset_lesson")

    def __init__(self, id_or_path: str, lang: str = "en", *, open_quiz: bool = False) -> None:
        super().__init__()
        self.id_or_path = id_or_path
        self.lang = lang
        #: `learn --quiz`: the quiz opens over the lesson at once, as a preview (not saved)
        self.open_quiz = open_quiz
        self.quiz_preview: Any = None
        self.runner: Any = None
        self.load_error: str | None = None
        try:
            self.runner = open_runner(id_or_path, lang)
        except LessonLoadError as exc:
            self.load_error = str(exc)
        self.progress = open_progress()
        # The last judged line: (outcome kind, step index, message); the pane's feedback is
        # rebuilt from it on every redraw, so a language switch retranslates it.
        self._last: tuple[str, int, str | None] | None = None
        self._solution_shown = False  # the current step's solution was revealed
        self._footer_finished = False  # runner.finished when the footer was last drawn
        self._typed = False  # any line typed yet (the intro shows until then)
        # Narrow layout: a side changed while the other was shown (marked on its tab).
        self._last_view: Any = None
        self._server_changed = False
        self._lesson_changed = False

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Pick the layout before the first frame: switching it later restyles every widget.
        self.set_class(self.app.size.width < self.NARROW_WIDTH, "-narrow")
        # The first step's protocol: a lesson may switch protocol at a later step.
        protocol = self.runner.lesson.protocol_of(0).value if self.runner else "pop3"
        self._protocol = protocol
        with Horizontal(id="lesson-main"):
            with Vertical(id="lesson-left"):
                yield Transcript(id="lesson-transcript")
                yield CommandPrompt(protocol=protocol, lang=self.lang, id="lesson-prompt")
            with Vertical(id="lesson-side"):
                yield Label("", id="lesson-side-tabs")
                yield LessonPane(id="lesson-pane")
                yield ServerStatePanel(
                    protocol, lang=self.lang, world=self._world_name(), id="lesson-state"
                )
        yield Footer()

    def on_resize(self) -> None:
        narrow = self.app.size.width < self.NARROW_WIDTH
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")  # F3 is offered only when narrow
        self._fit_footer()

    def _fit_footer(self) -> None:
        """Show F7, F8, F6 in the footer as far as they fit beside the keys always shown."""
        if self.runner is None:
            return
        show_what_fits(self, self.FOOTER_OPTIONAL, self.app.size.width)
        self.refresh_bindings()

    def _world_name(self) -> str:
        world = self.runner.lesson.world if self.runner else ""
        return world if isinstance(world, str) else ""

    async def on_mount(self) -> None:
        lesson_strings.localize_bindings(self, self.lang)
        self._fit_footer()
        if self.runner is None:
            self.app.notify(
                tr("lesson.not_found", self.lang, error=self.load_error),
                severity="error",
                timeout=8,
                markup=False,
            )
            self.action_back()  # to the course (or the screen that opened this one)
            return
        runner = self.runner
        self.title = runner.text(runner.lesson, "title")
        pane = self.query_one(LessonPane)
        pane.border_title = Text(self.title)  # data, not markup
        pane.border_subtitle = tr("lesson.pane.scroll", self.lang)
        for message in self.progress.messages:
            self.notify(message, severity="warning", timeout=8, markup=False)
        self._tell_translation_errors()
        prompt = self.query_one(CommandPrompt)
        prompt_setup(prompt, self._protocol)
        transcript = self.query_one(Transcript)
        runner.start()
        resume_at = progress_resume_step(self.progress, runner)
        if resume_at:
            try:
                runner.go_to_step(resume_at)
                self._typed = True
            except ReplayError as exc:
                # The lesson changed so that an earlier solution no longer passes: start over.
                self.notify(str(exc), severity="warning", timeout=8, markup=False)
                runner.go_to_step(0)
                resume_at = 0
        draw_exchanges(transcript, runner, self.lang)
        if resume_at:
            transcript.add_note(tr("lesson.resumed", self.lang, step=resume_at + 1))
        await self._sync_session_widgets()
        self._server_changed = False
        await self.redraw_pane()
        prompt.focus()
        if self.open_quiz and runner.lesson.quiz:
            self.preview_quiz()
        self.file_watch = watch_if_asked(self)  # `learn --watch`: reload when the file is saved

    def _update_tabs(self) -> None:
        """The narrow layout's tab line: which side is shown, and "●" on a side that changed
        while hidden (the server after a command, the lesson after a step)."""
        server = self.has_class("-show-server")
        tabs = []
        for name, shown, changed in (
            ("lesson", not server, self._lesson_changed),
            ("server", server, self._server_changed),
        ):
            label = tr(f"lesson.tab.{name}", self.lang) + (" ●" if changed and not shown else "")
            tabs.append(f"[b reverse] {label} [/]" if shown else f" {label} ")
        self.query_one("#lesson-side-tabs", Label).update("F3 " + "".join(tabs))

    async def _sync_session_widgets(self) -> None:
        """Prompt and state panel follow the live session, whose protocol may have changed."""
        runner = self.runner
        protocol = runner.protocol.value
        if protocol != self._protocol:
            self._protocol = protocol
            prompt_setup(self.query_one(CommandPrompt), protocol)
            old = self.query_one(ServerStatePanel)
            panel = ServerStatePanel(
                protocol, lang=self.lang, world=self._world_name(), id="lesson-state"
            )
            await old.remove()
            await self.query_one("#lesson-side").mount(panel)
            self._last_view = None
        view = (runner.session.view(), runner.store.version)
        if view != self._last_view:
            self._last_view = view
            self._server_changed = True
        self.query_one(ServerStatePanel).refresh_from(runner.session, runner.store)
        prompt = self.query_one(CommandPrompt)
        prompt.message_mode = runner.session.mode == "data"
        prompt.closed = bool(runner.session.closed)

    # -- the lesson pane -----------------------------------------------------------------------

    def pane_view(self) -> PaneView:
        """What the pane shows now, from the runner's state and this screen's feedback."""
        runner, lang = self.runner, self.lang
        history, before = self._lesson_so_far()
        blocks: list[PaneBlock] = self._feedback_blocks()
        if runner.finished:
            body = runner.text(runner.lesson, "finish") or ""
            quiz = len(runner.lesson.quiz)
            next_text = (
                tr("lesson.next.quiz", lang, count=quiz)
                if quiz
                else tr("lesson.next.no_quiz", lang)
            )
            best = self._best_text()
            blocks.append(
                PaneBlock(
                    "next",
                    tr("lesson.block.next", lang),
                    f"{best}\n\n{next_text}" if best else next_text,
                )
            )
            return PaneView(tr("lesson.finished", lang), body, tuple(blocks), before, history)
        step = runner.current_step
        body = runner.text(step, "say")
        for hint in runner.shown_hints:  # those that still apply in the server's state
            title = tr("lesson.block.hint", lang, number=hint.number, total=hint.total)
            blocks.append(PaneBlock("hint", title, hint.text))
        if self._solution_shown:
            lines = "\n".join(step.solution)
            blocks.append(
                PaneBlock("solution", tr("lesson.block.solution", lang), f"```\n{lines}\n```")
            )
        if not self._typed and runner.step_index == 0:
            # The intro goes under the first task, so the task is in sight even on 80x24.
            intro = runner.text(runner.lesson, "intro")
            if intro:
                blocks.append(PaneBlock("intro", tr("lesson.intro", lang), intro))
        heading = tr("lesson.step", lang, step=runner.step_index + 1, steps=runner.step_count)
        return PaneView(heading, body, tuple(blocks), before, history)

    def _lesson_so_far(self) -> tuple[tuple[PaneBlock, ...], tuple[PaneBlock, ...]]:
        """(history, before): the intro and every step passed so far with its task, what it
        taught and its article note; `before` is the last passed step's after and note, shown
        just above the current task, the rest scroll above it."""
        runner, lang = self.runner, self.lang
        steps = runner.lesson.steps
        passed = len(steps) if runner.finished else runner.step_index
        history: list[PaneBlock] = []
        intro = runner.text(runner.lesson, "intro")
        if intro and (self._typed or passed):
            history.append(PaneBlock("intro", tr("lesson.intro", lang), intro))
        before: list[PaneBlock] = []
        for index in range(passed):
            step = steps[index]
            title = "✓ " + tr("lesson.step", lang, step=index + 1, steps=len(steps))
            history.append(PaneBlock("done", title, runner.text(step, "say")))
            taught = before if index == passed - 1 else history
            after = runner.text(step, "after")
            if after:
                taught.append(PaneBlock("after", tr("lesson.block.after", lang), after))
            note = runner.text(step, "note")
            if note:
                taught.append(PaneBlock("note", note_heading(step.note_kind, lang), note))
        if not before and self._last is not None and self._last[0] in ("passed", "finished"):
            # A step with nothing to say still gets its tick right after it passed.
            before.append(PaneBlock("after", tr("lesson.block.after", lang), ""))
        return tuple(history), tuple(before)

    def _best_text(self) -> str:
        """The lesson's best numbers, as the course list and `mailtutor progress` show them."""
        record = self.progress.lesson(self.runner.lesson.id)
        if record.updated is None:
            return ""
        return progress_text(*lesson_numbers(record, self.runner.lesson), self.lang)

    async def on_screen_resume(self) -> None:
        # Back from the quiz: its points may have changed the best numbers.
        if self.runner is not None and self.runner.finished and self.is_mounted:
            await self.redraw_pane()

    async def redraw_pane(self) -> None:
        view = self.pane_view()
        pane = self.query_one(LessonPane)
        if view != pane.view:
            self._lesson_changed = True
        await pane.show(view)
        if self.has_class("-show-server"):
            self._server_changed = False
        else:
            self._lesson_changed = False
        self._update_tabs()
        if self.runner.finished != self._footer_finished:
            # The footer's keys depend on this alone (hint, redo step / quiz); redrawing the
            # footer is costly, so only when it flips.
            self._footer_finished = self.runner.finished
            self._fit_footer()

    # -- typing --------------------------------------------------------------------------------

    def on_helper_escape(self, event: HelperEscape) -> None:
        # Here, in the screen's queue with the lines, not at the app: a /base64 typed after a
        # command gets its note after that command's reply.
        self.app.on_helper_escape(event)  # type: ignore[attr-defined]

    async def on_line_entered(self, event: LineEntered) -> None:
        event.stop()
        await self.submit_line(event.line, message_mode=event.message_mode)

    async def submit_line(self, line: str, *, message_mode: bool = False) -> None:
        runner = self.runner
        transcript = self.query_one(Transcript)
        if runner.finished and runner.session.closed:
            # Nothing to talk to and nothing left to do: say what comes next instead.
            quiz = bool(runner.lesson.quiz)
            self.notify(
                tr(
                    "lesson.next.quiz" if quiz else "lesson.next.no_quiz",
                    self.lang,
                    count=len(runner.lesson.quiz),
                ).replace("**", "")
            )
            return
        if runner.session.closed and not runner.finished:
            # Enter on a closed connection: like the sandbox, a fresh one (for this step).
            await self._restart_step()
            return
        if not message_mode and not line.strip():
            return  # an empty Enter at a command prompt: nothing to send, nothing to count
        was_step = runner.step_index
        outcome = runner.submit(line)
        self._typed = True
        transcript.add_client(line, message_text=message_mode)
        transcript.add_replies(outcome.replies)
        show_tls(transcript, outcome.replies, runner.session, self.lang)
        if not message_mode:
            self._suggest(line, runner)
        for connection in outcome.connected:  # the next step talks another protocol
            draw_connection(transcript, connection, self.lang)
        await self._sync_session_widgets()
        kind = str(outcome.kind)
        if kind == "none" and not self._off_track(outcome, was_step):
            kind = "waiting"  # on the way: nothing to say yet
        if kind in ("none", "waiting") and runner.session.closed and not runner.finished:
            kind = "closed"  # QUIT before the step was done: say how to go on
        self._last = (kind, was_step, outcome.message)
        if outcome.kind in ("passed", "finished"):
            self._solution_shown = False
        self._save()
        await self.redraw_pane()

    def _suggest(self, line: str, runner: Any) -> None:
        """Under the server's own error, the command an unknown verb was close to."""
        from tutor.ui.screens.sandbox import suggestion_note

        protocol = runner.protocol.value
        note = suggestion_note(line, protocol, tuple(runner.session.keywords()), self.lang)
        if note:
            self.query_one(Transcript).add_note(note)

    def _off_track(self, outcome: Any, step_index: int) -> bool:
        """Whether a line that did not pass its step deserves "that did not do it".

        Not for letter text (no reply yet), and not for a good reply on the way through a
        step whose solution takes several lines (USER before PASS, the header lines...)."""
        if not outcome.replies:
            return False
        if outcome.replies[-1].kind != "ok":
            return True
        return len(self.runner.lesson.steps[step_index].solution) <= 1

    def _feedback_blocks(self) -> list[PaneBlock]:
        """What to say under the task about the last line: the mistake's message, or that the
        line did not do what the step asks (what a passed step taught is in _lesson_so_far)."""
        if self._last is None:
            return []
        lang = self.lang
        kind, step_index, message = self._last
        if kind == "mistake" and message:
            return [PaneBlock("mistake", tr("lesson.block.mistake", lang), message)]
        if kind == "remark" and message:  # a fine line, only not this step's
            return [PaneBlock("hint", tr("lesson.block.remark", lang), message)]
        if kind == "none":
            text = tr("lesson.block.no_match", lang)
            return [PaneBlock("mistake", tr("lesson.block.mistake", lang), text)]
        if kind == "closed":
            text = tr("lesson.block.closed_early", lang)
            return [PaneBlock("mistake", tr("lesson.block.mistake", lang), text)]
        return []  # passed, "waiting" or "ignored": nothing to say under the task

    def set_lang(self, lang: str) -> None:
        """Redraw in another language (the app calls this when the language changes)."""
        self.lang = lang
        lesson_strings.localize_bindings(self, lang)
        if self.runner is None:
            return
        self._fit_footer()
        self.runner.set_lang(lang)
        if self.quiz_preview is not None:
            self.quiz_preview.runner.set_lang(lang)  # the preview redraws itself after this
        self._tell_translation_errors()
        if self._last is not None and self._last[0] in ("mistake", "remark"):
            self._last = None  # its message was translated when it was said
        self.title = self.runner.text(self.runner.lesson, "title")
        pane = self.query_one(LessonPane)
        pane.border_title = Text(self.title)  # data, not markup
        pane.border_subtitle = tr("lesson.pane.scroll", lang)
        self.query_one(CommandPrompt).set_lang(lang)
        self.query_one(ServerStatePanel).set_lang(lang)
        self.call_later(self.redraw_pane)

    #: translation errors listed in the notice; the rest are counted
    TRANSLATION_ERRORS_SHOWN = 3

    def _tell_translation_errors(self) -> None:
        """A translation with errors falls back to English, in whole or in part: say so, with
        lint's first errors, rather than switch language silently."""
        translation = self.runner.translation
        if not (translation.unusable or translation.partly_broken):
            return
        lang, name = self.lang, translation.path.name
        key = "unusable" if translation.unusable else "partial"
        shown = self.TRANSLATION_ERRORS_SHOWN
        lines = [str(d) for d in translation.errors[:shown]]
        if len(translation.errors) > shown:
            more = len(translation.errors) - shown
            lines.append(
                tr("lesson.translation.more", lang, count=more, file=str(translation.path))
            )
        self.notify(
            "\n".join(lines),
            title=tr(f"lesson.translation.{key}", lang, file=name),
            severity="warning",
            timeout=20,
            markup=False,
        )

    def _save(self) -> None:
        for message in save_progress(self.progress, self.runner):
            self.notify(message, severity="warning", timeout=8, markup=False)

    # -- keys ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.runner is None:
            return action == "back"
        finished = self.runner.finished
        if action in ("hint", "reset_step"):
            return not finished
        if action == "quiz":
            # Always on when there is a quiz: before the steps are done F7 says why it waits.
            return bool(self.runner.lesson.quiz)
        if action == "toggle_panel":
            return self.has_class("-narrow")
        return True

    async def action_hint(self) -> None:
        runner = self.runner
        if runner.finished:
            return
        if runner.next_hint() is not None:
            self._show_lesson_side()
            await self.redraw_pane()
            return
        if self._solution_shown:
            self.notify(tr("lesson.no_more_hints", self.lang))
            return
        lang = self.lang
        confirm = ConfirmScreen(
            tr("lesson.solution.title", lang),
            tr("lesson.solution.body", lang),
            yes=tr("lesson.show", lang),
            no=tr("lesson.no", lang),
        )
        self.app.push_screen(confirm, self._solution_confirmed)

    async def _solution_confirmed(self, yes: bool | None) -> None:
        if yes:
            self.runner.reveal_solution()
            self._solution_shown = True
            self._save()
            self._show_lesson_side()
            await self.redraw_pane()

    def _show_lesson_side(self) -> None:
        if self.has_class("-show-server"):
            self.remove_class("-show-server")
            self._update_tabs()

    def action_help(self) -> None:
        """The command reference of the protocol the lesson is speaking now."""
        from tutor.ui.screens.help import HelpScreen

        protocol = self.runner.protocol.value if self.runner is not None else "pop3"
        self.app.push_screen(HelpScreen(protocol, self.lang))

    def action_scroll_pane(self, direction: int) -> None:
        """PgUp/PgDn: page through the lesson so far, the prompt keeping the focus."""
        self._show_lesson_side()
        pane = self.query_one(LessonPane)
        if direction < 0:
            pane.scroll_page_up(animate=False)
        else:
            pane.scroll_page_down(animate=False)

    def action_toggle_panel(self) -> None:
        self.toggle_class("-show-server")
        if self.has_class("-show-server"):
            self._server_changed = False
            self.call_after_refresh(self.query_one(ServerStatePanel).fit_to_width)
        else:
            self._lesson_changed = False
        self._update_tabs()

    async def action_reset_step(self) -> None:
        await self._restart_step()

    async def _restart_step(self) -> None:
        """A fresh world with the earlier steps replayed; the transcript is drawn anew."""
        transcript = self.query_one(Transcript)
        transcript.clear()
        self.runner.reset_step()
        draw_exchanges(transcript, self.runner, self.lang)
        transcript.add_note(tr("lesson.reset_step.done", self.lang))
        self._last = None
        await self._sync_session_widgets()
        await self.redraw_pane()

    def action_reset_lesson(self) -> None:
        lang = self.lang
        confirm = ConfirmScreen(
            tr("lesson.reset_lesson.title", lang),
            tr("lesson.reset_lesson.body", lang),
            yes=tr("lesson.yes", lang),
            no=tr("lesson.no", lang),
        )
        self.app.push_screen(confirm, self._reset_confirmed)

    async def _reset_confirmed(self, yes: bool | None) -> None:
        if not yes:
            return
        runner = self.runner
        transcript = self.query_one(Transcript)
        transcript.clear()
        runner.reset_lesson()
        draw_exchanges(transcript, runner, self.lang)
        self._last, self._solution_shown, self._typed = None, False, False
        self._save()
        await self._sync_session_widgets()
        await self.redraw_pane()

    def action_quiz(self) -> None:
        if not self.runner.lesson.quiz:
            self.notify(tr("lesson.no_quiz", self.lang))
            return
        runner = self.runner
        done_before = self.progress.lesson(runner.lesson.id).done
        if not runner.finished and not done_before:
            # A lesson finished earlier opens its quiz at once; else say why it waits.
            step = min(runner.step_index + 1, runner.step_count)
            self.notify(
                tr("lesson.quiz_waits", self.lang, step=step, steps=runner.step_count),
                timeout=5,
            )
            return
        from tutor.ui.screens.quiz import QuizScreen

        self.app.push_screen(QuizScreen(self.runner, self.lang, progress=self.progress))

    def preview_quiz(self) -> None:
        """The quiz at once, whatever step the lesson is at. A teacher's preview leaves no
        progress behind: its answers go to a runner of their own, never saved."""
        from tutor.lessons import LessonRunner
        from tutor.ui.screens.quiz import QuizScreen

        runner = LessonRunner(self.runner.lesson, lang=self.lang)
        self.quiz_preview = QuizScreen(runner, self.lang, progress=None)
        # The lesson's notices (translation errors, "reloaded") stay in sight over it.
        self.app.push_screen(self.quiz_preview, keep_toasts=True)

    def action_demo(self) -> None:
        from tutor.ui.screens.demo import DemoScreen

        self.app.push_screen(DemoScreen(self.id_or_path, self.lang))

    def action_back(self) -> None:
        if not self.is_current:  # a queued Escape from a screen that just closed
            return
        if self.runner is not None:
            self._save()
        if self.app.screens_below(self):
            self.dismiss(None)
        else:
            # Opened straight from `mailtutor learn`: Esc leads to the course.
            from tutor.ui.screens.home import HomeScreen

            self.app.switch_screen(HomeScreen(self.lang))
