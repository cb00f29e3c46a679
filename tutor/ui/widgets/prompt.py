"""The command prompt: one line at a time to the server, with history and Tab completion.

Two modes, mirroring the engine's `mode`: "command" (history, completion of the protocol's
keywords) and "message" (after SMTP DATA: every line is letter text until a lone "."; no
completion, and a border label that says so). A multi-line paste sends each complete line in
order, as a terminal talking to a real server would; an unfinished last line stays for editing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import Input

from tutor.ui.base64_tool import is_escape
from tutor.ui.i18n import tr
from tutor.ui.messages import HelperEscape, LineEntered
from tutor.ui.ordered_keys import run_own_binding

HISTORY_LIMIT = 500


def completion_words(syntaxes: Mapping[str, str]) -> dict[str, str]:
    """What Tab inserts for each keyword, from its syntax line in the command reference.

    "RETR msg" -> "RETR " (an argument follows), "QUIT" -> "QUIT", "MAIL FROM:<path>" ->
    "MAIL FROM:" (the fixed words are part of the command).
    """
    words: dict[str, str] = {}
    for keyword, syntax in syntaxes.items():
        tokens = syntax.split()
        if not tokens or tokens[0].upper() != keyword.upper():
            words[keyword] = keyword + " "
            continue
        fixed = [keyword]
        rest = tokens[1:]
        for token in rest:
            head = token.split("<", 1)[0].split("[", 1)[0]
            if head and head.isupper() and head == token:
                fixed.append(token)
                continue
            if head.endswith(":") and head[:-1].isupper():
                fixed.append(head)
            break
        text = " ".join(fixed)
        if not text.endswith(":") and len(fixed) <= len(rest):
            text += " "  # an argument is still to come
        words[keyword] = text
    return words


def complete(value: str, keywords: Iterable[str], words: Mapping[str, str] | None = None):
    """Complete the command word in `value`.

    Returns (new value, candidates): the value grows when the choice is unique (or by the
    candidates' common prefix); candidates lists every keyword that fits. Case follows what
    the user typed: upper case stays upper, anything else becomes lower case.
    """
    if " " in value.strip() or value != value.lstrip():
        return value, []
    prefix = value
    upper = prefix.upper()
    candidates = sorted(k for k in keywords if k.upper().startswith(upper))
    if not candidates:
        return value, []
    if len(candidates) == 1:
        target = (words or {}).get(candidates[0], candidates[0] + " ")
    else:
        target = candidates[0]
        for other in candidates[1:]:
            while not other.upper().startswith(target.upper()):
                target = target[:-1]
    cased = target.upper() if prefix and prefix.isupper() else target.lower()
    if prefix and not prefix.isupper():
        # keep the user's own letters exactly, case the rest in lower case
        cased = prefix + cased[len(prefix) :]
    return (cased if len(cased) >= len(value) else value), candidates


class CommandPrompt(Input):
    """An Input that sends lines to a protocol session (see module docstring)."""

    DEFAULT_CSS = """
    CommandPrompt {
        border: round $primary 60%;
        border-title-color: $text-primary;
        border-subtitle-color: $text-muted;
        height: 3;
        padding: 0 1;
    }
    CommandPrompt:focus {
        border: round $primary;
    }
    CommandPrompt.-message-mode {
        border: double $warning;
        border-title-color: $text-warning;
        border-title-style: bold;
    }
    CommandPrompt.-closed {
        border: round $error 60%;
        border-title-color: $text-error;
    }
    """

    BINDINGS = [
        Binding("up", "history_back", "Previous", show=False, id="prompt.history_back"),
        Binding("down", "history_forward", "Next", show=False, id="prompt.history_forward"),
        Binding("tab", "complete", "Complete", show=False, id="prompt.complete"),
    ]

    message_mode: reactive[bool] = reactive(False)
    closed: reactive[bool] = reactive(False)

    def __init__(
        self,
        *,
        protocol: str = "pop3",
        lang: str = "en",
        keywords: Iterable[str] = (),
        completions: Mapping[str, str] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes, select_on_focus=False)
        self.protocol = protocol
        self.lang = lang
        self.keywords: tuple[str, ...] = tuple(keywords)
        self.completions: dict[str, str] = dict(completions or {})
        self.history: list[str] = []
        self._history_index: int | None = None
        self._draft = ""
        self._relabel()

    # -- configuration -------------------------------------------------------------------------

    def set_keywords(
        self, keywords: Iterable[str], completions: Mapping[str, str] | None = None
    ) -> None:
        self.keywords = tuple(keywords)
        self.completions = dict(completions or {})

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self._relabel()

    def watch_message_mode(self) -> None:
        self.set_class(self.message_mode, "-message-mode")
        self._relabel()

    def watch_closed(self) -> None:
        self.set_class(self.closed, "-closed")
        self._relabel()

    def _relabel(self) -> None:
        protocol = self.protocol.upper()
        if self.closed:
            self.border_title = tr("prompt.closed", self.lang)
            self.placeholder = ""
        elif self.message_mode:
            self.border_title = tr("prompt.message", self.lang)
            self.placeholder = tr("prompt.message.placeholder", self.lang)
        else:
            self.border_title = tr("prompt.command", self.lang, protocol=protocol)
            article = tr(f"prompt.article.{self.protocol.lower()}", self.lang)
            self.placeholder = tr(
                "prompt.command.placeholder", self.lang, protocol=protocol, article=article
            )
        self.border_subtitle = ""

    # -- keys ----------------------------------------------------------------------------------

    async def _on_key(self, event: events.Key) -> None:
        """Enter, Backspace, the arrows... run here, in order with the characters typed.

        Left to Textual, Enter would bubble up to the app and submit only after the characters
        typed next were already in the box (`user ne_skagupass secret`). Other keys go on to
        Input's own handler (Textual calls it next unless a binding ran here)."""
        await run_own_binding(self, event)

    # -- sending lines ---------------------------------------------------------------------

    async def action_submit(self) -> None:
        line = self.value
        self.value = ""
        self._send(line)

    def _send(self, line: str) -> None:
        is_new = not self.history or self.history[-1] != line
        if not self.message_mode and line.strip() and is_new:
            self.history.append(line)
            del self.history[:-HISTORY_LIMIT]
        self._history_index = None
        self._draft = ""
        self.border_subtitle = ""
        if not self.message_mode and is_escape(line):
            # the base64 helper's escape: answered by the tutor, never sent to the server
            # the same queue as the lines: the note lands after the replies typed before it
            (self.parent or self).post_message(HelperEscape(self, line))
            return
        # Straight into the container's queue, where the keys this prompt does not handle go
        # next: the screen then sees lines and keys in the order they were typed.
        message = LineEntered(line, message_mode=self.message_mode)
        (self.parent or self).post_message(message)

    def _on_paste(self, event: events.Paste) -> None:
        text = event.text.replace("\r\n", "\n").replace("\r", "\n")
        if "\n" not in text:
            return  # one line: Input's own paste handler (called after this one) inserts it
        event.stop()
        event.prevent_default()
        *complete_lines, rest = text.split("\n")
        before = self.value[: self.cursor_position]
        after = self.value[self.cursor_position :]
        complete_lines[0] = before + complete_lines[0]
        self.value = ""
        for line in complete_lines:
            self._send(line)
        self.value = rest + after
        self.cursor_position = len(rest)

    # -- history ---------------------------------------------------------------------------

    def action_history_back(self) -> None:
        if self.message_mode or not self.history:
            return
        if self._history_index is None:
            self._draft = self.value
            self._history_index = len(self.history) - 1
        elif self._history_index > 0:
            self._history_index -= 1
        self._show(self.history[self._history_index])

    def action_history_forward(self) -> None:
        if self.message_mode or self._history_index is None:
            return
        self._history_index += 1
        if self._history_index >= len(self.history):
            self._history_index = None
            self._show(self._draft)
        else:
            self._show(self.history[self._history_index])

    def _show(self, text: str) -> None:
        self.value = text
        self.cursor_position = len(text)

    # -- completion ------------------------------------------------------------------------

    def action_complete(self) -> None:
        if self.message_mode or self.closed or not self.value:
            # Nothing to complete: Tab keeps its usual meaning, the next widget.
            self.screen.focus_next()
            return
        value, candidates = complete(self.value, self.keywords, self.completions)
        if value != self.value:
            self._show(value)
        if not candidates:
            if " " not in self.value.strip():
                # Text, not a str: what the user typed is never read as markup
                self.border_subtitle = Text(tr("prompt.no_match", self.lang, prefix=self.value))
        elif len(candidates) > 1:
            self.border_subtitle = tr(
                "prompt.candidates", self.lang, candidates=" ".join(candidates)
            )
        else:
            self.border_subtitle = ""
