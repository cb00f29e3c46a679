"""A broken translation falls back to English with a notice in the lesson screen, not silently."""

from __future__ import annotations

import shutil
from pathlib import Path

from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.screens.quiz import QuizScreen

FIXTURES = Path(__file__).parents[1] / "lessons" / "fixtures"

#: `steps` must map step ids to texts: the file does not load, the lesson stays English
UNUSABLE = "format: 1\nlesson: pop3-mini\nlang: ru\ntitle: Мини POP3\nsteps: [3]\n"
#: loads, but one step id is not in the lesson: that text alone stays English
PARTIAL = (
    "format: 1\nlesson: pop3-mini\nlang: ru\ntitle: Мини POP3\n"
    "steps:\n  login-user: {say: Назовите ящик.}\n  log-out: {say: Выйдите.}\n"
)


def lesson_with_translation(tmp_path: Path, text: str) -> Path:
    shutil.copy(FIXTURES / "pop3-mini.yaml", tmp_path)
    (tmp_path / "pop3-mini.ru.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "pop3-mini.yaml"


async def mounted_lesson(pilot) -> LessonScreen:
    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, LessonScreen) and screen.title:
            return screen
        await pilot.pause()
    raise AssertionError("the lesson screen did not mount")


def notices(app) -> list[tuple[str, str]]:
    return [(str(n.title), str(n.message)) for n in app._notifications]


async def test_a_partly_broken_translation_is_used_where_it_can_be(tmp_path, make_app):
    path = lesson_with_translation(tmp_path, PARTIAL)
    # Opened as `learn --quiz` does: the notice stays in sight over the quiz preview.
    app = make_app(("lesson", str(path), "quiz"), lang="ru")
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            if isinstance(app.screen, QuizScreen):
                break
            await pilot.pause()
        screen = app.screen_stack[-2]
        assert isinstance(app.screen, QuizScreen) and isinstance(screen, LessonScreen)
        assert screen.title == "Мини POP3"
        [(title, message)] = notices(app)
        assert title.startswith("В переводе pop3-mini.ru.yaml ошибки; затронутые ими тексты")
        assert message == (
            f"{tmp_path / 'pop3-mini.ru.yaml'}:7:12: error: no step 'log-out' in lesson 'pop3-mini'"
        )


async def test_an_unusable_translation_leaves_english_and_says_why(tmp_path, make_app):
    path = lesson_with_translation(tmp_path, UNUSABLE)
    app = make_app(("lesson", str(path)), lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await mounted_lesson(pilot)
        assert notices(app) == []  # English needs no translation
        app.action_switch_language()  # `l`, as on the course screen
        await pilot.pause()
        assert screen.lang == "ru"
        assert screen.title == "Mini POP3"  # English: nothing of the translation is used
        [(title, message)] = notices(app)
        # said in the interface's language, with lint's own line (the translation's position)
        assert title == "В переводе pop3-mini.ru.yaml ошибки, поэтому урок показан на английском:"
        assert message.startswith(f"{tmp_path / 'pop3-mini.ru.yaml'}:5:8: error: ")
