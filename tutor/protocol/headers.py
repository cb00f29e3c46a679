"""Header values made readable: RFC 2047 encoded-words decoded with the stdlib `email` package."""

from __future__ import annotations


def decode_header_text(value: str | None) -> str:
    """A header value as readable text, RFC 2047 encoded-words decoded where they decode.

    A broken encoded-word (the article's lower-cased Subject, or bad base64) comes back as it is,
    never as an exception.
    """
    if not value:
        return ""
    # Imported here: most sessions never show a header, and `email` is slow to import.
    from email.errors import HeaderParseError
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(value)))
    except (UnicodeDecodeError, LookupError, ValueError, HeaderParseError):
        # e.g. "=?utf-8?b?a?=": bad base64 in an encoded-word raises HeaderParseError
        return value
