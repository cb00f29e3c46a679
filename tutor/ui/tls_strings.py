"""Interface strings for TLS, logins, the base64 helper and `mailtutor connect` (en and ru).

Registered in the shared table on import, like the screens' own strings, so that the files
other parts of the UI edit stay untouched.
"""

from __future__ import annotations

from tutor.ui.i18n import register

register(
    {
        # the state panel's connection line
        "panel.tls": {"en": "TLS", "ru": "TLS"},
        "panel.tls.none": {"en": "none (clear text)", "ru": "нет (открытый текст)"},
        "panel.tls.simulated": {"en": "simulated", "ru": "изображено"},
        "panel.login": {"en": "login", "ru": "вход"},
        "panel.login.none": {"en": "none", "ru": "нет"},
        "panel.role": {"en": "role", "ru": "роль"},
        "panel.role.submission": {"en": "submission", "ru": "отправка"},
        "panel.role.mx": {"en": "relay (MX)", "ru": "пересылка (MX)"},
        # the transcript
        "tls.ended": {
            "en": "the encrypted session has ended",
            "ru": "зашифрованный сеанс окончен",
        },
        # the base64 helper
        "palette.base64": {"en": "Base64 helper", "ru": "Помощник base64"},
        "palette.base64.help": {
            "en": "Encode or decode base64, as AUTH PLAIN and AUTH LOGIN need",
            "ru": "Кодировать или раскодировать base64, как нужно для AUTH PLAIN и AUTH LOGIN",
        },
        "b64.title": {"en": "Base64 helper", "ru": "Помощник base64"},
        "b64.explain": {
            "en": "Text to encode (\\0 is the zero byte), or base64 to decode. "
            "Nothing here is sent to the server.",
            "ru": "Текст для кодирования (\\0 — нулевой байт) или base64 для раскодирования. "
            "Ничего отсюда не уходит на сервер.",
        },
        "b64.placeholder": {"en": "\\0ne_skagu\\0secret", "ru": "\\0ne_skagu\\0secret"},
        "b64.encode": {"en": "Encode", "ru": "Кодировать"},
        "b64.decode": {"en": "Decode", "ru": "Раскодировать"},
        "b64.to_prompt": {"en": "Put in prompt", "ru": "В строку ввода"},
        "b64.close": {"en": "Close", "ru": "Закрыть"},
        "b64.empty": {"en": "type something first", "ru": "сначала введите текст"},
        "b64.usage": {
            "en": "base64 helper: /base64 TEXT encodes (\\0 is the zero byte), "
            "/base64 -d BASE64 decodes; nothing is sent to the server",
            "ru": "помощник base64: /base64 ТЕКСТ кодирует (\\0 — нулевой байт), "
            "/base64 -d BASE64 раскодирует; на сервер ничего не уходит",
        },
        "b64.encoded": {
            "en": "base64 helper (not sent): bytes {shown} ({count} bytes: {hex})\nbase64: {text}",
            "ru": "помощник base64 (не отправлено): байты {shown} ({count} байт: {hex})\n"
            "base64: {text}",
        },
        "b64.decoded": {
            "en": "base64 helper (not sent): {text} decodes to {count} bytes: {shown}\nhex: {hex}",
            "ru": "помощник base64 (не отправлено): {text} раскодируется в {count} байт: "
            "{shown}\nhex: {hex}",
        },
        "b64.error": {
            "en": "base64 helper: {text}: not base64 (letters, digits, + / and = only)",
            "ru": "помощник base64: {text}: это не base64 (только буквы, цифры, + / и =)",
        },
        # mailtutor connect
        "connect.sub_title": {
            "en": "connected to {host}:{port}",
            "ru": "соединение с {host}:{port}",
        },
        "connect.connecting": {
            "en": "connecting to {host}:{port}…",
            "ru": "соединяюсь с {host}:{port}…",
        },
        "connect.connected": {
            "en": "connected to {host}:{port}; everything you type is sent as is",
            "ru": "соединение с {host}:{port}; всё, что вы вводите, отправляется как есть",
        },
        "connect.failed": {
            "en": "could not connect to {host}:{port}: {error}",
            "ru": "не удалось соединиться с {host}:{port}: {error}",
        },
        "connect.closed": {
            "en": "the server closed the connection (Esc or ctrl+q to leave)",
            "ru": "сервер закрыл соединение (Esc или ctrl+q — выйти)",
        },
        "connect.protocol": {
            "en": "the greeting says this is {protocol}",
            "ru": "по приветствию это {protocol}",
        },
        "connect.unknown_protocol": {
            "en": "the greeting is neither POP3 (+OK) nor SMTP (220); lines are shown as they come",
            "ru": "приветствие не похоже ни на POP3 (+OK), ни на SMTP (220); "
            "строки показаны как есть",
        },
        "connect.starttls_hint": {
            "en": "--starttls: after the greeting type STARTTLS (SMTP) or STLS (POP3) yourself; "
            "the tutor upgrades the connection when the server agrees",
            "ru": "--starttls: после приветствия наберите STARTTLS (SMTP) или STLS (POP3) сами; "
            "тьютор включит TLS, когда сервер согласится",
        },
        "connect.tls_failed": {
            "en": "TLS handshake failed: {error}",
            "ru": "TLS-рукопожатие не удалось: {error}",
        },
        "connect.verified": {
            "en": "the certificate was verified against {cafile}",
            "ru": "сертификат проверен по {cafile}",
        },
        "connect.not_verified": {
            "en": "the certificate was NOT verified (no --cafile): compare its fingerprint "
            "SHA-256 {fingerprint} with the one the server printed",
            "ru": "сертификат НЕ проверен (нет --cafile): сравните его отпечаток "
            "SHA-256 {fingerprint} с тем, что напечатал сервер",
        },
        "connect.masked": {
            "en": "passwords are shown as ****** here; the server receives them as typed",
            "ru": "пароли здесь показаны как ******; сервер получает их как набраны",
        },
    }
)
