"""App-wide behaviour around the sandbox: language, theme, the command palette, start screens."""

from __future__ import annotations

from tutor.ui.commands import MailTutorCommands
from tutor.ui.screens.help import HelpScreen
from tutor.ui.screens.sandbox import SandboxScreen


def footer_text(app) -> dict[str, str]:
    return {key: b.binding.description for key, b in app.screen.active_bindings.items()}


async def test_switching_language_relabels_the_sandbox(make_app, submit):
    app = make_app(("sandbox", "pop3", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await submit(pilot, "user ne_skagu", "pass secret", "dele 1")
        assert footer_text(app)["f1"] == "Help"
        app.action_switch_language()
        await pilot.pause()
        assert app.lang == "ru" and screen.lang == "ru"
        assert footer_text(app)["f1"] == "Справка"
        assert footer_text(app)["ctrl+q"] == "Выход"
        await pilot.press("ctrl+p")
        assert app.screen.query_one("CommandInput").placeholder == "Поиск команд…"
        await pilot.press("escape")
        assert screen.prompt.border_title == "Команда POP3"
        assert "почтовый ящик ne_skagu" in str(screen.panel.query_one("#maildrop-heading").render())
        table = screen.panel.query_one("#maildrop")
        assert str(table.get_row_at(0)[-1]) == "✗ удалено"
        app.action_switch_language()
        await pilot.pause()
        assert footer_text(app)["f1"] == "Help"


async def test_russian_from_the_start(make_app):
    app = make_app(("sandbox", "smtp", "article"), lang="ru")
    async with app.run_test(size=(80, 24)):
        screen = app.screen
        assert "соединение с сервером SMTP" in screen.transcript.plain_lines()[0]
        assert "собираемый конверт" in str(screen.panel.query_one("#envelope-heading").render())


async def test_palette_offers_the_main_actions_and_they_work(make_app):
    app = make_app(("sandbox", "pop3", "article"), theme="textual-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        provider = MailTutorCommands(app.screen)
        hits = [hit async for hit in provider.discover()]
        names = [hit.display for hit in hits]
        assert names == [
            "New POP3 sandbox",
            "New SMTP sandbox",
            "Protocol help",
            "Base64 helper",
            "Toggle light/dark theme",
            "Switch language: Русский",
            "Record this session as a lesson",
            "Quit mailtutor",
        ]
        found = [hit async for hit in provider.search("smtp")]
        assert found and "SMTP" in str(found[0].match_display)

        await hits[4].command()  # theme
        await pilot.pause()
        assert app.theme == "textual-light"
        await hits[1].command()  # new SMTP sandbox on top
        await pilot.pause()
        assert isinstance(app.screen, SandboxScreen) and app.screen.protocol == "smtp"
        await hits[2].command()  # help for the protocol on screen
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and app.screen.protocol == "smtp"
        await pilot.press("escape")
        await pilot.press("escape")  # the SMTP sandbox goes back to the POP3 one beneath
        assert isinstance(app.screen, SandboxScreen) and app.screen.protocol == "pop3"


async def test_home_start_screen_and_sandbox_from_it(make_app):
    from tutor.ui.screens.home import HomeScreen

    app = make_app("home")
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        app.action_open_sandbox("pop3")
        await pilot.pause()
        sandbox = app.screen
        assert isinstance(sandbox, SandboxScreen)
        assert sandbox.fixed_timestamp == "<1.1@server.ru>"  # inherited from the app
        assert "f1" in footer_text(app) and "escape" in footer_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_start_screens_go_back_where_a_user_expects(make_app):
    """A sandbox started alone has nothing to go back to; a lesson started by `learn` leads to
    the course on Esc, and a sandbox opened from there goes back to the course."""
    from tutor.ui.screens.home import HomeScreen
    from tutor.ui.screens.lesson import LessonScreen

    app = make_app(("sandbox", "pop3", "article"))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen_stack == [app.screen]  # the sandbox is the first screen
        assert "escape" not in footer_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, SandboxScreen)

    app = make_app(("lesson", "pop3-article"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        app.action_open_sandbox("pop3")
        await pilot.pause()
        assert "escape" in footer_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
