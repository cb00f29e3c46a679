"""Lint reports everything it can in one run (issue #10): past YAML syntax errors, past
structural errors, past failing steps, and says `not checked` where a check cannot run."""

from __future__ import annotations

from pathlib import Path

from tutor.lessons.lint import lint_file

BROKEN = Path(__file__).parent / "fixtures" / "broken"

HEAD = "format: 1\nid: t\ntitle: T\nprotocol: pop3\n"


def lint_text(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return [(d.line, d.col, d.severity.value, d.message) for d in lint_file(path)]


def at(found, line: int, col: int, words: str, severity: str = "error") -> None:
    hits = [f for f in found if f[:3] == (line, col, severity) and words in f[3]]
    assert hits, f"nothing at {line}:{col} ({severity}) saying {words!r} in:\n" + "\n".join(
        map(str, found)
    )


# -- the done-when fixture: twenty mistakes of the teacher's kinds, one run -------------------


def test_every_mistake_of_the_teacher_review_in_one_run():
    found = [
        (d.line, d.col, d.severity.value, d.message)
        for d in lint_file(BROKEN / "twenty-mistakes.yaml")
    ]
    expected = [
        (6, 1, "unknown key 'sumary'; did you mean 'summary'?"),
        (8, 8, "level 'beginer' is not one of"),
        (9, 10, "minutes must be a whole number, not the text 'ten'"),
        (10, 1, "duplicate key 'title'"),
        (16, 5, "unknown key 'hint'; did you mean 'hints'?"),
        (20, 42, "'TRANSACTOIN' is not a POP3 state"),
        (22, 9, "duplicate step id 'count'"),
        (24, 33, "invalid regular expression"),
        (24, 44, "'250' is an SMTP code; POP3 replies are +OK or -ERR"),
        (26, 9, "give at least one of 'match'"),
        (30, 22, "'mail_from' is an SMTP condition"),
        (31, 15, "solution must be a list, not the text 'top 1 0'"),
        (36, 46, "mailbox: no such user 'ne_skgau' in the world; did you mean 'ne_skagu'?"),
        # a check that can never pass, at the check's own line, though the file has errors
        (42, 19, "the reply '+OK 2 47451' does not match reply_text /octets in total/"),
        # the replay went on past that failing step, from the state its solution left
        (48, 25, "after 'dele 2', message(s) 3 not marked deleted"),
        (55, 13, "answer 'HEAD' is not among the options"),
        (59, 13, "answer must be a number, not the text 'three'"),
        (61, 11, "type 'ordr' is not one of"),
        (67, 12, "unknown world 'artcle'"),
        (72, 1, "YAML syntax: a tab is used for indentation here"),
        (73, 15, 'YAML syntax: this quote (") is never closed'),
    ]
    for line, col, words in expected:
        at(found, line, col, words)
    skipped = [(line, col) for line, col, sev, message in found if "not checked" in message]
    assert all(sev == "warning" for *_, sev, m in found if "not checked" in m)
    # the broken steps (typed only), the broken predict question, the question the tab cuts
    # short and the lines YAML cannot read
    assert skipped == [(18, 5), (22, 5), (28, 5), (64, 5), (69, 5), (72, 1)]
    # nothing else: no spurious "missing key" from the cut, one line per problem
    errors = [f for f in found if f[2] == "error"]
    assert len(errors) == len(expected) + 1  # + the failed replay at the mailbox typo's line
    at(found, 36, 46, "step 'delete': the solution does not pass its own step")


# -- YAML syntax errors -----------------------------------------------------------------------


def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path):
    found = lint_text(tmp_path, HEAD + "summary: 'Reading mail\n")
    at(found, 5, 10, "this quote (') is never closed")
    assert all(f[0] <= 5 for f in found)  # never past the end of the file


def test_tabs_are_called_tabs_and_the_part_above_is_still_linted(tmp_path):
    text = (
        HEAD
        + "levl: beginner\n"
        + "steps:\n"
        + "  - id: a\n"
        + "    say: A.\n"
        + "    expect: {reply: ok}\n"
        + "    solution: [user ne_skagu]\n"
        + "  - id: b\n"
        + "\tsay: B.\n"
        + "    expect: {reply: ok}\n"
        + "    solution: [pass secret]\n"
        + "  - id: c\n"
        + "    say: 'C.\n"
    )
    found = lint_text(tmp_path, text)
    at(found, 5, 1, "unknown key 'levl'; did you mean 'level'?")  # above the error: linted
    at(found, 12, 1, "a tab is used for indentation here; YAML indents with spaces only")
    at(found, 12, 1, "not checked: lines 12-16", "warning")
    at(found, 11, 5, "step 'b' not checked: the YAML syntax error below cuts it short", "warning")
    at(found, 16, 10, "this quote (') is never closed")  # the second syntax error, too
    # step b lost its say to the cut: that is not reported as a missing key; step a replayed
    assert not [f for f in found if "missing required key" in f[3]]
    assert [f[:3] for f in found if f[2] == "error"] == [
        (5, 1, "error"),
        (12, 1, "error"),
        (16, 10, "error"),
    ]


def test_a_key_whose_value_is_cut_off_is_not_read_as_empty(tmp_path):
    found = lint_text(tmp_path, HEAD + "steps:\n  - id: 'a\n")
    at(found, 6, 9, "this quote (') is never closed")
    assert not [f for f in found if "steps must be a list" in f[3] or "missing" in f[3]]


def test_plain_words_for_other_syntax_errors(tmp_path):
    found = lint_text(tmp_path, HEAD + "summary: Note: read this\n")
    at(found, 5, 14, "put a text that holds ': ' in quotes")
    found = lint_text(tmp_path, HEAD + "summary: [a, b\nlevel: beginner\n")
    at(found, 5, 10, "this [ is not closed")


# -- structural errors do not switch the engine off -------------------------------------------


STEPS = (
    "steps:\n"
    "  - id: in\n"
    "    say: In.\n"
    "    expect: {state: {session: TRANSACTION}}\n"
    "    solution: [user ne_skagu, pass secret]\n"
    "  - id: gone\n"
    "    say: Delete one.\n"
    "    expect:\n"
    "      state: {marked_deleted: [2]}\n"
    "    solution: [dele 1]\n"
    "  - id: next\n"
    "    say: Count.\n"
    "    expect: {reply: ok, reply_text: '^2 '}\n"
    "    solution: [stat]\n"
)


def test_a_typo_elsewhere_does_not_stop_the_replay_and_a_failing_step_does_not_either(tmp_path):
    found = lint_text(tmp_path, HEAD + "sumary: typo\n" + STEPS)
    at(found, 5, 1, "unknown key 'sumary'")
    # at the condition's own line and column, not at the solution
    at(
        found,
        14,
        31,
        "step 'gone': the solution does not pass its own step: after 'dele 1', "
        "message(s) 2 not marked deleted",
    )
    # the next step ran from the state 'gone' left (letter 1 marked deleted: STAT says 2)
    assert not [f for f in found if "step 'next'" in f[3]]
    assert len(found) == 2


def test_a_broken_world_says_what_is_not_checked(tmp_path):
    found = lint_text(tmp_path, HEAD + "world: artcle\n" + STEPS)
    at(found, 5, 8, "unknown world 'artcle'")
    at(found, 5, 8, "the steps and quiz on the engine not checked: the world has errors", "warning")


# -- names of users ---------------------------------------------------------------------------


def test_conditions_naming_someone_not_in_the_world(tmp_path):
    text = (
        HEAD
        + "steps:\n"
        + "  - id: in\n"
        + "    say: In.\n"
        + "    expect: {state: {authenticated: ne_skgau}}\n"
        + "    hints:\n"
        + "      - {say: Now PASS., state: {user: poluchatl}}\n"
        + "    solution: [user ne_skagu, pass secret]\n"
        + "  - id: empty\n"
        + "    say: Quit.\n"
        + "    expect:\n"
        + "      state: {mailbox: {ne_skagu: 3, polchatel: 0}}\n"
        + "    solution: [quit]\n"
    )
    found = lint_text(tmp_path, text)
    at(found, 8, 37, "authenticated: no such user 'ne_skgau' in the world, so no one can log in")
    at(found, 8, 37, "did you mean 'ne_skagu'?")
    # USER takes any name, so a hint about one that does not exist is only a warning
    at(found, 10, 40, "user: no such user 'poluchatl'", "warning")
    at(found, 15, 38, "mailbox: no such user 'polchatel' in the world; did you mean 'poluchatel'?")


def test_a_tab_anywhere_is_the_only_error_reported(tmp_path):
    """Whatever line a tab lands on, the cut leaves no spurious error above it (a key missing,
    an empty text, a list too short): a sample of the lines of a valid lesson."""
    lines = (Path(__file__).parent / "fixtures" / "pop3-mini.yaml").read_text().split("\n")
    indented = [i for i, line in enumerate(lines) if line.startswith(" ") and line.strip()]
    path = tmp_path / "pop3-mini.yaml"
    for index in indented[::9]:
        changed = list(lines)
        changed[index] = "\t" + lines[index].lstrip(" ")
        path.write_text("\n".join(changed), encoding="utf-8")
        errors = [(d.line, d.col, d.message) for d in lint_file(path) if d.is_error]
        assert [e[:2] for e in errors] == [(index + 1, 1)], errors
        assert "a tab is used for indentation" in errors[0][2]
