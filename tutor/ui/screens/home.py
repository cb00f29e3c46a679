"""The home screen: the course by sections with progress, resume, the sandboxes, the language.

Everything shown comes from the course file and the progress store through `tutor.lessons`;
this module only arranges it. The list is one OptionList, so arrows and Enter are all a learner
needs; section titles are disabled rows that the highlight skips.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from tutor.paths import teacher_course_dir
from tutor.ui.i18n import tr
from tutor.ui.ordered_keys import OrderedKeys
from tutor.ui.widgets import lesson_strings
from tutor.ui.widgets.lesson_catalog import CourseView, LessonEntry, load_course, progress_text
from tutor.ui.widgets.paged_list import PagedOptionList

lesson_strings.register_strings()

SANDBOXES = ("pop3", "smtp")
#: columns of a lesson row; 2 + 1 + 40 + 1 + 22 + 1 + 10 fits the 80-cell list
TITLE_WIDTH = 40
META_WIDTH = 22
INDENT = "\u00a0\u00a0"  # non-breaking: OptionList keeps it, so lessons sit under sections


@dataclass(frozen=True, slots=True)
class _Row:
    """What one selectable row opens."""

    kind: str  # "lesson" | "sandbox"
    target: str  # lesson id or protocol


class HomeScreen(OrderedKeys, Screen[None]):
    """The course list. Enter opens the highlighted row; R resumes; L switches the language."""

    DEFAULT_CSS = """
    HomeScreen {
        layout: vertical;
    }
    HomeScreen #home-title {
        width: 1fr;
        padding: 0 1;
        background: $panel;
        color: $text;
        text-style: bold;
    }
    HomeScreen #home-resume {
        width: 1fr;
        padding: 0 1;
        color: $text-accent;
    }
    HomeScreen #home-list {
        height: 1fr;
        border: round $primary;
        border-title-color: $text-primary;
        padding: 0 0;
    }
    HomeScreen #home-detail {
        height: auto;
        max-height: 4;
        padding: 0 1;
        color: $text-muted;
    }
    HomeScreen #home-problems {
        height: auto;
        max-height: 4;
        padding: 0 1;
        color: $text-error;
    }
    """

    BINDINGS = [
        Binding("r", "resume", "Resume", id="home.resume"),
        Binding("l", "switch_language", "Language", id="home.language"),
        Binding("p", "open_sandbox('pop3')", "POP3 sandbox", id="home.sandbox_pop3", show=False),
        Binding("s", "open_sandbox('smtp')", "SMTP sandbox", id="home.sandbox_smtp", show=False),
        Binding("q", "app.quit", "Quit", id="home.quit", show=False),
    ]

    def __init__(self, lang: str = "en", *, course_dir: Path | None = None) -> None:
        super().__init__()
        self.lang = lang
        # None: the bundled course; a teacher's own via --course / $MAILTUTOR_COURSE
        self.course_dir = course_dir if course_dir is not None else teacher_course_dir()
        self._course: CourseView = load_course(lang, self.course_dir)
        self._rows: dict[str, _Row] = {}

    # -- drawing ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Label(tr("home.title", lang), id="home-title")
        yield Label(Text(self._resume_text()), id="home-resume")  # titles are data, not markup
        course_list = PagedOptionList(*self._options(), id="home-list")
        course_list.border_title = tr("home.course", lang)
        yield course_list
        yield Static("", id="home-detail")
        if self._course.problems:
            yield Static(Text("\n".join(self._course.problems)), id="home-problems")
        yield Footer()

    def on_mount(self) -> None:
        lesson_strings.localize_bindings(self, self.lang)
        course_list = self.query_one("#home-list", OptionList)
        course_list.focus()
        resume = self._course.resume
        # Start on the lesson to resume, else the first lesson not done yet.
        wanted = (
            resume.id if resume else next((e.id for e in self._course.lessons if not e.done), None)
        )
        for index, option in enumerate(course_list.options):
            if option.id == f"lesson:{wanted}":
                course_list.highlighted = index
                break
        else:
            course_list.action_first()

    def _resume_text(self) -> str:
        resume = self._course.resume
        if resume is None:
            return tr("home.resume.none", self.lang)
        return tr(
            "home.resume.at",
            self.lang,
            title=resume.title,
            step=resume.last_step + 1,
            steps=resume.steps,
        )

    def _options(self) -> list[Option]:
        lang = self.lang
        options: list[Option] = []
        self._rows.clear()
        for section in self._course.sections:
            options.append(Option(Text(section.title, style="bold"), disabled=True))
            for entry in section.lessons:
                option_id = f"lesson:{entry.id}"
                self._rows[option_id] = _Row("lesson", entry.id)
                options.append(Option(self._lesson_prompt(entry), id=option_id))
        options.append(Option(Text(tr("home.sandboxes", lang), style="bold"), disabled=True))
        for protocol in SANDBOXES:
            option_id = f"sandbox:{protocol}"
            self._rows[option_id] = _Row("sandbox", protocol)
            options.append(
                Option(Text(f"{INDENT}▸ " + tr(f"home.sandbox.{protocol}", lang)), id=option_id)
            )
        return options

    def _lesson_prompt(self, entry: LessonEntry) -> Text:
        """One row: a progress mark (✓ done, ◐ begun, ○ not yet), the title clipped to a
        column, level and minutes, and the score or the step reached."""
        lang = self.lang
        mark, mark_style = (
            ("✓", "bold green")
            if entry.done
            else (("◐", "bold") if entry.started else ("○", "dim"))
        )
        meta = " · ".join(
            part
            for part in (
                tr(f"home.level.{entry.level}", lang) if entry.level else "",
                tr("home.minutes", lang, minutes=entry.minutes) if entry.minutes else "",
            )
            if part
        )
        if entry.done:
            status = tr("home.status.done", lang, score=entry.score, max=entry.max_score)
        elif entry.started:
            status = tr("home.status.step", lang, step=entry.last_step + 1, steps=entry.steps)
        else:
            status = ""
        title = (
            entry.title
            if len(entry.title) <= TITLE_WIDTH
            else (entry.title[: TITLE_WIDTH - 1] + "…")
        )
        text = Text(INDENT)
        text.append(mark, style=mark_style)
        text.append(" " + title.ljust(TITLE_WIDTH))
        text.append(" " + meta.ljust(META_WIDTH), style="dim")
        if status:
            text.append(" " + status, style="bold" if entry.done else "italic")
        return text

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        row = self._rows.get(event.option_id or "")
        detail = self.query_one("#home-detail", Static)
        if row is None:
            detail.update("")
        elif row.kind == "lesson":
            entry = self._course.entry(row.target)
            lines = [entry.summary] if entry and entry.summary else []
            if entry is not None and entry.started:
                numbers = (entry.score, entry.max_score, entry.quiz_points, entry.quiz_max)
                lines.append(progress_text(*numbers, self.lang))  # as `mailtutor progress`
            detail.update(Text("\n".join(lines)))
        else:
            detail.update(tr(f"home.sandbox.{row.target}.about", self.lang))

    # -- actions ---------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        row = self._rows.get(event.option_id or "")
        if row is None:
            return
        if row.kind == "lesson":
            self.open_lesson(row.target)
        else:
            self.action_open_sandbox(row.target)

    def open_lesson(self, lesson_id: str) -> None:
        from tutor.ui.screens.lesson import LessonScreen

        entry = self._course.entry(lesson_id)
        self.app.push_screen(LessonScreen(str(entry.path) if entry else lesson_id, self.lang))

    def action_resume(self) -> None:
        if self._course.resume is None:
            self.notify(tr("home.resume.none", self.lang), timeout=3)
            return
        self.open_lesson(self._course.resume.id)

    def action_open_sandbox(self, protocol: str) -> None:
        opener = getattr(self.app, "action_open_sandbox", None)
        if opener is not None:
            opener(protocol)  # MailTutorApp builds it with its language and fixed time
            return
        from tutor.ui.screens.sandbox import SandboxScreen

        self.app.push_screen(SandboxScreen(protocol, "article", self.lang))

    def action_switch_language(self) -> None:
        new = "ru" if self.lang == "en" else "en"
        if isinstance(getattr(self.app, "lang", None), str):
            self.app.lang = new  # the app relabels itself and calls set_lang on every screen
        if self.lang != new:
            self.set_lang(new)

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.call_later(self._reload)

    async def _reload(self) -> None:
        """Read course and progress again and draw everything anew (language or progress)."""
        self._course = load_course(self.lang, self.course_dir)
        await self.recompose()
        if not self.is_attached:
            return  # switched away while it was being rebuilt: nothing to show it on
        self.on_mount()
        self.refresh_bindings()

    async def on_screen_resume(self) -> None:
        # Back from a lesson or a sandbox: progress may have changed.
        await self._reload()
