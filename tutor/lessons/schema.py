"""The JSON Schema (draft 2020-12) of the lesson format, kept beside the model.

`OBJECTS` is the single list of keys each mapping may hold: the loader takes its allowed keys from
here, so the schema an editor validates against and what `lint` accepts cannot drift apart.
The loader checks more than the schema can say (regexes compile, answers are among options,
solutions pass on the real engine); the schema gives editors completion and early red marks.
"""

from __future__ import annotations

import json
from typing import Any

from tutor.mail.worlds import MIN_GENERATED_SIZE, NAMED_WORLDS, SMTP_ROLES

from .model import LEVELS, NOTE_KINDS, QuestionType

SCHEMA_ID = "https://mailtutor.invalid/schema/lesson-1.json"
WORLD_SCHEMA_ID = "https://mailtutor.invalid/schema/world-1.json"

_TEXT: dict[str, Any] = {"type": "string", "description": "Markdown text"}
_LINE: dict[str, Any] = {"type": ["string", "null"]}
_REGEX: dict[str, Any] = {"type": "string", "format": "regex"}
_ID: dict[str, Any] = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}
_REPLY: dict[str, Any] = {
    "type": ["string", "integer"],
    "description": "a kind (ok, error, intermediate, transient), a code (250) or a status (+OK)",
}
_TEXTS: dict[str, Any] = {"type": "array", "items": _TEXT}
_LINES: dict[str, Any] = {"type": "array", "items": _LINE}
_INTS: dict[str, Any] = {"type": "array", "items": {"type": "integer", "minimum": 1}}
_WORLD: dict[str, Any] = {
    "description": f"a named world ({', '.join(NAMED_WORLDS)}), a world file's path "
    "(relative to the lesson) or an inline description",
    "anyOf": [
        {"enum": list(NAMED_WORLDS)},
        {"type": "string", "pattern": r"\.(ya?ml|json)$", "description": "a world file"},
        {"$ref": "#/$defs/world"},
    ],
}
_OCTETS: dict[str, Any] = {"type": "integer", "minimum": 1}
_SWITCH: dict[str, Any] = {"type": "boolean"}
_PROTOCOL: dict[str, Any] = {"enum": ["pop3", "smtp"]}
_FEEDBACK: dict[str, Any] = {
    "anyOf": [_TEXT, {"type": "object", "additionalProperties": _TEXT}],
}

#: object name -> {key: JSON Schema of its value}
OBJECTS: dict[str, dict[str, Any]] = {
    "lesson": {
        "format": {"const": 1},
        "id": _ID,
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "protocol": {**_PROTOCOL, "description": "the protocol the lesson starts with"},
        "level": {"enum": list(LEVELS)},
        "minutes": {"type": "integer", "minimum": 1},
        "world": _WORLD,
        "intro": _TEXT,
        "steps": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/step"}},
        "quiz": {"type": "array", "items": {"$ref": "#/$defs/question"}},
        "finish": _TEXT,
    },
    "step": {
        "id": _ID,
        "say": _TEXT,
        "expect": {"$ref": "#/$defs/expect"},
        "hints": {
            "type": "array",
            "items": {"anyOf": [_TEXT, {"$ref": "#/$defs/hint"}]},
            "description": "shown one at a time: the first not yet shown whose state holds",
        },
        "mistakes": {
            "type": "array",
            "items": {"$ref": "#/$defs/mistake"},
            "description": "the first whose conditions all hold is said",
        },
        "solution": {"type": "array", "minItems": 1, "items": _LINE},
        "after": _TEXT,
        "note": _TEXT,
        "note_kind": {
            "enum": list(NOTE_KINDS),
            "description": "the note's heading: article (default, 'About the article'), "
            "rfc, tip or warning",
        },
        "protocol": {
            **_PROTOCOL,
            "description": "default: the previous step's; a change connects a new session "
            "of that protocol to the same world",
        },
    },
    "expect": {
        "command": _REGEX,
        "reply": _REPLY,
        "reply_text": _REGEX,
        "state": {"$ref": "#/$defs/state"},
    },
    "state": {
        "session": {"type": "string", "description": "protocol state name"},
        "user": {"type": ["string", "null"], "description": "'' or empty: no name given"},
        "authenticated": {
            "type": ["boolean", "string"],
            "description": "logged in (true/false), or logged in as this user",
        },
        "tls": {"type": "boolean", "description": "inside TLS (after STARTTLS or STLS)"},
        "marked_deleted": _INTS,
        "not_deleted": _INTS,
        "mail_from": _REGEX,
        "rcpt_to": {"type": "array", "items": {"type": "string"}},
        "delivered": {"type": "integer", "minimum": 0},
        "mailbox": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "closed": {"type": "boolean"},
    },
    "mistake": {
        "match": _REGEX,
        "reply": _REPLY,
        "reply_text": {**_REGEX, "description": "regex searched in the reply's text"},
        "state": {"$ref": "#/$defs/state"},
        "wrong": {
            "type": "boolean",
            "description": "false: the line is fine, just not this step's; say is a remark",
        },
        "say": _TEXT,
    },
    "hint": {
        "say": _TEXT,
        "state": {"$ref": "#/$defs/state"},
    },
    "question": {
        "id": _ID,
        "type": {"enum": [t.value for t in QuestionType]},
        "ask": _TEXT,
        "points": {"type": "integer", "minimum": 0},
        "options": {"type": "array", "items": {"type": ["string", "number"]}},
        "answer": {
            "anyOf": [
                {"type": ["string", "number"]},
                {"type": "array", "items": {"type": ["string", "number"]}},
            ]
        },
        "accept": {
            "type": "array",
            "items": {"type": ["string", "number"]},
            "description": "text: the right answers (strings or /regex/); predict: other "
            "replies that are right too, e.g. a code the RFC allows besides the engine's",
        },
        "exact": {
            "type": "boolean",
            "description": "order: true if only the options' own order is right; default: "
            "any order that works on the engine as the options' order does",
        },
        "tolerance": {"type": "number", "minimum": 0},
        "feedback": _FEEDBACK,
        "explain": _TEXT,
        "command": {"type": "string"},
        "setup": _LINES,
        "world": _WORLD,
        "match": {"enum": ["status", "line"]},
        "goal": {"$ref": "#/$defs/expect"},
        "example": {"type": "string"},
        "protocol": {
            **_PROTOCOL,
            "description": "predict, command, order: default the lesson's",
        },
    },
    "overlay": {
        "format": {"const": 1},
        "lesson": _ID,
        "lang": {"type": "string", "pattern": "^[a-z]{2,3}$"},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "intro": _TEXT,
        "finish": _TEXT,
        "steps": {"type": "object", "additionalProperties": {"$ref": "#/$defs/step_text"}},
        "quiz": {"type": "object", "additionalProperties": {"$ref": "#/$defs/question_text"}},
    },
    "step_text": {
        "say": _TEXT,
        "hints": _TEXTS,
        "mistakes": _TEXTS,
        "after": _TEXT,
        "note": _TEXT,
    },
    "question_text": {
        "ask": _TEXT,
        "options": {"type": "array", "items": {"type": ["string", "number"]}},
        "feedback": _FEEDBACK,
        "explain": _TEXT,
    },
    "course": {
        "format": {"const": 1},
        "sections": {"type": "array", "items": {"$ref": "#/$defs/section"}},
    },
    "section": {
        "title": {"anyOf": [{"type": "string"}, {"type": "object", "additionalProperties": _TEXT}]},
        "lessons": {"type": "array", "items": _ID},
    },
    # -- worlds: inline under a lesson's `world:` or a world file (tutor/mail/worlds.py) -----
    "world": {
        "base": {
            "enum": list(NAMED_WORLDS),
            "description": "start from this named world (its users, letters and settings), "
            "then apply the rest",
        },
        "domain": {
            "type": "string",
            "minLength": 1,
            "description": "the local domain (default server.ru)",
        },
        "hostname": {
            "type": "string",
            "description": "the server's name in greetings (default mail.DOMAIN)",
        },
        "strict": {**_SWITCH, "description": "SMTP refuses bare addresses and MAIL before HELO"},
        "postmaster": {
            "type": "string",
            "description": "the user who gets mail for postmaster (default: the first user)",
        },
        "tls": {**_SWITCH, "description": "the server has a certificate: STARTTLS, STLS, AUTH"},
        "auth_without_tls": {**_SWITCH, "description": "SMTP offers AUTH in clear text too"},
        "plaintext_needs_tls": {
            **_SWITCH,
            "description": "POP3 refuses USER/PASS and AUTH PLAIN before STLS",
        },
        "smtp_role": {
            "enum": list(SMTP_ROLES),
            "description": "mx (port 25, default) or submission (port 587: AUTH before MAIL)",
        },
        "max_message_size": {
            **_OCTETS,
            "description": "largest letter SMTP takes, in octets (default 10485760)",
        },
        "max_maildrop_size": {
            **_OCTETS,
            "description": "octets one maildrop may hold (default 52428800)",
        },
        "users": {
            "type": "array",
            "items": {"$ref": "#/$defs/world_user"},
            "description": "users added to the base's (a base user named again gets this "
            "password and these letters after its own)",
        },
    },
    "world_user": {
        "name": {
            "type": "string",
            "pattern": "^[^ @\t]+$",
            "description": "the mailbox name (no spaces or @)",
        },
        "password": {"type": "string", "description": "default: secret"},
        "messages": {
            "type": "array",
            "items": {
                "anyOf": [
                    {"type": "string", "description": "a letter as text"},
                    {"$ref": "#/$defs/world_letter"},
                ]
            },
            "description": "the maildrop's starting letters, oldest first",
        },
    },
    "world_letter": {
        "text": {"type": "string", "description": "the letter: headers, blank line, body"},
        "file": {
            "type": "string",
            "description": "a letter file in the lesson's or world file's folder",
        },
        "generate": {
            "anyOf": [
                {"type": "integer", "minimum": MIN_GENERATED_SIZE},
                {"$ref": "#/$defs/world_generate"},
            ],
            "description": "a generated letter: its exact size in octets, or the details",
        },
        "uid": {
            "type": ["string", "integer"],
            "pattern": "^[!-~]{1,70}$",
            "description": "the letter's unique-id for UIDL (RFC 1939: 1-70 printable ASCII "
            "characters, no spaces); default DOMAIN-NNNN",
        },
    },
    "world_generate": {
        "size": {
            "type": "integer",
            "minimum": MIN_GENERATED_SIZE,
            "description": "the letter's exact size in octets; the body is filled with prose "
            "up to it (without size: the body alone)",
        },
        "subject": {"type": "string", "description": "default: Generated letter"},
        "from": {"type": "string", "description": "default: sender@example.org"},
        "body": {"type": "string", "description": "the text the body starts with"},
    },
}

#: what a JSON Schema object says beyond its keys (the loader checks the same by hand)
EXTRA: dict[str, dict[str, Any]] = {
    "world_letter": {
        "oneOf": [{"required": [key]} for key in ("text", "file", "generate")],
    },
    "world_generate": {"anyOf": [{"required": ["size"]}, {"required": ["body"]}]},
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "lesson": ("format", "id", "title", "protocol", "steps"),
    "step": ("id", "say", "expect", "solution"),
    "expect": (),
    "state": (),
    "mistake": ("say",),
    "hint": ("say",),
    "question": ("id", "type", "ask"),
    "overlay": ("format", "lesson", "lang"),
    "step_text": (),
    "question_text": (),
    "course": ("format", "sections"),
    "section": ("title", "lessons"),
    "world": (),
    "world_user": ("name",),
    "world_letter": (),
    "world_generate": (),
}


def keys_of(name: str) -> frozenset[str]:
    return frozenset(OBJECTS[name])


def _object(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": OBJECTS[name],
        "additionalProperties": False,
    }
    if REQUIRED[name]:
        schema["required"] = list(REQUIRED[name])
    schema.update(EXTRA.get(name, {}))
    return schema


def json_schema(*, world: bool = False) -> dict[str, Any]:
    """One schema for all three kinds of file: a lesson, a translation overlay, course.yaml;
    with `world`, the schema of a world file (the same definitions, a world at the top)."""
    defs = {name: _object(name) for name in OBJECTS}
    top: dict[str, Any]
    if world:
        top = {
            "$id": WORLD_SCHEMA_ID,
            "title": "mailtutor world file (format 1)",
            "$ref": "#/$defs/world",
        }
    else:
        top = {
            "$id": SCHEMA_ID,
            "title": "mailtutor lesson, translation or course (format 1)",
            "anyOf": [
                {"$ref": "#/$defs/lesson"},
                {"$ref": "#/$defs/overlay"},
                {"$ref": "#/$defs/course"},
            ],
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **top,
        "description": "See docs/lesson-format.md. `mailtutor lint` checks what a schema cannot.",
        "$defs": defs,
    }


def schema_text(*, world: bool = False) -> str:
    return json.dumps(json_schema(world=world), indent=2, ensure_ascii=False) + "\n"
