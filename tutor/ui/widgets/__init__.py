"""Widgets shared by the mailtutor screens.

Stable API (the lesson, demo and sandbox screens all use these):
  Transcript        add_client(line, message_text=False), add_replies(replies), add_note(text),
                    clear(), plain_lines()
  CommandPrompt     an Input; posts tutor.ui.messages.LineEntered(line, message_mode=...);
                    set_keywords(keywords, completions), message_mode / closed reactives
  ServerStatePanel  refresh_from(session, store) after each command
"""

from tutor.ui.widgets.prompt import CommandPrompt
from tutor.ui.widgets.state_panel import ServerStatePanel
from tutor.ui.widgets.transcript import Transcript

__all__ = ["CommandPrompt", "ServerStatePanel", "Transcript"]
