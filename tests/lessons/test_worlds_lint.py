"""Worlds as a teacher writes them: linted like lessons, documented, with letters' bodies and
unique ids given (docs/lesson-format.md, "Worlds")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tutor.cli import main
from tutor.lessons.engine import build_lesson_world, feed, open_session
from tutor.lessons.lint import lint_file, lint_paths
from tutor.lessons.loader import load_lesson
from tutor.lessons.schema import OBJECTS
from tutor.mail.worlds import WorldError, build_world

ROOT = Path(__file__).parents[2]
DOCS = (ROOT / "docs" / "lesson-format.md").read_text(encoding="utf-8")
SCHOOL = Path(__file__).parent / "fixtures" / "docs" / "school-post.yaml"


def errors(problems):
    """The errors only: a lesson whose world is broken also gets a `not checked` warning (its
    steps cannot be replayed), which these tests do not look at."""
    return [p for p in problems if p.is_error]


def docs_section(title: str) -> str:
    start = DOCS.index(f"## {title}\n")
    return DOCS[start : DOCS.index("\n## ", start + 1)]


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, re.S)


def lesson_file(tmp_path: Path, world: str, *, name: str = "w") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"format: 1\nid: {name}\ntitle: T\nprotocol: pop3\nworld:\n{world}"
        "steps:\n  - {id: s, say: S, expect: {reply: ok}, solution: [user ne_skagu]}\n",
        encoding="utf-8",
    )
    return path


def uidl(store, name: str = "ne_skagu") -> list[str]:
    session = open_session("pop3", store)
    session.greeting()
    user = store.user(name)
    assert user is not None
    [*_, (_, replies)] = feed(session, [f"user {user.name}", f"pass {user.password}", "uidl"])
    return replies[-1].body_lines()


# -- a lesson written from the docs alone ------------------------------------------------------


def test_the_lesson_written_from_the_docs_lints_clean_and_replays(capsys):
    assert lint_file(SCHOOL) == []
    assert main(["replay", str(SCHOOL)]) == 0
    out = capsys.readouterr().out
    assert "S: +OK POP3 server ready <1896.697170952@mx.school.ru>" in out  # hostname
    assert "S: +OK 6 6548" in out  # six letters: text, text, file and three generated
    for line in ("1 school.ru-0001", "2 welcome-2", "3 school.ru-0003", "5 report"):
        assert f"S: {line}\n" in out
    assert "Tip: Two letters carry" in out and "RFC: RFC 1939 removes" in out


def test_the_docs_example_lesson_lints_and_replays_as_the_docs_say(tmp_path, capsys):
    example = next(b for b in yaml_blocks(docs_section("Worlds")) if "id: my-uidl" in b)
    path = tmp_path / "my-uidl.yaml"
    path.write_text(example, encoding="utf-8")
    assert lint_file(path) == []
    assert main(["replay", str(path)]) == 0
    out = capsys.readouterr().out
    assert "S: 1 first\n" in out and "S: 2 server.ru-0002\n" in out  # as the docs promise


def test_the_docs_world_example_builds_and_names_every_key(tmp_path):
    section = docs_section("Worlds")
    world = yaml.safe_load(yaml_blocks(section)[0])["world"]
    (tmp_path / "letter.eml").write_text("Subject: from a file\n\nHi.\n")
    path = tmp_path / "example-world.yaml"
    path.write_text(yaml.safe_dump(world), encoding="utf-8")
    assert lint_file(path) == []
    store = build_world(str(path))
    assert uidl(store, "uchenik")[:2] == ["1 server.ru-0001", "2 welcome-2"]
    written = set(re.findall(r"^\s*-?\s*(\w+):", yaml_blocks(section)[0], re.M))
    for kind in ("world", "world_user", "world_letter", "world_generate"):
        assert set(OBJECTS[kind]) <= written, f"{kind}: undocumented keys"


# -- lint: each problem at its own line --------------------------------------------------------

BROKEN_WORLD = """\
  base: artcle
  domian: x.ru
  users:
    - name: ne_skgau
      pasword: secret
      messages:
        - generate: {octets: 600}
        - text: "Subject: a\\n\\nb\\n"
          uid: "a b"
        - {text: x, file: y.eml}
        - generate: {size: 300, sujbect: Hi}
        - {text: x, uid: 007}
    - name: two words
"""


@pytest.mark.parametrize(
    ("line", "col", "words"),
    [
        (6, 9, "base 'artcle' is not one of article, empty"),
        (6, 9, "did you mean 'article'?"),
        (7, 3, "unknown key 'domian'; did you mean 'domain'?"),
        (10, 7, "user ne_skgau: unknown key 'pasword'; did you mean 'password'?"),
        (12, 22, "message #1: generate: unknown key 'octets'"),
        (12, 21, "generate: give 'size' (the letter's octets), 'body' (its text), or both"),
        (14, 16, "message #2: 'uid' must be 1 to 70 printable ASCII characters"),
        (15, 11, "give exactly one of text, file or generate (it gives text, file)"),
        (16, 33, "unknown key 'sujbect'; did you mean 'subject'?"),
        (17, 26, "uid 007 reads as the number 7; write it in quotes: uid: '007'"),
        (18, 13, "name 'two words' may not hold spaces or @"),
    ],
)
def test_every_world_mistake_is_reported_at_its_own_line(tmp_path, line, col, words):
    problems = lint_file(lesson_file(tmp_path, BROKEN_WORLD))
    assert any((p.line, p.col) == (line, col) and words in p.message for p in problems), [
        str(p) for p in problems
    ]


def test_what_needs_the_data_is_reported_at_its_node_too(tmp_path):
    world = (
        "  postmaster: nobody\n"
        "  users:\n"
        "    - name: a\n"
        "      messages:\n"
        "        - {text: x, uid: same}\n"
        "        - {file: missing.eml}\n"
    )
    [problem] = errors(lint_file(lesson_file(tmp_path, world)))
    assert (problem.line, problem.col) == (
        11,
        18,
    ) and "cannot read 'missing.eml'" in problem.message
    world = world.replace("{file: missing.eml}", "{text: y, uid: same}")
    [problem] = errors(lint_file(lesson_file(tmp_path, world)))
    assert (problem.line, problem.col) == (11, 26)
    assert "uid 'same' is used by another letter in a's maildrop" in problem.message
    world = world.replace("uid: same}\n", "uid: other}\n", 1)
    [problem] = errors(lint_file(lesson_file(tmp_path, world)))
    assert (problem.line, problem.col) == (6, 15)
    assert "'postmaster' must name one of the world's users" in problem.message


def test_a_world_file_is_linted_at_its_own_lines_alone_and_from_its_lesson(tmp_path):
    world = tmp_path / "school.yaml"
    world.write_text("users:\n  - name: a\n    paswd: x\n", encoding="utf-8")
    [alone] = lint_file(world)
    assert (alone.path, alone.line, alone.col) == (str(world), 3, 5)
    assert "unknown key 'paswd'; did you mean 'password'?" in alone.message
    lesson = lesson_file(tmp_path, "", name="uses").read_text().replace("world:\n", "world: ")
    lesson = lesson.replace("world: steps", "world: school.yaml\nsteps")
    (tmp_path / "uses.yaml").write_text(lesson, encoding="utf-8")
    problems = lint_paths([tmp_path / "uses.yaml", world])
    [in_lesson] = errors(p for p in problems if p.path == str(tmp_path / "uses.yaml"))
    assert in_lesson.line == 5 and "world file 'school.yaml' has errors" in in_lesson.message
    assert errors(p for p in problems if p is not in_lesson) == [alone]  # once, though named twice


def test_a_world_file_with_a_misspelt_key_is_still_read_as_a_world(tmp_path):
    world = tmp_path / "world.json"
    world.write_text('{"users": [{"name": "a", "messages": [5]}], "domian": "x.ru"}')
    problems = [(p.col, p.message) for p in lint_file(world)]
    assert problems == [
        (39, "world: user a, message #1: give the letter as text, or as text, file or generate"),
        (45, "world: unknown key 'domian'; did you mean 'domain'?"),
    ]


def test_sandbox_worlds_without_lint_still_say_what_is_wrong():
    with pytest.raises(
        WorldError, match=r"generate: unknown key\(s\): octets; generate takes size"
    ):
        build_world({"users": [{"name": "a", "messages": [{"generate": {"octets": 600}}]}]})
    with pytest.raises(WorldError, match=r"pasword \(did you mean password\?\)"):
        build_world({"users": [{"name": "a", "pasword": "x"}]})


# -- letters: given unique ids and bodies ------------------------------------------------------


def test_given_uids_are_listed_and_the_others_keep_their_numbers():
    store = build_world(
        {
            "base": "article",
            "users": [
                {"name": "ne_skagu", "messages": [{"text": "a", "uid": "mine"}, "b"]},
                {"name": "x", "messages": [{"text": "c", "uid": 7}]},
            ],
        }
    )
    assert uidl(store)[3:] == ["4 mine", "5 server.ru-0005"]  # the article's three come first
    assert [m.uid for m in store.messages("x")] == ["7"]
    assert [m.uid for m in store.copy().messages("ne_skagu")][3:] == ["mine", "server.ru-0005"]


@pytest.mark.parametrize("uid", ["", "has space", "x" * 71, "кириллица", True])
def test_a_uid_outside_rfc_1939_is_refused(uid):
    with pytest.raises(WorldError, match=r"message #1: 'uid' must be 1 to 70 printable ASCII"):
        build_world({"users": [{"name": "a", "messages": [{"text": "x", "uid": uid}]}]})


def test_a_given_uid_may_not_repeat_a_numbered_one_in_the_same_maildrop():
    messages = [{"text": "x", "uid": "server.ru-0002"}, "y"]
    with pytest.raises(WorldError, match="uid 'server.ru-0002' is used by another letter"):
        build_world({"users": [{"name": "a", "messages": messages}]})
    # another maildrop is another namespace (RFC 1939 §7: unique within a maildrop)
    users = [{"name": n, "messages": [{"text": "x", "uid": "k"}]} for n in ("a", "b")]
    assert build_world({"users": users}).messages("b")[0].uid == "k"


def test_a_generated_letter_starts_with_its_body_and_keeps_its_size():
    body = "Привет!\nThe figures are below."
    letters = [
        {"generate": {"size": 1500, "subject": "Report", "body": body}},
        {"generate": {"subject": "Short", "body": "Just this line."}},
    ]
    sized, short = build_world({"users": [{"name": "a", "messages": letters}]}).messages("a")
    assert sized.size == 1500 and sized.subject == "Report"
    text = sized.parsed().get_content().replace("\r\n", "\n")
    assert text.startswith(body + "\n\n") and len(text) > len(body) + 100  # then prose
    assert short.parsed().get_content() == "Just this line.\r\n" and short.size < 300


def test_a_body_too_big_for_its_size_says_so(tmp_path):
    world = "  users:\n    - name: a\n      messages:\n        - generate: {size: 300, body: '"
    [problem] = errors(lint_file(lesson_file(tmp_path, world + "x" * 400 + "'}\n")))
    assert (problem.line, problem.col) == (9, 21)
    assert re.search(
        r"the body alone makes a letter of \d+ octets, more than size 300", problem.message
    )


def test_generated_letters_and_uids_are_the_same_on_every_build(tmp_path):
    lesson = load_lesson(SCHOOL)
    first, second = (build_lesson_world(lesson.world, SCHOOL.parent) for _ in range(2))
    assert [(m.uid, m.data) for m in first.messages("uchenik")] == [
        (m.uid, m.data) for m in second.messages("uchenik")
    ]


def test_sandbox_names_the_line_of_a_broken_world_file(tmp_path, capsys):
    world = tmp_path / "broken-world.yaml"
    world.write_text("users:\n  - name: a\n    messages:\n      - generate: {octets: 600}\n")
    assert main(["sandbox", "pop3", "--world", str(world)]) == 2
    err = capsys.readouterr().err
    assert f"{world}:4:20: error: world: user a, message #1: generate: unknown key 'octets'" in err
