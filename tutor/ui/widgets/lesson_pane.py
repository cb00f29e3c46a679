"""The lesson pane: what the learner is asked to do now, and what the tutor has to say about it.

The pane is dumb on purpose: the lesson screen builds a `PaneView` (already translated texts)
from the runner's state and hands it over; the pane only lays the parts out. Each part is its
own block with a coloured left edge and a title word, so colour is never the only signal.

The lesson so far stays above the current step (the intro, each earlier step's task, what it
taught and its article notes), so the learner can scroll back to a note while typing. A new
step is scrolled into view whole: from what the last step taught when that and the new task fit
the pane, else with the task's heading at the top.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label

from tutor.ui.widgets.code_block import LessonMarkdown as Markdown  # code blocks wrap


@dataclass(frozen=True, slots=True)
class PaneBlock:
    """One titled block under the task: a hint, a mistake message, a note..."""

    kind: str  # after | mistake | hint | note | solution | intro | next | done: the colour
    title: str
    text: str  # Markdown


@dataclass(frozen=True, slots=True)
class PaneView:
    heading: str  # "Step 3 of 9" / "Introduction" / "Lesson complete"
    body: str  # Markdown: the task (and the intro before the first line), or the finish text
    blocks: tuple[PaneBlock, ...] = ()  # under the task: mistakes, hints, the solution
    before: tuple[PaneBlock, ...] = ()  # above the heading: what the last step's pass taught
    history: tuple[PaneBlock, ...] = ()  # above that: the intro and the earlier steps


class LessonPane(VerticalScroll):
    """Shows a PaneView: a heading line, the task in Markdown, then the titled blocks."""

    DEFAULT_CSS = """
    LessonPane {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    LessonPane > #pane-heading {
        width: 1fr;
        text-style: bold;
        color: $text-accent;
        padding: 0 0 0 0;
    }
    LessonPane Markdown {
        margin: 0;
        padding: 0;
        background: transparent;
    }
    LessonPane .pane-block Markdown > *:last-child {
        margin-bottom: 0;
    }
    LessonPane > .pane-group {
        height: auto;
    }
    LessonPane .pane-block {
        height: auto;
        margin: 0 0 1 0;
        padding: 0 0 0 1;
        border-left: thick $primary;
    }
    LessonPane .pane-block > .pane-block-title {
        text-style: bold;
    }
    LessonPane .pane-block.-after { border-left: thick $success; }
    LessonPane .pane-block.-after > .pane-block-title { color: $text-success; }
    LessonPane .pane-block.-mistake { border-left: thick $error; }
    LessonPane .pane-block.-mistake > .pane-block-title { color: $text-error; }
    LessonPane .pane-block.-hint { border-left: thick $warning; }
    LessonPane .pane-block.-hint > .pane-block-title { color: $text-warning; }
    LessonPane .pane-block.-solution { border-left: thick $warning; }
    LessonPane .pane-block.-solution > .pane-block-title { color: $text-warning; }
    LessonPane .pane-block.-note { border-left: thick $secondary; }
    LessonPane .pane-block.-note > .pane-block-title { color: $text-secondary; }
    LessonPane .pane-block.-intro { border-left: thick $primary; }
    LessonPane .pane-block.-intro > .pane-block-title { color: $text-primary; }
    LessonPane .pane-block.-next { border-left: thick $accent; }
    LessonPane .pane-block.-next > .pane-block-title { color: $text-accent; }
    LessonPane .pane-block.-done { border-left: thick $primary 40%; }
    LessonPane .pane-block.-done > .pane-block-title { color: $text-muted; }
    """

    def __init__(self, view: PaneView | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._view = view or PaneView(heading="", body="")

    @property
    def view(self) -> PaneView:
        return self._view

    def compose(self) -> ComposeResult:
        view = self._view
        yield Vertical(*map(_box, view.history), id="pane-history", classes="pane-group")
        yield Vertical(*map(_box, view.before), id="pane-before", classes="pane-group")
        yield Label(Text(view.heading), id="pane-heading")
        yield Markdown(view.body, id="pane-body")
        yield Vertical(*map(_box, view.blocks), id="pane-blocks", classes="pane-group")

    async def show(self, view: PaneView) -> None:
        """Show `view`, rebuilding only the parts that changed; scrolls to the top when the
        task changed, and to the end when only new feedback arrived under the same task."""
        old, self._view = self._view, view
        same_task = view.heading == old.heading and view.body == old.body
        if not self._parts_present():
            return  # the pane is being taken down (its screen closed under a burst of keys)
        if view.history != old.history:
            history = self.query_one("#pane-history", Vertical)
            if view.history[: len(old.history)] == old.history:
                # The usual case, a step passed: mount only the new blocks (Markdown is slow).
                await history.mount_all(list(map(_box, view.history[len(old.history) :])))
            else:
                await _refill(history, view.history)
        if not self._parts_present():
            return
        if view.before != old.before:
            await _refill(self.query_one("#pane-before", Vertical), view.before)
        if view.heading != old.heading:
            self.query_one("#pane-heading", Label).update(Text(view.heading))
        if view.body != old.body:
            await self.query_one("#pane-body", Markdown).update(view.body)
        if not self._parts_present():
            return
        if view.blocks != old.blocks:
            await _refill(self.query_one("#pane-blocks", Vertical), view.blocks)
        if not same_task:
            self.call_after_refresh(self._show_current_task)
        elif view.blocks != old.blocks and view.blocks:
            self.call_after_refresh(self._show_newest_feedback)

    def _parts_present(self) -> bool:
        """The pane's parts are mounted: false while the pane (or its screen) is being removed,
        when a callback scheduled earlier may still run."""
        return self.is_attached and all(
            self.query(part) for part in ("#pane-history", "#pane-before", "#pane-blocks")
        )

    def _show_current_task(self) -> None:
        """Scroll the new task into view whole (see module docstring)."""
        if not self._parts_present():
            return  # the lesson closed before this frame
        before = self.query_one("#pane-before", Vertical)
        target: Widget = self.query_one("#pane-heading", Label)
        if before.children:
            span = self.virtual_size.height - before.virtual_region.y
            if span <= self.scrollable_content_region.height:
                target = before
        if target.virtual_region.y == 0:
            self.scroll_home(animate=False)
        else:
            self.scroll_to_widget(target, animate=False, top=True)

    def _show_newest_feedback(self) -> None:
        """Bring the last hint, mistake or solution into sight (the intro may follow it)."""
        if not self._parts_present():
            return
        boxes = [b for b in self.query_one("#pane-blocks").children if not b.has_class("-intro")]
        if boxes:
            self.scroll_to_widget(boxes[-1], animate=False, top=False)


def _box(block: PaneBlock) -> Widget:
    return Vertical(
        Label(Text(block.title), classes="pane-block-title"),
        Markdown(block.text),
        classes=f"pane-block -{block.kind}",
    )


async def _refill(group: Vertical, blocks: tuple[PaneBlock, ...]) -> None:
    await group.remove_children()
    if blocks:
        await group.mount_all(list(map(_box, blocks)))
