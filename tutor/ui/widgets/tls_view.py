"""How TLS and logins show in the TUI: the handshake line in the transcript, and the state
panel's connection line (TLS in force, who is logged in, the SMTP server's role).

Pure functions over values (a session's view, its replies) plus one that writes to a
Transcript, so sandboxes, lessons and `mailtutor connect` show the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.style import Style
from rich.text import Text

import tutor.ui.tls_strings  # noqa: F401  (registers the strings used here)
from tutor.protocol.replies import Reply
from tutor.protocol.session import TlsInfo, describe_tls
from tutor.ui.i18n import tr
from tutor.ui.widgets.transcript import Transcript


def show_tls(transcript: Transcript, replies: Iterable[Reply], session: Any, lang: str) -> None:
    """After replies are drawn: the handshake a `starts_tls` reply led to, and the end of
    the encrypted part when the connection closed."""
    tls: TlsInfo | None = getattr(session, "tls", None)
    if tls is not None and any(reply.starts_tls for reply in replies):
        transcript.add_tls(describe_tls(tls, lang=lang))
    if getattr(session, "closed", False):
        transcript.end_tls()


def tls_summary(tls: TlsInfo | None, lang: str) -> str:
    """ "none (clear text)" or "TLSv1.3, TLS_AES_256_GCM_SHA384 (simulated)"."""
    if tls is None:
        return tr("panel.tls.none", lang)
    text = f"{tls.version}, {tls.cipher}"
    return f"{text} ({tr('panel.tls.simulated', lang)})" if tls.simulated else text


def has_connection_line(view: Any, session: Any) -> bool:
    """Whether the panel shows TLS and login: where the server offers TLS or has it (the
    article's world, from before TLS was common, does not: its login shows in the state line)."""
    return bool(
        getattr(session, "tls_available", False)
        or getattr(view, "tls", None) is not None
        or getattr(view, "role", "mx") == "submission"
    )


def connection_line(view: Any, lang: str, muted: Style, value: Style) -> Text:
    """The panel's line under the state: TLS, the logged-in user and (SMTP) the role."""
    tls = getattr(view, "tls", None)
    user = getattr(view, "authenticated_as", None)
    line = Text()
    line.append(f"{tr('panel.tls', lang)} ", muted)
    line.append(tls_summary(tls, lang), value if tls is not None else muted)
    line.append(f"\n{tr('panel.login', lang)} ", muted)
    shown_user = user if user is None or len(user) <= 40 else user[:39] + "…"
    line.append(shown_user or tr("panel.login.none", lang), value if user else muted)
    role = getattr(view, "role", None)
    if role is not None:
        key = "panel.role.submission" if role == "submission" else "panel.role.mx"
        line.append(f"  {tr('panel.role', lang)} ", muted)
        line.append(tr(key, lang), value if role == "submission" else muted)
    return line
