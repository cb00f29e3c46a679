"""MaildirStore: mail kept in Maildir folders survives a restart, deletions remove files."""

from __future__ import annotations

import mailbox
from pathlib import Path

from tutor.mail.store import MaildirStore
from tutor.mail.worlds import ARTICLE_SIZES, build_world


def maildir_world(root: Path, world: str = "article") -> MaildirStore:
    store = build_world(world, store_factory=lambda **kw: MaildirStore(root, **kw))
    assert isinstance(store, MaildirStore)
    return store


def files_of(root: Path, user: str) -> list[Path]:
    return sorted(p for sub in ("new", "cur") for p in (root / user / sub).iterdir())


def test_world_is_written_to_maildir_folders(tmp_path):
    store = maildir_world(tmp_path)
    assert [m.size for m in store.messages("ne_skagu")] == list(ARTICLE_SIZES)
    assert len(files_of(tmp_path, "ne_skagu")) == 3
    assert files_of(tmp_path, "poluchatel") == []
    # Real Maildir folders: the stdlib reads them back byte for byte.
    box = mailbox.Maildir(tmp_path / "ne_skagu", create=False)
    assert sorted(len(box.get_bytes(key)) for key in box.iterkeys()) == sorted(ARTICLE_SIZES)


def test_restart_keeps_order_sizes_and_uids_without_reseeding(tmp_path):
    first = maildir_world(tmp_path)
    before = [(m.uid, m.data) for m in first.messages("ne_skagu")]

    again = maildir_world(tmp_path)
    assert [(m.uid, m.data) for m in again.messages("ne_skagu")] == before
    assert len(files_of(tmp_path, "ne_skagu")) == 3


def test_delivered_letters_survive_restart_in_delivery_order(tmp_path):
    store = maildir_world(tmp_path)
    # Many letters within one second: the order must survive (Maildir keys are not zero-padded).
    for n in range(30):
        store.deliver("poluchatel", f"Subject: letter {n}\r\n\r\nBody {n}.\r\n".encode())

    again = maildir_world(tmp_path)
    subjects = [m.subject for m in again.messages("poluchatel")]
    assert subjects == [f"letter {n}" for n in range(30)]
    assert again.messages("poluchatel")[0].data == b"Subject: letter 0\r\n\r\nBody 0.\r\n"


def test_delete_removes_files_and_stays_deleted_after_restart(tmp_path):
    store = maildir_world(tmp_path)
    doomed = store.messages("ne_skagu")[0]
    assert store.delete("ne_skagu", [doomed.uid]) == 1
    assert len(files_of(tmp_path, "ne_skagu")) == 2

    again = maildir_world(tmp_path)
    assert [m.size for m in again.messages("ne_skagu")] == list(ARTICLE_SIZES[1:])
    assert again.delete("ne_skagu", [doomed.uid]) == 0  # already gone: not an error


def test_order_follows_delivery_time_not_key_spelling(tmp_path):
    # Maildir keys are "seconds.M<microseconds>P<pid>Q<count>.host" with unpadded numbers, so
    # "M99999" sorts after "M100000" as text though it was delivered first.
    folder = tmp_path / "poluchatel" / "new"
    for sub in ("new", "cur", "tmp"):
        (tmp_path / "poluchatel" / sub).mkdir(parents=True)
    names = ["1000.M99999P7Q1.host", "1000.M100000P7Q2.host", "999.M5P7Q9.host"]
    for n, name in enumerate(names):
        (folder / name).write_bytes(f"Subject: {n}\r\n\r\n.\r\n".encode())

    store = maildir_world(tmp_path, "empty")
    assert [m.subject for m in store.messages("poluchatel")] == ["2", "0", "1"]
