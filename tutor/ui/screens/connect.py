"""`mailtutor connect HOST PORT`: the tutor's transcript and prompt against a real server.

Everything sent is what the learner typed; the screen only frames what comes back (see
tutor/client.py), colours it like a sandbox, masks passwords in the transcript, and after the
learner's own STARTTLS/STLS got 220/+OK upgrades the stream to TLS and shows the handshake.
`tls="implicit"` starts TLS with the first byte (ports 995 and 465).
"""

from __future__ import annotations

import asyncio
import ssl

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer

import tutor.ui.tls_strings  # noqa: F401  (registers the strings used here)
from tutor.client import (
    ReplyFramer,
    client_context,
    guess_protocol,
    masked,
    starts_tls_command,
    tls_info,
)
from tutor.protocol.replies import Reply
from tutor.protocol.session import TlsInfo, describe_tls
from tutor.ui.i18n import tr
from tutor.ui.messages import HelperEscape, LineEntered
from tutor.ui.widgets import CommandPrompt, Transcript

#: longest line read from the server (a bigger one is cut, never buffered without end)
LINE_LIMIT = 64 * 1024
CONNECT_TIMEOUT = 10.0


class ConnectScreen(Screen):
    """A live dialogue with a real POP3 or SMTP server (see module docstring)."""

    AUTO_FOCUS = "#prompt"
    DEFAULT_CSS = """
    ConnectScreen #transcript { height: 1fr; }
    ConnectScreen #dialogue { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "app.quit", "Quit", id="connect.quit"),
        Binding("pageup", "scroll_transcript(-1)", show=False, id="connect.page_up"),
        Binding("pagedown", "scroll_transcript(1)", show=False, id="connect.page_down"),
    ]

    def __init__(
        self,
        host: str,
        port: int,
        lang: str = "en",
        *,
        tls: str = "none",
        cafile: str | None = None,
    ) -> None:
        super().__init__()
        self.host = host
        self.port = port
        self.lang = lang
        self.tls_mode = tls  # "none", "starttls" (expected later) or "implicit"
        self.cafile = cafile
        self.protocol: str | None = None
        self.framer = ReplyFramer(None)
        self.closed = False
        #: the TLS in force, once a handshake completed
        self.tls: TlsInfo | None = None
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._tls_asked = False  # STARTTLS/STLS sent, its reply not read yet
        self._challenge = False  # the last reply was a 334 / "+ " challenge
        self._in_data = False  # SMTP: letter text after 354

    def compose(self) -> ComposeResult:
        with Vertical(id="dialogue"):
            yield Transcript(id="transcript")
            yield CommandPrompt(protocol="pop3", lang=self.lang, id="prompt")
        yield Footer()

    @property
    def transcript(self) -> Transcript:
        return self.query_one("#transcript", Transcript)

    @property
    def prompt(self) -> CommandPrompt:
        return self.query_one("#prompt", CommandPrompt)

    def on_mount(self) -> None:
        self.sub_title = tr("connect.sub_title", self.lang, host=self.host, port=self.port)
        self.transcript.add_note(
            tr("connect.connecting", self.lang, host=self.host, port=self.port)
        )
        self.run_worker(self._run(), exclusive=True, group="connection")

    # -- the connection ------------------------------------------------------------------------

    async def _run(self) -> None:
        context = None
        try:
            if self.tls_mode == "implicit":
                context = client_context(self.cafile)
            self._reader, self._writer = await asyncio.wait_for(
                asyncio.open_connection(
                    self.host,
                    self.port,
                    ssl=context,
                    server_hostname=self.host if context else None,
                    limit=LINE_LIMIT,
                ),
                CONNECT_TIMEOUT,
            )
        except (TimeoutError, OSError, ssl.SSLError) as exc:
            reason = str(exc) or type(exc).__name__
            self.transcript.add_note(
                tr("connect.failed", self.lang, host=self.host, port=self.port, error=reason)
            )
            self._connection_closed()
            return
        self.transcript.add_note(tr("connect.connected", self.lang, host=self.host, port=self.port))
        if context is not None:
            self._show_handshake()
        elif self.tls_mode == "starttls":
            self.transcript.add_note(tr("connect.starttls_hint", self.lang))
        try:
            await self._read_loop()
        except (OSError, ssl.SSLError) as exc:
            self.transcript.add_note(str(exc) or type(exc).__name__)
        finally:
            self._connection_closed()

    async def _read_loop(self) -> None:
        reader = self._reader
        assert reader is not None
        while True:
            try:
                raw = await reader.readuntil(b"\n")
            except asyncio.IncompleteReadError as exc:
                if exc.partial:
                    self._received(exc.partial.decode("utf-8", "replace"))
                return
            except asyncio.LimitOverrunError as exc:
                raw = await reader.readexactly(exc.consumed)  # an overlong line, in pieces
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            reply = self._received(line)
            if reply is not None and self._tls_asked:
                self._tls_asked = False
                if reply.ok and not await self._start_tls():
                    return

    def _received(self, line: str) -> Reply | None:
        if self.protocol is None and not self.framer.protocol:
            self._set_protocol(guess_protocol(line))
        reply = self.framer.feed(line)
        if reply is None:
            return None
        self.transcript.add_replies([reply])
        self._challenge = reply.status in ("334", "+")
        if reply.status == "354":
            self._in_data = True
            self.prompt.message_mode = True
        return reply

    def _set_protocol(self, protocol: str | None) -> None:
        from tutor.ui.widgets.lesson_session import prompt_setup

        self.protocol = protocol
        self.framer = ReplyFramer(protocol)
        if protocol is None:
            self.transcript.add_note(tr("connect.unknown_protocol", self.lang))
            return
        self.transcript.add_note(tr("connect.protocol", self.lang, protocol=protocol.upper()))
        prompt_setup(self.prompt, protocol)

    async def _start_tls(self) -> bool:
        writer = self._writer
        assert writer is not None
        try:
            await writer.start_tls(client_context(self.cafile), server_hostname=self.host)
        except (OSError, ssl.SSLError, ConnectionError) as exc:
            self.transcript.add_note(
                tr("connect.tls_failed", self.lang, error=str(exc) or type(exc).__name__)
            )
            return False
        self._show_handshake()
        return True

    def _show_handshake(self) -> None:
        writer = self._writer
        self.tls = tls_info(writer.get_extra_info("ssl_object") if writer else None)
        self.transcript.add_tls(describe_tls(self.tls, lang=self.lang))
        if self.cafile:
            self.transcript.add_note(tr("connect.verified", self.lang, cafile=self.cafile))
        else:
            self.transcript.add_note(
                tr("connect.not_verified", self.lang, fingerprint=self.tls.fingerprint)
            )

    def _connection_closed(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.transcript.end_tls()
        self.transcript.add_note(tr("connect.closed", self.lang))
        self.prompt.closed = True
        if self._writer is not None:
            self._writer.close()

    # -- typing --------------------------------------------------------------------------------

    def on_helper_escape(self, event: HelperEscape) -> None:
        # Here, in the screen's queue with the lines, not at the app: a /base64 typed after a
        # command gets its note after that command's reply.
        self.app.on_helper_escape(event)  # type: ignore[attr-defined]

    @on(LineEntered)
    async def _line_entered(self, event: LineEntered) -> None:
        event.stop()
        await self.send(event.line)

    async def send(self, line: str) -> None:
        """Send one typed line as is (CRLF added); the transcript shows it, passwords masked."""
        writer = self._writer
        if self.closed or writer is None:
            self.transcript.add_note(tr("connect.closed", self.lang))
            return
        if self._in_data:
            self.transcript.add_client(line, message_text=True)
            if line == ".":
                self._in_data = False
                self.prompt.message_mode = False
        else:
            shown = masked(line, answering_challenge=self._challenge)
            self.transcript.add_client(shown)
            if not self._challenge:
                self.framer.sent(line)
            self._challenge = False
            if starts_tls_command(self.protocol, line) and self.tls is None:
                self._tls_asked = True
        try:
            writer.write(line.encode("utf-8") + b"\r\n")
            await writer.drain()
        except (OSError, ConnectionError) as exc:
            self.transcript.add_note(str(exc) or type(exc).__name__)
            self._connection_closed()

    def action_scroll_transcript(self, direction: int) -> None:
        if direction < 0:
            self.transcript.scroll_page_up(animate=False)
        else:
            self.transcript.scroll_page_down(animate=False)
