"""The shared widgets and helpers: completion, wrapping, the transcript, the prompt, i18n."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App, ComposeResult

from tutor.protocol.pop3 import POP3_COMMANDS
from tutor.protocol.replies import Reply, err, ok, smtp
from tutor.protocol.smtp import SMTP_COMMANDS
from tutor.ui import i18n
from tutor.ui.messages import LineEntered
from tutor.ui.widgets import CommandPrompt, Transcript
from tutor.ui.widgets.prompt import complete, completion_words
from tutor.ui.widgets.transcript import printable, wrap_cells

POP3_WORDS = completion_words({c.keyword: c.syntax for c in POP3_COMMANDS})
SMTP_WORDS = completion_words({c.keyword: c.syntax for c in SMTP_COMMANDS})


def test_completion_words_follow_the_syntax():
    assert POP3_WORDS["RETR"] == "RETR "  # an argument follows
    assert POP3_WORDS["STAT"] == "STAT"
    assert SMTP_WORDS["MAIL"] == "MAIL FROM:"
    assert SMTP_WORDS["RCPT"] == "RCPT TO:"
    assert SMTP_WORDS["DATA"] == "DATA"


@pytest.mark.parametrize(
    ("typed", "expected", "candidates"),
    [
        ("re", "retr ", ["RETR"]),
        ("RE", "RETR ", ["RETR"]),
        ("Re", "Retr ", ["RETR"]),
        ("r", "r", ["RETR", "RSET"]),
        ("", "", sorted(c.keyword for c in POP3_COMMANDS)),
        ("zz", "zz", []),
        ("retr 1", "retr 1", []),
    ],
)
def test_complete_keeps_the_users_case(typed, expected, candidates):
    value, found = complete(typed, [c.keyword for c in POP3_COMMANDS], POP3_WORDS)
    assert value == expected
    assert found == candidates


def test_complete_smtp_mail_from():
    value, _ = complete("mai", [c.keyword for c in SMTP_COMMANDS], SMTP_WORDS)
    assert value == "mail from:"


def test_wrap_keeps_every_character_and_breaks_at_spaces():
    text = "message mode: every line is part of the letter until a line with a single ."
    pieces = wrap_cells(text, 30)
    assert "".join(pieces) == text
    assert all(len(p) <= 30 for p in pieces)
    assert pieces[0].endswith(" ")
    assert wrap_cells("x" * 65, 30) == ["x" * 30, "x" * 30, "x" * 5]
    assert wrap_cells("", 10) == [""]
    assert "".join(wrap_cells("日本語のテキスト" * 5, 9)) == "日本語のテキスト" * 5


def test_printable_shows_control_characters():
    assert printable("a\tb") == "a       b"
    assert printable("bell\x07 esc\x1b[31m") == "bell^G esc^[[31m"
    assert printable("csi\x9b31m") == "csiM-^[31m"  # C1 too, as cat -v shows it


def test_wrap_of_a_pasted_megabyte_is_linear():
    text = ("word " * 200_000) + "x" * 1_000_000
    pieces = wrap_cells(text, 77)
    assert "".join(pieces) == text and max(map(len, pieces)) == 77
    assert pieces[0] == "word " * 15 and set(pieces[-1]) == {"x"}


class TranscriptApp(App):
    def compose(self) -> ComposeResult:
        yield Transcript()


async def test_transcript_roles_markers_and_colours():
    app = TranscriptApp()
    async with app.run_test(size=(40, 10)) as pilot:
        transcript = app.query_one(Transcript)
        transcript.add_client("stat")
        transcript.add_replies([ok("3 93845"), err("no such message")])
        transcript.add_replies([smtp(354, "go ahead"), smtp(451, "later")])
        transcript.add_note("a note")
        await pilot.pause()
        assert transcript.plain_lines() == [
            "C: stat",
            "S: +OK 3 93845",
            "S: -ERR no such message",
            "S: 354 go ahead",
            "S: 451 later",
            "-- a note",
        ]
        roles = [role for role, _ in transcript.lines]
        assert roles == ["client", "ok", "error", "intermediate", "transient", "note"]
        colours = [list(transcript.render_line(y))[1].style.color for y in range(6)]
        assert colours[1] != colours[2]  # ok and error differ
        assert colours[1] != colours[0]  # server ok differs from the learner's line
        assert colours[3] == colours[4]  # 354 and 4xx share the warning colour...
        assert list(transcript.render_line(4))[1].style.bold  # ...4xx also bold
        transcript.clear()
        assert transcript.line_count == 0 and transcript.virtual_size.height == 0


async def test_transcript_holds_ten_thousand_lines_and_multiline_bodies():
    app = TranscriptApp()
    async with app.run_test(size=(60, 12)) as pilot:
        transcript = app.query_one(Transcript)
        for n in range(10_000):
            transcript.add_client(f"noop {n}")
        body = b"".join(b"line %d of the letter\r\n" % i for i in range(2000))
        transcript.add_replies([Reply("+OK", ("2000 lines",), body)])
        await pilot.pause()
        assert transcript.line_count == 10_000 + 1 + 2000 + 1
        assert transcript.virtual_size.height == transcript.line_count
        assert transcript.is_vertical_scroll_end
        visible = [transcript.render_line(y).text.rstrip() for y in range(transcript.size.height)]
        assert visible[-1] == "S: ."
        assert visible[-2] == "S: line 1999 of the letter"


class PromptApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.entered: list[tuple[str, bool]] = []

    def compose(self) -> ComposeResult:
        yield CommandPrompt(keywords=[c.keyword for c in POP3_COMMANDS], completions=POP3_WORDS)

    def on_line_entered(self, message: LineEntered) -> None:
        self.entered.append((message.line, message.message_mode))


async def test_prompt_paste_sends_complete_lines_and_keeps_the_rest():
    app = PromptApp()
    async with app.run_test(size=(60, 5)) as pilot:
        prompt = app.query_one(CommandPrompt)
        prompt.value = "us"
        prompt.cursor_position = 2
        prompt.post_message(events.Paste("er ne_skagu\npass secret\nsta"))
        await pilot.pause()
        assert app.entered == [("user ne_skagu", False), ("pass secret", False)]
        assert prompt.value == "sta"
        assert prompt.history == ["user ne_skagu", "pass secret"]
        prompt.message_mode = True
        prompt.value = ""
        prompt.post_message(events.Paste("Subject: x\n\n"))
        await pilot.pause()
        assert app.entered[2:] == [("Subject: x", True), ("", True)]
        assert prompt.history == ["user ne_skagu", "pass secret"]  # letter text is not history
        prompt.post_message(events.Paste("one line"))
        await pilot.pause()
        assert prompt.value == "one line" and len(app.entered) == 4


def test_every_ui_string_exists_in_english_and_russian():
    import tutor.ui.app  # noqa: F401  (registers nothing itself, but imports the screens' tables)
    import tutor.ui.screens.help  # noqa: F401
    import tutor.ui.screens.record  # noqa: F401
    import tutor.ui.screens.sandbox  # noqa: F401

    missing = [key for key in i18n.all_keys() if not (i18n.has(key, "en") and i18n.has(key, "ru"))]
    assert missing == []
    assert i18n.tr("panel.maildrop", "ru", user="x") == "почтовый ящик x"
    assert i18n.tr("no.such.key", "ru") == "no.such.key"


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "ru_RU.UTF-8", "LANG": "en_US.UTF-8"}, "ru"),
        ({"LC_ALL": "C", "LANG": "ru_RU.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_default_language_from_the_locale(environ, lang):
    assert i18n.default_language(environ) == lang


def test_register_adds_keys_for_other_screens():
    i18n.register({"test.widget.key": {"en": "Hello {name}", "ru": "Привет, {name}"}})
    assert i18n.tr("test.widget.key", "ru", name="мир") == "Привет, мир"
    assert i18n.tr("test.widget.key", "de", name="x") == "Hello x"
