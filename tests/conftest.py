"""Suite-wide: the order tests are handed to the xdist workers.

xdist (`-n auto`) hands the tests out in collection order, and a worker that draws a long test
near the end keeps the run going while the other waits. So the long ones (Pilot tours through
every screen, the browser, server processes) go first and the quick unit tests of the engines
and lessons last, where they fill both workers to the end. Each file keeps its own order, so
module-scoped fixtures start once per worker as before. Nothing is skipped or changed: the same
tests run, in another order (they do not depend on one another).
"""

from __future__ import annotations

import pytest

#: path prefixes, longest-running first; anything not listed comes after them, in its own order
FIRST = (
    "tests/ui/test_keystorm.py",
    "tests/web/test_browser.py",
    "tests/ui/test_tls_lessons.py",
    "tests/ui/test_quiz.py",
    "tests/ui/test_monkey.py",
    "tests/ui/",
    "tests/web/",
    "tests/net/",
)


def rank(nodeid: str) -> int:
    return next((i for i, prefix in enumerate(FIRST) if nodeid.startswith(prefix)), len(FIRST))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: rank(item.nodeid))  # stable: each file keeps its order
