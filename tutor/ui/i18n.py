"""Interface strings in English and Russian, looked up by key.

One shared table: screens register their own keys with `register()` when their module is
imported, so every part of the UI translates through the same `tr()`. A key missing in Russian
falls back to English; a key missing everywhere shows the key itself, which a test can catch.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGUAGES = ("en", "ru")

#: key -> {lang: text}
_TABLE: dict[str, dict[str, str]] = {}


def register(table: Mapping[str, Mapping[str, str]]) -> None:
    """Add (or replace) strings: {"key": {"en": "...", "ru": "..."}}."""
    for key, texts in table.items():
        _TABLE.setdefault(key, {}).update(texts)


def tr(key: str, lang: str = "en", **fmt: object) -> str:
    """The text for `key` in `lang`, formatted with `fmt` (str.format fields)."""
    texts = _TABLE.get(key)
    if texts is None:
        return key
    text = texts.get(lang) or texts.get("en") or key
    return text.format(**fmt) if fmt else text


def has(key: str, lang: str) -> bool:
    return lang in _TABLE.get(key, {})


def all_keys() -> list[str]:
    return sorted(_TABLE)


def default_language(environ: Mapping[str, str] | None = None) -> str:
    """ru when the locale says so (LC_ALL, LC_MESSAGES, LANG, in POSIX precedence), else en."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    return "en"


def resolve_language(lang: str | None) -> str:
    """The --lang option if given, else the locale's language."""
    return lang if lang in LANGUAGES else default_language()


register(
    {
        # app-wide
        "app.title": {"en": "mailtutor", "ru": "mailtutor"},
        "app.sub_title.sandbox": {
            "en": "{protocol} sandbox · world {world}",
            "ru": "песочница {protocol} · мир {world}",
        },
        "binding.quit": {"en": "Quit", "ru": "Выход"},
        "binding.help": {"en": "Help", "ru": "Справка"},
        "binding.record": {"en": "Record", "ru": "Запись"},
        "binding.new_session": {"en": "New", "ru": "Заново"},
        "binding.back": {"en": "Back", "ru": "Назад"},
        "binding.toggle_panel": {"en": "Panel", "ru": "Панель"},
        "binding.palette": {"en": "Commands", "ru": "Команды"},
        "binding.close": {"en": "Close", "ru": "Закрыть"},
        "binding.save": {"en": "Save", "ru": "Сохранить"},
        "binding.history_back": {"en": "Previous", "ru": "Предыдущая"},
        "binding.history_forward": {"en": "Next", "ru": "Следующая"},
        "binding.complete": {"en": "Complete", "ru": "Дополнить"},
        # command palette
        "palette.placeholder": {"en": "Search for commands…", "ru": "Поиск команд…"},
        "palette.sandbox_pop3": {"en": "New POP3 sandbox", "ru": "Новая песочница POP3"},
        "palette.sandbox_pop3.help": {
            "en": "Free play against a fresh article world",
            "ru": "Свободная игра с новым миром из статьи",
        },
        "palette.sandbox_smtp": {"en": "New SMTP sandbox", "ru": "Новая песочница SMTP"},
        "palette.sandbox_smtp.help": {
            "en": "Send letters to a fresh article world",
            "ru": "Отправка писем в новый мир из статьи",
        },
        "palette.help": {"en": "Protocol help", "ru": "Справка по протоколу"},
        "palette.help.help": {
            "en": "The commands of the current protocol",
            "ru": "Команды текущего протокола",
        },
        "palette.theme": {"en": "Toggle light/dark theme", "ru": "Светлая/тёмная тема"},
        "palette.theme.help": {
            "en": "Switch between textual-light and textual-dark",
            "ru": "Переключить textual-light и textual-dark",
        },
        "palette.lang": {"en": "Switch language: Русский", "ru": "Сменить язык: English"},
        "palette.lang.help": {
            "en": "Interface and lessons in Russian",
            "ru": "Интерфейс и уроки на английском",
        },
        "palette.record": {
            "en": "Record this session as a lesson",
            "ru": "Записать сеанс как урок",
        },
        "palette.record.help": {
            "en": "Save the dialogue as a lesson skeleton (YAML)",
            "ru": "Сохранить диалог как заготовку урока (YAML)",
        },
        "palette.hint": {"en": "Next hint", "ru": "Следующая подсказка"},
        "palette.hint.help": {
            "en": "Show the next hint for this step (F2)",
            "ru": "Показать следующую подсказку к шагу (F2)",
        },
        "palette.reset_step": {"en": "Redo this step", "ru": "Шаг заново"},
        "palette.reset_step.help": {
            "en": "Start the step again on a fresh connection (F5)",
            "ru": "Начать шаг заново с новым соединением (F5)",
        },
        "palette.reset_lesson": {"en": "Restart the lesson", "ru": "Начать урок заново"},
        "palette.reset_lesson.help": {
            "en": "Back to the first step, with a fresh world (F6)",
            "ru": "Вернуться к первому шагу, мир — заново (F6)",
        },
        "palette.quiz": {"en": "Take the quiz", "ru": "Пройти тест"},
        "palette.quiz.help": {
            "en": "The lesson's self-check questions (F7)",
            "ru": "Вопросы для самопроверки по уроку (F7)",
        },
        "palette.demo": {"en": "Watch the lesson play itself", "ru": "Показать урок в действии"},
        "palette.demo.help": {
            "en": "Replay the solutions with pause, step and speed keys (F8)",
            "ru": "Проиграть решения: пауза, шаг, скорость (F8)",
        },
        "palette.quit": {"en": "Quit mailtutor", "ru": "Выйти из mailtutor"},
        "palette.quit.help": {"en": "Leave the application", "ru": "Закрыть приложение"},
        "palette.not_here": {
            "en": "Not available on this screen",
            "ru": "Недоступно на этом экране",
        },
        # prompt
        "prompt.command": {"en": "command", "ru": "команда"},
        "prompt.command.placeholder": {
            "en": "type a {protocol} command, Tab completes",
            "ru": "введите команду {protocol}, Tab дополняет",
        },
        "prompt.message": {
            "en": "message text — end with a line holding a single .",
            "ru": "текст письма — закончите строкой из одной точки .",
        },
        "prompt.message.placeholder": {
            "en": "a line of the letter (headers, blank line, body)",
            "ru": "строка письма (заголовки, пустая строка, текст)",
        },
        "prompt.closed": {
            "en": "connection closed — Enter or Ctrl+N opens a new one",
            "ru": "соединение закрыто — Enter или Ctrl+N откроет новое",
        },
        "prompt.candidates": {"en": "Tab: {candidates}", "ru": "Tab: {candidates}"},
        "prompt.no_match": {
            "en": "no command starts with {prefix}",
            "ru": "нет команды, начинающейся с {prefix}",
        },
        # transcript notes
        "note.connected": {
            "en": "connected to {protocol} server {host} (world {world})",
            "ru": "соединение с сервером {protocol} {host} (мир {world})",
        },
        "note.users": {
            "en": "users in this world: {users}",
            "ru": "пользователи этого мира: {users}",
        },
        "note.closed": {
            "en": "the server closed the connection; press Enter or Ctrl+N for a new one",
            "ru": "сервер закрыл соединение; Enter или Ctrl+N — новое соединение",
        },
        "note.new_session": {"en": "new session, fresh world", "ru": "новый сеанс, свежий мир"},
        "note.saved": {
            "en": "recorded lesson saved to {path}",
            "ru": "записанный урок сохранён в {path}",
        },
        "note.nothing_to_record": {
            "en": "nothing to record yet: type some commands first",
            "ru": "пока нечего записывать: сначала введите команды",
        },
        "note.message_mode": {
            "en": "message mode: every line is part of the letter until a line with a single .",
            "ru": "режим письма: каждая строка — часть письма до строки из одной точки .",
        },
        # state panel
        "panel.title": {"en": "server state", "ru": "состояние сервера"},
        "panel.state": {"en": "state", "ru": "состояние"},
        "panel.user": {"en": "user", "ru": "пользователь"},
        "panel.nobody": {"en": "nobody yet", "ru": "пока никто"},
        "panel.authenticated": {"en": "logged in", "ru": "вошёл"},
        "panel.not_authenticated": {"en": "not logged in", "ru": "не вошёл"},
        "panel.closed": {"en": "connection closed", "ru": "соединение закрыто"},
        "panel.maildrop": {"en": "maildrop of {user}", "ru": "почтовый ящик {user}"},
        "panel.maildrop.after_quit": {
            "en": "maildrop of {user} after QUIT",
            "ru": "ящик {user} после QUIT",
        },
        "panel.maildrop.locked": {
            "en": "log in (USER, PASS) to open a maildrop",
            "ru": "войдите (USER, PASS), чтобы открыть ящик",
        },
        "panel.maildrop.empty": {"en": "the maildrop is empty", "ru": "ящик пуст"},
        "panel.col.number": {"en": "No", "ru": "№"},
        "panel.col.size": {"en": "octets", "ru": "октеты"},
        "panel.col.uid": {"en": "UID", "ru": "UID"},
        "panel.col.subject": {"en": "subject", "ru": "тема"},
        "panel.col.mark": {"en": "mark", "ru": "отметка"},
        "panel.col.letter": {"en": "queue id, subject", "ru": "очередь, тема"},
        "panel.col.recipients": {"en": "to", "ru": "кому"},
        "panel.col.name": {"en": "user", "ru": "пользователь"},
        "panel.col.password": {"en": "password", "ru": "пароль"},
        "panel.col.letters": {"en": "letters", "ru": "писем"},
        "panel.col.lock": {"en": "lock", "ru": "замок"},
        "panel.deleted": {"en": "✗ deleted", "ru": "✗ удалено"},
        "panel.kept": {"en": "", "ru": ""},
        "panel.locked": {"en": "locked", "ru": "занят"},
        "panel.total": {
            "en": "{count} letters, {size} octets; marked for deletion: {marked}",
            "ru": "писем: {count}, октетов: {size}; помечено к удалению: {marked}",
        },
        "panel.none": {"en": "none", "ru": "нет"},
        "panel.envelope": {"en": "envelope being built", "ru": "собираемый конверт"},
        "panel.helo": {"en": "HELO name", "ru": "имя в HELO"},
        "panel.mail_from": {"en": "MAIL FROM", "ru": "MAIL FROM"},
        "panel.rcpt_to": {"en": "RCPT TO", "ru": "RCPT TO"},
        "panel.unset": {"en": "—", "ru": "—"},
        "panel.null_sender": {"en": "<> (null sender)", "ru": "<> (пустой отправитель)"},
        "panel.delivered": {
            "en": "letters delivered in this session",
            "ru": "письма, доставленные в этом сеансе",
        },
        "panel.delivered.none": {
            "en": "none yet: MAIL, RCPT, DATA, text, then .",
            "ru": "пока нет: MAIL, RCPT, DATA, текст, затем .",
        },
        "panel.world": {
            "en": "local users (world {world})",
            "ru": "локальные пользователи (мир {world})",
        },
        "panel.mode.data": {"en": "reading message text", "ru": "читает текст письма"},
        # help screen
        "help.title": {"en": "{protocol} commands", "ru": "Команды {protocol}"},
        "help.col.command": {"en": "command", "ru": "команда"},
        "help.col.syntax": {"en": "syntax", "ru": "синтаксис"},
        "help.col.states": {"en": "allowed in", "ru": "допустима в"},
        "help.col.article": {"en": "article", "ru": "в статье"},
        "help.any_state": {"en": "any state", "ru": "любое состояние"},
        "help.summary": {"en": "What it does", "ru": "Что делает"},
        "help.replies": {"en": "Replies", "ru": "Ответы"},
        "help.rfc": {"en": "Reference", "ru": "Источник"},
        "help.article_name": {"en": "The article calls it", "ru": "В статье называется"},
        "help.footer": {
            "en": "↑/↓ choose a command · Esc closes",
            "ru": "↑/↓ выбор команды · Esc — закрыть",
        },
        "help.unavailable": {
            "en": "The {protocol} engine is not available: {error}",
            "ru": "Движок {protocol} недоступен: {error}",
        },
        # record dialog
        "record.title": {"en": "Record this session as a lesson", "ru": "Записать сеанс как урок"},
        "record.explain": {
            "en": "Saves the commands you typed and the server's replies as a "
            "lesson skeleton (YAML) that you can edit and check with "
            "mailtutor lint.",
            "ru": "Сохраняет введённые команды и ответы сервера как заготовку "
            "урока (YAML), которую можно доработать и проверить "
            "mailtutor lint.",
        },
        "record.path": {"en": "File", "ru": "Файл"},
        "record.lesson_title": {"en": "Lesson title", "ru": "Название урока"},
        "record.default_title": {
            "en": "Recorded {protocol} session",
            "ru": "Записанный сеанс {protocol}",
        },
        "record.save": {"en": "Save", "ru": "Сохранить"},
        "record.cancel": {"en": "Cancel", "ru": "Отмена"},
        "record.exists": {
            "en": "{path} exists: press Save again to overwrite it",
            "ru": "{path} уже есть: нажмите «Сохранить» ещё раз, чтобы перезаписать",
        },
        "record.failed": {"en": "could not save: {error}", "ru": "не удалось сохранить: {error}"},
        "record.no_path": {"en": "give a file name", "ru": "укажите имя файла"},
        "record.unavailable": {
            "en": "the lesson recorder is not available: {error}",
            "ru": "запись уроков недоступна: {error}",
        },
        "record.steps": {
            "en": "{count} commands will be recorded",
            "ru": "будет записано команд: {count}",
        },
    }
)


# Did-you-mean notes at the prompt (tutor.ui.did_you_mean) and other notes of the robustness work.
register(
    {
        "dym.near": {
            "en": "did you mean {keyword}? ({typed} is not a {protocol} command; F1 lists them)",
            "ru": "может быть, {keyword}? ({typed} — не команда {protocol}; список — F1)",
        },
        "dym.article": {
            "en": "the article calls it {typed}, but {rfc} names it {keyword}: "
            "the server knows only {keyword}, in state {states}",
            "ru": "в статье она названа {typed}, но {rfc} называет её {keyword}: "
            "сервер знает только {keyword}, в состоянии {states}",
        },
        "lesson.quiz_waits": {
            "en": "The quiz opens once the steps are done: you are at step {step} of {steps} "
            "(F8 plays the lesson by itself).",
            "ru": "Тест откроется, когда шаги будут пройдены: вы на шаге {step} из {steps} "
            "(F8 — урок покажет себя сам).",
        },
        "lesson.pane.scroll": {"en": "PgUp/PgDn scroll", "ru": "PgUp/PgDn — прокрутка"},
        "record.renamed": {
            "en": "a lesson file is named after its id (a-z, 0-9, -): {better} instead of "
            "{name}? Enter saves it",
            "ru": "файл урока называется по его id (a-z, 0-9, -): {better} вместо {name}? "
            "Enter — сохранить",
        },
        "dym.state.TRANSACTION": {
            "en": "TRANSACTION (after login)",
            "ru": "TRANSACTION (после входа)",
        },
    }
)


def localize_bindings(node: object, lang: str, texts: Mapping[str, str]) -> None:
    """Give a widget's or screen's bindings descriptions in `lang` (the footer shows them).

    texts maps a binding id to a string key. Textual copies bindings per instance
    (`node._bindings`), so this changes one screen without touching its class.
    """
    from dataclasses import replace

    bindings = getattr(node, "_bindings", None)
    if bindings is None:
        return
    for key, entries in bindings.key_to_bindings.items():
        bindings.key_to_bindings[key] = [
            replace(b, description=tr(texts[b.id], lang)) if b.id in texts else b for b in entries
        ]
