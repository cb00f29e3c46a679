"""The article's three letters, shipped as files.

ne_skagu's maildrop in the article holds three letters of exactly 46394, 20377 and 27074 octets
(`+OK 3 93845`). `generate()` builds them with tutor.mail.letters (the stdlib `email` package,
MIME parts, prose filled to the octet); that is deterministic but costs an import of `email` and
the building itself at every start, so the result is kept next to this module as .eml files and
`load()` simply reads them. A test checks that the files are byte for byte what `generate()`
makes; after changing the letters or letters.py, regenerate them with

    python -m tutor.mail.article
"""

from __future__ import annotations

from pathlib import Path

ARTICLE_SIZES = (46394, 20377, 27074)
ARTICLE_DATE = "Sat, 03 Nov 2001 16:14:46 +0300"

#: the shipped letters, in maildrop order
LETTER_FILES = ("1-photos.eml", "2-newsletter.eml", "3-report.eml")
DIRECTORY = Path(__file__).parent


def load(directory: Path = DIRECTORY) -> list[bytes]:
    """The three letters as shipped: 46394 + 20377 + 27074 = 93845 octets."""
    return [(directory / name).read_bytes() for name in LETTER_FILES]


def write(directory: Path = DIRECTORY) -> list[Path]:
    """Regenerate the shipped files from `generate()`; returns their paths."""
    paths = []
    for name, data in zip(LETTER_FILES, generate(), strict=True):
        path = directory / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def generate() -> list[bytes]:
    """Build the three letters from scratch (what the shipped files hold)."""
    from tutor.mail.letters import PROSE_EN, PROSE_RU, letter_of_size

    photos = letter_of_size(
        ARTICLE_SIZES[0],
        {
            "Return-Path": "<ivan@dacha.example.ru>",
            "From": "Иван Петров <ivan@dacha.example.ru>",
            "To": "ne_skagu@server.ru",
            "Subject": "Фотографии с дачи",
            "Date": "Thu, 01 Nov 2001 19:02:11 +0300",
            "Message-ID": "<20011101190211.4417@dacha.example.ru>",
        },
        text="Привет!\n\nКак и обещал, высылаю фотографию сада. Остальные пришлю вечером.\n\n",
        prose=PROSE_RU,
        attachment=("sad.jpg", "image/jpeg"),
        attachment_bytes=24000,
    )
    newsletter = letter_of_size(
        ARTICLE_SIZES[1],
        {
            "Return-Path": "<news@stfw.example.ru>",
            "From": "Mail Weekly <news@stfw.example.ru>",
            "To": "ne_skagu@server.ru",
            "Subject": "Mail Weekly: how your letters travel",
            "Date": "Fri, 02 Nov 2001 08:30:00 +0300",
            "Message-ID": "<weekly-2001-44@stfw.example.ru>",
            "List-Id": "Mail Weekly <weekly.stfw.example.ru>",
        },
        text="Hello,\n\nWelcome to this week's issue.\n\n",
        prose=PROSE_EN,
    )
    report = letter_of_size(
        ARTICLE_SIZES[2],
        {
            "Return-Path": "<buh@office.example.ru>",
            "From": "Бухгалтерия <buh@office.example.ru>",
            "To": "ne_skagu@server.ru",
            "Subject": "Отчёт за октябрь",
            "Date": ARTICLE_DATE,
            "Message-ID": "<otchet-oct-2001@office.example.ru>",
        },
        text="Добрый день!\n\nВо вложении отчёт за октябрь. Проверьте, пожалуйста, цифры.\n\n",
        prose=PROSE_RU,
        attachment=("otchet-oktyabr.pdf", "application/pdf"),
        attachment_bytes=16000,
    )
    return [photos, newsletter, report]
