"""Interface strings of the lesson-facing screens (home, lesson, quiz, demo), in en and ru.

Registered with `tutor.ui.i18n` once, on first import of any of those screens. Footer labels
are keyed by the Binding id ("key.<binding id>"), so `localize_bindings` can relabel a screen's
keys whenever the language changes.
"""

from __future__ import annotations

from textual.dom import DOMNode

from tutor.ui import i18n

STRINGS: dict[str, dict[str, str]] = {
    # -- home ------------------------------------------------------------------------------
    "home.title": {
        "en": "mailtutor · POP3 and SMTP by hand",
        "ru": "mailtutor · POP3 и SMTP своими руками",
    },
    "home.course": {"en": "Course", "ru": "Курс"},
    "home.resume.none": {
        "en": "Pick a lesson with ↑/↓ and press Enter.",
        "ru": "Выберите урок стрелками ↑/↓ и нажмите Enter.",
    },
    "home.resume.at": {
        "en": "▶ Resume (R): {title}, step {step} of {steps}",
        "ru": "▶ Продолжить (R): {title}, шаг {step} из {steps}",
    },
    "home.sandboxes": {"en": "Sandboxes", "ru": "Песочницы"},
    "home.sandbox.pop3": {"en": "POP3 sandbox (P)", "ru": "Песочница POP3 (P)"},
    "home.sandbox.smtp": {"en": "SMTP sandbox (S)", "ru": "Песочница SMTP (S)"},
    "home.sandbox.pop3.about": {
        "en": "Free play with a POP3 server on the article's world: ne_skagu / secret.",
        "ru": "Свободная игра с POP3-сервером из статьи: ne_skagu / secret.",
    },
    "home.sandbox.smtp.about": {
        "en": "Free play with an SMTP server: send letters to ne_skagu or poluchatel@server.ru.",
        "ru": "Свободная игра с SMTP-сервером: письма для ne_skagu или poluchatel@server.ru.",
    },
    "home.level.beginner": {"en": "beginner", "ru": "начальный"},
    "home.level.intermediate": {"en": "intermediate", "ru": "средний"},
    "home.level.advanced": {"en": "advanced", "ru": "продвинутый"},
    "home.minutes": {"en": "{minutes} min", "ru": "{minutes} мин"},
    "home.status.done": {"en": "✓ {score}/{max}", "ru": "✓ {score}/{max}"},
    "home.status.step": {"en": "step {step}/{steps}", "ru": "шаг {step}/{steps}"},
    "home.detail.progress": {
        "en": "Best score {score}/{max} · {quiz}",
        "ru": "Лучший результат {score}/{max} · {quiz}",
    },
    "home.quiz.points": {"en": "quiz {points}/{max}", "ru": "тест {points}/{max}"},
    "home.quiz.not_taken": {"en": "quiz not taken yet", "ru": "тест ещё не пройден"},
    "home.quiz.none": {"en": "no quiz", "ru": "теста нет"},
    "home.problem": {"en": "Lesson {id}: {message}", "ru": "Урок {id}: {message}"},
    "key.home.resume": {"en": "Resume", "ru": "Продолжить"},
    "key.home.language": {"en": "Русский", "ru": "English"},
    "key.home.sandbox_pop3": {"en": "POP3 sandbox", "ru": "Песочница POP3"},
    "key.home.sandbox_smtp": {"en": "SMTP sandbox", "ru": "Песочница SMTP"},
    "key.home.quit": {"en": "Quit", "ru": "Выход"},
    # -- lesson ----------------------------------------------------------------------------
    "lesson.intro": {"en": "Introduction", "ru": "Введение"},
    "lesson.step": {"en": "Step {step} of {steps}", "ru": "Шаг {step} из {steps}"},
    "lesson.finished": {"en": "Lesson complete", "ru": "Урок пройден"},
    "lesson.tab.lesson": {"en": "Lesson", "ru": "Урок"},
    "lesson.tab.server": {"en": "Server", "ru": "Сервер"},
    "lesson.block.after": {"en": "✓ Step done", "ru": "✓ Шаг пройден"},
    "lesson.block.mistake": {"en": "✗ Not quite", "ru": "✗ Не совсем"},
    "lesson.block.remark": {"en": "Good", "ru": "Хорошо"},
    "lesson.block.no_match": {
        "en": "That line did not do what this step asks. F2 gives a hint.",
        "ru": "Эта строка не сделала того, что нужно на этом шаге. F2 — подсказка.",
    },
    "lesson.block.closed_early": {
        "en": "The session ended before this step was done. Press Enter to start this step "
        "again on a new connection.",
        "ru": "Сеанс закончился раньше, чем этот шаг был сделан. Нажмите Enter, чтобы начать "
        "шаг заново в новом соединении.",
    },
    "lesson.block.hint": {"en": "Hint {number} of {total}", "ru": "Подсказка {number} из {total}"},
    # a step's note, headed by its note_kind (tutor.lessons.model.NOTE_KINDS)
    "lesson.block.note": {"en": "About the article", "ru": "О статье"},
    "lesson.block.note.rfc": {"en": "What the RFC says", "ru": "Что говорит RFC"},
    "lesson.block.note.tip": {"en": "Tip", "ru": "Совет"},
    "lesson.block.note.warning": {"en": "Careful", "ru": "Осторожно"},
    "lesson.block.solution": {"en": "Solution", "ru": "Решение"},
    "lesson.block.next": {"en": "What next", "ru": "Что дальше"},
    "lesson.next.quiz": {
        "en": "Press **F7** for the quiz ({count} {count:question|questions}), **Esc** to "
        "return to the course.",
        "ru": "Нажмите **F7**, чтобы пройти тест ({count} {count:вопрос|вопроса|вопросов}), "
        "**Esc** — вернуться к курсу.",
    },
    "lesson.next.no_quiz": {
        "en": "Press **Esc** to return to the course, **F6** to start over.",
        "ru": "Нажмите **Esc**, чтобы вернуться к курсу, **F6** — начать заново.",
    },
    "lesson.no_more_hints": {
        "en": "No more hints: the solution is on the screen.",
        "ru": "Подсказок больше нет: решение уже на экране.",
    },
    "lesson.solution.title": {"en": "Show the solution?", "ru": "Показать решение?"},
    "lesson.solution.body": {
        "en": "You have seen every hint for this step. The solution gives the exact lines; "
        "typing them yourself is still up to you.",
        "ru": "Вы видели все подсказки этого шага. Решение покажет точные строки; "
        "набрать их всё равно придётся вам.",
    },
    "lesson.reset_lesson.title": {"en": "Start the lesson over?", "ru": "Начать урок заново?"},
    "lesson.reset_lesson.body": {
        "en": "A fresh server, back to step 1. Your best score is kept.",
        "ru": "Новый сервер, снова шаг 1. Лучший результат сохранится.",
    },
    "lesson.reset_step.done": {
        "en": "Step started again on the server as it was before it.",
        "ru": "Шаг начат заново, сервер — как перед ним.",
    },
    "lesson.connected": {
        "en": "a new {protocol} connection to the same server and world",
        "ru": "новое соединение {protocol} с тем же сервером и миром",
    },
    "lesson.dropped": {
        "en": "the {protocol} session was dropped without QUIT: nothing in it took effect",
        "ru": "сеанс {protocol} оборван без QUIT: ничего из него не вступило в силу",
    },
    "lesson.yes": {"en": "Yes", "ru": "Да"},
    "lesson.no": {"en": "No", "ru": "Нет"},
    "lesson.show": {"en": "Show", "ru": "Показать"},
    "lesson.resumed": {
        "en": "Resumed at step {step}: earlier steps were replayed.",
        "ru": "Продолжаем с шага {step}: прошлые шаги выполнены заново.",
    },
    "lesson.not_found": {
        "en": "Cannot open lesson: {error}",
        "ru": "Не удалось открыть урок: {error}",
    },
    "lesson.no_quiz": {"en": "This lesson has no quiz.", "ru": "В этом уроке нет теста."},
    "lesson.translation.unusable": {
        "en": "The translation {file} has errors, so the lesson is shown in English:",
        "ru": "В переводе {file} ошибки, поэтому урок показан на английском:",
    },
    "lesson.translation.partial": {
        "en": "The translation {file} has errors; the texts they touch are shown in English:",
        "ru": "В переводе {file} ошибки; затронутые ими тексты показаны на английском:",
    },
    "lesson.translation.more": {
        "en": "... and {count} more (mailtutor lint {file})",
        "ru": "... и ещё {count} (mailtutor lint {file})",
    },
    "lesson.quiz_after": {
        "en": "Finish the steps first; the quiz comes after.",
        "ru": "Сначала пройдите шаги, тест — после них.",
    },
    "key.lesson.help": {"en": "Help", "ru": "Справка"},
    "key.lesson.hint": {"en": "Hint", "ru": "Подсказка"},
    "key.lesson.toggle_panel": {"en": "Panel", "ru": "Панель"},
    # "Повтор", not "Шаг заново": the Russian footer must fit 80 columns with "Выход"
    "key.lesson.reset_step": {"en": "Redo step", "ru": "Повтор"},
    "key.lesson.reset_lesson": {"en": "Restart", "ru": "Заново"},
    "key.lesson.quiz": {"en": "Quiz", "ru": "Тест"},
    "key.lesson.demo": {"en": "Demo", "ru": "Демо"},
    "key.lesson.back": {"en": "Course", "ru": "Курс"},
    # -- quiz ------------------------------------------------------------------------------
    "quiz.title": {"en": "Quiz: {title}", "ru": "Тест: {title}"},
    "quiz.question": {"en": "Question {number} of {total}", "ru": "Вопрос {number} из {total}"},
    "quiz.score": {"en": "Score {score}/{max}", "ru": "Баллы {score}/{max}"},
    "quiz.points": {"en": "{points} pt", "ru": "{points} б."},
    "quiz.check": {"en": "Check", "ru": "Проверить"},
    "quiz.right": {"en": "✓ Right", "ru": "✓ Верно"},
    "quiz.wrong": {"en": "✗ Not right", "ru": "✗ Неверно"},
    "quiz.expected": {"en": "Expected: {expected}", "ru": "Ожидалось: {expected}"},
    "quiz.help.choice": {
        "en": "↑/↓ choose, Enter check.",
        "ru": "↑/↓ — выбор, Enter — проверить.",
    },
    "quiz.help.multi": {
        "en": "↑/↓ move, Space tick or untick, Enter check.",
        "ru": "↑/↓ — перемещение, Пробел — отметить, Enter — проверить.",
    },
    "quiz.help.order": {
        "en": "Shift+↑/↓ move the item (or Space, then ↑/↓), Enter check.",
        "ru": "Shift+↑/↓ двигает пункт (или Пробел, затем ↑/↓), Enter — проверить.",
    },
    "quiz.help.input": {
        "en": "Type the answer, Enter check.",
        "ru": "Введите ответ, Enter — проверить.",
    },
    "quiz.placeholder.text": {"en": "your answer", "ru": "ваш ответ"},
    "quiz.placeholder.number": {"en": "a number", "ru": "число"},
    "quiz.placeholder.predict": {"en": "the server's reply", "ru": "ответ сервера"},
    "quiz.placeholder.command": {"en": "a command line", "ru": "строка команды"},
    "quiz.predict.setup": {
        "en": "Already typed on a fresh server:",
        "ru": "Уже набрано на новом сервере:",
    },
    "quiz.predict.command": {"en": "Now the client sends:", "ru": "Теперь клиент отправляет:"},
    "quiz.command.setup": {
        "en": "Your line runs on a fresh server after:",
        "ru": "Ваша строка выполнится на новом сервере после:",
    },
    "quiz.world": {"en": "World: {world}", "ru": "Мир: {world}"},
    "quiz.done": {
        "en": "Quiz complete: {score} of {max} {max:point|points}.",
        "ru": "Тест пройден: {score} из {max} {max:балла|баллов|баллов}.",
    },
    "quiz.done.next": {
        "en": "R: try the {count} not yet right again (no points) · T: take the whole quiz "
        "again · Esc: back. Your best attempt is kept.",
        "ru": "R — ещё раз те, что пока неверны ({count}; без баллов) · T — весь тест заново · "
        "Esc — назад. Лучшая попытка сохраняется.",
    },
    "quiz.done.all_right": {
        "en": "T: take the whole quiz again · Esc: back. Your best attempt is kept.",
        "ru": "T — весь тест заново · Esc — назад. Лучшая попытка сохраняется.",
    },
    "quiz.summary.given": {"en": "your answer: {given}", "ru": "ваш ответ: {given}"},
    "quiz.summary.expected": {"en": "expected: {expected}", "ru": "ожидалось: {expected}"},
    "quiz.summary.expected.order": {
        "en": "an order that works: {expected}",
        "ru": "работающий порядок: {expected}",
    },
    "quiz.expected.order": {
        "en": "An order that works: {expected}",
        "ru": "Работающий порядок: {expected}",
    },
    "quiz.summary.retry_right": {
        "en": "right on a retry, 0 pt",
        "ru": "верно со второй попытки, 0 б.",
    },
    "quiz.summary.unanswered": {"en": "not answered", "ru": "нет ответа"},
    "quiz.nothing_to_retry": {
        "en": "Every answer is right; T takes the whole quiz again.",
        "ru": "Все ответы верны; T — пройти весь тест заново.",
    },
    "quiz.right.retry": {
        "en": "✓ Right, but no points: only the first answer scores",
        "ru": "✓ Верно, но без баллов: засчитывается только первый ответ",
    },
    "quiz.wrong.retry": {
        "en": "✗ Not right (a retry: no points either way)",
        "ru": "✗ Неверно (повторная попытка: баллов не будет в любом случае)",
    },
    "quiz.read_as": {
        "en": "Your answer was read as {value}.",
        "ru": "Ваш ответ прочитан как {value}.",
    },
    "quiz.server_case": {
        "en": "Counted as right; the server itself sends it as `{reply}` (status indicators are "
        "upper case on the wire, RFC 1939 §3).",
        "ru": "Засчитано; сам сервер отправляет это как `{reply}` (индикаторы состояния на "
        "линии пишутся заглавными, RFC 1939 §3).",
    },
    "quiz.order.stopped": {
        "en": "Your order stops working at `{line}`: the server answers `{reply}`.",
        "ru": "Ваш порядок перестаёт работать на `{line}`: сервер отвечает `{reply}`.",
    },
    "quiz.order.closed": {
        "en": "Your order sends `{line}` after the server has closed the connection.",
        "ru": "Ваш порядок отправляет `{line}` уже после того, как сервер закрыл соединение.",
    },
    "quiz.number.invalid": {
        "en": "That is not a number. Type digits, e.g. 27074 (a unit after it is fine).",
        "ru": "Это не число. Введите цифры, например 27074 (единица после числа не мешает).",
    },
    "quiz.after.right": {
        "en": "Enter or N: next question.",
        "ru": "Enter или N — следующий вопрос.",
    },
    "quiz.after.wrong": {
        "en": "R: try this question again · N: next question.",
        "ru": "R — ответить ещё раз · N — следующий вопрос.",
    },
    "quiz.empty": {"en": "Give an answer first.", "ru": "Сначала дайте ответ."},
    "key.quiz.check": {"en": "Check", "ru": "Проверить"},
    "key.quiz.next": {"en": "Next", "ru": "Дальше"},
    "key.quiz.retry": {"en": "Retry", "ru": "Ещё раз"},
    "key.quiz.retake": {"en": "Take again", "ru": "Заново"},
    "key.quiz.back": {"en": "Back", "ru": "Назад"},
    "key.quiz.order.move_up": {"en": "Move up", "ru": "Выше"},
    "key.quiz.order.move_down": {"en": "Move down", "ru": "Ниже"},
    "key.quiz.order.grab": {"en": "Pick up", "ru": "Взять"},
    # -- demo ------------------------------------------------------------------------------
    "demo.title": {"en": "Demo: {title}", "ru": "Демо: {title}"},
    "demo.status.playing": {
        "en": "▶ playing · step {step} of {steps} · {speed}",
        "ru": "▶ воспроизведение · шаг {step} из {steps} · {speed}",
    },
    "demo.status.paused": {
        "en": "‖ paused · step {step} of {steps} · {speed}",
        "ru": "‖ пауза · шаг {step} из {steps} · {speed}",
    },
    "demo.status.done": {
        "en": "■ done · {steps} steps replayed",
        "ru": "■ готово · выполнено шагов: {steps}",
    },
    "demo.speed": {"en": "{seconds:.2g} s per line", "ru": "{seconds:.2g} с на строку"},
    "key.demo.pause": {"en": "Pause", "ru": "Пауза"},
    "key.demo.step": {"en": "Step", "ru": "Шаг"},
    "key.demo.faster": {"en": "Faster", "ru": "Быстрее"},
    "key.demo.slower": {"en": "Slower", "ru": "Медленнее"},
    "key.demo.back": {"en": "Back", "ru": "Назад"},
}

_registered = False


def register_strings() -> None:
    """Give the table to i18n (idempotent: every screen calls it at import)."""
    global _registered
    if not _registered:
        i18n.register(STRINGS)
        _registered = True


def localize_bindings(node: DOMNode, lang: str) -> None:
    """Relabel `node`'s footer keys in `lang`: each binding id "x.y" reads string "key.x.y"."""
    texts = {
        binding.id: f"key.{binding.id}"
        for _, binding in node._bindings
        if binding.id and f"key.{binding.id}" in STRINGS
    }
    i18n.localize_bindings(node, lang, texts)
    node.refresh_bindings()


def note_heading(kind: str, lang: str) -> str:
    """The heading of a step's note of this kind: "About the article" for the article's."""
    return i18n.tr("lesson.block.note" if kind == "article" else f"lesson.block.note.{kind}", lang)
