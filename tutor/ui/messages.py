"""Messages the mailtutor widgets post to their screens (small value classes, one place)."""

from __future__ import annotations

from textual.message import Message
from textual.widget import Widget


class LineEntered(Message):
    """The learner entered one line at the command prompt (Enter, or one line of a paste).

    message_mode tells whether the prompt was collecting message text (after DATA) when the line
    was entered, so a screen can show it as a letter line rather than a command.
    """

    def __init__(self, line: str, *, message_mode: bool) -> None:
        super().__init__()
        self.line = line
        self.message_mode = message_mode


class HelperEscape(Message):
    """The learner typed a `/base64` (or `/b64`) line in command mode: it is for the tutor's
    base64 helper, never for the server. The app answers with a note in the transcript."""

    def __init__(self, prompt: Widget, line: str) -> None:
        super().__init__()
        self.prompt = prompt
        self.line = line

    @property
    def control(self) -> Widget:
        return self.prompt
