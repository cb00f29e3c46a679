"""Maildir durability: fsyncs where a power loss would lose or revive a letter, temp files that
never pile up, letters read on demand, and seeding that a kill -9 cannot double."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

import tutor.mail.maildir as maildir
from tutor.mail.maildir import MARKER_NAME, STALE_TMP_SECONDS, MaildirLetter, MaildirStore
from tutor.mail.worlds import build_world

ROOT = Path(__file__).resolve().parents[2]


def maildir_world(root: Path, world: str = "article") -> MaildirStore:
    store = build_world(world, store_factory=lambda **kw: MaildirStore(root, **kw))
    assert isinstance(store, MaildirStore)
    return store


@pytest.fixture
def synced(monkeypatch) -> list[Path]:
    """The directories fsynced, in order (the real fsync still runs)."""
    calls: list[Path] = []
    real = maildir.fsync_directory

    def record(path: Path) -> None:
        calls.append(Path(path))
        real(path)

    monkeypatch.setattr(maildir, "fsync_directory", record)
    return calls


def test_new_is_fsynced_after_the_link_before_deliver_returns(tmp_path, synced) -> None:
    store = maildir_world(tmp_path)
    synced.clear()
    store.deliver("poluchatel", b"Subject: x\r\n\r\nx\r\n")
    assert synced == [tmp_path / "poluchatel" / "new"]


def test_folders_are_fsynced_after_removals(tmp_path, synced) -> None:
    store = maildir_world(tmp_path)
    (tmp_path / "ne_skagu" / "cur" / "1.M1P1Q1.elsewhere:2,S").write_bytes(b"Subject: r\r\n\r\n")
    store = maildir_world(tmp_path)  # picks up the letter in cur/
    synced.clear()
    assert store.delete("ne_skagu", [m.uid for m in store.messages("ne_skagu")]) == 4
    assert sorted(synced) == [tmp_path / "ne_skagu" / "cur", tmp_path / "ne_skagu" / "new"]
    assert maildir_world(tmp_path).messages("ne_skagu") == []


def test_seeding_syncs_before_the_marker_is_written(tmp_path, synced) -> None:
    maildir_world(tmp_path)
    assert synced == [tmp_path / "ne_skagu" / "new", tmp_path]
    assert (tmp_path / MARKER_NAME).exists()
    assert not list(tmp_path.glob(f"{MARKER_NAME}*.tmp"))


def test_a_full_disk_leaves_no_temp_file(tmp_path, monkeypatch) -> None:
    store = maildir_world(tmp_path)

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError):
        store.deliver("poluchatel", b"Subject: x\r\n\r\nx\r\n")
    for sub in ("tmp", "new", "cur"):
        assert list((tmp_path / "poluchatel" / sub).iterdir()) == []
    assert store.messages("poluchatel") == []


def test_stale_temp_files_are_removed_at_start_fresh_ones_kept(tmp_path) -> None:
    maildir_world(tmp_path)
    tmp = tmp_path / "poluchatel" / "tmp"
    stale, fresh = tmp / "1.M1P99Q1.host", tmp / "2.M1P99Q2.host"
    stale.write_bytes(b"half a letter")
    fresh.write_bytes(b"a letter being written")
    old = time.time() - STALE_TMP_SECONDS - 60
    os.utime(stale, (old, old))
    store = maildir_world(tmp_path)
    assert sorted(tmp.iterdir()) == [fresh]  # another process may still be writing it
    assert store.messages("poluchatel") == []


def test_letters_are_read_from_disk_only_when_asked(tmp_path) -> None:
    store = maildir_world(tmp_path, "empty")
    size = 1024 * 1024
    for n in range(4):
        body = (b"%d" % n) * (size // 2) + b"\r\n"
        store.deliver("poluchatel", b"Subject: %d\r\n\r\n" % n + body[: size - 20])
    tracemalloc.start()
    try:
        again = maildir_world(tmp_path, "empty")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    letters = again.messages("poluchatel")
    assert all(isinstance(letter, MaildirLetter) for letter in letters)
    assert peak < size // 4  # 4 MiB on disk; not even one letter was read
    assert [m.size for m in letters] == [m.size for m in store.messages("poluchatel")]
    assert letters[2].data == store.messages("poluchatel")[2].data
    assert letters[2].subject == "2"


def test_retr_of_a_letter_whose_file_went_away_is_an_error_not_a_crash(tmp_path) -> None:
    from tutor.protocol.pop3 import Pop3Session

    store = maildir_world(tmp_path)
    for path in (tmp_path / "ne_skagu" / "new").iterdir():
        path.unlink()
    session = Pop3Session(store, timestamp="<1.1@x>")
    session.receive(b"USER ne_skagu\r\nPASS secret\r\n")
    for command in (b"RETR 1\r\n", b"TOP 2 0\r\n"):
        (reply,) = session.receive(command)
        assert reply.wire().startswith(b"-ERR [SYS/TEMP]")
    (reply,) = session.receive(b"STAT\r\n")
    assert reply.wire() == b"+OK 3 93845\r\n"


def test_a_letter_moved_to_cur_by_another_program_is_still_found(tmp_path) -> None:
    store = maildir_world(tmp_path)
    letter = store.messages("ne_skagu")[1]
    letter.path.rename(tmp_path / "ne_skagu" / "cur" / f"{letter.key}:2,S")
    assert len(letter.data) == letter.size == 20377
    assert store.delete("ne_skagu", [letter.uid]) == 1
    assert len(list((tmp_path / "ne_skagu" / "cur").iterdir())) == 0


# -- seeding that a kill -9 cannot double ---------------------------------------------------

# A world of eight letters (small, so the test is quick; the busy world's 40 behave alike).
SEEDED = 8
WORLD = {
    "base": "empty",
    "users": [
        {
            "name": "ne_skagu",
            "messages": [f"Subject: Letter {k}\n\nLetter {k}.\n" for k in range(1, SEEDED + 1)],
        }
    ],
}

# Builds WORLD into a Maildir and kills itself with SIGKILL at a known point: after the N-th
# starting letter is in, or after the N-th letter was written to tmp/ but before it is linked
# into new/ (the worst moment). Deterministic: no race with a killer from outside.
KILLER = """
import json, os, signal, sys
import tutor.mail.maildir as maildir
from tutor.mail.worlds import build_world

root, point, n, world = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
seeded, published = [0], [0]
real_seed, real_publish = maildir.MaildirStore._seed, maildir.publish

def seed(self, user, data, *rest):
    letter = real_seed(self, user, data, *rest)
    seeded[0] += 1
    if point == "after-letter" and seeded[0] == n:
        os.kill(os.getpid(), signal.SIGKILL)
    return letter

def publish(temporary, final):
    published[0] += 1
    if point == "before-link" and published[0] == n:
        os.kill(os.getpid(), signal.SIGKILL)
    real_publish(temporary, final)

maildir.MaildirStore._seed = seed
maildir.publish = publish
build_world(world, store_factory=lambda **kw: maildir.MaildirStore(root, **kw))
print("not killed")
"""


@pytest.mark.parametrize(
    ("point", "n"), [("after-letter", 1), ("before-link", 5), ("after-letter", SEEDED)]
)
def test_a_first_start_killed_while_seeding_gives_the_world_once(tmp_path, point, n) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(tmp_path), point, str(n), json.dumps(WORLD)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    assert not (tmp_path / MARKER_NAME).exists()
    for _start in range(2):
        store = build_world(WORLD, store_factory=lambda **kw: MaildirStore(tmp_path, **kw))
        subjects = [m.subject for m in store.messages("ne_skagu")]
        assert subjects == [f"Letter {k}" for k in range(1, SEEDED + 1)]
        assert (tmp_path / MARKER_NAME).exists()
    assert len(list((tmp_path / "ne_skagu" / "new").iterdir())) == SEEDED


def test_deleting_the_marker_puts_back_only_missing_starting_letters(tmp_path) -> None:
    store = maildir_world(tmp_path)
    store.deliver("ne_skagu", b"Subject: kept\r\n\r\nx\r\n")
    store.delete("ne_skagu", [store.messages("ne_skagu")[0].uid])
    again = maildir_world(tmp_path)
    assert len(again.messages("ne_skagu")) == 3  # the marker holds: nothing comes back
    (tmp_path / MARKER_NAME).unlink()
    subjects = [m.subject for m in maildir_world(tmp_path).messages("ne_skagu")]
    assert subjects == [
        "Фотографии с дачи",
        "Mail Weekly: how your letters travel",
        "Отчёт за октябрь",
        "kept",
    ]
