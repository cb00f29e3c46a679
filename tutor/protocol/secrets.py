"""What a client sent, as it may be shown or logged: passwords and AUTH data masked.

One rule for every place that shows a dialogue (the `connect` transcript, `serve`'s printed
sessions, the `watch` screen): PASS's argument, APOP's digest, AUTH's initial response and every
answer to a challenge (SMTP 334, POP3 "+ ") become ******. A lone "*" (cancelling an AUTH
exchange) stays visible: it hides nothing. Base64 of AUTH PLAIN and LOGIN is no encryption.
"""

from __future__ import annotations

MASK = "******"


def masked_command(line: str, *, answering_challenge: bool) -> str:
    """`line` (one command line, without its line end) with any secret in it masked."""
    if answering_challenge:
        return line if line.strip() == "*" else MASK
    parts = line.split(maxsplit=2)
    word = parts[0].upper() if parts else ""
    if word == "PASS" and len(parts) > 1:
        return f"{parts[0]} {MASK}"
    if word in ("AUTH", "APOP") and len(parts) > 2:
        return f"{parts[0]} {parts[1]} {MASK}"
    return line
