"""What happens when the TUI crashes anyway: a report file, one line saying where, exit 1.

Textual prints the traceback when the app stops on an exception; the process then exited 0, and
the traceback was gone with the terminal's scrollback. `run_app` runs the app, and if it stopped
on an exception writes the traceback (with versions and the screen stack) to a file in the user
data folder ($MAILTUTOR_DATA_DIR overrides it), says where on stderr, and returns 1.
"""

from __future__ import annotations

import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

#: what the report's file names start with, in the data folder
REPORT_PREFIX = "crash-"


def crash_report_text(error: BaseException, screens: list[str], when: datetime) -> str:
    """The report: when, versions, the screens open, and the full traceback."""
    try:
        from importlib.metadata import version

        textual_version = version("textual")
    except Exception:  # a report must never fail for want of a version number
        textual_version = "?"
    lines = [
        "mailtutor crash report",
        f"time: {when.isoformat(timespec='seconds')}",
        f"python: {platform.python_version()} on {platform.platform()}",
        f"textual: {textual_version}",
        f"screens (bottom to top): {' > '.join(screens) or '-'}",
        f"command: {' '.join(sys.argv)}",
        "",
        *traceback.format_exception(error),
    ]
    return "\n".join(line.rstrip("\n") for line in lines) + "\n"


def write_crash_report(text: str, folder: Path, when: datetime) -> Path:
    """Write `text` to a new file in `folder` (made if missing); returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = REPORT_PREFIX + when.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stem}.txt"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def report_crash(app: Any) -> int:
    """After `app.run()`: 0 if it ended normally; else save a report, say where, return 1."""
    error = getattr(app, "_exception", None)
    if error is None:
        code = app.return_code
        return int(code) if code else 0
    from tutor.lessons.progress import data_dir

    when = datetime.now().astimezone()
    screens = list(getattr(app, "crash_screens", None) or [])
    text = crash_report_text(error, screens, when)
    try:
        path = write_crash_report(text, data_dir(), when)
    except OSError as exc:
        print(f"mailtutor crashed; the report could not be saved ({exc})", file=sys.stderr)
    else:
        print(f"mailtutor crashed; a report was saved to {path}", file=sys.stderr)
    return 1


def run_app(app: Any, **run_options: Any) -> int:
    """Run the Textual app (run_options go to `App.run`, e.g. headless); the process's exit
    status (see report_crash)."""
    app.run(**run_options)
    return report_crash(app)
