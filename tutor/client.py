"""The client side of `mailtutor connect`: reading a real server's replies and upgrading to TLS.

No Textual here (the screen in tutor/ui/screens/connect.py draws what this returns). Pieces:

- `guess_protocol`: POP3 greets with `+OK`, SMTP with `220`.
- `ReplyFramer`: turns received lines into whole `Reply` values. SMTP replies end at the line
  whose code is followed by a space (`250-` continues). POP3 says nothing about it on the wire,
  so the framer remembers the commands sent: after `+OK`, LIST/UIDL without an argument, RETR,
  TOP, CAPA and AUTH without an argument are followed by lines up to a lone "." (RFC 1939,
  RFC 2449, RFC 5034), everything else is one line.
- `masked`: what the transcript shows of a line the learner sent (passwords as ******).
- `client_context` and `tls_info`: the TLS context (verifying against --cafile, or accepting
  any certificate and saying so) and what a finished handshake negotiated.
"""

from __future__ import annotations

import ssl
from collections import deque
from dataclasses import dataclass

from tutor.protocol.replies import Reply
from tutor.protocol.secrets import masked_command
from tutor.protocol.session import TlsInfo

#: POP3 commands whose +OK is followed by a multi-line body when given no argument
POP3_MULTI_WITHOUT_ARGUMENT = frozenset({"LIST", "UIDL", "AUTH", "CAPA"})
#: ... and those followed by one whatever their arguments
POP3_MULTI_ALWAYS = frozenset({"RETR", "TOP", "CAPA"})


def guess_protocol(greeting: str) -> str | None:
    """ "pop3", "smtp" or None from the server's first line."""
    if greeting.startswith("+OK"):
        return "pop3"
    if greeting[:3] == "220" and greeting[3:4] in ("", " ", "-"):
        return "smtp"
    return None


def command_word(line: str) -> str:
    parts = line.split()
    return parts[0].upper() if parts else ""


def pop3_multiline(command: str) -> bool:
    """Whether +OK to this POP3 command is followed by lines up to a lone "."."""
    parts = command.split()
    if not parts:
        return False
    word = parts[0].upper()
    return word in POP3_MULTI_ALWAYS or (word in POP3_MULTI_WITHOUT_ARGUMENT and len(parts) == 1)


def starts_tls_command(protocol: str | None, line: str) -> bool:
    word = command_word(line)
    return (protocol == "smtp" and word == "STARTTLS" and len(line.split()) == 1) or (
        protocol == "pop3" and word == "STLS" and len(line.split()) == 1
    )


def masked(line: str, *, answering_challenge: bool) -> str:
    """A sent line as the transcript shows it (tutor.protocol.secrets: PASS, APOP's digest,
    AUTH's initial response and answers to a 334 / `+ ` challenge become ******)."""
    return masked_command(line, answering_challenge=answering_challenge)


@dataclass
class _Partial:
    status: str
    lines: list[str]
    body: list[str] | None = None  # POP3 body lines (unstuffed) while reading one


class ReplyFramer:
    """Received lines in, whole replies out (see module docstring)."""

    def __init__(self, protocol: str | None) -> None:
        self.protocol = protocol
        self._expect_multi: deque[bool] = deque()  # POP3: one entry per command sent
        self._partial: _Partial | None = None

    def sent(self, command: str) -> None:
        """The learner sent a command (not letter text): its reply comes next, in order."""
        if self.protocol == "pop3":
            self._expect_multi.append(pop3_multiline(command))

    def feed(self, line: str) -> Reply | None:
        """One received line (without CRLF); returns the reply it completes, if any."""
        if self.protocol == "smtp":
            return self._feed_smtp(line)
        if self.protocol == "pop3":
            return self._feed_pop3(line)
        return Reply("+OK" if line.startswith("+") else "-ERR", (line,))  # shown as it came

    def _feed_smtp(self, line: str) -> Reply | None:
        code, separator, text = line[:3], line[3:4], line[4:]
        if not code.isdigit():
            code, separator, text = "500", " ", line  # not a reply line: shown, as an error
        partial = self._partial
        if partial is None or partial.status != code:
            partial = self._partial = _Partial(code, [])
        partial.lines.append(text)
        if separator == "-":
            return None
        self._partial = None
        return Reply(code, tuple(partial.lines))

    def _feed_pop3(self, line: str) -> Reply | None:
        partial = self._partial
        if partial is not None and partial.body is not None:
            if line == ".":
                self._partial = None
                body = "".join(f"{part}\r\n" for part in partial.body)
                return Reply(partial.status, tuple(partial.lines), body=body.encode("utf-8"))
            partial.body.append(line[1:] if line.startswith(".") else line)
            return None
        status, _, text = line.partition(" ")
        if status not in ("+OK", "-ERR", "+"):
            status, text = "-ERR", line  # not a status line: shown, as an error
        multi = self._expect_multi.popleft() if self._expect_multi and status != "+" else False
        if status == "+OK" and multi:
            self._partial = _Partial(status, [text], [])
            return None
        return Reply(status, (text,))


def client_context(cafile: str | None) -> ssl.SSLContext:
    """Verify the server against `cafile`; without one accept any certificate (the screen shows
    its fingerprint and says it was not verified). TLS 1.2 at least."""
    if cafile:
        context = ssl.create_default_context(cafile=cafile)
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def tls_info(ssl_object: ssl.SSLObject | ssl.SSLSocket | None) -> TlsInfo:
    """What a finished handshake negotiated, with the server certificate's subject and
    SHA-256 fingerprint (read from its DER form, so also when it was not verified)."""
    from tutor.certs import fingerprint_of

    if ssl_object is None:
        return TlsInfo(version="?", cipher="?")
    der = ssl_object.getpeercert(binary_form=True) or b""
    subject = ""
    if der:
        try:
            from cryptography import x509

            subject = x509.load_der_x509_certificate(der).subject.rfc4514_string()
        except (ImportError, ValueError):
            subject = "?"
    cipher = ssl_object.cipher()
    return TlsInfo(
        version=ssl_object.version() or "?",
        cipher=cipher[0] if cipher else "?",
        subject=subject,
        fingerprint=fingerprint_of(der) if der else "",
    )
