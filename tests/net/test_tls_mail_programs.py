"""Real mail programs with their own TLS code against `mailtutor serve`: fetchmail with its
default settings (it sends STLS unasked and verifies the certificate), s-nail with
`smtp-auth=plain`, swaks with `--tls --auth PLAIN`. Each verifies serve's printed certificate
the way its manual says; each test skips, saying so, where the program is not installed
(`.ci/run` installs them as root with apt-get).

fetchmail and s-nail compare the certificate's DNS names only, not its IP addresses, so they
are pointed at `localhost` (a name the certificate carries), which serve's 127.0.0.1 answers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import TIMEOUT, ServeProcess
from .test_tls_clients import certificate_of, subjects_of


def needs(program: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        shutil.which(program) is None,
        reason=f"{program} is not installed (apt-get install {program}; .ci/run does it as root)",
    )


def fingerprint_of(served: ServeProcess) -> str:
    """The SHA-256 fingerprint serve printed beside the certificate's path."""
    (line,) = [line for line in served.output if line.startswith("TLS certificate: ")]
    return line.split(" (SHA-256 ")[1].rstrip(")")


def run(command: list[str], home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The program with a fresh HOME, so no user's configuration takes part."""
    env = dict(os.environ, HOME=str(home), FETCHMAILHOME=str(home), MAILRC="/dev/null")
    return subprocess.run(
        command, input=stdin, capture_output=True, text=True, env=env, timeout=TIMEOUT * 3
    )


def fetchmailrc(home: Path, served: ServeProcess, *tls_options: str) -> Path:
    """A run-control file with nothing about TLS but `tls_options`; fetchmail wants it 0600."""
    rc = home / "fetchmailrc"
    rc.write_text(
        f"poll localhost protocol pop3 port {served.pop3.port} timeout 10\n"
        f"  user ne_skagu password secret\n"
        f'  mda "cat >> {home / "mbox"}"\n' + "".join(f"  {option}\n" for option in tls_options)
    )
    rc.chmod(0o600)
    return rc


@needs("fetchmail")
def test_fetchmail_with_its_defaults_sends_stls_and_fetches_everything(
    serve_process, tmp_path: Path
) -> None:
    served = serve_process("--world", "article", "--pop3-port", "0", "--smtp-port", "0")
    served.wait_listening()
    # Untold which certificate to trust, fetchmail starts TLS, refuses it, and sends no password.
    refused = run(["fetchmail", "-v", "-f", str(fetchmailrc(tmp_path, served))], tmp_path)
    assert "POP3> STLS" in refused.stderr + refused.stdout
    assert "certificate verify failed" in refused.stderr + refused.stdout
    assert "PASS" not in refused.stderr + refused.stdout
    assert not (tmp_path / "mbox").exists()
    # Told the certificate serve printed, it fetches the three letters inside TLS and, as it
    # does by default, deletes them from the server.
    rc = fetchmailrc(tmp_path, served, f"sslcertfile {certificate_of(served)}")
    fetched = run(["fetchmail", "-v", "-f", str(rc)], tmp_path)
    said = fetched.stderr + fetched.stdout
    assert fetched.returncode == 0, said
    assert "POP3> STLS" in said and "3 messages for ne_skagu at localhost" in said
    assert "mismatch" not in said and "verification error" not in said
    letters = (tmp_path / "mbox").read_bytes()
    assert letters.count(b"\nSubject: ") + letters.startswith(b"Subject: ") == 3
    assert b"Subject: Mail Weekly: how your letters travel" in letters
    assert subjects_of(served, "ne_skagu") == []


def s_nail(served: ServeProcess, home: Path, subject: str, *settings: str) -> str:
    """Send one letter from ne_skagu to poluchatel with s-nail's built-in SMTP; its output."""
    options = ["-S", "v15-compat", "-S", "smtp-auth=plain", "-S", "sendwait"]
    options += ["-S", f"DEAD={home / 'dead.letter'}"]
    for setting in settings:
        options += ["-S", setting]
    sent = run(
        ["s-nail", "-n", "-v", *options, "-s", subject, "-r", "ne_skagu@server.ru"]
        + ["poluchatel@server.ru"],
        home,
        stdin="Sent by s-nail.\n",
    )
    assert sent.returncode == 0, sent.stderr
    return sent.stderr


@needs("s-nail")
def test_s_nail_submits_with_starttls_and_auth_plain(served: ServeProcess, tmp_path: Path) -> None:
    port = served.addresses["SMTP submission"].port
    said = s_nail(
        served,
        tmp_path,
        "via s-nail and STARTTLS",
        f"mta=smtp://ne_skagu:secret@localhost:{port}",
        "smtp-use-starttls",
        f"tls-ca-file={certificate_of(served)}",
        "tls-ca-no-defaults",
    )
    assert "TLS certificate ok" in said
    assert "via s-nail and STARTTLS" in subjects_of(served, "poluchatel")


@needs("s-nail")
def test_s_nail_on_smtps_checks_the_printed_fingerprint(
    served: ServeProcess, tmp_path: Path
) -> None:
    port = served.addresses["SMTPS"].port
    s_nail(
        served,
        tmp_path,
        "via s-nail and SMTPS",
        f"mta=smtps://ne_skagu:secret@127.0.0.1:{port}",
        "tls-fingerprint-digest=sha256",
        f"tls-fingerprint={fingerprint_of(served)}",
    )
    assert "via s-nail and SMTPS" in subjects_of(served, "poluchatel")


@needs("swaks")
def test_swaks_tls_and_auth_plain(served: ServeProcess, tmp_path: Path) -> None:
    sent = run(
        ["swaks", "--server", "127.0.0.1", "--port", str(served.addresses["SMTP submission"].port)]
        + ["--from", "ne_skagu@server.ru", "--to", "poluchatel@server.ru"]
        + ["--tls", "--tls-verify", "--tls-ca-path", str(certificate_of(served))]
        + ["--auth", "PLAIN", "--auth-user", "ne_skagu", "--auth-password", "secret"]
        + ["--header", "Subject: via swaks", "--timeout", "10"],
        tmp_path,
    )
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert "<~  235 " in sent.stdout  # the 235 came inside TLS (swaks marks TLS lines with ~)
    assert "via swaks" in subjects_of(served, "poluchatel")
