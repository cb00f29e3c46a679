"""Letters stay as they were sent: CRLF line ends, sizes and UIDs that hold across restarts."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tutor.mail.maildir import MaildirStore
from tutor.mail.store import MAX_UID_LENGTH, MailStore, bounded_uid, normalize_crlf
from tutor.mail.worlds import build_world


def maildir_world(root: Path, world: str = "article") -> MaildirStore:
    store = build_world(world, store_factory=lambda **kw: MaildirStore(root, **kw))
    assert isinstance(store, MaildirStore)
    return store


def crlf_clean(data: bytes) -> bool:
    rest = data.replace(b"\r\n", b"")
    return b"\r" not in rest and b"\n" not in rest


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        (b"a\r\nb\r\n", b"a\r\nb\r\n"),
        (b"one\ntwo\r\n", b"one\r\ntwo\r\n"),
        (b"lone\rcr\r\n", b"lone\r\ncr\r\n"),
        (b"cr before crlf\r\r\n", b"cr before crlf\r\n\r\n"),
        (b"x\n.\ny\r\n", b"x\r\n.\r\ny\r\n"),  # a bare-LF dot is a line of text
        (b"\n\r", b"\r\n\r\n"),
    ],
)
def test_bare_lf_and_lone_cr_become_crlf(sent: bytes, kept: bytes) -> None:
    assert normalize_crlf(sent) == kept
    assert normalize_crlf(kept) == kept


def test_a_clean_letter_is_not_copied() -> None:
    data = b"Subject: x\r\n\r\nbody\r\n" * 1000
    assert normalize_crlf(data) is data


def test_delivered_letters_are_crlf_clean_in_memory() -> None:
    store = build_world("empty")
    letter = store.deliver("poluchatel", b"Subject: x\r\n\r\none\ntwo\rthree\r\n")
    assert letter.data == b"Subject: x\r\n\r\none\r\ntwo\r\nthree\r\n"
    assert letter.size == len(letter.data)


def test_maildir_letter_keeps_size_and_uid_across_restarts(tmp_path: Path) -> None:
    store = maildir_world(tmp_path, "empty")
    store.deliver("poluchatel", b"Subject: x\r\n\r\none\ntwo\r\n")
    before = [(m.uid, m.size, m.data) for m in store.messages("poluchatel")]
    assert before[0][1] == len(b"Subject: x\r\n\r\none\r\ntwo\r\n")
    for _ in range(2):
        again = maildir_world(tmp_path, "empty")
        assert [(m.uid, m.size, m.data) for m in again.messages("poluchatel")] == before


def test_a_file_dropped_into_new_is_served_with_crlf_and_a_steady_size(tmp_path: Path) -> None:
    maildir_world(tmp_path, "empty")
    (tmp_path / "poluchatel" / "new" / "1700000000.dropped.host").write_bytes(
        b"Subject: by hand\n\nwritten\rwith LF\n"
    )
    first = maildir_world(tmp_path, "empty").messages("poluchatel")
    second = maildir_world(tmp_path, "empty").messages("poluchatel")
    assert [(m.uid, m.size) for m in first] == [(m.uid, m.size) for m in second]
    (letter,) = second
    assert letter.data == b"Subject: by hand\r\n\r\nwritten\r\nwith LF\r\n"
    assert letter.size == len(letter.data) and letter.subject == "by hand"


# -- UIDs ---------------------------------------------------------------------------------------


def test_seeded_uids_stay_deterministic() -> None:
    uids = [m.uid for m in build_world("article").messages("ne_skagu")]
    assert uids == ["server.ru-0001", "server.ru-0002", "server.ru-0003"]


def test_letters_delivered_in_different_runs_never_share_a_uid() -> None:
    # deliver A, "restart" (the in-memory world is built afresh), deliver B
    first = build_world("article")
    a = first.deliver("ne_skagu", b"Subject: A\r\n\r\nA\r\n")
    second = build_world("article")
    b = second.deliver("ne_skagu", b"Subject: B\r\n\r\nB\r\n")
    assert a.uid != b.uid
    assert a.uid.startswith("server.ru-0004") and b.uid.startswith("server.ru-0004")


def test_uids_fit_rfc_1939_whatever_the_domain() -> None:
    store = MailStore("d" * 60 + ".example")
    store.add_user("u", "pw")
    uids = [store.deliver("u", b"Subject: x\r\n\r\nx\r\n").uid for _ in range(3)]
    assert len(set(uids)) == 3
    assert all(0 < len(uid) <= MAX_UID_LENGTH and uid.isascii() and " " not in uid for uid in uids)


def test_bounded_uid_is_stable_and_distinct() -> None:
    long_key = "1700000000.M1P2Q3." + "h" * 64 + ",W=100"
    assert bounded_uid(long_key) == bounded_uid(long_key)
    assert len(bounded_uid(long_key)) == MAX_UID_LENGTH
    assert bounded_uid(long_key) != bounded_uid(long_key.replace("Q3", "Q4"))
    assert bounded_uid("short-key") == "short-key"
    assert len(bounded_uid("ключ с пробелом")) <= MAX_UID_LENGTH


def test_maildir_uids_fit_with_a_64_character_host_name(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(socket, "gethostname", lambda: "h" * 60 + ".lan")
    store = maildir_world(tmp_path, "empty")
    for n in range(2):
        store.deliver("poluchatel", f"Subject: {n}\r\n\r\nx\r\n".encode())
    names = [p.name for p in (tmp_path / "poluchatel" / "new").iterdir()]
    assert all(len(name) > MAX_UID_LENGTH for name in names)  # the keys themselves are long
    uids = [m.uid for m in store.messages("poluchatel")]
    assert len(set(uids)) == 2 and all(len(uid) <= MAX_UID_LENGTH for uid in uids)
    assert [m.uid for m in maildir_world(tmp_path, "empty").messages("poluchatel")] == uids


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"a\r\nb\r\n",
        b"a\nb\n",
        b"a\rb",
        b"x\r",
        b"\r\n\r",
        b"\r\r\n\n",
        b"mixed\r\nbare\nlone\r",
    ],
)
@pytest.mark.parametrize("chunk", [1, 2, 3, 1 << 20])
def test_size_of_a_file_from_elsewhere_is_counted_in_chunks(tmp_path, content, chunk) -> None:
    from tutor.mail.maildir import crlf_size

    path = tmp_path / "letter"
    path.write_bytes(content)
    normalised = normalize_crlf(content)
    assert crlf_size(path, chunk) == (len(normalised), normalised == content)
