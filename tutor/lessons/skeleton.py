"""`mailtutor new`: a lesson skeleton that lints clean and shows every feature of the format.

The skeleton is YAML text, not a dumped value, because its point is the comments: each key says
in a few words what it does, so a teacher edits a working lesson instead of reading the
reference first. Both skeletons use only the format as it is today (`lint` must pass on them;
tests/lessons/test_teacher_tools.py checks that for both protocols).
"""

from __future__ import annotations

import re

from .model import Protocol

LESSON_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_HEAD = """\
# A mailtutor lesson, made by `mailtutor new`. Every feature of the format is here once, with a
# short comment; change the texts, keep what you need, delete the rest. Reference:
# docs/lesson-format.md (or `mailtutor schema` for your editor).
#   mailtutor lint {id}.yaml            every problem as file:line:col
#   mailtutor replay {id}.yaml --quiz   the dialogue, then each question with its right answer
#   mailtutor learn {id}.yaml           play it in the app (F8: it plays itself)
format: 1                    # the format version
{id_line}# [a-z0-9-]+, the file name without .yaml; never change it later
{title_line}# put a title holding ": " in quotes
summary: One line for the course list.
protocol: {protocol}               # pop3 | smtp: what the first step talks
level: beginner              # beginner | intermediate | advanced
minutes: 10                  # about how long it takes
world: article               # article | empty | strict | busy | today | submission, a world
                             # file, or inline (docs/lesson-format.md, "Worlds")
intro: |                     # shown before the first step; Markdown
  What the learner will do and why it matters.
"""

_POP3_STEPS = r"""
steps:
  - id: user                 # unique in the lesson; progress is kept by it, so keep it stable
    say: Tell the server whose mailbox you want to read; the user is `ne_skagu`.
    expect:                  # everything given must hold after one typed line
      command: '(?i)^user\s+ne_skagu\s*$'   # a regex on the typed line ((?i): any case)
      reply: ok              # the reply: ok | error | intermediate | a status such as +OK
    hints:                   # F2 shows them one by one; after the last, the solution
      - The command that names the mailbox is USER.
      - Type `user ne_skagu`.
    mistakes:                # checked when a line does not pass; the first that matches speaks
      - match: '(?i)^pass\b' # a regex on the typed line, and/or `reply:` (the reply it got)
        say: First the name with USER, then the password with PASS.
    solution: [user ne_skagu]  # lines that pass the step (lint replays them on the real engine)
    after: The server knows the name and now waits for the password.  # shown when it passes

  - id: pass
    say: Now the password, `secret`.
    expect:
      reply: ok
      state: {session: TRANSACTION, authenticated: true}  # the session's state after the line
    hints:
      - The command is PASS, followed by the password.
      - say: A failed PASS made the server forget the name; type `user ne_skagu` again first.
        state: {user: ''}    # a hint shown only while the server's state is like this
    mistakes:
      - reply_text: 'give USER'   # a regex on the reply's text
        say: The server has forgotten the name after a failed PASS; give `user ne_skagu` again.
      - reply: error
        say: The server refused it; check the spelling of `secret`.
      - match: '(?i)^user\s+ne_skagu\s*$'
        wrong: false         # a remark: fine, but not what this step asks
        say: Good, the name again; now `pass secret`.
    solution: [pass secret]

  - id: stat
    say: Ask how many letters are waiting and their size in all.
    expect: {command: '(?i)^stat\s*$', reply: ok}
    hints: [The command is four letters, STAT.]
    solution: [stat]
    note: |                  # shown after the step as a note
      An old article may print `+ok`; RFC 1939 servers answer `+OK`.
    note_kind: rfc           # the note's heading: article (default), rfc, tip or warning

  - id: quit
    say: End the session.
    expect: {reply: ok, state: {closed: true}}  # no `command`: any line that gets here passes
    hints: [QUIT ends every session.]
    solution: [quit]
"""

_SMTP_STEPS = r"""
steps:
  - id: helo                 # unique in the lesson; progress is kept by it, so keep it stable
    say: Introduce yourself with HELO and your computer's name, for example `home.example.ru`.
    expect:                  # everything given must hold after one typed line
      command: '(?i)^(helo|ehlo)\s+\S+\s*$'  # a regex on the typed line ((?i): any case)
      reply: "250"           # the reply: a code, or ok | error | intermediate | transient
      state: {session: ready}  # the session's state after the line
    hints:                   # F2 shows them one by one; after the last, the solution
      - A session starts with HELO (or EHLO) and a name.
      - Type `helo home.example.ru`.
    mistakes:                # checked when a line does not pass; the first that matches speaks
      - match: '(?i)^(helo|ehlo)\s*$'  # a regex on the typed line, and/or `reply:` it got
        say: HELO needs a name after it, such as `home.example.ru`.
    solution: [helo home.example.ru]  # lines that pass the step (lint replays them)
    after: The server greeted you back; now it takes a letter.  # shown when it passes

  - id: envelope
    say: Give the sender `ne_skagu@server.ru` and the recipient `poluchatel@server.ru`.
    expect:
      reply: "250"
      state:
        session: rcpt
        mail_from: '(?i)^ne_skagu@server\.ru$'  # SMTP: a regex on the envelope's sender
        rcpt_to: [poluchatel@server.ru]
    hints:
      - First MAIL FROM:, then RCPT TO:, each with the address in angle brackets.
    mistakes:
      - match: '(?i)^rcpt\b'
        reply: "503"
        say: First the sender (MAIL FROM), then the recipient (RCPT TO).
    solution: ['mail from:<ne_skagu@server.ru>', 'rcpt to:<poluchatel@server.ru>']

  - id: letter
    say: Send the letter with DATA, a subject, an empty line, a text, and a lone `.` at the end.
    expect: {reply: "250", state: {delivered: 1}}
    hints: [DATA asks for the text; a line holding only a dot ends it.]
    solution: [data, 'Subject: hello', '', Hello from the lesson., .]
    note: |                  # shown after the step as a note
      An old article may print `220` after every command; real servers answer `250` and `354`.
    note_kind: rfc           # the note's heading: article (default), rfc, tip or warning

  - id: quit
    say: End the session.
    expect: {reply: "221", state: {closed: true}}
    hints: [QUIT ends every session.]
    solution: [quit]
"""

_POP3_QUIZ = r"""
quiz:                        # F7 after the last step; only a first answer scores its points
  - id: pick-one
    type: choice             # one option is right
    ask: Which command ends a POP3 session?
    options: [QUIT, STOP, BYE]
    answer: QUIT             # one option's text, exactly
    feedback: {STOP: There is no STOP in POP3.}  # per option (or one text for all)
    explain: QUIT ends the session; deletions happen only then.  # shown with the answer
  - id: pick-many
    type: multi              # the exact set of right options
    ask: Which commands need a logged-in session?
    options: [STAT, RETR, USER]
    answer: [STAT, RETR]
  - id: name-it
    type: text               # typed; exact strings compare ignoring case and spaces
    ask: Which command marks a letter for deletion?
    accept: [DELE, '/(?i)^dele\s*\d*$/']  # the first is shown as the answer; /.../ is a regex
  - id: count
    type: number
    ask: How many letters does ne_skagu have?
    answer: 3
    tolerance: 0             # how far off still counts
    points: 2                # default 1
  - id: in-order
    type: order              # options in the right order; the learner sees them mixed up
    ask: Put the session in order.
    options: [user ne_skagu, pass secret, stat, quit]  # commands: any order that works counts
    # exact: true            # only this order counts (say so for steps that are not commands)
  - id: guess-reply
    type: predict            # the learner predicts the reply the real engine gives
    ask: What does the server answer to `dele 4`?
    setup: [user ne_skagu, pass secret]  # typed first, on a fresh world
    command: dele 4
    match: status            # status: +OK/-ERR is enough; line: the whole first line
  - id: do-it
    type: command            # the learner types one line; `goal` judges it like a step's expect
    ask: Mark letter 2 for deletion.
    setup: [user ne_skagu, pass secret]
    goal: {reply: ok, state: {marked_deleted: [2]}}
    example: dele 2          # a line that reaches the goal (lint runs it)
"""

_SMTP_QUIZ = r"""
quiz:                        # F7 after the last step; only a first answer scores its points
  - id: pick-one
    type: choice             # one option is right
    ask: Which reply code means "go on, send the text"?
    options: ["250", "354", "550"]
    answer: "354"            # one option's text, exactly
    feedback: {"250": 250 says a command is done.}  # per option (or one text for all)
    explain: 3xx codes ask for more; 354 follows DATA.  # shown with the answer
  - id: pick-many
    type: multi              # the exact set of right options
    ask: Which commands build the envelope?
    options: [MAIL FROM, RCPT TO, DATA]
    answer: [MAIL FROM, RCPT TO]
  - id: name-it
    type: text               # typed; exact strings compare ignoring case and spaces
    ask: Which command ends an SMTP session?
    accept: [QUIT, '/(?i)^quit\s*$/']  # the first is shown as the answer; /.../ is a regex
  - id: count
    type: number
    ask: How many digits does an SMTP reply code have?
    answer: 3
    tolerance: 0             # how far off still counts
    points: 2                # default 1
  - id: in-order
    type: order              # options in the right order; the learner sees them mixed up
    ask: Put the session in order.
    options: [HELO, MAIL FROM, RCPT TO, DATA, QUIT]
    exact: true              # words, not commands: only this order counts
  - id: guess-reply
    type: predict            # the learner predicts the reply the real engine gives
    ask: What does the server answer to a recipient on another domain?
    setup: [helo home.example.ru, 'mail from:<ne_skagu@server.ru>']  # typed first, fresh world
    command: 'rcpt to:<someone@example.org>'
    match: status            # status: the code is enough; line: the whole first line
  - id: do-it
    type: command            # the learner types one line; `goal` judges it like a step's expect
    ask: Name poluchatel@server.ru as the recipient.
    setup: [helo home.example.ru, 'mail from:<ne_skagu@server.ru>']
    goal: {reply: "250", state: {rcpt_to: [poluchatel@server.ru]}}
    example: 'rcpt to:<poluchatel@server.ru>'  # a line that reaches the goal (lint runs it)
"""

_FINISH = """
finish: |                    # shown when the last step passes
  Well done. What the learner should remember, in a sentence or two.
"""


def skeleton(lesson_id: str, protocol: Protocol) -> str:
    """The text of a new lesson `lesson_id` talking `protocol`."""
    if not LESSON_ID.match(lesson_id):
        raise ValueError(
            f"'{lesson_id}' is not a lesson id: use lower-case letters, digits and '-'"
        )
    title = f"My {protocol.upper()} lesson"
    head = _HEAD.format(
        id=lesson_id,
        id_line=f"id: {lesson_id} ".ljust(29),
        title_line=f"title: {title} ".ljust(29),
        protocol=protocol.value,
    )
    if protocol is Protocol.POP3:
        return head + _POP3_STEPS + _POP3_QUIZ + _FINISH
    return head + _SMTP_STEPS + _SMTP_QUIZ + _FINISH
