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
        assert colours[3] != colours[4]  # "go on" (354) and "try later" (4xx) differ...
        assert list(transcript.render_line(4))[1].style.bold  # ...and 4xx is bold besides
        transcript.clear()
        assert transcript.line_count == 0 and transcript.virtual_size.height == 0


async def test_every_theme_gives_each_reply_kind_its_own_colour():
    """ok, error, go on (354) and try later (4xx) never share a colour, in any theme the app
    offers (the palette lists every registered theme), nor with the learner's own lines."""
    app = TranscriptApp()
    async with app.run_test(size=(40, 10)) as pilot:
        transcript = app.query_one(Transcript)
        transcript.add_client("data")
        transcript.add_replies([ok(), err("no"), smtp(354, "go"), smtp(451, "later")])
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            colours = [list(transcript.render_line(y))[1].style.color for y in range(5)]
            assert len(set(colours)) == 5, (theme, colours)


async def test_no_color_tells_4xx_from_354_in_words(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = TranscriptApp()
    async with app.run_test(size=(60, 10)) as pilot:
        transcript = app.query_one(Transcript)
        transcript.add_replies([smtp(354, "go ahead"), smtp(421, "busy", "try later"), ok()])
        await pilot.pause()
        rows = [transcript.render_line(y).text.rstrip() for y in range(4)]
        assert rows == [
            "S: 354 go ahead  [go on]",
            "S: 421-busy",  # only the last line of a multi-line reply carries the word
            "S: 421 try later  [4xx: try later]",
            "S: +OK",
        ]
        # the words are the tutor's, not the wire's: the lines themselves are unchanged
        assert transcript.plain_lines()[0] == "S: 354 go ahead"


async def test_dot_stuffed_lines_are_shown_as_the_wire_carries_them():
    """RETR of a letter holding ".single" and "..double" lines: the transcript shows the wire's
    "..single" and "...double", the stuffing dot drawn reversed, and one note saying why."""
    app = TranscriptApp()
    async with app.run_test(size=(60, 20)) as pilot:
        transcript = app.query_one(Transcript)
        body = b"Subject: dots\r\n\r\n.single dot line\r\n..double dot line\r\nplain\r\n"
        reply = ok("letter follows", body=body)
        transcript.add_replies([reply])
        transcript.add_replies([reply])  # the note comes once per transcript
        await pilot.pause()
        plain = transcript.plain_lines()
        wire = reply.wire().decode().split("\r\n")[:-1]
        assert plain[: len(wire)] == ["S: " + line for line in wire]
        assert plain[3:5] == ["S: ..single dot line", "S: ...double dot line"]
        notes = [line for role, line in transcript.lines if role == "note"]
        assert len(notes) == 1 and "RFC 1939" in notes[0]
        assert [transcript.is_stuffed(i) for i in range(1, 7)] == [
            False,
            False,
            True,
            True,
            False,
            False,
        ]
        stuffed_row = list(transcript.render_line(3))
        assert stuffed_row[1].text == "." and stuffed_row[1].style.reverse
        assert stuffed_row[2].text.startswith(".single") and not stuffed_row[2].style.reverse
        assert not any(s.style and s.style.reverse for s in transcript.render_line(5))


async def test_a_letter_line_typed_with_a_leading_dot_is_marked():
    app = TranscriptApp()
    async with app.run_test(size=(60, 10)) as pilot:
        transcript = app.query_one(Transcript)
        transcript.add_client("..double dot line", message_text=True)
        transcript.add_client(".", message_text=True)  # the end of the letter is not stuffing
        await pilot.pause()
        assert transcript.is_stuffed(0) and not transcript.is_stuffed(2)
        assert "RFC 5321" in transcript.lines[1][1]


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


def test_code_in_lesson_text_wraps_with_a_continuation_mark():
    from tutor.ui.widgets.code_block import wrap_code

    code = "mime-version: 1.0\ncontent-type: text/plain; charset=utf-8\n"
    rows = wrap_code(code, 30)
    assert rows == [
        ("mime-version: 1.0", False),
        ("content-type: text/plain; ", False),
        ("charset=utf-8", True),
    ]
    assert "".join(row for row, _ in rows[1:]) == "content-type: text/plain; charset=utf-8"


async def test_a_code_block_too_wide_for_the_lesson_pane_is_never_cut():
    from tutor.ui.widgets.code_block import LessonMarkdown

    class CodeApp(App):
        def compose(self) -> ComposeResult:
            yield LessonMarkdown("```\ncontent-type: text/plain; charset=utf-8\nshort\n```")

    app = CodeApp()
    async with app.run_test(size=(30, 10)) as pilot:
        await pilot.pause()
        screen_text = "\n".join(
            "".join(s.text for s in app.screen._compositor.render_strips()[y]) for y in range(10)
        )
        assert "charset=utf-8" in screen_text and "↪ " in screen_text


@pytest.mark.parametrize(
    ("lang", "count", "word"),
    [
        ("en", 1, "letter"),
        ("en", 0, "letters"),
        ("en", 2, "letters"),
        ("ru", 1, "письмо"),
        ("ru", 2, "письма"),
        ("ru", 4, "письма"),
        ("ru", 5, "писем"),
        ("ru", 11, "писем"),
        ("ru", 12, "писем"),
        ("ru", 21, "письмо"),
        ("ru", 22, "письма"),
        ("ru", 0, "писем"),
    ],
)
def test_plural_forms(lang, count, word):
    assert (
        i18n.plural_form(lang, count, "letter|letters" if lang == "en" else "письмо|письма|писем")
        == word
    )


def test_counted_strings_agree_with_their_number():
    total = "panel.total"
    assert i18n.tr(total, "en", count=1, size=320, marked="none").startswith("1 letter, 320 octets")
    assert i18n.tr(total, "ru", count=1, size=1, marked="нет").startswith("1 письмо, 1 октет;")
    assert i18n.tr(total, "ru", count=3, size=93845, marked="нет").startswith(
        "3 письма, 93845 октетов;"
    )
    assert i18n.tr("record.steps", "en", count=1) == "1 command will be recorded"


def test_delivered_table_fits_a_lesson_side_panel():
    from tutor.ui.widgets.state_panel import delivered_widths

    subject, to = delivered_widths(38, ["poluchatel@server.ru"], ["229 octets"])
    assert to == len("poluchatel@server.ru")  # the address whole
    assert subject + 2 + to + 2 <= 38  # two padded columns within the panel
    subject, to = delivered_widths(38, ["a-very-long-recipient-name@dacha.example.ru"], ["1 octet"])
    assert subject >= 10 and subject + 2 + to + 2 <= 38


class PanelApp(App):
    def __init__(self, world: str) -> None:
        super().__init__()
        self.world = world

    def compose(self) -> ComposeResult:
        from tutor.ui.widgets.state_panel import ServerStatePanel

        yield ServerStatePanel("pop3", world=self.world)


@pytest.mark.parametrize(
    ("world", "heading"),
    [
        ("article", "local users (world article)"),
        ("", "local users (the lesson's own world)"),
        ("/tmp/x/my-world.yaml", "local users (world my-world.yaml)"),
    ],
)
async def test_panel_names_the_world(world, heading):
    from tutor.mail.worlds import build_world
    from tutor.protocol.pop3 import Pop3Session
    from tutor.ui.widgets.state_panel import ServerStatePanel

    app = PanelApp(world)
    async with app.run_test(size=(60, 20)) as pilot:
        store = build_world("article")
        session = Pop3Session(store)
        panel = app.query_one(ServerStatePanel)
        panel.refresh_from(session, store)
        await pilot.pause()
        assert str(panel.query_one("#users-heading").render()) == heading
        for line in ("user ne_skagu", "pass secret"):
            session.handle(line)
        panel.refresh_from(session, store)
        await pilot.pause()
        assert "(logged in)" in str(panel.query_one("#state-line").render())
        session.handle("quit")
        panel.refresh_from(session, store)
        await pilot.pause()
        state = str(panel.query_one("#state-line").render())
        assert "(signed off)" in state and "logged in" not in state
        assert "3 letters, 93845 octets" in str(panel.query_one("#maildrop-total").render())
