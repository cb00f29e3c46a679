"""Damaged lesson files never crash lint: seeded random edits of valid files."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tutor.lessons.diagnostics import Diagnostic
from tutor.lessons.lint import lint_paths

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = ["smtp-mini.yaml", "pop3-mini.ru.yaml"]
INSERTS = [
    ": ",
    "[",
    "{",
    "- ",
    "'",
    '"',
    " ",
    "1",
    "null",
    "[1, 2]",
    "{a: b}",
    "true",
    "&x",
    "*x",
    "!!str",
    "\t",
    "é",
    "#",
]


def mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    for _ in range(rng.randint(1, 4)):
        j = rng.randrange(len(lines))
        op = rng.random()
        if op < 0.25:
            del lines[j]
        elif op < 0.5:
            lines.insert(j, lines[rng.randrange(len(lines))])
        else:
            line = lines[j]
            k = rng.randrange(len(line) + 1)
            cut = rng.randint(1, 5) if op > 0.8 else 0
            lines[j] = line[:k] + ("" if cut else rng.choice(INSERTS)) + line[k + cut :]
        if not lines:
            lines = ["x"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(4))
def test_random_damage_gives_diagnostics_not_tracebacks(tmp_path, seed):
    rng = random.Random(seed)
    (tmp_path / "pop3-mini.yaml").write_text((FIXTURES / "pop3-mini.yaml").read_text())
    for number in range(40):
        source = rng.choice(SOURCES)
        target = tmp_path / ("pop3-mini.ru.yaml" if "ru" in source else f"l{number}.yaml")
        target.write_text(mutate((FIXTURES / source).read_text(), rng), encoding="utf-8")
        problems = lint_paths([target])
        assert all(isinstance(p, Diagnostic) for p in problems)
        assert not any("please report it" in p.message for p in problems), problems
