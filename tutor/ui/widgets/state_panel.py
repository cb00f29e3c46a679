"""The server's state, live: what the engine's view() says after every command.

POP3: the session state, who is logged in, and the maildrop as a table whose rows DELE marks
(struck through, dim, and a "✗ deleted" text marker) and QUIT removes. SMTP: the envelope being
built (HELO name, MAIL FROM, RCPT TO) and the letters delivered. Both: the world's local users
with their maildrop counts, straight from the store. The panel only reads values; it never
reaches inside the engine.

The tables are mounted when there is something to put in them (the maildrop at login, the
delivered letters at the first 250): a DataTable is the panel's costliest widget to style and
draw, and the first screen of a sandbox, in AUTHORIZATION or before MAIL, shows neither.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tutor.mail.store import MailStore
from tutor.protocol.session import Pop3View, SmtpView
from tutor.ui.i18n import tr

if TYPE_CHECKING:
    from textual.widgets import DataTable

SUBJECT_MAX = 36
SUBJECT_MIN = 12
#: longest user name, HELO name or address shown (a pasted megabyte must not be wrapped)
VALUE_MAX = 40
#: POP3 maildrop columns and their widths besides the subject (cell padding included)
FIXED_POP3_WIDTH = {"number": 5, "size": 8, "uid": 16, "mark": 11}


def foreground_only(style: Style) -> Style:
    """A component style without its background, so it sits on any container's colour."""
    return style.without_color + Style(color=style.color)


def world_name(world: str) -> str:
    """A world as the panel names it: a named world as is, a world file by its file name."""
    return PurePath(world).name if "/" in world or "\\" in world else world


def clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def delivered_widths(width: int, recipients: list[str], sizes: list[str]) -> tuple[int, int]:
    """(subject, recipient) widths for the delivered table in `width` cells (two columns, each
    padded by one cell a side): recipients whole where they can be, subjects the rest."""
    first_min = max([10, *map(len, sizes)])  # a queue id and "46394 octets" are never cut
    to_width = max(map(len, recipients), default=10)
    if width < first_min + 16:  # not laid out yet (a hidden tab): nothing to fit
        return SUBJECT_MAX, to_width
    to_width = max(12, min(to_width, width - first_min - 4))
    subject = max(first_min, width - to_width - 4)
    return min(subject, SUBJECT_MAX), to_width


class ServerStatePanel(VerticalScroll):
    """Shows a Pop3View or SmtpView and the store's users (see module docstring)."""

    DEFAULT_CSS = """
    ServerStatePanel {
        border: round $secondary 60%;
        border-title-color: $text-secondary;
        border-title-style: bold;
        padding: 0 1;
        background: $surface;
        scrollbar-size-vertical: 1;
        height: 1fr;
    }
    ServerStatePanel:focus-within {
        border: round $secondary;
    }
    ServerStatePanel > .state-panel--badge {
        background: $secondary;
        color: auto 90%;
        text-style: bold;
    }
    ServerStatePanel > .state-panel--closed-badge {
        background: $error;
        color: auto 90%;
        text-style: bold;
    }
    ServerStatePanel > .state-panel--data-badge {
        background: $warning;
        color: auto 90%;
        text-style: bold;
    }
    ServerStatePanel > .state-panel--deleted {
        color: $text-error;
        text-style: strike dim;
    }
    ServerStatePanel > .state-panel--marker {
        color: $text-error;
        text-style: bold;
    }
    ServerStatePanel > .state-panel--header {
        color: $text-muted;
        text-style: bold;
    }
    ServerStatePanel > .state-panel--muted {
        color: $text-muted;
    }
    ServerStatePanel > .state-panel--value {
        color: $text-success;
        text-style: bold;
    }
    ServerStatePanel .state-panel-heading {
        color: $text-secondary;
        text-style: bold;
        margin-top: 1;
    }
    ServerStatePanel #state-line {
        margin-top: 0;
    }
    ServerStatePanel DataTable {
        height: auto;
        max-height: 14;
        background: $surface;
        scrollbar-size-vertical: 1;
    }
    ServerStatePanel DataTable > .datatable--header {
        color: $text-muted;
        background: $surface;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES = {
        "state-panel--badge",
        "state-panel--closed-badge",
        "state-panel--data-badge",
        "state-panel--deleted",
        "state-panel--marker",
        "state-panel--muted",
        "state-panel--header",
        "state-panel--value",
    }

    def __init__(
        self,
        protocol: str,
        *,
        lang: str = "en",
        world: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.protocol = protocol
        self.lang = lang
        self.world = world
        self._last: tuple[Any, int] | None = None
        self._subject_width = 30
        self._marked: tuple[int, ...] = ()  # rows marked deleted at the last refresh
        self._delivered = 0  # letters delivered at the last refresh
        self._show_uid = True
        #: the maildrop columns' widths as last set (None: as _setup_columns left them)
        self._pop3_widths: tuple[int, ...] | None = None
        self._width = 0  # content width at the last resize (the delivered table fits it)
        self._session: Any = None
        self._store: MailStore | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="state-line")
        # TLS, login, role (see tls_view); hidden until a server with TLS shows it
        connection = Static(id="connection-line")
        connection.display = False
        yield connection
        if self.protocol == "pop3":
            yield Static(classes="state-panel-heading", id="maildrop-heading")
            # the maildrop table goes here once someone has logged in (see _table)
            yield Static(id="maildrop-total")
            yield from self._compose_users()
        else:
            # Envelope first, delivered letters last: after a 250 the panel anchors to its end,
            # so the new letter and the maildrop counts above it are what a short panel shows.
            yield Static(classes="state-panel-heading", id="envelope-heading")
            yield Static(id="envelope")
            yield from self._compose_users()
            yield Static(classes="state-panel-heading", id="delivered-heading")
            # the delivered letters' table goes here after the first 250 (see _table)

    def _compose_users(self) -> ComposeResult:
        yield Static(classes="state-panel-heading", id="users-heading")
        # A plain rich table: read-only, small, and much cheaper to mount than a DataTable.
        yield Static(id="users")

    def on_mount(self) -> None:
        self._setup_columns()
        if self._session is not None and self._store is not None:
            self._last = None
            self.refresh_from(self._session, self._store)

    def _table_id(self) -> str:
        return "maildrop" if self.protocol == "pop3" else "delivered"

    def _mounted_table(self) -> DataTable | None:
        """The panel's table if it has been mounted yet."""
        found = self.query(f"#{self._table_id()}")
        return found.first() if found else None  # type: ignore[return-value]

    def _table(self) -> DataTable:
        """The panel's table, mounted (under its heading) the first time it has rows to show."""
        table = self._mounted_table()
        if table is None:
            from textual.widgets import DataTable

            table_id = self._table_id()
            table = DataTable(id=table_id, cursor_type="none", zebra_stripes=False)
            self.mount(table, after=f"#{table_id}-heading")
            self._setup_columns()
        return table

    def _setup_columns(self) -> None:
        table = self._mounted_table()
        if table is None:
            return  # nothing to set up until the table is needed
        table.clear(columns=True)
        self._pop3_widths = None
        keys = self._pop3_columns() if self.protocol == "pop3" else ("letter", "recipients")
        for key in keys:
            table.add_column(tr(f"panel.col.{key}", self.lang), key=key)

    def _pop3_columns(self) -> tuple[str, ...]:
        if self._show_uid:
            return ("number", "size", "uid", "subject", "mark")
        return ("number", "size", "subject", "mark")

    @property
    def fitted(self) -> bool:
        """Whether the tables were last fitted to the panel's present width. A panel shown
        after being hidden (its tab at 80x24) is fitted when its Resize event is handled,
        a moment after the first frame; tests that take a picture wait for this."""
        width = self.scrollable_content_region.width
        return width > 0 and self._width == width - 1  # a hidden panel has no width to fit

    def on_resize(self) -> None:
        self.fit_to_width()

    def on_show(self) -> None:
        self.fit_to_width()

    def fit_to_width(self) -> None:
        """Fit the maildrop table to the panel: shorten subjects, then drop the UID column.

        Called on Resize, and by the screens after showing a hidden panel (its tab at 80x24):
        a panel shown again by a CSS class change does not always get a Resize or a Show, and
        its tables may have been filled meanwhile for no width at all."""
        if self.scrollable_content_region.width <= 0:
            return  # hidden: nothing to fit to until it is shown
        width = self.scrollable_content_region.width - 1
        fixed = sum(FIXED_POP3_WIDTH.values())
        show_uid = width - fixed - 2 >= SUBJECT_MIN
        if not show_uid:
            fixed -= FIXED_POP3_WIDTH["uid"]
        subject = max(SUBJECT_MIN, min(SUBJECT_MAX, width - fixed - 2))
        smtp_resized = self.protocol != "pop3" and width != self._width
        self._width = width
        if (subject, show_uid) != (self._subject_width, self._show_uid) or smtp_resized:
            self._subject_width, self._show_uid = subject, show_uid
            self._setup_columns()
            self._last = None
            if self._session is not None and self._store is not None:
                self.refresh_from(self._session, self._store)

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        if self.is_mounted:
            self._setup_columns()
            self._last = None
            if self._session is not None and self._store is not None:
                self.refresh_from(self._session, self._store)

    # -- the one entry point --------------------------------------------------------------

    def refresh_from(self, session: Any, store: MailStore) -> None:
        """Redraw from the session's view() and the store; cheap when nothing changed."""
        self._session, self._store = session, store
        if not self.is_mounted:
            return
        view = session.view()
        key = (view, store.version)
        if key == self._last:
            return
        self._last = key
        self.border_title = f"{tr('panel.title', self.lang)} · {self.protocol.upper()}"
        self.border_subtitle = Text(self.world)  # a world file's name is not markup
        if isinstance(view, Pop3View):
            self._show_pop3(view, store)
        elif isinstance(view, SmtpView):
            self._show_smtp(view, session)
        self._show_connection(view, session)
        self._show_users(store)

    # -- pieces ---------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        style = self.get_component_rich_style(f"state-panel--{name}")
        # Badges carry their own background; text styles keep whatever is behind them.
        return style if name.endswith("badge") else foreground_only(style)

    def _state_line(self, state: str, closed: bool, extra: list[Text]) -> Text:
        lang = self.lang
        badge = "closed-badge" if closed else ("data-badge" if state == "data" else "badge")
        line = Text.assemble(
            (f"{tr('panel.state', lang)} ", self._style("muted")),
            (f" {state} ", self._style(badge)),
        )
        if closed:
            line.append(f"  {tr('panel.closed', lang)}", self._style("muted"))
        for part in extra:
            line.append("  ")
            line.append_text(part)
        return line

    def _show_pop3(self, view: Pop3View, store: MailStore) -> None:
        lang = self.lang
        shown_user = clip(view.user or "", VALUE_MAX)
        user_text = Text(f"{tr('panel.user', lang)} ", self._style("muted"))
        if view.user:
            user_text.append(shown_user, self._style("value"))
            if view.closed:  # QUIT or a dropped line: nobody is logged in any more
                status = "panel.signed_off"
            elif view.authenticated:
                status = "panel.authenticated"
            else:
                status = "panel.not_authenticated"
            user_text.append(f" ({tr(status, lang)})", self._style("muted"))
        else:
            user_text.append(tr("panel.nobody", lang), self._style("muted"))
        self.query_one("#state-line", Static).update(
            self._state_line(view.state, view.closed, [user_text])
        )
        heading = self.query_one("#maildrop-heading", Static)
        total = self.query_one("#maildrop-total", Static)
        if not view.authenticated:
            heading.update(Text(tr("panel.maildrop.locked", lang)))
            total.display = False
            table = self._mounted_table()
            if table is not None:  # a new session after one that logged in
                table.clear()
                table.display = False
            return
        table = self._table()
        if view.closed and view.user:
            # After QUIT the deletions happened: show the maildrop as the store now holds it.
            heading.update(Text(tr("panel.maildrop.after_quit", lang, user=shown_user)))
            messages = store.messages(view.user)
            self._fill_pop3(
                table,
                [
                    self._pop3_row(str(n), str(m.size), m.uid, m.subject, None)
                    for n, m in enumerate(messages, 1)
                ],
            )
            total.display = table.display = True
            count = len(messages)
            size = sum(m.size for m in messages)
            total.update(
                Text(
                    tr("panel.total", lang, count=count, size=size, marked=tr("panel.none", lang)),
                    self._style("muted"),
                )
            )
            return
        total.display = table.display = True
        heading.update(Text(tr("panel.maildrop", lang, user=shown_user)))
        self._fill_pop3(
            table,
            [
                self._pop3_row(
                    str(row.number),
                    str(row.size),
                    row.uid,
                    row.subject,
                    tr("panel.deleted", lang) if row.deleted else None,
                )
                for row in view.messages
            ],
        )
        changed = set(view.marked_deleted) ^ set(self._marked)
        self._marked = view.marked_deleted
        if changed:
            # A long maildrop scrolls inside the table: bring the row DELE/RSET touched into view.
            first = min(changed) - 1
            table.call_after_refresh(table.scroll_to, y=max(0, first - 1), animate=False)
        if not view.messages:
            heading.update(
                Text(
                    f"{tr('panel.maildrop', lang, user=shown_user)}: "
                    f"{tr('panel.maildrop.empty', lang)}"
                )
            )
        live = [m for m in view.messages if not m.deleted]
        marked = ", ".join(str(n) for n in view.marked_deleted) or tr("panel.none", lang)
        total.update(
            Text(
                tr(
                    "panel.total",
                    lang,
                    count=len(live),
                    size=sum(m.size for m in live),
                    marked=marked,
                ),
                self._style("muted"),
            )
        )

    def _pop3_row(
        self, number: str, size: str, uid: str, subject: str, deleted: str | None
    ) -> tuple[Text, ...]:
        """One maildrop row; a row marked by DELE is struck through, dim, and says so in words."""
        cells: dict[str, object] = {
            "number": number,
            "size": size,
            "uid": uid,
            "subject": clip(subject, self._subject_width),
        }
        if deleted is not None:
            struck = self._style("deleted")
            texts = {key: Text(str(value), struck) for key, value in cells.items()}
            texts["mark"] = Text(deleted, self._style("marker"))
        else:
            texts = {key: Text(str(value)) for key, value in cells.items()}
            texts["mark"] = Text("")
        return tuple(texts[key] for key in self._pop3_columns())

    def _fill_pop3(self, table: DataTable, rows: list[tuple[Text, ...]]) -> None:
        """Put `rows` in the maildrop table, each column exactly as wide as its widest cell.

        The widths are set here rather than left to DataTable's auto width, which it measures
        only when its message queue is idle: a row drawn before that (DELE's "✗ deleted" in a
        column sized for "mark") stayed clipped in its render cache.
        """
        keys = self._pop3_columns()
        labels = [tr(f"panel.col.{key}", self.lang) for key in keys]
        widths = tuple(
            max([Text(label).cell_len, *(row[i].cell_len for row in rows)])
            for i, label in enumerate(labels)
        )
        if widths != self._pop3_widths:
            table.clear(columns=True)
            for key, label, width in zip(keys, labels, widths, strict=True):
                table.add_column(label, key=key, width=width)
            self._pop3_widths = widths
        else:
            table.clear()
        for row in rows:
            table.add_row(*row, key=row[0].plain)

    def _show_smtp(self, view: SmtpView, session: Any) -> None:
        lang = self.lang
        extra = []
        if getattr(session, "mode", "command") == "data":
            extra.append(Text(tr("panel.mode.data", lang), self._style("muted")))
        self.query_one("#state-line", Static).update(
            self._state_line(view.state, view.closed, extra)
        )
        self.query_one("#envelope-heading", Static).update(Text(tr("panel.envelope", lang)))
        new_letter = len(view.delivered) > self._delivered
        self._delivered = len(view.delivered)  # a new session starts again from none
        if view.mail_from is not None and not new_letter:
            self.scroll_home(animate=False, immediate=True)  # a new envelope: show it
        unset = tr("panel.unset", lang)
        if view.mail_from is None:
            sender = unset
        elif view.mail_from == "":
            sender = tr("panel.null_sender", lang)
        else:
            sender = f"<{clip(view.mail_from, VALUE_MAX)}>"
        rows = [
            (tr("panel.helo", lang), clip(view.helo, VALUE_MAX) if view.helo else unset),
            (tr("panel.mail_from", lang), sender),
        ]
        rcpts = [f"<{clip(r, VALUE_MAX)}>" for r in view.rcpt_to] or [unset]
        rows.append((tr("panel.rcpt_to", lang), rcpts[0]))
        rows.extend(("", r) for r in rcpts[1:])
        width = max(len(label) for label, _ in rows)
        envelope = Text()
        for index, (label, value) in enumerate(rows):
            if index:
                envelope.append("\n")
            envelope.append(f"{label:<{width}}  ", self._style("muted"))
            envelope.append(value, self._style("value") if value != unset else None)
        self.query_one("#envelope", Static).update(envelope)
        heading = self.query_one("#delivered-heading", Static)
        if not view.delivered:
            none_yet = tr("panel.delivered.none", lang)
            heading.update(Text(f"{tr('panel.delivered', lang)}: {none_yet}"))
            table = self._mounted_table()
            if table is not None:  # a new session after one that delivered
                table.clear()
                table.display = False
            return
        heading.update(Text(tr("panel.delivered", lang)))
        table = self._table()
        table.clear()
        table.display = True
        if new_letter:
            # A letter just got its 250: in a short panel, show it rather than the empty envelope.
            # scroll_end reads the scroll range when it runs, after the table has been laid out.
            self.call_after_refresh(self.scroll_end, animate=False)
        # One row per letter: queue id, subject and size stacked in the first column, one
        # recipient per line in the second, so a letter to several people fits a 40-cell panel
        # (a lesson's side at 80x24) without a sideways scroll.
        widths = delivered_widths(
            self.scrollable_content_region.width - 1,
            [r for d in view.delivered for r in d.recipients],
            [f"{d.size} {tr('panel.octets', lang, count=d.size)}" for d in view.delivered],
        )
        muted = self._style("muted")
        for letter in view.delivered:
            cell = Text(letter.queue_id)
            if letter.subject:
                cell.append("\n")
                cell.append(clip(letter.subject, widths[0]), muted)
            cell.append("\n")
            cell.append(f"{letter.size} {tr('panel.octets', lang, count=letter.size)}", muted)
            recipients = "\n".join(clip(r, widths[1]) for r in letter.recipients)
            table.add_row(cell, Text(recipients), height=None)

    def _show_connection(self, view: Pop3View | SmtpView, session: Any) -> None:
        """TLS and login, on servers that have them (the article's 2001 world has neither)."""
        from tutor.ui.widgets.tls_view import connection_line, has_connection_line

        static = self.query_one("#connection-line", Static)
        static.display = has_connection_line(view, session)
        if static.display:
            muted, value = self._style("muted"), self._style("value")
            static.update(connection_line(view, self.lang, muted, value))

    def _show_users(self, store: MailStore) -> None:
        lang = self.lang
        if self.world:
            heading = tr("panel.world", lang, world=world_name(self.world))
        else:  # a lesson that describes its own world inline
            heading = tr("panel.world.inline", lang)
        self.query_one("#users-heading", Static).update(Text(heading))
        rows = self.user_rows(store)
        table = Table(box=None, padding=(0, 1), show_edge=False, expand=False)
        header = self._style("header")
        for key in ("name", "password", "letters", "lock"):
            table.add_column(tr(f"panel.col.{key}", lang), header_style=header, no_wrap=True)
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))  # names are data, not markup
        self.query_one("#users", Static).update(table)

    def user_rows(self, store: MailStore) -> list[tuple[str, str, str, str]]:
        """(name, password, letters, lock) for every local user, as the panel shows them."""
        return [
            (
                user.name,
                user.password,
                str(len(user.messages)),
                tr("panel.locked", self.lang) if store.is_locked(user.name) else "",
            )
            for user in store.users
        ]
