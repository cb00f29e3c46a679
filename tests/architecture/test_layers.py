"""The layer rule of design.md, checked on the source: each layer imports only the ones above it.

protocol -> mail -> net -> lessons -> ui -> cli/commands. The engines must never learn about
asyncio or Textual, lessons never about Textual, and nothing but the UI and commands about lessons.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TUTOR = Path(__file__).resolve().parents[2] / "tutor"

#: package -> imports it must not make (prefixes of absolute module names)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "protocol": (
        "tutor.mail",
        "tutor.net",
        "tutor.lessons",
        "tutor.ui",
        "tutor.commands",
        "tutor.cli",
        "asyncio",
        "textual",
        "yaml",
    ),
    "mail": ("tutor.net", "tutor.lessons", "tutor.ui", "tutor.commands", "asyncio", "textual"),
    "net.py": ("tutor.lessons", "tutor.ui", "tutor.commands", "textual", "yaml"),
    "lessons": ("tutor.net", "tutor.ui", "tutor.commands", "textual", "asyncio"),
}


def imported_modules(path: Path) -> set[str]:
    """Absolute names of every module a file imports, relative imports resolved."""
    package = ".".join(path.relative_to(TUTOR.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def files_of(layer: str) -> list[Path]:
    target = TUTOR / layer
    return [target] if target.is_file() else sorted(target.rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_is_above_it(layer: str) -> None:
    files = files_of(layer)
    assert files, f"no sources found for {layer}"
    offences = [
        f"{path.relative_to(TUTOR.parent)} imports {name}"
        for path in files
        for name in sorted(imported_modules(path))
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer])
    ]
    assert offences == []


def test_the_checker_sees_relative_imports() -> None:
    names = imported_modules(TUTOR / "protocol" / "pop3.py")
    assert "tutor.protocol.replies" in names and "tutor.protocol.maildrop" in names
