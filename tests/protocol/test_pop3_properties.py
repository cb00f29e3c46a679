"""Property tests: whatever a client sends, the POP3 engine answers well-formed replies, never
raises, and never loses a letter that was not DELE'd and then committed by QUIT in TRANSACTION."""

from __future__ import annotations

import hashlib

from hypothesis import event, given, settings
from hypothesis import strategies as st

from tutor.mail.worlds import build_world
from tutor.protocol.pop3 import TRANSACTION, Pop3Session
from tutor.protocol.replies import Reply

WORLD = build_world(
    {
        "users": [
            {
                "name": "ne_skagu",
                "password": "secret",
                "messages": [
                    {"text": "Subject: one\n\n.dot line\n.\nend\n"},
                    {"text": "Subject: two\n\nhello\n"},
                    {"text": "Subject: three\n"},
                    {"generate": 600},
                ],
            },
            {"name": "poluchatel", "password": "secret", "messages": [{"generate": 300}]},
        ]
    }
)
USERS = ("ne_skagu", "poluchatel", "nobody", "NE_SKAGU")
SETTINGS = settings(max_examples=200, deadline=None)


def assert_well_formed(reply: Reply) -> None:
    assert reply.status in ("+OK", "-ERR")
    raw = reply.wire()
    first_end = raw.index(b"\r\n") + 2
    assert first_end <= 512, raw[:80]
    assert b"\n" not in raw[: first_end - 1] and b"\r" not in raw[: first_end - 2]
    assert raw.endswith(b"\r\n")
    if reply.body is not None:
        assert raw.endswith(b"\r\n.\r\n") or raw == raw[:first_end] + b".\r\n"


# -- random command sequences ---------------------------------------------------------------------

keyword = st.sampled_from(Pop3Session.keywords() + ("LOOP", "XTND", ""))
argument = st.one_of(
    st.integers(min_value=-1, max_value=7).map(str),
    st.integers(min_value=1, max_value=4).map(str),
    st.sampled_from(USERS + ("secret", "wrong", "DIGEST", "99999999999999", "1.0", "+1")),
    st.text(max_size=12),
)
command_line = st.builds(
    lambda word, case, args: " ".join([word.lower() if case else word, *args]),
    keyword,
    st.booleans(),
    st.one_of(st.lists(argument, max_size=1), st.lists(argument, max_size=3)),
)
# One line a client sends: a random command, or one of the lines that move mail around.
line_action = st.one_of(
    command_line,
    st.sampled_from(["dele 1", "DELE 2", "dele 3", "dele 4", "dele 5", "RSET", "QUIT"]),
    st.sampled_from(["<login>", "<abort>", "<deliver>", "APOP ne_skagu DIGEST"]),
)
# A visit: one client logs in, sends a few lines, then ends somehow (or stays connected while
# the other client takes a turn, which exercises the maildrop lock). Each line is sent through
# handle() or, framed with CRLF, through receive().
visit = st.tuples(
    st.sampled_from([0, 0, 1]),
    st.sampled_from(["<login>", "APOP ne_skagu DIGEST", "USER poluchatel"]),
    st.lists(st.tuples(line_action, st.booleans()), max_size=8),
    st.sampled_from(["QUIT", "quit", "<abort>", "NOOP"]),
)


def flatten(visits):
    return [
        (who, line, framed)
        for who, start, middle, end in visits
        for line, framed in [(start, False), *middle, (end, True)]
    ]


actions = st.lists(visit, max_size=6).map(flatten)


class Client:
    """One connection plus the model of what its QUIT may remove."""

    def __init__(self, store) -> None:
        self.store = store
        self.connect()

    def connect(self) -> None:
        self.session = Pop3Session(self.store)
        assert_well_formed(self.session.greeting())
        self.snapshot: list[str] = []  # UIDs by message number, read from the store at login
        self.marked: set[int] = set()

    def send(self, line: str, framed: bool = False) -> set[str]:
        """Send one line; return the UIDs a committed QUIT removed."""
        session = self.session
        was = session.state_name
        if isinstance(line, str) and "DIGEST" in line:
            line = line.replace(
                "DIGEST", hashlib.md5(f"{session.timestamp}secret".encode()).hexdigest()
            )
        if framed and not any(c in line for c in "\r\n"):
            replies = session.receive(line.encode("utf-8", "surrogatepass") + b"\r\n")
        else:
            replies = session.handle(line)
        removed: set[str] = set()
        for reply in replies:
            assert_well_formed(reply)
        if was != TRANSACTION and session.state_name == TRANSACTION:
            self.snapshot = [m.uid for m in self.store.messages(session.view().user or "")]
        elif was == TRANSACTION and replies and replies[0].ok:
            words = line.split()
            verb = words[0].upper() if words else ""
            if verb == "DELE":
                self.marked.add(int(words[1]))
            elif verb == "RSET":
                self.marked.clear()
            elif verb == "QUIT":
                removed = {self.snapshot[n - 1] for n in self.marked}
                event(f"QUIT removed {len(removed)}")
        if session.closed:
            self.connect()
        return removed


def uids(store) -> set[str]:
    return {m.uid for user in store.users for m in user.messages}


@SETTINGS
@given(actions)
def test_random_sessions_never_lose_mail(actions) -> None:
    store = WORLD.copy()
    expected = uids(store)
    clients = [Client(store), Client(store)]
    for who, what, framed in actions:
        client = clients[who]
        if what == "<abort>":
            client.session.abort()
            client.connect()
        elif what == "<login>":
            client.send("USER ne_skagu")
            client.send("PASS secret")
        elif what == "<deliver>":
            expected.add(store.deliver("ne_skagu", b"Subject: new\r\n\r\nnew\r\n").uid)
        else:
            expected -= client.send(what, framed)
        assert uids(store) == expected
    for client in clients:
        client.session.abort()
    assert uids(store) == expected
    assert not any(store.is_locked(u.name) for u in store.users)


@SETTINGS
@given(st.lists(st.binary(max_size=300), max_size=12))
def test_random_bytes_never_crash_a_session(chunks) -> None:
    store = WORLD.copy()
    session = Pop3Session(store)
    session.receive(b"USER ne_skagu\r\nPASS secret\r\n")
    for chunk in chunks:
        for reply in session.receive(chunk):
            assert_well_formed(reply)
        assert len(session._pending) <= 2 * Pop3Session.MAX_COMMAND_LINE
    session.abort()
    assert not store.is_locked("ne_skagu")


@SETTINGS
@given(st.text(max_size=300), st.sampled_from(["AUTHORIZATION", TRANSACTION]))
def test_any_typed_line_gets_one_well_formed_reply(line: str, state: str) -> None:
    session = Pop3Session(WORLD.copy())
    if state == TRANSACTION:
        session.handle("USER ne_skagu")
        session.handle("PASS secret")
    replies = session.handle(line)
    assert len(replies) == 1
    assert_well_formed(replies[0])
