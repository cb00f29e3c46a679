"""The self-signed certificate `serve` makes: reused, remade when a name is missing, and
verifiable by name with the file as its own trust anchor (strict verification too)."""

from __future__ import annotations

import socket
import ssl
import threading
from pathlib import Path

import pytest

from tutor import certs


def test_made_once_then_reused(tmp_path: Path) -> None:
    first = certs.self_signed(tmp_path, ["mail.server.ru"])
    assert {"localhost", "127.0.0.1", "::1", "mail.server.ru"} <= set(first.names)
    assert (tmp_path / certs.KEY_FILE).stat().st_mode & 0o077 == 0  # the key is private
    assert certs.self_signed(tmp_path, ["mail.server.ru"]).fingerprint == first.fingerprint
    other = certs.self_signed(tmp_path, ["mail.example.org"])
    assert other.fingerprint != first.fingerprint and "mail.example.org" in other.names


def test_a_broken_pair_is_refused_with_a_message(tmp_path: Path) -> None:
    good = certs.self_signed(tmp_path / "a")
    other = certs.self_signed(tmp_path / "b")
    with pytest.raises(certs.CertificateError, match="cannot use them together"):
        certs.load(good.cert_path, other.key_path)
    with pytest.raises(certs.CertificateError, match="no such file"):
        certs.load(tmp_path / "missing.pem", good.key_path)


def test_clients_verify_it_by_name_strictly(tmp_path: Path) -> None:
    certificate = certs.self_signed(tmp_path, ["mail.server.ru"])
    server = certs.server_context(certificate)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]

        def answer() -> None:
            conn, _ = listener.accept()
            with server.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(b"ok")

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        client = ssl.create_default_context(cafile=str(certificate.cert_path))
        client.verify_flags |= getattr(ssl, "VERIFY_X509_STRICT", 0)
        with (
            socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
            client.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
        ):
            assert tls.recv(2) == b"ok"
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
        thread.join(5)
