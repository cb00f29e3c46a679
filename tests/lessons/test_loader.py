"""Loading: valid files become models; every kind of problem is reported with its position."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.lessons import LessonError, Protocol, QuestionType, load_lesson, load_overlay
from tutor.lessons.lint import lint_file
from tutor.lessons.loader import read_document
from tutor.lessons.safeyaml import MAX_FILE_BYTES

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"


def problems_of(name: str) -> list[tuple[int, int, str, str]]:
    path = BROKEN / name
    return [(d.line, d.col, d.severity.value, d.message) for d in lint_file(path)]


def test_valid_fixture_becomes_a_model(pop3_mini):
    assert pop3_mini.id == "pop3-mini"
    assert pop3_mini.protocol is Protocol.POP3
    assert [s.id for s in pop3_mini.steps] == [
        "login-user",
        "login-pass",
        "count",
        "delete-first",
        "leave",
    ]
    first = pop3_mini.steps[0]
    assert [h.say for h in first.hints] == ["The command is USER.", "Type `user ne_skagu`."]
    assert all(h.state is None for h in first.hints)
    assert first.mistakes[1].reply == "error" and first.mistakes[1].index == 1
    assert (first.pos.line, first.pos.col) == (12, 5)
    assert pop3_mini.steps[3].expect.state.marked_deleted == (1,)
    assert pop3_mini.steps[4].expect.state.mailbox == (("ne_skagu", 2),)
    assert {q.type for q in pop3_mini.quiz} == set(QuestionType)
    assert pop3_mini.question("total").answer == 93845.0


def test_overlay_loads():
    overlay = load_overlay(FIXTURES / "pop3-mini.ru.yaml")
    assert overlay.lang == "ru" and overlay.lesson == "pop3-mini"
    assert overlay.step("login-user").mistakes == ("Сначала USER, потом PASS.", "Сервер отказал.")


def test_schema_problems_all_reported_with_positions():
    found = problems_of("schema-problems.yaml")
    expected = [
        (5, 1, "error", "lesson: unknown key 'wrld'; did you mean 'world'?"),
        (6, 8, "error", "level 'expert' is not one of beginner, intermediate, advanced"),
        (7, 10, "error", "minutes must be a whole number, not the text 'many'"),
        (12, 13, "error", "step 'one': hint #1 is empty"),
        (14, 9, "error", "duplicate step id 'one'"),
        (
            16,
            22,
            "error",
            "step 'one': expect: state: unknown key 'sesion'; did you mean 'session'?",
        ),
        (18, 5, "error", "step #3: missing required key 'say'"),
        (26, 13, "error", "question 'q': answer 'C' is not among the options"),
        (27, 5, "error", "question 'q2': predict questions need 'command'"),
        (30, 5, "error", "question 'q3': command questions need 'example'"),
    ]
    for item in expected:
        assert item in found
    # the regex error points at the place in the pattern where it breaks (the missing ")")
    regex = [p for p in found if "invalid regular expression" in p[3]]
    assert [(p[0], p[1]) for p in regex] == [(11, 33)]
    assert "missing )" in regex[0][3]
    reply = [p for p in found if "'okay'" in p[3]]
    assert [(p[0], p[1]) for p in reply] == [(11, 44)]
    # the two steps whose expect is broken cannot be replayed, and lint says so
    skipped = [(p[0], p[1]) for p in found if "not checked" in p[3]]
    assert skipped == [(9, 5), (14, 5)]
    assert len(found) == len(expected) + 2 + 2


def test_unknown_world_and_condition_of_the_other_protocol():
    assert problems_of("unknown-world.yaml") == [
        (
            5,
            8,
            "error",
            "unknown world 'artcle'; named worlds are article, empty, strict, busy, today, "
            "submission; "
            "did you mean 'article'?",
        ),
        (
            5,
            8,
            "warning",
            "the steps and quiz on the engine not checked: the world has errors (see above)",
        ),
        (
            9,
            36,
            "error",
            "step 'hello': expect: state: 'marked_deleted' is a POP3 condition "
            "and cannot apply to an SMTP session",
        ),
    ]


def test_inline_world_errors_are_reported(tmp_path):
    path = tmp_path / "inline.yaml"
    path.write_text(
        "format: 1\nid: inline\ntitle: T\nprotocol: pop3\n"
        "world: {users: [{name: 'a b'}]}\n"
        "steps:\n  - {id: s, say: S, expect: {reply: ok}, solution: [user a]}\n"
    )
    [problem] = [p for p in lint_file(path) if p.is_error]
    assert (problem.line, problem.col) == (5, 24)  # at the name itself
    assert "name 'a b' may not hold spaces or @" in problem.message


@pytest.mark.parametrize(
    ("name", "line", "col", "words"),
    [
        ("python-tag.yaml", 3, 8, "tag !!python/object/apply:os.system is not allowed"),
        ("alias-bomb.yaml", 2, 8, "alias *a is not allowed"),
        ("bad-utf8.yaml", 3, 11, "not valid UTF-8"),
        ("syntax-error.yaml", 3, 8, "YAML syntax: this [ is not closed"),
    ],
)
def test_malicious_or_broken_yaml_is_refused_with_a_message(name, line, col, words):
    [problem] = [p for p in lint_file(BROKEN / name) if p.is_error]
    assert (problem.line, problem.col) == (line, col)
    assert words in problem.message
    with pytest.raises(LessonError) as caught:
        load_lesson(BROKEN / name)
    assert words in str(caught.value)


def test_python_tag_never_runs(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    path = tmp_path / "evil.yaml"
    path.write_text(f'title: !!python/object/apply:pathlib.Path.touch ["{marker}"]\n')
    document, problems = read_document(path)
    assert document is None and problems
    assert not marker.exists()


def test_local_tags_are_refused(tmp_path):
    path = tmp_path / "tagged.yaml"
    path.write_text("format: 1\nid: x\ntitle: !custom thing\n")
    [problem] = lint_file(path)
    assert "tag !custom is not allowed" in problem.message


def test_huge_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"title: " + b"x" * (10 * 1024 * 1024) + b"\n")
    [problem] = lint_file(path)
    assert f"larger than {MAX_FILE_BYTES // 1024} KiB" in problem.message


def test_deep_nesting_is_refused(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    [problem] = lint_file(path)
    assert "nested deeper than" in problem.message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01binary", "binary file"),
        (b"- just\n- a list\n", "lesson must be a mapping"),
        (b"a: 1\n---\nb: 2\n", "YAML syntax"),
    ],
)
def test_other_unusable_files(tmp_path, content, words):
    path = tmp_path / "file.yaml"
    path.write_bytes(content)
    problems = lint_file(path)
    assert any(words in p.message for p in problems), problems


def test_missing_file_and_directory(tmp_path):
    [missing] = lint_file(tmp_path / "nope.yaml")
    assert missing.message == "no such file"
    [directory] = lint_file(tmp_path)
    assert "is a directory" in directory.message


def test_wrong_types_and_format_version(tmp_path):
    path = tmp_path / "types.yaml"
    path.write_text("format: 2\nid: Bad_Id\ntitle: [a]\nprotocol: imap\nsteps: 5\n")
    messages = [(p.line, p.col, p.message) for p in lint_file(path)]
    assert (1, 9, "format 2 is not known; this mailtutor reads format 1") in messages
    assert (2, 5, "lesson id 'Bad_Id' may use only a-z, 0-9 and '-'") in messages
    assert (3, 8, "title must be text, not a list") in messages
    assert (4, 11, "protocol 'imap' is not one of pop3, smtp") in messages
    assert (5, 8, "steps must be a list, not a number") in messages


def test_quiz_shapes(tmp_path):
    path = tmp_path / "quiz.yaml"
    path.write_text(
        "format: 1\nid: quiz\ntitle: T\nprotocol: pop3\n"
        "steps:\n  - {id: s, say: S, expect: {reply: ok}, solution: [user a]}\n"
        "quiz:\n"
        "  - {id: a, type: multi, ask: A, options: [x, x], answer: [y]}\n"
        "  - {id: a, type: text, ask: B, accept: ['/(/'], options: [p, q]}\n"
        "  - {id: c, type: choice, ask: C, options: [p, q], answer: p, feedback: {r: no}}\n"
    )
    found = [(p.line, p.col, p.severity.value, p.message) for p in lint_file(path)]
    assert (8, 47, "error", "question 'a': option 'x' is listed twice") in found
    assert (8, 60, "error", "question 'a': answer 'y' is not among the options") in found
    assert (9, 10, "error", "duplicate question id 'a'") in found
    # the regex error points inside the pattern, past the quote and the slash
    assert any(f[:2] == (9, 44) and "invalid regular expression" in f[3] for f in found)
    assert (9, 50, "warning", "question 'a': 'options' is not used by text questions") in found
    assert (10, 74, "error", "question 'c': feedback for 'r', which is not an option") in found
    assert len(found) == 6


def test_id_differing_from_file_name_is_a_warning(tmp_path):
    source = (FIXTURES / "smtp-mini.yaml").read_text()
    path = tmp_path / "renamed.yaml"
    path.write_text(source)
    problems = lint_file(path)
    assert [p.severity.value for p in problems] == ["warning"]
    assert "name the file smtp-mini.yaml" in problems[0].message


def test_load_lesson_accepts_str_paths():
    assert load_lesson(str(FIXTURES / "smtp-mini.yaml")).id == "smtp-mini"
    assert isinstance(load_lesson(FIXTURES / "smtp-mini.yaml").path, Path)
