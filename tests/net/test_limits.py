"""Limits a client cannot talk its way around: idle timers reset only by whole commands, the
data-phase and session deadlines, slots freed even from clients that never read, the per-address
connection cap and the growing delay after failed logins."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import socket
import time

TIMEOUT = 10.0


def connect(address, source: str = "") -> socket.socket:
    sock = socket.create_connection(
        (address.host, address.port),
        timeout=TIMEOUT,
        source_address=(source, 0) if source else None,
    )
    return sock


def read_until_closed(sock: socket.socket, seconds: float, trickle: bytes = b"") -> bytes:
    """Everything the server sends until it closes the connection, sending `trickle` every
    0.1 s meanwhile; raises if it is still open after `seconds`."""
    sock.settimeout(0.1)
    received = bytearray()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if trickle:
            with contextlib.suppress(OSError):  # closed already: read what is left
                sock.send(trickle)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return bytes(received)
        if not chunk:
            return bytes(received)
        received += chunk
    raise AssertionError(f"still open after {seconds} s; got {bytes(received)[-200:]!r}")


def greeting(address) -> bytes:
    with connect(address) as sock:
        return sock.makefile("rb").readline()


def wait_for_greeting(address, prefix: bytes, seconds: float) -> float:
    """Seconds until a new client is greeted with `prefix` (polling every 50 ms)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if greeting(address).startswith(prefix):
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"never greeted with {prefix!r} within {seconds} s")


def test_slowloris_bytes_do_not_reset_the_idle_timer(start_server):
    server = start_server(smtp_timeout=0.5, max_connections=2, close_grace=0.3)
    loris = [connect(server.smtp) for _ in range(2)]
    started = time.monotonic()
    for sock in loris:
        # One byte every 0.1 s, never a line end: no command, so no reset.
        said = read_until_closed(sock, 3.0, trickle=b"x")
        assert said.startswith(b"220 ")
        assert b"421 " in said and b"idle timeout" in said
        sock.close()
    assert time.monotonic() - started < 2.0
    assert greeting(server.smtp).startswith(b"220 ")


def test_whole_commands_do_reset_the_idle_timer(start_server, raw):
    server = start_server(pop3_timeout=0.4)
    client = raw(server.pop3)
    assert client.line().startswith(b"+OK")
    for _ in range(6):  # 0.9 s of NOOPs, each in two pieces, against a 0.4 s timeout
        client.send(b"CA")
        time.sleep(0.08)
        client.send(b"PA\r\n")
        assert client.line().startswith(b"+OK")
        assert client.multiline()
        time.sleep(0.07)


def test_slots_of_clients_that_never_read_are_freed(start_server):
    # Each client pipelines RETRs and reads nothing: its output fills every buffer, so an
    # orderly close would wait for ever (the review pinned slots with CAPA the same way); the
    # grace period after the idle timeout ends it.
    users = [
        {"name": name, "password": "secret", "messages": [{"generate": 50_000}]}
        for name in ("one", "two")
    ]
    server = start_server({"users": users}, pop3_timeout=0.5, max_connections=2, close_grace=0.3)
    hogs = []
    for name in (b"one", b"two"):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fills sooner
        sock.settimeout(TIMEOUT)
        sock.connect((server.pop3.host, server.pop3.port))
        sock.sendall(b"USER " + name + b"\r\nPASS secret\r\n" + b"RETR 1\r\n" * 300)
        hogs.append(sock)  # 15 MB of replies asked for, none read
    try:
        assert greeting(server.pop3).startswith(b"-ERR [SYS/TEMP]")  # both slots taken
        assert wait_for_greeting(server.pop3, b"+OK", 5.0) < 2.5  # 0.5 s idle + 0.3 s grace
    finally:
        for sock in hogs:
            sock.close()


def test_data_phase_and_session_deadlines(start_server):
    server = start_server(smtp_timeout=5, data_timeout=0.5, session_timeout=1.0)
    writer, talker = connect(server.smtp), connect(server.smtp)
    for sock in (writer, talker):
        assert sock.makefile("rb").readline().startswith(b"220")
    writer.sendall(
        b"HELO a\r\nMAIL FROM:<ne_skagu@server.ru>\r\nRCPT TO:<poluchatel@server.ru>\r\n"
    )
    writer.sendall(b"DATA\r\nSubject: slow\r\n\r\n")
    started = time.monotonic()
    # A line of text every 0.1 s keeps it from being idle, never from the data deadline.
    said = read_until_closed(writer, 3.0, trickle=b"more text\r\n")
    assert b"354" in said and b"421 " in said and b"end of data" in said
    assert 0.4 < time.monotonic() - started < 1.5
    # A NOOP every 0.1 s keeps a session from being idle, never from the session limit.
    said = read_until_closed(talker, 3.0, trickle=b"NOOP\r\n")
    assert b"250" in said and b"421 " in said and b"session time limit" in said
    for sock in (writer, talker):
        sock.close()
    # The letter cut off by the data deadline was not delivered.
    with connect(server.pop3) as pop:
        lines = pop.makefile("rb")
        pop.sendall(b"USER poluchatel\r\nPASS secret\r\nSTAT\r\nQUIT\r\n")
        replies = [lines.readline() for _ in range(4)]
    assert replies[3].startswith(b"+OK 0 0")


def test_per_peer_cap_besides_the_global_one(start_server):
    server = start_server(max_connections=10, max_connections_per_peer=2)
    held = [connect(server.pop3) for _ in range(2)] + [connect(server.smtp) for _ in range(2)]
    try:
        for sock in held:
            assert sock.makefile("rb").readline()[:3] in (b"+OK", b"220")
        pop_refusal = greeting(server.pop3)
        assert pop_refusal.startswith(b"-ERR [SYS/TEMP]") and b"your address" in pop_refusal
        smtp_refusal = greeting(server.smtp)
        assert smtp_refusal.startswith(b"421 ") and b"your address" in smtp_refusal
        # Another address still gets in: the cap is per client, not a lower global limit.
        with connect(server.pop3, source="127.0.0.2") as other:
            assert other.makefile("rb").readline().startswith(b"+OK")
    finally:
        for sock in held:
            sock.close()


def test_failed_logins_are_delayed_more_each_time_then_disconnected(start_server):
    server = start_server(auth_failure_delay=0.1, max_auth_failures=3)
    with connect(server.pop3) as sock:
        lines = sock.makefile("rb")
        banner = lines.readline()
        timestamp = banner[banner.index(b"<") : banner.index(b">") + 1]
        wrong_digest = hashlib.md5(timestamp + b"guess").hexdigest().encode()
        started = time.monotonic()
        # Three guesses pipelined at once: unknown user, wrong password, wrong APOP digest.
        sock.sendall(
            b"USER nobody\r\nPASS secret\r\nUSER ne_skagu\r\nPASS guess\r\n"
            b"APOP ne_skagu " + wrong_digest + b"\r\nUSER ne_skagu\r\nPASS secret\r\n"
        )
        arrivals = []
        for _ in range(5):
            replies = lines.readline()
            arrivals.append((round(time.monotonic() - started, 2), replies.rstrip()))
        assert lines.readline() == b""  # closed after the third failure; the last PASS unread
    failures = [(at, line) for at, line in arrivals if line.startswith(b"-ERR")]
    assert [line for _, line in failures] == [b"-ERR [AUTH] invalid user name or password"] * 3
    # 0.1 s, then 0.2 s more, then 0.4 s more.
    assert failures[0][0] >= 0.1 and failures[1][0] >= 0.3 and failures[2][0] >= 0.7, arrivals
    # Reconnecting does not start afresh (Dovecot's auth penalty): the address's three failures
    # are remembered, so even the right password waits 0.4 s; another address does not wait.
    assert seconds_to_log_in(server.pop3) >= 0.4
    # That right password cleared the address's slate (as Dovecot does): no wait now.
    assert seconds_to_log_in(server.pop3) < 0.4
    assert seconds_to_log_in(server.pop3, source="127.0.0.2") < 0.4


def seconds_to_log_in(address, source: str = "") -> float:
    """How long the right USER/PASS takes to be answered, from `source`."""
    with connect(address, source=source) as sock:
        lines = sock.makefile("rb")
        assert lines.readline().startswith(b"+OK")
        started = time.monotonic()
        sock.sendall(b"USER ne_skagu\r\nPASS secret\r\n")
        assert lines.readline().startswith(b"+OK")
        assert lines.readline().startswith(b"+OK ne_skagu's maildrop")
        return time.monotonic() - started


def test_a_guesser_who_reconnects_meets_the_delay_it_reached(start_server):
    """The failures of one address add up across connections and across POP3 and SMTP."""
    world = {"base": "article", "auth_without_tls": True}  # AUTH PLAIN in clear text on SMTP
    server = start_server(world, auth_failure_delay=0.05, max_auth_failures=2)
    for _ in range(2):  # two connections, each closed after its two failures
        with connect(server.pop3) as sock:
            lines = sock.makefile("rb")
            assert lines.readline().startswith(b"+OK")
            sock.sendall(b"USER ne_skagu\r\nPASS guess1\r\nUSER ne_skagu\r\nPASS guess2\r\n")
            assert [lines.readline()[:4] for _ in range(4)] == [b"+OK ", b"-ERR"] * 2
            assert lines.readline() == b""
    # The fifth failure, on SMTP this time: 0.05 * 2**4 = 0.8 s.
    plain = base64.b64encode(b"\0ne_skagu\0guess5")
    with connect(server.smtp) as sock:
        lines = sock.makefile("rb")
        assert lines.readline().startswith(b"220")
        sock.sendall(b"EHLO me\r\n")
        while not lines.readline().startswith(b"250 "):
            pass
        started = time.monotonic()
        sock.sendall(b"AUTH PLAIN " + plain + b"\r\n")
        reply = lines.readline()
        waited = time.monotonic() - started
    assert reply.startswith(b"535"), reply
    assert waited >= 0.8, waited


def test_unknown_user_and_wrong_password_cost_the_same_delay(start_server):
    server = start_server(auth_failure_delay=0.2)
    elapsed = {}
    # From two addresses: one address's second failure would wait longer (auth penalty).
    for name, source in ((b"nobody", "127.0.0.1"), (b"ne_skagu", "127.0.0.2")):
        with connect(server.pop3, source=source) as sock:
            lines = sock.makefile("rb")
            assert lines.readline().startswith(b"+OK")
            sock.sendall(b"USER " + name + b"\r\n")
            assert lines.readline().startswith(b"+OK")
            started = time.monotonic()
            sock.sendall(b"PASS wrong\r\n")
            assert lines.readline() == b"-ERR [AUTH] invalid user name or password\r\n"
            elapsed[name] = time.monotonic() - started
    assert all(0.2 <= seconds < 1.0 for seconds in elapsed.values()), elapsed


def test_stopping_the_server_aborts_clients_that_never_read(start_server):
    server = start_server(close_grace=0.3)
    hog = socket.socket()
    hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    hog.settimeout(TIMEOUT)
    hog.connect((server.pop3.host, server.pop3.port))
    with hog:
        hog.sendall(b"USER ne_skagu\r\nPASS secret\r\n" + b"RETR 1\r\n" * 300)
        time.sleep(0.2)  # let the server fill its buffers (nothing to await: the client waits)
        started = time.monotonic()
        server.stop()  # returns once every connection is gone
        assert time.monotonic() - started < 2.0
        assert server.servers.connection_count == 0


def test_apop_for_an_unknown_user_draws_no_fresh_secret(start_server, monkeypatch):
    # The unknown-user path digests one fixed dummy secret, the same work as a known user's,
    # instead of asking for a new random one per try (which made it measurably slower).
    import tutor.protocol.pop3 as pop3

    def no_fresh_secrets(*args: object) -> str:
        raise AssertionError("a fresh secret was drawn")

    monkeypatch.setattr(pop3.secrets, "token_hex", no_fresh_secrets)
    server = start_server(auth_failure_delay=0)
    with connect(server.pop3) as sock:
        lines = sock.makefile("rb")
        assert lines.readline().startswith(b"+OK")
        sock.sendall(b"APOP nobody " + b"0" * 32 + b"\r\nAPOP ne_skagu " + b"0" * 32 + b"\r\n")
        assert (
            lines.readline() == lines.readline() == b"-ERR [AUTH] invalid user name or password\r\n"
        )
