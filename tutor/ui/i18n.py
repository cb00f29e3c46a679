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


def plural_form(lang: str, count: int, forms: str) -> str:
    """The word form for `count`: forms "letter|letters" (en) or "письмо|письма|писем" (ru:
    one, few, many: 1 письмо, 2 письма, 5 писем, 11 писем, 21 письмо)."""
    words = forms.split("|")
    n = abs(count)
    if lang == "ru" and len(words) >= 3:
        if n % 10 == 1 and n % 100 != 11:
            return words[0]
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return words[1]
        return words[2]
    return words[0] if n == 1 else words[-1]


class Count(int):
    """A number in a translated string: `{count}` prints it, `{count:letter|letters}` the word
    form that goes with it in the string's language (see plural_form)."""

    lang: str = "en"

    def __new__(cls, value: int, lang: str) -> Count:
        number = super().__new__(cls, value)
        number.lang = lang
        return number

    def __format__(self, spec: str) -> str:
        if "|" in spec:
            return plural_form(self.lang, int(self), spec)
        return format(int(self), spec)


def tr(key: str, lang: str = "en", **fmt: object) -> str:
    """The text for `key` in `lang`, formatted with `fmt` (str.format fields; an int field may
    also pick a word form, "{count} {count:letter|letters}")."""
    texts = _TABLE.get(key)
    if texts is None:
        return key
    text = texts.get(lang) or texts.get("en") or key
    if not fmt:
        return text
    found = lang if lang in texts else "en"
    values = {
        name: Count(value, found) if type(value) is int else value for name, value in fmt.items()
    }
    return text.format(**values)


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
    """The --lang option if given, else the language chosen last time (settings.json in the
    user data folder), else the locale's language."""
    if lang in LANGUAGES:
        return lang
    from tutor.ui.settings import saved_language

    return saved_language() or default_language()


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
        # The prompt is 36 cells wide in a lesson at 80x24: titles and placeholders stay
        # within 30 cells (the transcript's notes say the longer version).
        "prompt.command": {"en": "{protocol} command", "ru": "Команда {protocol}"},
        "prompt.command.placeholder": {
            "en": "{article} {protocol} command; Tab completes",
            "ru": "команда {protocol}; Tab дополняет",
        },
        "prompt.article.pop3": {"en": "a", "ru": ""},
        "prompt.article.smtp": {"en": "an", "ru": ""},
        "prompt.message": {
            "en": "letter text: a lone . ends it",
            "ru": "текст письма; конец — строка .",
        },
        "prompt.message.placeholder": {
            "en": "headers, blank line, body",
            "ru": "заголовки, пустая строка, текст",
        },
        "prompt.closed": {
            "en": "closed · Enter: new connection",
            "ru": "закрыто · Enter — новый сеанс",
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
        "note.stuffing.server": {
            "en": "a line beginning with . gets one more . in front (dot-stuffing, RFC 1939 §3): "
            "the reversed dot is the added one; the client removes it",
            "ru": "к строке, начинающейся с точки, добавляется ещё одна (dot-stuffing, "
            "RFC 1939 §3): выделена добавленная; клиент её убирает",
        },
        "note.stuffing.client": {
            "en": "the server removes the first (reversed) dot of a letter line: type .. to "
            "send a line that begins with . (RFC 5321 §4.5.2)",
            "ru": "первую (выделенную) точку строки письма сервер убирает: чтобы строка "
            "начиналась с точки, наберите .. (RFC 5321 §4.5.2)",
        },
        "transcript.tag.transient": {"en": "[4xx: try later]", "ru": "[4xx: повторите позже]"},
        "transcript.tag.intermediate": {"en": "[go on]", "ru": "[продолжайте]"},
        # state panel
        "panel.title": {"en": "server state", "ru": "состояние сервера"},
        "panel.state": {"en": "state", "ru": "состояние"},
        "panel.user": {"en": "user", "ru": "пользователь"},
        "panel.nobody": {"en": "nobody yet", "ru": "пока никто"},
        "panel.authenticated": {"en": "logged in", "ru": "вошёл"},
        "panel.not_authenticated": {"en": "not logged in", "ru": "не вошёл"},
        "panel.signed_off": {"en": "signed off", "ru": "сеанс окончен"},
        "panel.octets": {"en": "{count:octet|octets}", "ru": "{count:октет|октета|октетов}"},
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
        "panel.col.letter": {"en": "letter", "ru": "письмо"},
        "panel.col.recipients": {"en": "to", "ru": "кому"},
        "panel.col.name": {"en": "user", "ru": "пользователь"},
        "panel.col.password": {"en": "password", "ru": "пароль"},
        "panel.col.letters": {"en": "letters", "ru": "писем"},
        "panel.col.lock": {"en": "lock", "ru": "замок"},
        "panel.deleted": {"en": "✗ deleted", "ru": "✗ удалено"},
        "panel.kept": {"en": "", "ru": ""},
        "panel.locked": {"en": "locked", "ru": "занят"},
        "panel.total": {
            "en": "{count} {count:letter|letters}, {size} {size:octet|octets}; "
            "marked for deletion: {marked}",
            "ru": "{count} {count:письмо|письма|писем}, {size} {size:октет|октета|октетов}; "
            "помечено к удалению: {marked}",
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
        "panel.world.inline": {
            "en": "local users (the lesson's own world)",
            "ru": "локальные пользователи (мир урока)",
        },
        "panel.mode.data": {"en": "reading message text", "ru": "читает текст письма"},
        # help screen
        "help.title": {"en": "{protocol} commands", "ru": "Команды {protocol}"},
        "help.col.command": {"en": "command", "ru": "команда"},
        "help.col.syntax": {"en": "syntax", "ru": "синтаксис"},
        "help.col.states": {"en": "allowed in", "ru": "допустима в"},
        "help.col.article": {"en": "article", "ru": "в статье"},
        "help.any_state": {"en": "any state", "ru": "везде"},
        "help.summary": {"en": "What it does", "ru": "Что делает"},
        "help.replies": {"en": "Replies", "ru": "Ответы"},
        "help.rfc": {"en": "Reference", "ru": "Источник"},
        "help.article_name": {"en": "The article calls it", "ru": "В статье называется"},
        # What each command does, as the engines' CommandHelp says it in English (a test keeps
        # the English equal to the engine's own text).
        "help.summary.pop3.USER": {
            "en": "Names the maildrop to open; the password follows with PASS.",
            "ru": "Называет ящик, который нужно открыть; пароль передаётся следом командой PASS.",
        },
        "help.summary.pop3.PASS": {
            "en": "Gives the password for the USER just named; on success the maildrop is "
            "locked and the session enters TRANSACTION.",
            "ru": "Передаёт пароль для только что названного USER; при успехе ящик "
            "блокируется, и сеанс переходит в TRANSACTION.",
        },
        "help.summary.pop3.STLS": {
            "en": "Switches the connection to TLS; after the +OK the client starts the handshake, "
            "then asks CAPA again. The name given so far is forgotten.",
            "ru": "Переводит соединение на TLS: после +OK клиент начинает рукопожатие, затем "
            "снова спрашивает CAPA. Имя, названное до этого, забывается.",
        },
        "help.summary.pop3.AUTH": {
            "en": "Logs in with base64 of \\0user\\0password, which hides nothing: use it "
            "inside TLS. Without the base64 the server answers '+ ' and waits for it; '*' cancels.",
            "ru": "Вход с base64 от \\0имя\\0пароль, который ничего не скрывает: только внутри "
            "TLS. Без base64 сервер отвечает «+ » и ждёт его; «*» отменяет.",
        },
        "help.summary.pop3.APOP": {
            "en": "Logs in without sending the password: digest is the MD5 of the greeting's "
            "<timestamp> followed by the password, in lower-case hex.",
            "ru": "Вход без передачи пароля: digest — это MD5 от <метки времени> из "
            "приветствия, за которой следует пароль, шестнадцатеричными цифрами в нижнем "
            "регистре.",
        },
        "help.summary.pop3.STAT": {
            "en": "Number of messages in the maildrop and their total size in octets (messages "
            "marked deleted are not counted).",
            "ru": "Число писем в ящике и их общий размер в октетах (помеченные к удалению не "
            "считаются).",
        },
        "help.summary.pop3.LIST": {
            "en": "Size of every message, one line each ending with a lone '.', or of one message.",
            "ru": "Размер каждого письма, по строке на письмо, в конце строка из одной '.'; "
            "или размер одного письма.",
        },
        "help.summary.pop3.RETR": {
            "en": "Sends the whole message, ending with a lone '.'; lines starting with '.' get "
            "one more.",
            "ru": "Присылает письмо целиком, в конце строка из одной '.'; к строкам, которые "
            "начинаются с '.', добавляется ещё одна.",
        },
        "help.summary.pop3.DELE": {
            "en": "Marks a message deleted; it is removed only when QUIT ends the session.",
            "ru": "Помечает письмо удалённым; удаляется оно, только когда QUIT завершит сеанс.",
        },
        "help.summary.pop3.NOOP": {
            "en": "Does nothing; the server answers +OK, which shows the connection is alive.",
            "ru": "Ничего не делает; сервер отвечает +OK, и видно, что соединение живо.",
        },
        "help.summary.pop3.RSET": {
            "en": "Unmarks every message marked deleted in this session.",
            "ru": "Снимает все пометки об удалении, сделанные в этом сеансе.",
        },
        "help.summary.pop3.TOP": {
            "en": "Sends a message's headers, the blank line, and the first n lines of its body.",
            "ru": "Присылает заголовки письма, пустую строку и первые n строк текста.",
        },
        "help.summary.pop3.UIDL": {
            "en": "Unique id of every message, or of one; the id stays the same across sessions.",
            "ru": "Уникальный идентификатор каждого письма или одного; от сеанса к сеансу он "
            "не меняется.",
        },
        "help.summary.pop3.CAPA": {
            "en": "Lists the capabilities this server supports, one per line.",
            "ru": "Перечисляет возможности этого сервера, по одной в строке.",
        },
        "help.summary.pop3.QUIT": {
            "en": "Ends the session. From TRANSACTION the marked messages are removed first "
            "(UPDATE).",
            "ru": "Завершает сеанс. Из TRANSACTION сначала удаляются помеченные письма (UPDATE).",
        },
        "help.summary.smtp.HELO": {
            "en": "Introduces the client by name (plain SMTP) and starts a fresh envelope.",
            "ru": "Представляет клиента по имени (обычный SMTP) и начинает новый конверт.",
        },
        "help.summary.smtp.STARTTLS": {
            "en": "Switches the connection to TLS. After the 220 the client starts the handshake, "
            "and the session starts afresh: EHLO again, and everything said before is forgotten.",
            "ru": "Переводит соединение на TLS. После 220 клиент начинает рукопожатие, и сеанс "
            "начинается заново: снова EHLO, а всё сказанное до этого забыто.",
        },
        "help.summary.smtp.AUTH": {
            "en": "Logs in with a password, base64-encoded (which hides nothing: hence TLS "
            "first). PLAIN sends \\0user\\0password in one go; LOGIN asks for the name, then "
            "the password. '*' cancels.",
            "ru": "Вход по паролю в base64 (который ничего не скрывает, поэтому сначала TLS). "
            "PLAIN передаёт \\0имя\\0пароль сразу; LOGIN спрашивает имя, затем пароль. "
            "«*» отменяет.",
        },
        "help.summary.smtp.EHLO": {
            "en": "Introduces the client (ESMTP); the reply lists the extensions the server "
            "offers.",
            "ru": "Представляет клиента (ESMTP); в ответе — расширения, которые предлагает сервер.",
        },
        "help.summary.smtp.MAIL": {
            "en": "Starts a letter and names the sender (the reverse-path; <> for none). "
            "Lenient servers also take it without brackets or before HELO; strict ones "
            "refuse.",
            "ru": "Начинает письмо и называет отправителя (обратный путь; <> — без "
            "отправителя). Снисходительные серверы примут адрес и без угловых скобок или "
            "до HELO; строгие откажут.",
        },
        "help.summary.smtp.RCPT": {
            "en": "Names one recipient; repeat it for each. Only this server's own users are "
            "accepted, unless the client has logged in with AUTH.",
            "ru": "Называет одного получателя; для каждого — своя команда. Принимаются только "
            "пользователи этого сервера, если клиент не вошёл командой AUTH.",
        },
        "help.summary.smtp.DATA": {
            "en": "Sends the letter itself, headers first; a line holding a lone '.' ends it, "
            "and a line of text starting with '.' gets one more.",
            "ru": "Передаёт само письмо, сначала заголовки; строка из одной '.' его "
            "завершает, а к строке текста, которая начинается с '.', добавляется ещё одна.",
        },
        "help.summary.smtp.RSET": {
            "en": "Forgets the letter being built (sender and recipients); the greeting still "
            "holds.",
            "ru": "Забывает собираемое письмо (отправителя и получателей); приветствие "
            "остаётся в силе.",
        },
        "help.summary.smtp.NOOP": {
            "en": "Does nothing; the 250 shows the connection is alive.",
            "ru": "Ничего не делает; ответ 250 показывает, что соединение живо.",
        },
        "help.summary.smtp.VRFY": {
            "en": "Asks whether an address is a mailbox here. This server answers truly; public "
            "servers usually answer 252 so that addresses cannot be harvested.",
            "ru": "Спрашивает, есть ли здесь такой ящик. Этот сервер отвечает честно; "
            "публичные обычно отвечают 252, чтобы адреса нельзя было собрать.",
        },
        "help.summary.smtp.HELP": {
            "en": "Lists the commands, or explains one.",
            "ru": "Перечисляет команды или объясняет одну.",
        },
        "help.summary.smtp.QUIT": {
            "en": "Ends the session; a letter not yet ended with '.' is dropped.",
            "ru": "Завершает сеанс; письмо, ещё не законченное '.', пропадает.",
        },
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
            "en": "{count} {count:command|commands} will be recorded",
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
