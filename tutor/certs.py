"""The TLS certificate `mailtutor serve` shows its clients: the user's own, or a self-signed one.

Theory of operation: a self-signed certificate is made once, on first start, in the folder the
caller names (the user data folder), valid for localhost, 127.0.0.1, ::1 and the world's host
names, and reused on later starts while it is valid and names every host asked for. It is its
own trust anchor: a client given the file (`curl --cacert`, `ssl.create_default_context(cafile=)`,
`openssl s_client -CAfile`) verifies the server by name, and the SHA-256 fingerprint printed at
start is what a client that asks "do you trust this certificate?" shows.

The key is ECDSA P-256: the handshake is a fraction of an RSA-2048 one's cost, and every TLS
library of the last decade speaks it. Made with the `cryptography` package; nothing shells out to
openssl. The asyncio side (STARTTLS, implicit TLS) is in tutor/net.py; this module only builds
files and `ssl.SSLContext`s.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CERT_FILE = "mailtutor-cert.pem"
KEY_FILE = "mailtutor-key.pem"
#: names every self-signed certificate covers, whatever the world
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
#: a self-signed certificate lives this long; one that expires within RENEW_BEFORE is remade
VALIDITY = dt.timedelta(days=825)  # the longest a browser-trusted server certificate may live
RENEW_BEFORE = dt.timedelta(days=30)


class CertificateError(ValueError):
    """A certificate or key file that cannot be used; str() says why, for the command line."""


@dataclass(frozen=True, slots=True)
class Certificate:
    """A certificate and its key on disk, with what a user checks it by."""

    cert_path: Path
    key_path: Path
    subject: str  # "CN=localhost"
    fingerprint: str  # SHA-256 of the DER form, "AB:CD:..."
    names: tuple[str, ...]  # the DNS names and addresses it is valid for
    self_signed: bool


def fingerprint_of(der: bytes) -> str:
    import hashlib

    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def _describe(path: Path, key_path: Path, *, self_signed: bool) -> Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise CertificateError(f"{path}: not a PEM certificate ({exc})") from exc
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = tuple(
            [str(n) for n in san.get_values_for_type(x509.DNSName)]
            + [str(a) for a in san.get_values_for_type(x509.IPAddress)]
        )
    except x509.ExtensionNotFound:
        names = ()
    return Certificate(
        cert_path=path,
        key_path=key_path,
        subject=cert.subject.rfc4514_string(),
        fingerprint=fingerprint_of(cert.public_bytes(Encoding.DER)),
        names=names,
        self_signed=self_signed,
    )


def load(cert_path: str | Path, key_path: str | Path) -> Certificate:
    """The user's own certificate (`--cert`, `--key`), checked by building a context from it."""
    cert_file, key_file = Path(cert_path), Path(key_path)
    for path in (cert_file, key_file):
        if not path.is_file():
            raise CertificateError(f"{path}: no such file")
    certificate = _describe(cert_file, key_file, self_signed=False)
    server_context(certificate)  # a key that does not match the certificate fails here
    return certificate


def _san_entries(names: Iterable[str]) -> list:
    from cryptography import x509

    entries: list = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return entries


def _wanted_names(hostnames: Iterable[str]) -> tuple[str, ...]:
    names = list(LOOPBACK_NAMES)
    for host in hostnames:
        host = host.strip().lower()
        if host and host not in names:
            names.append(host)
    return tuple(names)


def _still_good(folder: Path, names: tuple[str, ...]) -> Certificate | None:
    from cryptography import x509

    cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
    if not (cert_path.is_file() and key_path.is_file()):
        return None
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        described = _describe(cert_path, key_path, self_signed=True)
        server_context(described)
    except (CertificateError, ValueError, ssl.SSLError, OSError):
        return None  # unreadable or mismatched: make a new one
    expires = cert.not_valid_after_utc
    if expires - dt.datetime.now(dt.UTC) < RENEW_BEFORE:
        return None
    covered = {n.lower() for n in described.names}
    return described if all(n in covered for n in names) else None


def self_signed(folder: str | Path, hostnames: Iterable[str] = ()) -> Certificate:
    """The self-signed certificate in `folder`, made (or remade) when missing, expiring, or not
    naming every one of `hostnames` and the loopback names."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = Path(folder)
    names = _wanted_names(hostnames)
    existing = _still_good(folder, names)
    if existing is not None:
        return existing
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "mailtutor (self-signed)"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    public = key.public_key()
    # Extensions that strict verifiers (OpenSSL's X509_STRICT, Python 3.13's default) want of
    # a certificate that is its own trust anchor: CA basic constraints, key usage, key ids.
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(_san_entries(names)), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_private(folder / KEY_FILE, key_pem)
    _write_atomic(folder / CERT_FILE, cert.public_bytes(serialization.Encoding.PEM))
    return _describe(folder / CERT_FILE, folder / KEY_FILE, self_signed=True)


def _write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)


def _write_private(path: Path, data: bytes) -> None:
    _write_atomic(path, data, 0o600)  # the key is readable by its owner only


def server_context(certificate: Certificate) -> ssl.SSLContext:
    """A server-side context: TLS 1.2 at least (RFC 8314 §4.1 wants 1.2 or later)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(certificate.cert_path, certificate.key_path)
    except (ssl.SSLError, OSError) as exc:
        raise CertificateError(
            f"{certificate.cert_path}, {certificate.key_path}: cannot use them together ({exc})"
        ) from exc
    return context
