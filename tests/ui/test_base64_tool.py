"""The base64 helper's logic: escapes in, base64 out, and back, with the bytes shown."""

from __future__ import annotations

from tutor.ui.base64_tool import decode, encode, hex_bytes, is_escape, run_escape, shown


def test_auth_plain_credentials_encode_as_every_client_sends_them() -> None:
    result = encode(r"\0ne_skagu\0secret")
    assert result.data == b"\0ne_skagu\0secret"
    assert result.text == "AG5lX3NrYWd1AHNlY3JldA=="
    assert shown(result.data) == r"\0ne_skagu\0secret"
    assert hex_bytes(result.data).startswith("00 6E 65 5F")


def test_a_challenge_decodes_to_plain_words() -> None:
    assert decode("VXNlcm5hbWU6").data == b"Username:"
    assert decode("UGFzc3dvcmQ6").data == b"Password:"
    assert not decode("not base64!").ok


def test_escapes_and_utf8() -> None:
    assert encode(r"a\\b\x41\n").data == b"a\\bA\n"
    assert encode("пароль").data == "пароль".encode()
    assert shown(b"a\\b\x01") == r"a\\b\x01"


def test_prompt_escape_forms() -> None:
    assert is_escape("/base64 \\0a\\0b") and is_escape("/B64 -d eA==")
    assert not is_escape("auth plain AGE=") and not is_escape("")
    decoded = run_escape("/b64 -d AG5lX3NrYWd1AHNlY3JldA==")
    assert decoded is not None and decoded.decoding and decoded.data == b"\0ne_skagu\0secret"
    assert run_escape("/base64") is None and run_escape("/base64 -d") is None
