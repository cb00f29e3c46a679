"""Glue between the lesson screens and `tutor.lessons`: open a runner, draw its transcript, set
up the prompt, save progress. Small functions so the screens stay about layout.
"""

from __future__ import annotations

from typing import Any

from tutor.lessons import LessonError, LessonNotFound, LessonRunner, find_lesson, load_lesson
from tutor.lessons.progress import Progress
from tutor.ui.i18n import tr
from tutor.ui.widgets.prompt import CommandPrompt, completion_words
from tutor.ui.widgets.transcript import Transcript


class LessonLoadError(Exception):
    """A lesson that cannot be opened; the message says why (not found, or its lint problems)."""


def load_runner_lesson(id_or_path: str) -> Any:
    """The Lesson for a bundled id or a path; LessonLoadError with a readable message if not."""
    try:
        return load_lesson(find_lesson(id_or_path))
    except LessonNotFound as exc:
        raise LessonLoadError(str(exc)) from exc
    except LessonError as exc:
        problems = [str(d) for d in exc.diagnostics if d.is_error] or [str(exc)]
        raise LessonLoadError("\n".join(problems)) from exc


def open_runner(id_or_path: str, lang: str) -> LessonRunner:
    return LessonRunner(load_runner_lesson(id_or_path), lang=lang)


def command_keywords(protocol: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """Keywords and Tab completions of a protocol, from its command reference."""
    if protocol == "pop3":
        from tutor.protocol.pop3 import POP3_COMMANDS as reference
    else:
        from tutor.protocol.smtp import SMTP_COMMANDS as reference
    return (
        tuple(row.keyword for row in reference),
        completion_words({row.keyword: row.syntax for row in reference}),
    )


def prompt_setup(prompt: CommandPrompt, protocol: str) -> None:
    """Point the prompt at `protocol`: its label, keywords and Tab completions."""
    keywords, completions = command_keywords(protocol)
    prompt.protocol = protocol
    prompt.set_keywords(keywords, completions)
    prompt.set_lang(prompt.lang)  # redraws the label, which names the protocol


def connection_note(connection: Any, lang: str) -> str:
    """What the transcript says when a lesson step opens a session of another protocol."""
    note = tr("lesson.connected", lang, protocol=connection.protocol.value.upper())
    if connection.dropped is not None:
        dropped = tr("lesson.dropped", lang, protocol=connection.dropped.value.upper())
        note = f"{dropped}\n{note}"
    return note


def draw_connection(transcript: Transcript, connection: Any, lang: str) -> None:
    transcript.end_tls()  # a new connection starts in clear text
    transcript.add_note(connection_note(connection, lang))
    transcript.add_replies(connection.greeting)


def draw_exchanges(transcript: Transcript, runner: LessonRunner, lang: str) -> None:
    """Draw the runner's whole transcript as the learner saw it: the greeting of each session
    (with a note where a step switched protocol), and letter text after a 354 reply up to the
    lone "." shown as such, not as commands."""
    connections = dict(runner.connections)
    in_data = False
    for index, (line, replies) in enumerate(runner.transcript):
        if line is None:
            connection = connections.get(index)
            if connection is not None and index > 0:
                draw_connection(transcript, connection, lang)
                in_data = False
                continue
        else:
            transcript.add_client(line, message_text=in_data)
            if in_data and line == ".":
                in_data = False
        transcript.add_replies(replies)
        draw_tls(transcript, runner, replies, lang)
        if replies and replies[-1].status == "354":
            in_data = True


def draw_tls(transcript: Transcript, runner: LessonRunner, replies: Any, lang: str) -> None:
    """Redrawing: the (simulated) handshake after a STARTTLS/STLS reply, and the end of the
    encrypted part when a reply closed the connection."""
    if any(reply.starts_tls for reply in replies):
        from tutor.protocol.session import describe_tls, simulated_tls

        transcript.add_tls(describe_tls(simulated_tls(runner.store.hostname), lang=lang))
    if any(reply.closes for reply in replies):
        transcript.end_tls()


def open_progress() -> Progress:
    """The learner's progress file ($MAILTUTOR_DATA_DIR or the user data folder)."""
    return Progress()


def progress_resume_step(progress: Progress, runner: LessonRunner) -> int:
    """The step to reopen the lesson at: where the last unfinished run stopped, else 0."""
    entry = progress.lesson(runner.lesson.id)
    if entry.updated is None:
        return 0
    index = entry.resume_index(runner.lesson)
    return index if 0 < index < runner.step_count else 0


def save_progress(progress: Progress | None, runner: LessonRunner) -> list[str]:
    """Record the runner's state; returns messages for the learner (e.g. cannot save)."""
    if progress is None:
        return []
    before = len(progress.messages)
    progress.record(runner)
    return progress.messages[before:]
