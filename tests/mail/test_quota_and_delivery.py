"""Maildrop size limits and delivery to several maildrops: all of them or none."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.mail.maildir import MaildirStore
from tutor.mail.store import DEFAULT_MAX_MAILDROP_SIZE, MailStoreError
from tutor.mail.worlds import WorldError, build_world
from tutor.protocol.maildrop import MaildropFull

LETTER = b"Subject: x\r\n\r\n" + b"y" * 986 + b"\r\n"  # 1002 octets


def test_named_worlds_have_a_generous_default_limit() -> None:
    assert build_world("article").max_maildrop_size == DEFAULT_MAX_MAILDROP_SIZE == 50 * 1024**2


def test_world_key_sets_the_limit_and_starting_letters_ignore_it() -> None:
    store = build_world({"base": "article", "max_maildrop_size": 1000})
    assert store.max_maildrop_size == 1000
    assert len(store.messages("ne_skagu")) == 3  # 93845 octets seeded all the same
    assert store.space_left("ne_skagu") == 0
    assert store.space_left("poluchatel") == 1000


@pytest.mark.parametrize("bad", [0, -5, "big", True, 1.5])
def test_world_key_must_be_a_positive_number(bad) -> None:
    with pytest.raises(WorldError, match="max_maildrop_size"):
        build_world({"max_maildrop_size": bad})


def test_a_letter_that_does_not_fit_is_refused_and_changes_nothing() -> None:
    store = build_world({"base": "empty", "max_maildrop_size": 2500})
    store.deliver("poluchatel", LETTER)
    store.deliver("poluchatel", LETTER)
    version = store.version
    with pytest.raises(MaildropFull) as refused:
        store.deliver("poluchatel", LETTER)
    assert refused.value.name == "poluchatel"
    assert len(store.messages("poluchatel")) == 2 and store.version == version
    assert store.space_left("poluchatel") == 2500 - 2 * len(LETTER)


def test_one_full_recipient_means_no_copy_for_anyone() -> None:
    store = build_world({"base": "article", "max_maildrop_size": 100_000})
    with pytest.raises(MaildropFull):
        store.deliver_all(["poluchatel", "ne_skagu"], b"Subject: big\r\n\r\n" + b"z" * 7000)
    assert store.messages("poluchatel") == []
    assert len(store.messages("ne_skagu")) == 3


def test_one_copy_per_maildrop_whatever_the_spelling() -> None:
    store = build_world("empty")
    letters = store.deliver_all(["poluchatel", "POLUCHATEL", "ne_skagu"], LETTER)
    assert len(letters) == 2
    assert len(store.messages("poluchatel")) == 1 and len(store.messages("ne_skagu")) == 1
    with pytest.raises(MailStoreError):
        store.deliver_all(["poluchatel", "nobody"], LETTER)
    assert len(store.messages("poluchatel")) == 1


def maildir_world(root: Path) -> MaildirStore:
    store = build_world("article", store_factory=lambda **kw: MaildirStore(root, **kw))
    assert isinstance(store, MaildirStore)
    return store


def letter_files(root: Path, user: str) -> list[str]:
    return sorted(p.name for sub in ("new", "cur", "tmp") for p in (root / user / sub).iterdir())


def test_maildir_delivery_is_all_or_nothing_when_one_folder_cannot_be_written(tmp_path) -> None:
    store = maildir_world(tmp_path)
    before = letter_files(tmp_path, "ne_skagu")
    # poluchatel's tmp/ is a file: writing there fails even for root (a read-only folder does not)
    broken = tmp_path / "poluchatel" / "tmp"
    broken.rmdir()
    broken.write_bytes(b"")
    for _attempt in range(3):  # a client retrying after 451
        with pytest.raises(OSError):
            store.deliver_all(["ne_skagu", "poluchatel"], LETTER)
    assert letter_files(tmp_path, "ne_skagu") == before  # no copy and no temp file left
    assert len(store.messages("ne_skagu")) == 3
    broken.unlink()
    broken.mkdir()
    store.deliver_all(["ne_skagu", "poluchatel"], LETTER)
    again = maildir_world(tmp_path)
    assert [len(again.messages(u)) for u in ("ne_skagu", "poluchatel")] == [4, 1]


def test_maildir_link_failure_takes_back_the_copies_already_linked(tmp_path, monkeypatch) -> None:
    import tutor.mail.maildir as maildir

    store = maildir_world(tmp_path)
    before = {u: letter_files(tmp_path, u) for u in ("ne_skagu", "poluchatel")}
    real_publish, calls = maildir.publish, []

    def publish_then_fail(temporary: Path, final: Path) -> None:
        calls.append(final)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_publish(temporary, final)

    monkeypatch.setattr(maildir, "publish", publish_then_fail)
    with pytest.raises(OSError):
        store.deliver_all(["ne_skagu", "poluchatel"], LETTER)
    assert {u: letter_files(tmp_path, u) for u in before} == before


def test_deleting_letters_gives_their_room_back() -> None:
    store = build_world({"base": "empty", "max_maildrop_size": 2 * len(LETTER)})
    first = store.deliver("poluchatel", LETTER)
    store.deliver("poluchatel", LETTER)
    assert store.space_left("poluchatel") == 0
    assert store.delete("poluchatel", [first.uid]) == 1
    assert store.space_left("poluchatel") == len(LETTER)
    store.deliver("poluchatel", LETTER)
    assert store.copy().space_left("poluchatel") == 0


def test_a_maildir_restart_counts_what_the_folders_hold(tmp_path) -> None:
    store = maildir_world(tmp_path)
    store.deliver("poluchatel", LETTER)
    again = maildir_world(tmp_path)
    assert again.maildrop_size("ne_skagu") == 93845
    assert again.maildrop_size("poluchatel") == len(LETTER)
