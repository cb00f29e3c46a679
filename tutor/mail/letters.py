"""Plausible letters of an exact octet size, for worlds that need them.

The article's STAT says `+OK 3 93845`, so its three letters must be exactly 46394, 20377 and
27074 octets. A letter here is built with the stdlib `email` package (headers, MIME parts,
base64 attachments), then its text part is filled with prose until the whole letter is exactly
the size asked for. Everything is deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import hashlib
import itertools
from email.message import EmailMessage
from email.policy import SMTP

# Prose to fill letters with. Plain sentences, so a learner who RETRs a letter reads a letter.
PROSE_RU = (
    "Привет! Пишу тебе с дачи, здесь наконец-то тепло и тихо.",
    "Вчера весь день копали грядки, а вечером сидели у костра.",
    "Соседи передают привет и спрашивают, когда ты приедешь.",
    "Яблони в этом году цветут так, что сада почти не видно.",
    "Если будет время, привези, пожалуйста, удлинитель и фонарик.",
    "Мама говорит, что пирог с вишней ждёт только тебя.",
    "Дорогу после дождей размыло, так что бери резиновые сапоги.",
    "Кот освоился и теперь спит исключительно на крыльце.",
)
PROSE_EN = (
    "This week's issue collects the questions readers asked most about e-mail.",
    "A mail client talks to two servers: one to send through and one to read from.",
    "POP3 downloads the letters in a maildrop; most clients then delete them on the server.",
    "SMTP moves a letter one hop at a time, and every hop adds a Received line on top.",
    "The envelope, MAIL FROM and RCPT TO, is not the same thing as the From and To headers.",
    "A server that says 250 has taken responsibility for the letter it was handed.",
    "Replies that start with 4 mean try again later; replies that start with 5 mean do not.",
    "Port 25 is for servers talking to servers; people submit their mail on port 587.",
)


def _lines_of(prose: tuple[str, ...], width: int) -> itertools.cycle[str]:
    """Endless stream of wrapped lines from the prose, never starting with a space."""
    words = " ".join(prose).split()
    lines: list[str] = []
    line = ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return itertools.cycle(lines)


def _exact_line(source: itertools.cycle[str], length: int) -> str:
    """A line of exactly `length` characters cut from the prose (no trailing space)."""
    text = ""
    while len(text) < length:
        text = f"{text} {next(source)}" if text else next(source)
    text = text[:length]
    return text[:-1] + "." if text.endswith(" ") else text


def fill_text(prose: tuple[str, ...], octets: int, encoding: str = "utf-8") -> str:
    """Prose whose CRLF-lined encoding is exactly `octets` long (0, or at least 2)."""
    if octets == 0:
        return ""
    if octets == 1:
        raise ValueError("a text of one octet cannot end with CRLF")
    source = _lines_of(prose, 68)
    out: list[str] = []
    remaining = octets
    while remaining > 160:
        line = next(source)
        size = len(line.encode(encoding)) + 2
        if size > remaining - 80:
            break
        out.append(line)
        remaining -= size
    # Finish with lines sized character by character. Cyrillic takes more octets per character
    # in UTF-8, so the tail is ASCII-safe: cut from the prose, then padded with dots if needed.
    while remaining > 0:
        length = remaining - 2 if remaining <= 72 else min(70, remaining - 4)
        line = _exact_line(source, length) if length else ""
        encoded = len(line.encode(encoding))
        while encoded > length:  # multi-octet characters: trim, then make up with dots
            line = line[:-1]
            encoded = len(line.encode(encoding))
        line += "." * (length - encoded)
        out.append(line)
        remaining -= length + 2
    return "\r\n".join(out) + "\r\n"


def pseudo_random_bytes(seed: str, count: int) -> bytes:
    """Deterministic bytes for attachments (a stand-in photo or document)."""
    out = bytearray()
    counter = 0
    while len(out) < count:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:count])


def mime_boundary(seed: str) -> str:
    """A multipart boundary derived from `seed`, shaped like the stdlib's random ones.

    The stdlib picks a random boundary, which would make the same letter differ from one build
    to the next; this one keeps letters byte-for-byte repeatable (and the same length)."""
    digits = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") % 10**19
    return f"{'=' * 15}{digits:019d}=="


def serialize(message: EmailMessage) -> bytes:
    """The message as CRLF-lined octets, the way it sits in a maildrop."""
    return message.as_bytes(policy=SMTP)


def letter_of_size(
    size: int,
    headers: dict[str, str],
    *,
    text: str = "",
    prose: tuple[str, ...] = PROSE_EN,
    charset: str = "utf-8",
    attachment: tuple[str, str] | None = None,
    attachment_bytes: int = 0,
) -> bytes:
    """A letter of exactly `size` octets.

    headers: in order, e.g. {"From": ..., "To": ..., "Subject": ..., "Date": ...}.
    text: the opening of the body; prose is appended until the size is reached.
    attachment: optional (filename, mime type) with `attachment_bytes` of deterministic content.
    """

    def build(fill: str) -> bytes:
        message = EmailMessage()
        for name, value in headers.items():
            message[name] = value
        body = text + fill
        if attachment is None:
            message.set_content(body, charset=charset, cte="8bit")
        else:
            message.set_content(body, charset=charset, cte="8bit")
            filename, mime = attachment
            maintype, subtype = mime.split("/", 1)
            message.add_attachment(
                pseudo_random_bytes(filename, attachment_bytes),
                maintype=maintype,
                subtype=subtype,
                filename=filename,
            )
            message.set_boundary(mime_boundary(f"{filename}:{headers.get('Message-ID', '')}"))
        return serialize(message)

    base = build("")
    if len(base) > size:
        raise ValueError(f"a letter with these headers is already {len(base)} octets > {size}")
    # The body is encoded in `charset`; fill with ASCII-safe prose measured in that charset.
    gap = size - len(base)
    if gap == 1:
        gap = 0  # handled below by a one-octet nudge
    filled = build(fill_text(prose, gap, charset) if gap else "")
    # MIME serialisation may fold or add a line; correct the remaining difference once.
    diff = size - len(filled)
    if diff:
        filled = build(fill_text(prose, max(gap + diff, 0), charset) if gap + diff else "")
    if len(filled) != size:
        raise ValueError(f"could not build a letter of exactly {size} octets ({len(filled)})")
    return filled


def filler_letter(
    size: int | None,
    *,
    subject: str = "Filler",
    sender: str = "filler@example.org",
    to: str = "user@server.ru",
    body: str = "",
) -> bytes:
    """Generated letter (worlds' `generate:` messages): `body` first, then prose up to exactly
    `size` octets; with no size, just the body."""
    headers = {"From": sender, "To": to, "Subject": subject, "Date": FILLER_DATE}
    if body and not body.endswith("\n"):
        body += "\n"
    if size is None:
        message = EmailMessage()
        for name, value in headers.items():
            message[name] = value
        message.set_content(body, charset="utf-8", cte="8bit")
        return serialize(message)
    if body:
        body += "\n"  # a blank line between the author's text and the filler prose
    try:
        return letter_of_size(size, headers, text=body)
    except ValueError:
        if not body:
            raise
        bare = len(filler_letter(None, subject=subject, sender=sender, to=to, body=body))
        raise ValueError(
            f"the body alone makes a letter of {bare} octets, more than size {size}"
        ) from None


#: the Date of generated letters: the article's, so worlds are the same on every run
FILLER_DATE = "Sat, 03 Nov 2001 16:14:46 +0300"
