"""Checking a progress file field by field before anything uses it.

progress.json is ours, but anything may have written it: a crash, a sync tool, a curious user.
Whatever is in it must not crash mailtutor at every start, nor reach the terminal as control
codes. `check_progress` takes the parsed JSON and returns each lesson's entry with every known
field of the given record class checked against its type hint (bool, a non-negative int, text
of bounded length, `X | None`, `dict[str, Record]`, nested records), texts and keys cleaned of
control characters; unknown fields pass through (a newer mailtutor's), missing ones are left to
the defaults. Anything else raises ProgressDamaged with the path of the first bad field.

The check follows the record classes' own type hints, so a field added to LessonProgress is
checked without touching this module.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from typing import Any

from tutor.sanitize import one_line

#: a bigger progress file is not one we wrote (a learner's is a few KiB)
MAX_PROGRESS_BYTES = 4 * 1024 * 1024
MAX_TEXT = 1000
MAX_NUMBER = 10**9
MAX_ENTRIES = 100_000


class ProgressDamaged(ValueError):
    """The progress data does not have the shape mailtutor writes; the message says where."""


def check_progress(data: object, record: type) -> tuple[int, dict[str, dict[str, Any]]]:
    """(format version, lesson id -> checked entry) from parsed JSON; ProgressDamaged if wrong."""
    if not isinstance(data, dict):
        raise ProgressDamaged("not a progress file (no mapping at the top)")
    version = data.get("format")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ProgressDamaged("no format version")
    return version, check_entries(data.get("lessons", {}), record)


def check_entries(lessons: object, record: type) -> dict[str, dict[str, Any]]:
    """lesson id -> the entry checked against the dataclass `record`."""
    return _mapping_of(lessons, "lessons", lambda entry, where: check_record(entry, record, where))


def check_record(data: object, record: type, where: str) -> dict[str, Any]:
    """A JSON object checked against a dataclass's fields (see the module docstring)."""
    if not isinstance(data, dict):
        raise ProgressDamaged(f"{where} is not a mapping")
    hints = typing.get_type_hints(record)
    checked: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):  # pragma: no cover - JSON keys are always text
            raise ProgressDamaged(f"{where} has a key that is not text")
        if key in hints and key in {f.name for f in dataclasses.fields(record)}:
            checked[key] = _check(value, hints[key], f"{where}.{one_line(key, 40)}")
        else:
            checked[key] = value  # unknown: a newer mailtutor's field, ignored by from_json
    return checked


def _check(value: object, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        problems = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _check(value, option, where)
            except ProgressDamaged as exc:
                problems.append(str(exc))
        raise ProgressDamaged(problems[0] if problems else f"{where} must be empty")
    if origin is dict:
        _, value_hint = typing.get_args(hint)
        return _mapping_of(value, where, lambda item, inner: _check(item, value_hint, inner))
    if origin in (list, tuple):
        (item_hint, *_) = typing.get_args(hint) or (Any,)
        if not isinstance(value, list) or len(value) > MAX_ENTRIES:
            raise ProgressDamaged(f"{where} must be a list")
        return [_check(item, item_hint, f"{where}[{i}]") for i, item in enumerate(value)]
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return check_record(value, hint, where)
    if hint is bool:
        if not isinstance(value, bool):
            raise ProgressDamaged(f"{where} must be true or false")
        return value
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_NUMBER:
            raise ProgressDamaged(f"{where} must be a whole number from 0 to {MAX_NUMBER}")
        return value
    if hint is float:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ProgressDamaged(f"{where} must be a number")
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            raise ProgressDamaged(f"{where} must be a number of sensible size")
        return value
    if hint is str:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise ProgressDamaged(f"{where} must be text of at most {MAX_TEXT} characters")
        return one_line(value)
    if hint is Any or hint is object:
        return value
    raise ProgressDamaged(f"{where}: cannot check a field of type {hint!r}")  # pragma: no cover


def _mapping_of(value: object, where: str, check_item) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProgressDamaged(f"{where} is not a mapping")
    if len(value) > MAX_ENTRIES:
        raise ProgressDamaged(f"{where} has more than {MAX_ENTRIES} entries")
    checked: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or len(key) > MAX_TEXT:
            raise ProgressDamaged(f"{where} has a key that is not a short text")
        clean = one_line(key)
        checked[clean] = check_item(item, f"{where}.{one_line(key, 40)}")
    return checked
