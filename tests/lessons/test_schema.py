"""The JSON Schema agrees with the loader: what the loader accepts, the schema accepts.

jsonschema is not a dependency, so a small validator for the keywords the schema uses lives
here; it checks the valid fixtures and every bundled lesson, translation and course file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tutor.cli import main
from tutor.lessons.lint import lint_file
from tutor.lessons.schema import OBJECTS, REQUIRED, json_schema
from tutor.paths import bundled_lessons_dir

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = json_schema()
TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
    "integer": int,
    "number": (int, float),
}


def errors(value, schema, where="$"):
    if "$ref" in schema:
        schema = SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    found = []
    if "anyOf" in schema:
        options = [errors(value, option, where) for option in schema["anyOf"]]
        if all(options):
            found.append(f"{where}: matches none of anyOf: {options}")
        if set(schema) & {"type", "properties"}:  # an object with an anyOf beside its keys
            found += errors(value, {k: v for k, v in schema.items() if k != "anyOf"}, where)
        return found
    if "oneOf" in schema:
        passing = sum(not errors(value, option, where) for option in schema["oneOf"])
        if passing != 1:
            found.append(f"{where}: matches {passing} of oneOf, not exactly one")
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            isinstance(value, TYPES[n])
            and not (n in ("integer", "number") and isinstance(value, bool))
            for n in names
        )
        if not ok:
            return [f"{where}: {value!r} is not {names}"]
    if "const" in schema and value != schema["const"]:
        found.append(f"{where}: not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        found.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if "minLength" in schema and isinstance(value, str) and len(value) < schema["minLength"]:
        found.append(f"{where}: shorter than {schema['minLength']}")
    if "minimum" in schema and isinstance(value, (int, float)) and value < schema["minimum"]:
        found.append(f"{where}: below minimum")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{where}: too few items")
        for index, item in enumerate(value):
            found += errors(item, schema.get("items", {}), f"{where}[{index}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key in schema.get("required", []):
            if key not in value:
                found.append(f"{where}: missing {key}")
        for key, item in value.items():
            if key in properties:
                found += errors(item, properties[key], f"{where}.{key}")
            elif extra is False:
                found.append(f"{where}: key {key!r} not in the schema")
            elif isinstance(extra, dict):
                found += errors(item, extra, f"{where}.{key}")
    return found


def documents():
    paths = sorted(FIXTURES.glob("*.yaml")) + sorted(bundled_lessons_dir().glob("*.yaml"))
    return [pytest.param(p, id=f"{p.parent.name}/{p.name}") for p in paths]


@pytest.mark.parametrize("path", documents())
def test_every_valid_file_validates_against_the_schema(path):
    assert [p for p in lint_file(path) if p.is_error] == []
    assert errors(yaml.safe_load(path.read_text(encoding="utf-8")), SCHEMA) == []


def test_schema_rejects_what_the_loader_rejects(tmp_path):
    data = yaml.safe_load((FIXTURES / "pop3-mini.yaml").read_text())
    data["steps"][0]["expect"]["comand"] = "x"
    assert any("'comand' not in the schema" in e for e in errors(data, SCHEMA))
    path = tmp_path / "pop3-mini.yaml"
    path.write_text(yaml.safe_dump(data))
    assert any("unknown key 'comand'" in p.message for p in lint_file(path))


@pytest.mark.parametrize("kind", sorted(OBJECTS))
def test_the_loader_knows_every_schema_key(kind):
    """A key in the schema is never reported as unknown by the loader, and vice versa."""
    from tutor.lessons.reader import NodeReader

    reader = NodeReader("mem")
    keys = list(OBJECTS[kind]) + ["not-a-key"]
    node = yaml.compose("\n".join(f"{key}: x" for key in keys))
    reader.fields(node, kind, kind)
    unknown = {p.message.split("'")[1] for p in reader.problems if "unknown key" in p.message}
    assert unknown == {"not-a-key"}
    assert set(REQUIRED[kind]) <= set(OBJECTS[kind])


def test_schema_command_prints_valid_json(capsys):
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert printed == json.loads(json.dumps(SCHEMA))


def test_schema_command_writes_a_file(tmp_path, capsys):
    target = tmp_path / "lesson.schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert json.loads(target.read_text())["$id"] == SCHEMA["$id"]
    assert main(["schema", "-o", str(tmp_path / "no" / "dir.json")]) == 1
    assert "cannot write" in capsys.readouterr().err


# -- worlds --------------------------------------------------------------------------------

WORLD_SCHEMA = json_schema(world=True)
WORLD_FILES = [
    FIXTURES / "docs" / "school-post.yaml",  # a lesson's inline world, every key used
    *sorted(bundled_lessons_dir().glob("*.yaml")),
]


@pytest.mark.parametrize("path", WORLD_FILES, ids=lambda p: p.name)
def test_inline_worlds_validate_against_the_world_schema(path):
    world = yaml.safe_load(path.read_text(encoding="utf-8")).get("world", "article")
    assert errors(world, SCHEMA["$defs"]["lesson"]["properties"]["world"]) == []
    if isinstance(world, dict):
        assert errors(world, WORLD_SCHEMA) == []


@pytest.mark.parametrize(
    ("world", "complaint"),
    [
        ({"users": [{"name": "a", "pasword": "x"}]}, "key 'pasword' not in the schema"),
        ({"users": [{"name": "a", "messages": [{"generate": {"octets": 600}}]}]}, "octets"),
        ({"users": [{"name": "a", "messages": [{"text": "x", "file": "y"}]}]}, "2 of oneOf"),
        ({"users": [{"name": "a", "messages": [{"text": "x", "uid": "a b"}]}]}, "[!-~]"),
        ({"users": [{"name": "a", "messages": [{"generate": {"subject": "s"}}]}]}, "anyOf"),
        ({"base": "artcle"}, "not in ['article'"),
        ({"users": [{"password": "x"}]}, "missing name"),
    ],
)
def test_the_world_schema_refuses_what_lint_refuses(tmp_path, world, complaint):
    assert any(complaint in e for e in errors(world, WORLD_SCHEMA)), errors(world, WORLD_SCHEMA)
    path = tmp_path / "world.yaml"
    path.write_text(yaml.safe_dump(world), encoding="utf-8")
    assert any(p.is_error for p in lint_file(path))


def test_the_world_schema_knows_the_keys_worlds_build_from():
    from tutor.mail import worlds

    assert set(OBJECTS["world"]) == worlds.WORLD_KEYS
    assert set(OBJECTS["world_user"]) == worlds.USER_KEYS
    assert set(OBJECTS["world_letter"]) == worlds.MESSAGE_KEYS
    assert set(OBJECTS["world_generate"]) == worlds.GENERATE_KEYS


def test_schema_world_command_prints_the_world_schema(capsys):
    assert main(["schema", "--world"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(WORLD_SCHEMA))
    assert printed["$ref"] == "#/$defs/world" and printed["$id"] != SCHEMA["$id"]
