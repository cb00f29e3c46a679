"""A MailStore whose maildrops live in Maildir folders (`ROOT/<user>/{tmp,new,cur}`).

`mailtutor serve --maildir DIR` uses it, so that mail outlives the process. The files follow the
Maildir protocol (https://cr.yp.to/proto/maildir.html), so mutt, Dovecot or the stdlib `mailbox`
module can read the folders, and a letter dropped into `new/` by hand shows up at the next start.

Durability, in the order things happen:
- delivery: the letter is written to `tmp/` under a unique name and fsynced, linked into `new/`,
  and `new/` is fsynced, all before SMTP answers 250; a power loss after the 250 keeps it. A
  letter for several maildrops is written to every `tmp/` first and published only when all
  writes succeeded; a failure removes what was written (a full disk leaves no temp file), so a
  4xx means no maildrop got the letter and a retry never doubles it. (Maildir has no transaction
  across folders: only a kill -9 in the microseconds between two links can leave one copy.)
- deletion at POP3 QUIT: the files are removed and their folders fsynced before +OK, so a
  deleted letter does not come back after a power loss.
- the world's starting letters have deterministic names (`seed-0001-<digest>...`): a first
  start that is killed half way leaves some of them, and the next start adds only the missing
  ones; the marker `ROOT/.mailtutor-seeded`, written atomically once all are in, says never to
  seed again (delete it to put missing starting letters back).
- at start, files left in `tmp/` by a killed process are removed once they are older than 36
  hours, the age the Maildir protocol gives for that.

Memory: letters are not read at start. A letter's size comes from its file name (`,W=<size>`,
Dovecot's "size with CRLF line ends", which for mailtutor's own files is the file's size) or,
for files written by someone else, from one read at start; the text is read from disk each time
RETR or TOP asks for it. The Maildir key is the POP3 UID, shortened to RFC 1939's 70 characters
by a stable digest when it is longer (a long host name makes long keys).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import socket
import time
from pathlib import Path
from typing import Any

from tutor.protocol.maildrop import MaildropError

from .store import (
    HeaderAccess,
    MailStore,
    MailStoreError,
    User,
    bounded_uid,
    head_of,
    normalize_crlf,
)

#: files in tmp/ untouched for this long were left by a process that died (Maildir protocol)
STALE_TMP_SECONDS = 36 * 3600
#: written in ROOT once a world's starting letters are all in
MARKER_NAME = ".mailtutor-seeded"
#: how much of a letter is read to show its subject and sender
HEAD_READ = 64 * 1024

_MAILDIR_KEY = re.compile(r"(\d+)\.M(\d+)P(\d+)Q(\d+)")
_SEED_KEY = re.compile(r"seed-(\d+)-")
_DECLARED_SIZE = re.compile(r",W=(\d+)(?:,|$)")
# unique within this process; with the time and the pid, unique on this host (Maildir protocol)
_DELIVERIES = itertools.count(1)


def maildir_key_order(key: str) -> tuple[int, int, int, str]:
    """Sort key putting Maildir keys in delivery order.

    A world's starting letters ("seed-0001-...") come first, in seeding order. Delivered ones
    are named "seconds.M<microseconds>P<pid>Q<count>.host" with unpadded numbers, so plain text
    order would put "M99999" after "M100000". Keys of another shape sort last, by name.
    """
    seed = _SEED_KEY.match(key)
    if seed is not None:
        return (-1, 0, int(seed.group(1)), key)
    match = _MAILDIR_KEY.match(key)
    if match is None:
        return (1 << 62, 0, 0, key)
    seconds, micro, _pid, count = (int(group) for group in match.groups())
    return (seconds, micro, count, key)


def _host_part() -> str:
    # The Maildir protocol's escapes for the two characters a host name must not bring in.
    return socket.gethostname().replace("/", "\\057").replace(":", "\\072") or "localhost"


def unique_name(size: int) -> str:
    """A new file name: the Maildir protocol's time, pid, counter and host, plus the size."""
    now = time.time()
    seconds, micro = int(now), int(now % 1 * 1_000_000)
    return f"{seconds}.M{micro}P{os.getpid()}Q{next(_DELIVERIES)}.{_host_part()},W={size}"


def fsync_directory(path: Path) -> None:
    """Make the names in a directory (a link, an unlink) durable."""
    if os.name == "nt":  # directories cannot be opened there; NTFS journals names itself
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, data: bytes) -> None:
    """Write a new file and fsync it; on any failure (a full disk...) no file is left."""
    try:
        with open(path, "xb", opener=lambda name, flags: os.open(name, flags, 0o600)) as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def publish(temporary: Path, final: Path) -> None:
    """Move a written file from tmp/ to its folder: link then unlink, as the protocol says
    (a link never replaces an existing file); rename where hard links are not supported."""
    try:
        os.link(temporary, final)
    except (AttributeError, PermissionError, NotImplementedError):
        os.rename(temporary, final)  # FAT and some network file systems
        return
    with contextlib.suppress(OSError):
        temporary.unlink()


def clean_stale_temporaries(folder: Path, now: float | None = None) -> int:
    """Remove files left in `folder` (a tmp/) older than STALE_TMP_SECONDS; how many went."""
    cutoff = (time.time() if now is None else now) - STALE_TMP_SECONDS
    removed = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                stat = entry.stat(follow_symlinks=False)
                # not st_ctime: linking the file into new/ changes it
                if max(stat.st_atime, stat.st_mtime) < cutoff:
                    os.unlink(entry.path)
                    removed += 1
    return removed


def _find(folder: Path, key: str) -> Path | None:
    """Where a letter's file is now: another mail program may have moved it to cur/ and given
    it flags (":2,S")."""
    for sub in ("new", "cur"):
        with contextlib.suppress(OSError), os.scandir(folder / sub) as entries:
            for entry in entries:
                if entry.name == key or entry.name.startswith(key + ":"):
                    return Path(entry.path)
    return None


class MaildirLetter(HeaderAccess):
    """A letter whose text stays on disk until RETR or TOP asks for it.

    No __weakref__ slot, on purpose: the POP3 engine's RETR cache keeps a stuffed copy of a
    letter for as long as the letter object lives, and these live as long as the server, so
    with it a server would end up holding every letter it ever sent; RETR stuffs at send time.
    """

    __slots__ = ("_clean", "key", "path", "size", "uid")

    def __init__(self, key: str, path: Path, size: int, *, clean: bool, uid: str = "") -> None:
        self.key = key  # the file name up to the Maildir info (":2,...")
        self.uid = uid or bounded_uid(key)
        self.path = path
        self.size = size  # octets with CRLF line ends: what LIST and STAT say
        self._clean = clean  # the file holds exactly those octets (no normalising on read)

    @property
    def data(self) -> bytes:
        raw = self._read(None)
        return raw if self._clean else normalize_crlf(raw)

    def head(self) -> bytes:
        return head_of(normalize_crlf(self._read(HEAD_READ)))

    def parsed(self) -> Any:  # -> email.message.EmailMessage
        import email.policy

        return email.message_from_bytes(self.data, policy=email.policy.default)

    def _read(self, limit: int | None) -> bytes:
        for _attempt in range(2):
            try:
                with open(self.path, "rb") as file:
                    return file.read() if limit is None else file.read(limit)
            except FileNotFoundError:
                moved = _find(self.path.parent.parent, self.key)
                if moved is None:
                    break
                self.path = moved
            except OSError as exc:
                raise MaildropError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        raise MaildropError(f"{self.path} is gone")

    def __repr__(self) -> str:
        return f"MaildirLetter({self.uid!r}, {self.size} octets)"


def crlf_size(path: Path, chunk: int = 1 << 20) -> tuple[int, bool]:
    """A file's size once normalize_crlf has given every line a CRLF end, and whether it has
    one already; read a chunk at a time, so a large letter costs no more memory than a chunk."""
    size, clean, carry = 0, True, b""
    with open(path, "rb") as file:
        while block := file.read(chunk):
            block = carry + block
            carry = b"\r" if block.endswith(b"\r") else b""  # its LF may start the next block
            block = block[: len(block) - len(carry)]
            crlf, cr, lf = block.count(b"\r\n"), block.count(b"\r"), block.count(b"\n")
            # every CR, LF or CRLF becomes one CRLF; all other octets stay
            size += len(block) - cr - lf + 2 * (cr + lf - crlf)
            clean = clean and cr == lf == crlf
    if carry:  # a lone CR at the very end
        size, clean = size + 2, False
    return size, clean


def load_letters(folder: Path) -> list[MaildirLetter]:
    """The letters in a Maildir's new/ and cur/, oldest first, without reading mailtutor's own
    files (their name says their size); a file from elsewhere is read once to learn its size
    with CRLF line ends. Symbolic links and special files are not letters."""
    found: list[tuple[tuple[int, int, int, str], str, Path, int]] = []
    for sub in ("new", "cur"):
        with os.scandir(folder / sub) as entries:
            for entry in entries:
                if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                    continue
                key = entry.name.split(":", 1)[0]
                size = entry.stat(follow_symlinks=False).st_size
                found.append((maildir_key_order(key), key, Path(entry.path), size))
    found.sort()
    letters: list[MaildirLetter] = []
    uids: set[str] = set()
    for _, key, path, file_size in found:
        declared = _DECLARED_SIZE.search(key)
        if declared is not None and int(declared.group(1)) == file_size:
            size, clean = file_size, True
        else:
            size, clean = crlf_size(path)
        uid = bounded_uid(key)
        if uid in uids:  # the same key in new/ and cur/: still one UID per letter
            uid = bounded_uid(f"{path.parent.name}/{path.name}")
        uids.add(uid)
        letters.append(MaildirLetter(key, path, size, clean=clean, uid=uid))
    return letters


class MaildirStore(MailStore):
    """A MailStore kept in Maildir folders under `root` (see the module's docstring)."""

    def __init__(self, root: str | Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._seeded = self._marker.exists()
        self._seed_counts: dict[str, int] = {}
        self._unsynced: set[Path] = set()  # folders with links or unlinks not yet fsynced

    @property
    def _marker(self) -> Path:
        return self.root / MARKER_NAME

    def _folder(self, user: User) -> Path:
        name = user.name.lower()
        if "/" in name or "\\" in name or "\0" in name or name in (".", ".."):
            raise MailStoreError(f"user {user.name!r} cannot name a Maildir folder")
        return self.root / name

    def add_user(self, name: str, password: str) -> User:
        user = super().add_user(name, password)
        folder = self._folder(user)
        for sub in ("tmp", "new", "cur"):
            (folder / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
        clean_stale_temporaries(folder / "tmp")
        user.messages.extend(load_letters(folder))
        user.octets = sum(letter.size for letter in user.messages)
        return user

    # -- the world's starting letters -----------------------------------------------------

    def _seed(self, user: User, data: bytes, uid: str | None = None) -> MaildirLetter | None:
        # A world's starting letters go in once; after a restart the folders already hold the
        # world as the users left it (letters deleted at QUIT must stay deleted).
        if self._seeded:
            return None
        key_of_user = user.name.lower()
        index = self._seed_counts[key_of_user] = self._seed_counts.get(key_of_user, 0) + 1
        digest = hashlib.sha256(data).hexdigest()[:12]
        key = f"seed-{index:04d}-{digest},W={len(data)}"
        if any(letter.key == key for letter in user.messages):
            return None  # written by an earlier start that was stopped before the marker
        folder = self._folder(user)
        temporary = folder / "tmp" / unique_name(len(data))
        write_durably(temporary, data)
        try:
            publish(temporary, folder / "new" / key)
        finally:
            with contextlib.suppress(OSError):
                temporary.unlink()
        self._unsynced.add(folder / "new")  # fsynced once for all, before the marker
        return MaildirLetter(key, folder / "new" / key, len(data), clean=True)

    def finish_seeding(self) -> None:
        if self._seeded:
            return
        for user in self.users:  # a starting letter put back goes where a restart reads it
            user.messages.sort(key=lambda letter: maildir_key_order(letter.key))
        self._sync_folders()
        temporary = self.root / f"{MARKER_NAME}.{os.getpid()}.tmp"
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        write_durably(temporary, b"world seeded; delete this file to put its letters back\n")
        os.replace(temporary, self._marker)
        fsync_directory(self.root)
        self._seeded = True

    # -- delivery and removal ---------------------------------------------------------------

    def _store_all(self, users: list[User], data: bytes) -> list[Any]:
        staged: list[tuple[Path, Path]] = []  # (in tmp/, in new/)
        published: list[Path] = []
        try:
            for user in users:
                folder = self._folder(user)
                name = unique_name(len(data))
                write_durably(folder / "tmp" / name, data)
                staged.append((folder / "tmp" / name, folder / "new" / name))
            for temporary, final in staged:
                publish(temporary, final)
                published.append(final)
            for directory in dict.fromkeys(final.parent for final in published):
                fsync_directory(directory)
        except BaseException:
            for final in published:  # all or nothing: take back what was already linked
                with contextlib.suppress(OSError):
                    final.unlink()
            raise
        finally:
            for temporary, _ in staged:
                with contextlib.suppress(OSError):
                    temporary.unlink()
        return [MaildirLetter(final.name, final, len(data), clean=True) for _, final in staged]

    def _remove(self, user: User, message: Any) -> None:
        path: Path | None = message.path
        try:
            os.unlink(path)  # type: ignore[arg-type]
        except FileNotFoundError:
            path = _find(self._folder(user), message.key)
            if path is None:
                return  # already gone: deleting again is not an error
            os.unlink(path)
        self._unsynced.add(path.parent)

    def _removed(self, user: User) -> None:
        self._sync_folders()

    def _sync_folders(self) -> None:
        while self._unsynced:
            fsync_directory(self._unsynced.pop())
