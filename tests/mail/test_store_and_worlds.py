"""The mail world: exact sizes, locks, delivery, deletion, scratch copies and world descriptions."""

from __future__ import annotations

import email
import email.policy

import pytest

from tutor.mail.letters import letter_of_size
from tutor.mail.store import MaildirStore, MailStore, decode_header_text
from tutor.mail.worlds import ARTICLE_SIZES, WorldError, build_world, world_names


def test_article_world_matches_the_article() -> None:
    store = build_world("article")
    sizes = [m.size for m in store.messages("ne_skagu")]
    assert sizes == [46394, 20377, 27074]
    assert sum(sizes) == 93845
    assert store.messages("poluchatel") == []
    assert store.domain == "server.ru"
    assert store.check_password("ne_skagu", "secret")
    assert store.check_password("poluchatel", "secret")
    assert not store.check_password("ne_skagu", "wrong")


def test_article_letters_are_plausible_mail() -> None:
    subjects = [m.subject for m in build_world("article").messages("ne_skagu")]
    assert subjects == [
        "Фотографии с дачи",
        "Mail Weekly: how your letters travel",
        "Отчёт за октябрь",
    ]
    for stored in build_world("article").messages("ne_skagu"):
        parsed = stored.parsed()
        assert parsed["To"] == "ne_skagu@server.ru"
        body = parsed.get_body(("plain",))
        assert body is not None and len(body.get_content()) > 100
        # Every line ends in CRLF, as a maildrop served over POP3 must.
        assert stored.data.count(b"\n") == stored.data.count(b"\r\n")


def test_letters_are_deterministic_and_exact() -> None:
    for size in (300, 301, 302, 5000, 5001, 46394):
        headers = {"From": "a@example.org", "To": "b@server.ru", "Subject": "Привет"}
        first = letter_of_size(size, headers)
        assert len(first) == size
        assert first == letter_of_size(size, headers)


def test_letter_too_small_for_its_headers_is_refused() -> None:
    with pytest.raises(ValueError, match="already"):
        letter_of_size(20, {"From": "a@example.org", "Subject": "x"})


def test_worlds_are_independent() -> None:
    first, second = build_world("article"), build_world("article")
    first.delete("ne_skagu", [first.messages("ne_skagu")[0].uid])
    assert len(first.messages("ne_skagu")) == 2
    assert len(second.messages("ne_skagu")) == 3


def test_named_worlds_all_build() -> None:
    for name in world_names():
        store = build_world(name)
        assert store.user("ne_skagu") is not None
    assert build_world("strict").strict is True
    assert build_world("article").strict is False


def test_locks_are_exclusive_and_case_insensitive() -> None:
    store = build_world("article")
    assert store.lock("ne_skagu")
    assert not store.lock("NE_SKAGU")
    assert not store.lock("nobody")
    store.unlock("ne_skagu")
    assert store.lock("ne_skagu")


def test_deliver_delete_and_version() -> None:
    store = build_world("empty")
    before = store.version
    message = store.deliver("poluchatel", b"Subject: hi\r\n\r\nhello\r\n")
    assert store.version > before
    assert [m.uid for m in store.messages("poluchatel")] == [message.uid]
    assert store.delete("poluchatel", [message.uid, "no-such-uid"]) == 1
    assert store.messages("poluchatel") == []


def test_uids_are_unique_and_stable() -> None:
    store = build_world("article")
    uids = [m.uid for m in store.messages("ne_skagu")]
    assert len(set(uids)) == 3
    assert uids == [m.uid for m in build_world("article").messages("ne_skagu")]


def test_copy_is_a_scratch_world(tmp_path) -> None:
    original = build_world("article", store_factory=lambda **kw: MaildirStore(tmp_path, **kw))
    scratch = original.copy()
    assert type(scratch) is MailStore
    scratch.delete("ne_skagu", [m.uid for m in scratch.messages("ne_skagu")])
    scratch.deliver("poluchatel", b"Subject: x\r\n\r\ny\r\n")
    assert len(original.messages("ne_skagu")) == 3
    assert original.messages("poluchatel") == []
    assert scratch.new_uid() not in {m.uid for m in scratch.messages("poluchatel")}


def test_maildir_store_survives_a_restart(tmp_path) -> None:
    def factory(**kw):
        return MaildirStore(tmp_path, **kw)

    first = build_world("article", store_factory=factory)
    first.deliver("poluchatel", b"Subject: kept\r\n\r\nbody\r\n")
    first.delete("ne_skagu", [first.messages("ne_skagu")[0].uid])

    again = build_world("article", store_factory=factory)
    assert [m.size for m in again.messages("ne_skagu")] == list(ARTICLE_SIZES[1:])
    assert [m.subject for m in again.messages("poluchatel")] == ["kept"]
    assert again.messages("poluchatel")[0].data == b"Subject: kept\r\n\r\nbody\r\n"


def test_inline_world_description(tmp_path) -> None:
    (tmp_path / "note.eml").write_bytes(b"Subject: from a file\n\nhello\n")
    store = build_world(
        {
            "base": "empty",
            "domain": "example.net",
            "strict": True,
            "users": [
                {
                    "name": "teacher",
                    "password": "pw",
                    "messages": [
                        {"text": "Subject: inline\n\nhi\n"},
                        {"file": "note.eml"},
                        {"generate": {"size": 1234, "subject": "Report"}},
                        {"generate": 999},
                    ],
                }
            ],
        },
        base_dir=tmp_path,
    )
    assert store.strict and store.domain == "example.net"
    messages = store.messages("teacher")
    assert [m.subject for m in messages] == ["inline", "from a file", "Report", "Generated letter"]
    assert messages[1].data == b"Subject: from a file\r\n\r\nhello\r\n"
    assert [m.size for m in messages[2:]] == [1234, 999]
    assert store.user("ne_skagu") is not None  # from the base world


def test_world_file(tmp_path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("users:\n  - name: alice\n    password: pw\n    messages: [{generate: 700}]\n")
    store = build_world(str(path))
    assert [m.size for m in store.messages("alice")] == [700]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no-such-world", "unknown world"),
        ({"colour": "blue"}, "unknown world key"),
        ({"users": [{"name": "a b"}]}, "without spaces"),
        ({"users": [{"name": "a", "messages": [{"text": "x", "file": "y"}]}]}, "exactly one"),
        ({"users": [{"name": "a", "messages": [{"generate": 10}]}]}, "at least 200"),
        ({"users": [{"name": "a", "messages": [{"file": "missing.eml"}]}]}, "cannot read"),
        ({"strict": "yes"}, "true or false"),
        ({"base": "nowhere"}, "unknown base world"),
    ],
)
def test_world_errors_say_what_to_fix(spec, message, tmp_path) -> None:
    with pytest.raises(WorldError, match=message):
        build_world(spec, base_dir=tmp_path)


def test_rfc2047_subject_of_the_article() -> None:
    fixed = "=?windows-1251?B?z/Du9/Lo8uUg/fLuIQ==?="
    assert decode_header_text(fixed) == "Прочтите это!"
    # The article's lower-cased copy is no longer the same base64; it must not crash.
    printed = "=?windows-1251?b?z/du9/lo8uug/fluiq==?="
    assert decode_header_text(printed) != "Прочтите это!"
    parsed = email.message_from_bytes(
        f"Subject: {fixed}\r\n\r\n".encode(), policy=email.policy.default
    )
    assert parsed["Subject"] == "Прочтите это!"
