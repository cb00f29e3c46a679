"""Help that follows the server: hints and mistakes that name a state, reply_text, remarks."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import yaml

from tutor.lessons import LessonRunner, OutcomeKind, load_lesson
from tutor.lessons.lint import lint_file
from tutor.lessons.schema import json_schema

from .test_schema import errors

LESSON = """\
format: 1
id: help
title: Help that follows the server
protocol: pop3
world: article
steps:
  - id: user
    say: Name the mailbox.
    expect: {command: '(?i)^user\\s+ne_skagu$', reply: ok}
    hints: [Type `user ne_skagu`.]
    solution: [user ne_skagu]
  - id: pass
    say: Now the password.
    expect: {reply: ok, state: {session: TRANSACTION}}
    hints:
      - The command is PASS.
      - say: Type `pass secret`.
        state: {user: ne_skagu}
      - say: The server forgot the name. Type `user ne_skagu` again.
        state: {user: ''}
    mistakes:
      - match: '(?i)^pass\\b'
        reply_text: 'give USER'
        say: Forgotten name.
      - match: '(?i)^pass\\b'
        reply: error
        state: {user: ''}
        say: Wrong password; the name is gone too.
      - match: '(?i)^user\\s+ne_skagu$'
        reply: ok
        wrong: false
        say: Good, the name again.
      - state: {session: AUTHORIZATION}
        say: Still not logged in.
    solution: [pass secret]
"""

OVERLAY = """\
format: 1
lesson: help
lang: ru
steps:
  pass:
    hints: [Команда PASS., Наберите `pass secret`., Сервер забыл имя.]
    mistakes:
      - Имя забыто.
      - Неверный пароль.
      - Хорошо, имя снова.
      - Вы ещё не вошли.
"""


def write(tmp_path: Path, text: str, name: str = "help.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def at_pass_step(tmp_path: Path, lang: str = "en") -> LessonRunner:
    write(tmp_path, OVERLAY, "help.ru.yaml")
    runner = LessonRunner(load_lesson(write(tmp_path, LESSON)), lang=lang)
    runner.start()
    assert runner.submit("user ne_skagu").kind is OutcomeKind.PASSED
    return runner


def test_the_model_keeps_conditions_and_the_file_lints_clean(tmp_path):
    lesson = load_lesson(write(tmp_path, LESSON))
    hints = lesson.steps[1].hints
    assert [h.say for h in hints][0] == "The command is PASS."
    assert hints[0].state is None and hints[1].state.user == "ne_skagu"
    assert hints[2].state.user == ""  # '' : no name (given or remembered)
    wrong_password, remark = lesson.steps[1].mistakes[1:3]
    assert (wrong_password.reply, wrong_password.state.user) == ("error", "")
    assert lesson.steps[1].mistakes[0].reply_text == "give USER"
    assert (wrong_password.wrong, remark.wrong) == (True, False)
    assert lint_file(tmp_path / "help.yaml") == []
    assert errors(yaml.safe_load(LESSON), json_schema()) == []


def test_mistakes_follow_the_reply_text_and_the_state(tmp_path):
    runner = at_pass_step(tmp_path)
    outcome = runner.submit("pass wrong")  # -ERR [AUTH]; the server forgets the name
    assert (outcome.kind, outcome.message) == (
        OutcomeKind.MISTAKE,
        "Wrong password; the name is gone too.",
    )
    outcome = runner.submit("pass secret")  # the right password, but -ERR give USER name first
    assert outcome.replies[-1].text.startswith("give USER")
    assert (outcome.kind, outcome.message) == (OutcomeKind.MISTAKE, "Forgotten name.")
    outcome = runner.submit("noop")  # state-only mistake: any other line in AUTHORIZATION
    assert outcome.message == "Still not logged in."
    outcome = runner.submit("user ne_skagu")
    assert (outcome.kind, outcome.message) == (OutcomeKind.REMARK, "Good, the name again.")
    assert runner.submit("pass secret").kind is OutcomeKind.FINISHED


def test_hints_follow_the_state(tmp_path):
    runner = at_pass_step(tmp_path)
    first = runner.next_hint()
    assert (first.text, first.number, first.total) == ("The command is PASS.", 1, 2)
    assert runner.next_hint().text == "Type `pass secret`."
    assert runner.next_hint() is None and runner.solution_available
    runner.submit("pass wrong")  # now the name is forgotten: "Type pass secret" is untrue
    assert [h.text for h in runner.shown_hints] == ["The command is PASS."]
    assert not runner.solution_available
    hint = runner.next_hint()
    assert (hint.text, hint.number, hint.total) == (
        "The server forgot the name. Type `user ne_skagu` again.",
        2,
        2,
    )
    assert runner.solution_available and runner.hints_shown == 2
    runner.reset_step()  # F5: the name is known again, the first ladder comes back
    assert [h.text for h in runner.shown_hints] == ["The command is PASS.", "Type `pass secret`."]
    assert runner.hints_used == 3


def test_translations_follow_the_same_positions(tmp_path):
    runner = at_pass_step(tmp_path, "ru")
    assert runner.text(runner.current_step, "hints")[2] == "Сервер забыл имя."
    assert runner.submit("pass wrong").message == "Неверный пароль."
    assert runner.next_hint().text == "Команда PASS."
    assert runner.next_hint().text == "Сервер забыл имя."
    assert runner.submit("user ne_skagu").message == "Хорошо, имя снова."
    assert [d for d in lint_file(tmp_path / "help.ru.yaml") if d.is_error] == []


def test_loader_reports_the_new_keys_with_positions(tmp_path):
    path = write(
        tmp_path,
        """\
        format: 1
        id: bad
        title: Bad
        protocol: pop3
        steps:
          - id: s
            say: x
            expect: {reply: ok}
            hints:
              - say: x
                stat: {user: a}
              - say: y
                state: {mail_from: x}
            mistakes:
              - reply_text: 'a('
                say: x
              - wrong: maybe
                match: x
                say: y
              - say: nothing to match
            solution: [capa]
        """,
        "bad.yaml",
    )
    found = [(d.line, d.col, d.message) for d in lint_file(path)]
    assert found == [
        (11, 9, "step 's': hint #1: unknown key 'stat'; did you mean 'state'?"),
        (
            13,
            17,
            "step 's': hint #2: state: 'mail_from' is an SMTP condition "
            "and cannot apply to a POP3 session",
        ),
        (
            15,
            23,  # at the '(' the regex trips on
            "step 's': mistake #1: reply_text: invalid regular expression: "
            "missing ), unterminated subpattern at position 1",
        ),
        (17, 16, "step 's': mistake #2: wrong must be true or false, not the text 'maybe'"),
        (
            20,
            9,
            "step 's': mistake #3: give at least one of 'match' (a pattern on the line), "
            "'reply', 'reply_text' or 'state'",
        ),
    ]


def test_an_overlay_gives_texts_only(tmp_path):
    write(tmp_path, LESSON)
    path = write(
        tmp_path,
        """\
        format: 1
        lesson: help
        lang: ru
        steps:
          pass:
            hints:
              - say: x
                state: {user: ne_skagu}
        """,
        "help.ru.yaml",
    )
    [problem] = [d for d in lint_file(path) if d.is_error]
    assert (problem.line, problem.col) == (7, 9)
    assert "gives only the hint's text; its 'state' stays in the lesson" in problem.message


def test_lint_checks_hints_and_mistakes_on_the_engine(tmp_path):
    path = write(
        tmp_path,
        """\
        format: 1
        id: lint-help
        title: Lint
        protocol: pop3
        world: article
        steps:
          - id: login
            say: Log in.
            expect: {state: {session: TRANSACTION}}
            hints:
              - say: Only once logged in.
                state: {session: TRANSACTION}
            mistakes:
              - match: '^user'
                wrong: false
                say: A remark may cheer a solution line on.
              - reply: ok
                say: Said to the first solution line.
            solution: [user ne_skagu, pass secret]
        """,
        "lint-help.yaml",
    )
    found = [(d.line, d.severity.value, d.message) for d in lint_file(path)]
    assert found == [
        (
            11,
            "warning",
            "step 'login': no hint applies when the step starts (the state of every hint "
            "differs from the one the earlier solutions leave), so F2 goes straight to the "
            "solution",
        ),
    ]
    text = path.read_text().replace("        wrong: false\n", "")
    path.write_text(text)
    messages = [d.message for d in lint_file(path) if d.is_error]
    assert messages == [
        "step 'login': mistake #1 is said to solution line 1 ('user ne_skagu'), "
        "a line on the right way; narrow its conditions"
    ]


def test_the_documented_example_lints_clean(tmp_path):
    docs = Path(__file__).parents[2] / "docs" / "lesson-format.md"
    section = docs.read_text(encoding="utf-8").split("## Help that follows the server")[1]
    example = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    first = """\
        format: 1
        id: doc
        title: Doc
        protocol: pop3
        world: article
        steps:
          - id: user
            say: Name the mailbox.
            expect: {command: '^user', reply: ok}
            solution: [user ne_skagu]
        """
    path = write(tmp_path, textwrap.dedent(first) + textwrap.indent(example, "  "), "doc.yaml")
    assert lint_file(path) == []
    runner = LessonRunner(load_lesson(path))
    runner.go_to_step(1)
    assert runner.submit("pass ******").message.startswith("Wrong password")
    assert runner.submit("pass secret").message.startswith("The server has forgotten")
    assert runner.next_hint().text.startswith("The failed PASS")
