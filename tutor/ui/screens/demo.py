"""The demo: a lesson's solutions typed by themselves, into the transcript and the state panel.

Each tick sends the next solution line through a fresh LessonRunner, so what is shown is what
the real engine answers, step by step. Space pauses and resumes, N (or →) sends one line, + and
- change the speed. The lesson pane shows the task of the step being played.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Label

from tutor.lessons.runner import find_overlay
from tutor.ui.i18n import tr
from tutor.ui.ordered_keys import OrderedKeys
from tutor.ui.widgets import lesson_strings
from tutor.ui.widgets.lesson_pane import LessonPane, PaneBlock, PaneView
from tutor.ui.widgets.lesson_session import draw_connection, open_runner
from tutor.ui.widgets.state_panel import ServerStatePanel
from tutor.ui.widgets.tls_view import show_tls
from tutor.ui.widgets.transcript import Transcript

lesson_strings.register_strings()

#: seconds between two lines, slowest to fastest; DEFAULT_SPEED indexes it
SPEEDS = (3.0, 2.0, 1.5, 1.0, 0.6, 0.3, 0.1)
DEFAULT_SPEED = 3


def solution_script(lesson: Any) -> list[tuple[int, str]]:
    """(step index, line) for every solution line of every step, in order."""
    return [(index, line) for index, step in enumerate(lesson.steps) for line in step.solution]


class DemoScreen(OrderedKeys, Screen[None]):
    """Plays the lesson `id_or_path`; `autoplay=False` starts paused (tests, step-through)."""

    DEFAULT_CSS = """
    DemoScreen { layout: vertical; }
    DemoScreen #demo-status {
        width: 1fr;
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-accent;
        text-style: bold;
    }
    DemoScreen #demo-main { height: 1fr; }
    DemoScreen #demo-transcript { width: 1fr; min-width: 36; }
    DemoScreen #demo-side { width: 45%; }
    DemoScreen #demo-side { min-width: 42; }
    DemoScreen #demo-pane { height: auto; max-height: 40%; }
    DemoScreen #demo-side ServerStatePanel { height: 1fr; }
    """

    BINDINGS = [
        Binding("space", "pause", "Pause/Play", id="demo.pause"),
        Binding("n,right", "step", "Next line", id="demo.step"),
        Binding("plus,equals_sign", "faster", "Faster", id="demo.faster", key_display="+"),
        Binding("minus", "slower", "Slower", id="demo.slower", key_display="-"),
        Binding("escape", "back", "Back", id="demo.back"),
    ]

    def __init__(self, id_or_path: str, lang: str = "en", *, autoplay: bool = True) -> None:
        super().__init__()
        self.lang = lang
        self.runner = open_runner(id_or_path, lang)
        self.script = solution_script(self.runner.lesson)
        self.position = 0  # index into script of the next line to send
        self.speed = DEFAULT_SPEED
        self.playing = autoplay
        self._timer: Timer | None = None
        self._tick_queued = False  # a tick waits in the screen's queue

    def compose(self) -> ComposeResult:
        runner = self.runner
        protocol = runner.lesson.protocol_of(0).value
        self._protocol = protocol
        yield Label("", id="demo-status")
        with Horizontal(id="demo-main"):
            yield Transcript(id="demo-transcript")
            with Vertical(id="demo-side"):
                yield LessonPane(id="demo-pane")
                yield ServerStatePanel(
                    protocol, lang=self.lang, world=self._world_name(), id="demo-state"
                )
        yield Footer()

    def _world_name(self) -> str:
        world = self.runner.lesson.world
        return world if isinstance(world, str) else ""

    async def on_mount(self) -> None:
        lesson_strings.localize_bindings(self, self.lang)
        runner = self.runner
        self.title = tr("demo.title", self.lang, title=runner.text(runner.lesson, "title"))
        self.query_one(Transcript).add_replies(runner.start())
        self.query_one(ServerStatePanel).refresh_from(runner.session, runner.store)
        await self._show_step()
        self._schedule()

    @property
    def done(self) -> bool:
        return self.position >= len(self.script)

    @property
    def seconds(self) -> float:
        return SPEEDS[self.speed]

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.playing and not self.done:
            self._timer = self.set_interval(self.seconds, self._queue_tick)
        self._update_status()

    def _queue_tick(self) -> None:
        """The timer only queues the next line: it is played in the screen's own queue, after
        the keys pressed before it, and never half-way when the screen closes (a timer's
        callback runs in the timer's task, and closing the screen cancels that task)."""
        if not self._tick_queued:
            self._tick_queued = True
            self.call_later(self._tick)

    def _update_status(self) -> None:
        lang = self.lang
        steps = len(self.runner.lesson.steps)
        speed = tr("demo.speed", lang, seconds=self.seconds)
        if self.done:
            text = tr("demo.status.done", lang, steps=steps)
        else:
            step = self.script[self.position][0] + 1
            key = "demo.status.playing" if self.playing else "demo.status.paused"
            text = tr(key, lang, step=step, steps=steps, speed=speed)
        self.query_one("#demo-status", Label).update(Text(f"{self.title} · {text}"))

    async def _show_step(self) -> None:
        runner, lang = self.runner, self.lang
        lesson = runner.lesson
        if self.done:
            view = PaneView(tr("lesson.finished", lang), runner.text(lesson, "finish") or "")
        else:
            index = self.script[self.position][0]
            step = lesson.steps[index]
            # Inline code, one line each: a fenced block would take half of an 80x24 pane.
            lines = "  \n".join(f"`` {line} ``" if line else "`` ``" for line in step.solution)
            view = PaneView(
                tr("lesson.step", lang, step=index + 1, steps=len(lesson.steps)),
                runner.text(step, "say"),
                (PaneBlock("solution", tr("lesson.block.solution", lang), lines),),
            )
        await self.query_one(LessonPane).show(view)

    async def _tick(self) -> None:
        self._tick_queued = False
        if not self.playing:
            return  # paused (or stepped by hand) after this tick was queued
        await self.play_line()
        if self.done:
            self._schedule()

    async def play_line(self) -> None:
        """Send the next solution line and draw what came back."""
        if self.done:
            return
        _, line = self.script[self.position]
        runner = self.runner
        message_text = runner.session.mode == "data"
        outcome = runner.submit(line)
        self.position += 1
        transcript = self.query_one(Transcript)
        transcript.add_client(line, message_text=message_text)
        transcript.add_replies(outcome.replies)
        show_tls(transcript, outcome.replies, runner.session, self.lang)
        for connection in outcome.connected:  # the next step talks another protocol
            draw_connection(transcript, connection, self.lang)
        if runner.protocol.value != self._protocol:
            self._protocol = runner.protocol.value
            await self.query_one(ServerStatePanel).remove()
            panel = ServerStatePanel(
                self._protocol, lang=self.lang, world=self._world_name(), id="demo-state"
            )
            await self.query_one("#demo-side").mount(panel)
        self.query_one(ServerStatePanel).refresh_from(runner.session, runner.store)
        await self._show_step()
        self._update_status()

    def set_lang(self, lang: str) -> None:
        """Another language: keys and status now, the lesson texts from the next line on."""
        self.lang = lang
        lesson_strings.localize_bindings(self, lang)
        self.runner.lang = lang
        self.runner.overlay = find_overlay(self.runner.lesson, lang)
        self.title = tr("demo.title", lang, title=self.runner.text(self.runner.lesson, "title"))
        self.query_one(ServerStatePanel).set_lang(lang)
        self._update_status()
        self.call_later(self._show_step)

    def action_pause(self) -> None:
        self.playing = not self.playing and not self.done
        self._schedule()

    async def action_step(self) -> None:
        self.playing = False
        self._schedule()
        await self.play_line()
        self._update_status()

    def action_faster(self) -> None:
        self.speed = min(self.speed + 1, len(SPEEDS) - 1)
        self._schedule()

    def action_slower(self) -> None:
        self.speed = max(self.speed - 1, 0)
        self._schedule()

    def action_back(self) -> None:
        if not self.is_current:  # a second queued Escape must not pop the screen beneath
            return
        if self._timer is not None:
            self._timer.stop()
        self.dismiss(None)
