"""A crash that still happens exits non-zero and says where its report was saved."""

from __future__ import annotations

from pathlib import Path

from tutor.ui import app as app_module
from tutor.ui.app import MailTutorApp
from tutor.ui.crash import run_app


class BrokenApp(MailTutorApp):
    """The app with a fault planted just after start-up, as a real bug would be."""

    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))

    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(self.fail)

    def fail(self) -> None:
        raise RuntimeError("planted fault")


def test_a_crash_exits_1_and_names_the_saved_report(isolated_data, capsys):
    code = run_app(BrokenApp(start=("sandbox", "pop3", "article")), headless=True)
    assert code == 1
    reports = list(isolated_data.glob("crash-*.txt"))
    assert len(reports) == 1
    text = reports[0].read_text(encoding="utf-8")
    assert "RuntimeError: planted fault" in text
    assert "SandboxScreen" in text  # the screens open when it happened
    err = capsys.readouterr().err
    assert f"a report was saved to {reports[0]}" in err


def test_a_normal_exit_is_0_and_writes_no_report(isolated_data):
    app = MailTutorApp(start=("sandbox", "pop3", "article"))
    app.call_later(app.exit)
    assert run_app(app, headless=True) == 0
    assert not list(isolated_data.glob("crash-*"))
