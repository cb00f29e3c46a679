"""Strings of the classroom's web pages, in English and Russian, in the UI's shared table."""

from __future__ import annotations

from tutor.ui.i18n import register, tr

__all__ = ["tr"]

register(
    {
        "web.welcome.title": {"en": "mailtutor classroom", "ru": "mailtutor: класс"},
        "web.welcome.prompt": {
            "en": "Your name (your progress is kept under it):",
            "ru": "Ваше имя (под ним сохраняется ваш прогресс):",
        },
        "web.welcome.start": {"en": "Start", "ru": "Начать"},
        "web.welcome.bad_name": {
            "en": "Please type a name with at least one letter or digit.",
            "ru": "Введите имя хотя бы с одной буквой или цифрой.",
        },
        "web.fresh_world": {
            "en": "Each tab or reload starts a fresh mail world; your lesson progress is kept.",
            "ru": "Каждая вкладка и перезагрузка начинают новый почтовый мир; "
            "прогресс уроков сохраняется.",
        },
        "web.starting": {
            "en": "Starting mailtutor for {name}…",
            "ru": "Запускаем mailtutor для {name}…",
        },
        "web.starting_class": {
            "en": "When a whole class starts at once this takes a few seconds.",
            "ru": "Когда весь класс начинает одновременно, это занимает несколько секунд.",
        },
        "web.ended": {"en": "Session ended.", "ru": "Сеанс завершён."},
        "web.restart": {"en": "Start again", "ru": "Начать заново"},
        "web.full.title": {"en": "The class is full", "ru": "Класс заполнен"},
        "web.full.text": {
            "en": "All {max} places are taken. Try again in a minute, or ask your teacher.",
            "ru": "Все места ({max}) заняты. Попробуйте через минуту или спросите преподавателя.",
        },
        "web.taken.title": {"en": "This name is taken", "ru": "Это имя занято"},
        "web.taken.text": {
            "en": "Another browser already studies as {name}. Pick another name, "
            "or ask your teacher.",
            "ru": "Под именем {name} уже занимаются в другом браузере. Выберите другое имя "
            "или спросите преподавателя.",
        },
        "web.try_again": {"en": "Try again", "ru": "Попробовать снова"},
        "web.other_name": {"en": "Another name", "ru": "Другое имя"},
    }
)
