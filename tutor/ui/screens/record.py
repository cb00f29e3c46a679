"""The save dialog of the sandbox's record: where to write the lesson skeleton, and its title.

The YAML comes from the lesson runner's recorder (`tutor.lessons.record_lesson`); this dialog
only asks for a path, writes the text, and says clearly what went wrong if it could not. It
dismisses with the path written, or None when cancelled.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tutor.protocol.replies import Reply
from tutor.ui.i18n import localize_bindings, register, tr

#: set by `mailtutor web` to the student's folder: a browser student saves only inside it, so
#: one student cannot overwrite another's files (all the apps run as the server's user)
CONFINE_ENV = "MAILTUTOR_CONFINE_DIR"

register(
    {
        "record.outside": {
            "en": "save inside your own folder: give a plain file name",
            "ru": "сохранять можно только в своей папке: укажите просто имя файла",
        }
    }
)


def allowed_path(path: Path, environ: Mapping[str, str] = os.environ) -> bool:
    """False if the app is confined to a folder (CONFINE_ENV) and `path` is outside it."""
    root = environ.get(CONFINE_ENV)
    if not root:
        return True
    return (Path.cwd() / path).resolve().is_relative_to(Path(root).resolve())


def lesson_id_for(path: str) -> str:
    """A lesson id from the file name: lower case, letters, digits and dashes."""
    stem = Path(path).name.split(".", 1)[0].lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-") or "recorded-lesson"


def with_real_path(text: str, lesson_id: str, path: Path) -> str:
    """The recorder's header says `mailtutor lint <id>.yaml`; name the file where it really is."""
    shown = shlex.quote(str(path))
    for command in ("lint", "replay"):
        text = text.replace(f"mailtutor {command} {lesson_id}.yaml", f"mailtutor {command} {shown}")
    return text


class RecordScreen(ModalScreen[str | None]):
    """Ask for a path and save the session as a lesson (see module docstring)."""

    DEFAULT_CSS = """
    RecordScreen {
        align: center middle;
        background: $background 60%;
    }
    RecordScreen #record-dialog {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        border-title-color: $text-primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    RecordScreen #record-explain {
        color: $text-muted;
        margin-bottom: 1;
    }
    RecordScreen Label {
        margin-top: 0;
        text-style: bold;
    }
    RecordScreen Input {
        margin-bottom: 0;
    }
    RecordScreen #record-error {
        color: $text-error;
        text-style: bold;
        height: auto;
    }
    RecordScreen #record-buttons {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    RecordScreen Button {
        margin-left: 2;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="record.cancel")]
    BINDING_TEXT = {"record.cancel": "record.cancel"}

    def __init__(
        self,
        protocol: str,
        world: str,
        exchanges: list[tuple[str, list[Reply]]],
        lang: str = "en",
        *,
        default_path: str | None = None,
    ) -> None:
        super().__init__()
        self.protocol = protocol
        self.world = world
        self.exchanges = exchanges
        self.lang = lang
        self.default_path = default_path or f"./{protocol}-recorded.yaml"
        self._confirm_overwrite: Path | None = None
        self._offered_name: str | None = None  # a file name put in the box by this dialog
        localize_bindings(self, lang, self.BINDING_TEXT)

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="record-dialog") as dialog:
            dialog.border_title = tr("record.title", lang)
            yield Static(
                Text(
                    f"{tr('record.explain', lang)}\n"
                    f"{tr('record.steps', lang, count=len(self.exchanges))}"
                ),
                id="record-explain",
            )
            yield Label(tr("record.path", lang))
            yield Input(self.default_path, id="record-path", select_on_focus=False)
            yield Label(tr("record.lesson_title", lang))
            yield Input(
                tr("record.default_title", lang, protocol=self.protocol.upper()),
                id="record-title",
                select_on_focus=False,
            )
            yield Static("", id="record-error")
            with Horizontal(id="record-buttons"):
                yield Button(tr("record.save", lang), variant="primary", id="record-save")
                yield Button(tr("record.cancel", lang), id="record-cancel")

    def on_mount(self) -> None:
        self.query_one("#record-path", Input).focus()

    def show_error(self, message: str) -> None:
        self.query_one("#record-error", Static).update(Text(message))  # paths are not markup

    @on(Input.Changed, "#record-path")
    def _path_changed(self, event: Input.Changed) -> None:
        if event.value == self._offered_name:
            return  # the name this dialog just offered: its explanation stays
        self._confirm_overwrite = None
        self.show_error("")

    @on(Input.Submitted)
    @on(Button.Pressed, "#record-save")
    def action_save(self) -> None:
        if not self.is_current:
            return  # already dismissed: a queued Enter must not pop the screen beneath
        lang = self.lang
        raw = self.query_one("#record-path", Input).value.strip()
        if not raw:
            self.show_error(tr("record.no_path", lang))
            return
        path = Path(raw).expanduser()
        if not allowed_path(path):
            self.show_error(tr("record.outside", lang))
            return
        if path.is_dir():
            path = path / Path(self.default_path).name
        lesson_id = lesson_id_for(str(path))
        if path.name != f"{lesson_id}.yaml":
            # A lesson's file is named after its id (lower case, digits, dashes), or lint warns:
            # offer that name in the box, and save when Enter confirms it.
            better = path.with_name(f"{lesson_id}.yaml")
            self._offered_name = str(better)
            self.query_one("#record-path", Input).value = str(better)
            self.show_error(tr("record.renamed", lang, name=path.name, better=better.name))
            return
        if path.exists() and self._confirm_overwrite != path:
            self._confirm_overwrite = path
            self.show_error(tr("record.exists", lang, path=str(path)))
            return
        title = self.query_one("#record-title", Input).value.strip() or tr(
            "record.default_title", lang, protocol=self.protocol.upper()
        )
        try:
            from tutor.lessons import record_lesson
        except ImportError as exc:
            self.show_error(tr("record.unavailable", lang, error=exc))
            return
        try:
            text = record_lesson(
                self.exchanges,
                protocol=self.protocol,
                world=self.world,
                lesson_id=lesson_id,
                title=title,
            )
            path.write_text(with_real_path(text, lesson_id, path), encoding="utf-8")
        except OSError as exc:
            self.show_error(tr("record.failed", lang, error=exc.strerror or exc))
            return
        except ValueError as exc:
            self.show_error(tr("record.failed", lang, error=exc))
            return
        self.dismiss(str(path))

    @on(Button.Pressed, "#record-cancel")
    def action_cancel(self) -> None:
        if self.is_current:
            self.dismiss(None)
