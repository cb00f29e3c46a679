"""Did-you-mean: the pure matcher, on the engines' own command tables."""

from __future__ import annotations

import pytest

from tutor.protocol.pop3 import POP3_COMMANDS, Pop3Session
from tutor.protocol.smtp import SMTP_COMMANDS, SmtpSession
from tutor.ui.did_you_mean import suggest


@pytest.mark.parametrize(
    ("line", "keyword"),
    [
        ("usr ne_skagu", "USER"),
        ("USR ne_skagu", "USER"),
        ("pas secret", "PASS"),
        ("retr1", "RETR"),
        ("dell 1", "DELE"),
        ("stats", "STAT"),
    ],
)
def test_pop3_near_misses(line, keyword):
    found = suggest(line, POP3_COMMANDS, Pop3Session.keywords())
    assert found is not None and found.keyword == keyword
    assert found.typed == line.split()[0]
    assert not found.article_name


def test_the_articles_loop_is_noop_with_its_rfc_section_and_state():
    found = suggest("loop", POP3_COMMANDS, Pop3Session.keywords())
    assert found is not None
    assert (found.keyword, found.article_name) == ("NOOP", True)
    assert found.rfc == "RFC 1939 §5"
    assert found.states == ("TRANSACTION",)


@pytest.mark.parametrize(("line", "keyword"), [("helo", None), ("hello x", "HELO")])
def test_smtp(line, keyword):
    found = suggest(line, SMTP_COMMANDS, SmtpSession.keywords())
    assert (found.keyword if found else None) == keyword


@pytest.mark.parametrize("line", ["", "   ", "user ne_skagu", "NOOP", "exit", "xyzzy 1", "mail"])
def test_known_or_far_words_get_nothing(line):
    assert suggest(line, POP3_COMMANDS + SMTP_COMMANDS) is None


def test_mail_from_article_spelling_is_not_a_suggestion():
    # SMTP's table names "mail from:" as the article's spelling of MAIL: MAIL is known.
    assert suggest("mail from:<a@b>", SMTP_COMMANDS) is None


async def test_sandbox_and_lesson_add_the_suggestion_under_the_servers_error(make_app, submit):
    from pathlib import Path

    from tutor.ui.widgets import Transcript

    lesson = str(Path(__file__).parent / "fixtures" / "course" / "ui-pop3.yaml")
    for start in (("sandbox", "pop3", "article"), ("lesson", lesson)):
        app = make_app(start)
        async with app.run_test(size=(80, 24)) as pilot:
            await submit(pilot, "usr ne_skagu", "loop")
            lines = app.screen.query_one(Transcript).lines
            roles = [role for role, _ in lines]
            usr = roles.index("client")
            assert lines[usr + 1][0] == "error"  # the server's own -ERR comes first
            assert lines[usr + 2] == (
                "note",
                "did you mean USER? (usr is not a POP3 command; F1 lists them)",
            )
            note = lines[-1][1]
            assert lines[-2][0] == "error"
            assert "calls it loop" in note and "RFC 1939 §5 names it NOOP" in note
            assert "TRANSACTION (after login)" in note
