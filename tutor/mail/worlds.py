"""Worlds: named or described starting states of the mail store.

A world is data. Lessons name one (`world: article`) or describe their own inline; a YAML or JSON
file can hold one too (`mailtutor sandbox pop3 --world my-world.yaml`). The description:

    base: article            # optional: start from a named world, then apply the rest
    domain: server.ru
    strict: false            # SMTP refuses bare addresses and MAIL before HELO when true
    postmaster: ne_skagu     # who gets mail for postmaster (default: the first user)
    tls: true                # the server has a certificate: STARTTLS, STLS and AUTH exist
    auth_without_tls: false  # SMTP offers AUTH in clear text too (to show why that is bad)
    plaintext_needs_tls: false  # POP3 refuses USER/PASS and AUTH PLAIN before STLS (Dovecot)
    smtp_role: mx            # mx (port 25) or submission (port 587: AUTH before MAIL)
    max_message_size: 10485760   # largest letter SMTP takes (552 5.3.4 beyond it)
    max_maildrop_size: 52428800  # octets one maildrop may hold (default 50 MiB); SMTP answers
                                 # 552 5.2.2 at RCPT when it is full, after DATA when the letter
                                 # would not fit; the world's own letters are not held to it
    users:
      - name: ne_skagu
        password: secret
        messages:
          - text: |          # a letter given as text; line endings become CRLF
              From: a@example.org
              Subject: hi

              Hello.
          - file: letter.eml # read from a file in the world file's (or lesson's) folder
          - generate: 46394  # filler letter of exactly this many octets
          - generate: {size: 2048, subject: Report, from: boss@example.org,
                       body: "Dear colleague,"}   # the body opens with this text
          - generate: {subject: Hi, body: Short note.}  # no size: just the body, no filler
          - text: ...
            uid: first-letter  # UIDL shows this instead of the numbered domain-0001

docs/lesson-format.md ("Worlds") is the full description for authors; tutor.lessons.schema
lists the same keys (a test keeps them equal) and tutor.lessons.worldlint reports problems at
their line in a lesson or world file.

`build_world(spec)` turns a name or a description into a fresh MailStore; every call gives a new,
independent store. Errors are `WorldError` with a message a lesson author can act on, and `at`,
where in the description it is.

World files and lessons come from strangers, so building one is bounded: a world file is read
like a lesson (regular files only, size and nesting capped, YAML aliases refused, control
characters stripped: tutor.safeload); `file:` reads only regular files inside the world file's
or lesson's folder; a generated or file letter is at most the world's max_message_size (a text
letter is bounded by its lesson's size); a world describes at most
MAX_WORLD_LETTERS letters and MAX_WORLD_OCTETS in all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import article
from .article import ARTICLE_DATE as ARTICLE_DATE  # re-exported: worlds is where callers look
from .article import ARTICLE_SIZES as ARTICLE_SIZES
from .store import (
    DEFAULT_MAX_MAILDROP_SIZE,
    DEFAULT_MAX_MESSAGE_SIZE,
    MAX_UID_LENGTH,
    MailStore,
    is_valid_uid,
    normalize_crlf,
)

#: what a given `uid:` must be, as messages say it
UID_RULE = (
    f"'uid' must be 1 to {MAX_UID_LENGTH} printable ASCII characters without spaces "
    "(RFC 1939 §7), such as 'first-letter'"
)


class WorldError(ValueError):
    """A world description that cannot be built; the message says what to fix.

    `at` is where in the description, as keys and list indexes from its top, e.g.
    ("users", 0, "messages", 2, "uid"), so `lint` can point at the line."""

    def __init__(self, message: str, at: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.at = at

    def inside(self, *prefix: str | int) -> WorldError:
        """The same error, placed inside `prefix` (raised again by the caller)."""
        self.at = (*prefix, *self.at)
        return self


#: a world file is data, not letters: big letters belong in `file:` letters
MAX_WORLD_FILE_BYTES = 1024 * 1024
#: what one described world may hold, so a lesson from a stranger cannot take all memory or time
MAX_WORLD_LETTERS = 1000
MAX_WORLD_OCTETS = 8 * 1024 * 1024


@dataclass
class LetterBudget:
    """What is left of a world's letter allowance while it is built."""

    letters: int = MAX_WORLD_LETTERS
    octets: int = MAX_WORLD_OCTETS

    def check(self, size: int, where: str) -> None:
        if self.letters <= 0:
            raise WorldError(f"{where}: a world holds at most {MAX_WORLD_LETTERS} letters")
        if size > self.octets:
            raise WorldError(
                f"{where}: the world's letters would pass {MAX_WORLD_OCTETS // (1024 * 1024)} MiB "
                "in all; use fewer or smaller letters"
            )

    def take(self, size: int, where: str) -> None:
        self.check(size, where)
        self.letters -= 1
        self.octets -= size


def article_letters() -> list[bytes]:
    """The three letters in ne_skagu's maildrop: 46394 + 20377 + 27074 = 93845 octets.

    Read from the files shipped in tutor/mail/article (built once by `article.generate()`), so
    a start-up needs neither the `email` package nor the building."""
    return article.load()


def _article(store: MailStore) -> None:
    store.add_user("ne_skagu", "secret")
    store.add_user("poluchatel", "secret")
    for data in article_letters():
        store.seed("ne_skagu", data)


def _empty(store: MailStore) -> None:
    store.add_user("ne_skagu", "secret")
    store.add_user("poluchatel", "secret")


def _busy(store: MailStore) -> None:
    """A full maildrop: 40 letters, for exploring LIST, TOP and UIDL on more than three."""
    from .letters import filler_letter  # the email package: only for worlds that build letters

    store.add_user("ne_skagu", "secret")
    store.add_user("poluchatel", "secret")
    for n in range(1, 41):
        store.seed(
            "ne_skagu",
            filler_letter(
                900 + 137 * n,
                subject=f"Letter {n}",
                to="ne_skagu@server.ru",
                sender=f"friend{n % 7}@example.org",
            ),
        )


#: name -> (description, builder, strict)
NAMED_WORLDS: dict[str, tuple[str, Callable[[MailStore], None], bool]] = {
    "article": ("The article's server: ne_skagu has 3 letters (93845 octets).", _article, False),
    "empty": ("server.ru with ne_skagu and poluchatel, no mail at all.", _empty, False),
    "strict": ("Like article, but SMTP refuses what strict servers refuse.", _article, True),
    "busy": ("ne_skagu has 40 letters of assorted sizes.", _busy, False),
    "today": ("Like article, on today's server: STARTTLS, STLS and AUTH exist.", _article, False),
    "submission": (
        "Like today, with SMTP as on port 587: STARTTLS, then AUTH, before MAIL.",
        _article,
        False,
    ),
}

#: the TLS policy keys (see the module docstring) and the named worlds that set them
TLS_KEYS = ("tls", "auth_without_tls", "plaintext_needs_tls")
NAMED_TLS_POLICY: dict[str, dict[str, Any]] = {
    "today": {"tls": True},
    "submission": {"tls": True, "smtp_role": "submission"},
}
SMTP_ROLES = ("mx", "submission")


def _apply_tls_policy(store: MailStore, policy: Mapping[str, Any]) -> None:
    for key in TLS_KEYS:
        if key in policy:
            value = policy[key]
            if not isinstance(value, bool):
                raise WorldError(f"world {key!r} must be true or false", (key,))
            setattr(store, key, value)
    if "smtp_role" in policy:
        role = policy["smtp_role"]
        if role not in SMTP_ROLES:
            raise WorldError("world 'smtp_role' must be mx or submission", ("smtp_role",))
        store.smtp_role = role


def world_names() -> list[str]:
    return list(NAMED_WORLDS)


def build_world(
    spec: str | Mapping[str, Any] | None = "article",
    *,
    base_dir: Path | None = None,
    store_factory: Callable[..., MailStore] = MailStore,
) -> MailStore:
    """A fresh store from a world name, a path to a world file, or an inline description.

    store_factory lets `serve --maildir` build the world into a MaildirStore.
    """
    if spec is None:
        spec = "article"
    if isinstance(spec, str):
        if spec in NAMED_WORLDS:
            _, builder, strict = NAMED_WORLDS[spec]
            store = store_factory(strict=strict)
            builder(store)
            _apply_tls_policy(store, NAMED_TLS_POLICY.get(spec, {}))
            store.finish_seeding()
            return store
        path = Path(spec)
        if path.suffix.lower() in (".yaml", ".yml", ".json") or path.exists():
            return build_world(
                load_world_file(path), base_dir=path.parent, store_factory=store_factory
            )
        raise WorldError(f"unknown world {spec!r}; named worlds are: {', '.join(NAMED_WORLDS)}")
    return _build_described(spec, base_dir or Path.cwd(), store_factory)


def load_world_file(path: Path) -> Mapping[str, Any]:
    import yaml

    from tutor.safeload import Refused, load_data

    try:
        data = load_data(path, MAX_WORLD_FILE_BYTES)
    except Refused as exc:
        raise WorldError(f"{path}:{exc.line}:{exc.col}: world file refused: {exc}") from exc
    except OSError as exc:
        raise WorldError(f"{path}: cannot read world file: {exc.strerror or exc}") from exc
    except (ValueError, yaml.YAMLError) as exc:
        raise WorldError(f"{path}: not a valid world file: {exc}") from exc
    if isinstance(data, Mapping) and isinstance(data.get("world"), Mapping):
        data = data["world"]  # a lesson file can serve as a world file too
    if not isinstance(data, Mapping):
        raise WorldError(f"{path}: a world file holds a mapping (domain, users, ...)")
    return data


WORLD_KEYS = {
    "base",
    "domain",
    "strict",
    "max_message_size",
    "max_maildrop_size",
    "users",
    "hostname",
    "postmaster",
    *TLS_KEYS,
    "smtp_role",
}
USER_KEYS = {"name", "password", "messages"}
MESSAGE_KEYS = {"text", "file", "generate", "uid"}
GENERATE_KEYS = {"size", "subject", "from", "body"}
#: a generated letter is at least this big: its headers alone take most of it
MIN_GENERATED_SIZE = 200


def _unknown(keys: set[str], allowed: set[str]) -> str:
    """The unknown keys for a message, each with the known one it is probably a typo of."""
    import difflib

    shown = []
    for key in sorted(map(str, keys)):
        close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
        shown.append(f"{key} (did you mean {close[0]}?)" if close else key)
    return ", ".join(shown)


def _build_described(
    spec: Mapping[str, Any], base_dir: Path, store_factory: Callable[..., MailStore]
) -> MailStore:
    unknown = set(spec) - WORLD_KEYS
    if unknown:
        raise WorldError(f"unknown world key(s): {_unknown(unknown, WORLD_KEYS)}")
    strict = spec.get("strict", None)
    if strict is not None and not isinstance(strict, bool):
        raise WorldError("world 'strict' must be true or false", ("strict",))
    max_size = spec.get("max_message_size", DEFAULT_MAX_MESSAGE_SIZE)
    if not isinstance(max_size, int) or max_size <= 0:
        raise WorldError(
            "world 'max_message_size' must be a positive number of octets", ("max_message_size",)
        )
    quota = spec.get("max_maildrop_size", DEFAULT_MAX_MAILDROP_SIZE)
    if not isinstance(quota, int) or isinstance(quota, bool) or quota <= 0:
        raise WorldError(
            "world 'max_maildrop_size' must be a positive number of octets", ("max_maildrop_size",)
        )
    domain = spec.get("domain", "server.ru")
    if not isinstance(domain, str) or not domain:
        raise WorldError("world 'domain' must be a domain name such as server.ru", ("domain",))
    base = spec.get("base")
    if base is not None:
        if base not in NAMED_WORLDS:
            raise WorldError(
                f"unknown base world {base!r}; named: {', '.join(NAMED_WORLDS)}", ("base",)
            )
        _, builder, base_strict = NAMED_WORLDS[base]
        store = store_factory(
            domain=domain,
            strict=base_strict if strict is None else strict,
            max_message_size=max_size,
            max_maildrop_size=quota,
        )
        builder(store)
        _apply_tls_policy(store, NAMED_TLS_POLICY.get(base, {}))
    else:
        store = store_factory(
            domain=domain,
            strict=bool(strict),
            max_message_size=max_size,
            max_maildrop_size=quota,
        )
    _apply_tls_policy(store, spec)
    if spec.get("hostname"):
        store.hostname = str(spec["hostname"])
    postmaster = spec.get("postmaster")
    users = spec.get("users", [])
    if not isinstance(users, list):
        raise WorldError("world 'users' must be a list", ("users",))
    budget = LetterBudget()
    given: dict[tuple[str, str], tuple[str, tuple[str | int, ...]]] = {}  # (user, uid) -> where
    for index, entry in enumerate(users, 1):
        try:
            _add_user(store, entry, index, base_dir, budget, given)
        except WorldError as exc:
            raise exc.inside("users", index - 1) from None
    _check_unique_uids(store, given)
    if postmaster is not None:
        if not isinstance(postmaster, str) or store.user(postmaster) is None:
            raise WorldError(
                "world 'postmaster' must name one of the world's users", ("postmaster",)
            )
        store.postmaster = postmaster
    store.finish_seeding()
    return store


def _add_user(
    store: MailStore,
    entry: Any,
    index: int,
    base_dir: Path,
    budget: LetterBudget,
    given: dict[tuple[str, str], tuple[str, tuple[str | int, ...]]],
) -> None:
    if not isinstance(entry, Mapping):
        raise WorldError(f"user #{index} must be a mapping with name and password")
    unknown = set(entry) - USER_KEYS
    if unknown:
        raise WorldError(f"user #{index}: unknown key(s): {_unknown(unknown, USER_KEYS)}")
    name, password = entry.get("name"), entry.get("password", "secret")
    if not isinstance(name, str) or not name or any(c in name for c in " @\t"):
        raise WorldError(
            f"user #{index}: 'name' must be a mailbox name without spaces or @", ("name",)
        )
    if not isinstance(password, str):
        raise WorldError(f"user {name}: 'password' must be text", ("password",))
    if store.user(name) is None:
        store.add_user(name, password)
    else:
        store.user(name).password = password  # type: ignore[union-attr]
    messages = entry.get("messages", [])
    if not isinstance(messages, list):
        raise WorldError(f"user {name}: 'messages' must be a list", ("messages",))
    for number, message in enumerate(messages, 1):
        where = f"user {name}, message #{number}"
        try:
            uid = given_uid(message, where)
            data = message_bytes(
                message,
                where,
                base_dir,
                store.domain,
                name,
                max_size=store.max_message_size,
                budget=budget,
            )
        except WorldError as exc:
            raise exc.inside("messages", number - 1) from None
        if uid is not None:
            given[(name.lower(), uid)] = (where, ("users", index - 1, "messages", number - 1))
        store.seed(name, data, uid=uid)


def given_uid(message: Any, where: str) -> str | None:
    """A letter's own unique-id (`uid:`), checked against RFC 1939 §7, or None if not given."""
    if not isinstance(message, Mapping) or "uid" not in message:
        return None
    uid = message["uid"]
    if isinstance(uid, int) and not isinstance(uid, bool):
        uid = str(uid)
    if not isinstance(uid, str) or not is_valid_uid(uid):
        raise WorldError(f"{where}: {UID_RULE}", ("uid",))
    return uid


def _check_unique_uids(
    store: MailStore, given: Mapping[tuple[str, str], tuple[str, tuple[str | int, ...]]]
) -> None:
    """RFC 1939 §7: a unique-id names one letter in its maildrop. A given uid may not repeat
    another given one or the numbered one of another letter in the same maildrop."""
    for user in store.users:
        seen: set[str] = set()
        for message in user.messages:
            if message.uid in seen:
                where, at = given.get((user.name.lower(), message.uid), (f"user {user.name}", ()))
                raise WorldError(
                    f"{where}: uid '{message.uid}' is used by another letter in "
                    f"{user.name}'s maildrop; each letter's uid must be different",
                    (*at, "uid") if at else (),
                )
            seen.add(message.uid)


def message_bytes(
    message: Any,
    where: str,
    base_dir: Path,
    domain: str = "server.ru",
    user: str = "user",
    *,
    max_size: int = DEFAULT_MAX_MESSAGE_SIZE,
    budget: LetterBudget | None = None,
) -> bytes:
    """The octets of one described message (text, file or generate), within the limits."""
    budget = budget if budget is not None else LetterBudget()
    budget.check(0, where)
    data = _message_bytes(message, where, base_dir, domain, user, max_size, budget)
    budget.take(len(data), where)
    return data


def _message_bytes(
    message: Any,
    where: str,
    base_dir: Path,
    domain: str,
    user: str,
    max_size: int,
    budget: LetterBudget,
) -> bytes:
    if isinstance(message, str):
        message = {"text": message}
    if not isinstance(message, Mapping):
        raise WorldError(f"{where}: give text, file or generate")
    unknown = set(message) - MESSAGE_KEYS
    if unknown:
        raise WorldError(
            f"{where}: unknown key(s): {_unknown(unknown, MESSAGE_KEYS)}; a letter takes "
            "text, file or generate, and optionally uid"
        )
    kinds = [k for k in ("text", "file", "generate") if k in message]
    if len(kinds) != 1:
        raise WorldError(f"{where}: give exactly one of text, file or generate")
    if "text" in message:
        text = message["text"]
        if not isinstance(text, str):
            raise WorldError(f"{where}: 'text' must be text", ("text",))
        data = normalize_crlf(text.encode("utf-8"))
        return data if data.endswith(b"\r\n") else data + b"\r\n"
    if "file" in message:
        try:
            return normalize_crlf(_letter_file(message["file"], where, base_dir, max_size, budget))
        except WorldError as exc:
            raise exc.inside("file") from None
    try:
        return _generated(message["generate"], where, domain, user, max_size, budget)
    except WorldError as exc:
        raise exc.inside("generate") from None


def _generated(
    generate: Any, where: str, domain: str, user: str, max_size: int, budget: LetterBudget
) -> bytes:
    """A `generate:` letter: a size alone, or {size, subject, from, body}."""
    if not isinstance(generate, Mapping):
        generate = {"size": generate}
    unknown = set(generate) - GENERATE_KEYS
    if unknown:
        raise WorldError(
            f"{where}: generate: unknown key(s): {_unknown(unknown, GENERATE_KEYS)}; generate "
            "takes size (octets), subject, from and body"
        )
    size, body = generate.get("size"), generate.get("body")
    if body is not None and not isinstance(body, str):
        raise WorldError(f"{where}: generate: 'body' must be text")
    if size is None and body is None:
        raise WorldError(f"{where}: generate needs 'size' (octets), 'body', or both")
    if size is not None:
        if not isinstance(size, int) or isinstance(size, bool) or size < MIN_GENERATED_SIZE:
            raise WorldError(
                f"{where}: generate: 'size' must be a whole number of octets, at least "
                f"{MIN_GENERATED_SIZE} (the headers alone take most of that)"
            )
        if size > max_size:
            raise WorldError(
                f"{where}: generate {size} is over the world's max_message_size ({max_size} octets)"
            )
        budget.check(size, where)
    from .letters import filler_letter

    try:
        return filler_letter(
            size,
            subject=str(generate.get("subject", "Generated letter")),
            sender=str(generate.get("from", "sender@example.org")),
            to=f"{user}@{domain}",
            body=body or "",
        )
    except ValueError as exc:
        raise WorldError(f"{where}: generate: {exc}") from exc


def _letter_file(
    name: Any, where: str, base_dir: Path, max_size: int, budget: LetterBudget
) -> bytes:
    """A `file:` letter: a regular file inside `base_dir`, at most `max_size` octets."""
    from tutor.safeload import FileTooLarge, Refused, read_regular
    from tutor.sanitize import one_line

    if not isinstance(name, str) or not name.strip():
        raise WorldError(f"{where}: 'file' must name a letter file")
    shown = one_line(name, 80)
    folder = base_dir.resolve()
    path = (folder / name).resolve()  # symlinks followed: a link out of the folder is refused
    if not path.is_relative_to(folder):
        raise WorldError(
            f"{where}: file '{shown}' is outside {folder}; letters are read only from the "
            "folder of the lesson or world file"
        )
    limit = min(max_size, budget.octets)
    try:
        return read_regular(path, limit)
    except FileTooLarge as exc:
        raise WorldError(
            f"{where}: file '{shown}' is larger than the world allows "
            f"({limit} octets: its max_message_size, or what is left of "
            f"{MAX_WORLD_OCTETS // (1024 * 1024)} MiB in all)"
        ) from exc
    except Refused as exc:
        raise WorldError(f"{where}: file '{shown}' {exc.message}") from exc
    except OSError as exc:
        raise WorldError(f"{where}: cannot read '{shown}': {exc.strerror or exc}") from exc
