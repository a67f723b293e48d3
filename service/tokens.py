"""Named bearer tokens with roles, kept as hashes in a TOML file (``CHAINMATCH_TOKENS``).

The file holds one ``[[token]]`` table per token — a name (what the audit log records), a
role, for a company the organisation it speaks for, and the token's SHA-256, never the
token itself::

    [[token]]
    name = "park-office"
    role = "staff"
    sha256 = "9b74c9897bac770ffc029102a200c5de…"   # 64 hex digits

    [[token]]
    name = "lanyuan"
    role = "company"
    org = "demo-nev-0019"
    sha256 = "…"

Why a plain SHA-256 and not a slow password hash: every token is 256 random bits made by
`new_token`, so there is nothing to guess and a salt or stretching adds no protection, while
one fast hash per request lets the service check a token against every entry in constant
time (`hmac.compare_digest` over all of them, no early exit). Hand-picked low-entropy
secrets do not belong in this file; ``CHAINMATCH_TOKEN`` (one implicit staff token named
``default``) keeps working beside it.

Example usage::

    token = add_token(path, "park-office", Role.STAFF)   # printed once, never stored
    book = TokenBook.read(path)
    book.actor_for(token)        # Actor('park-office', Role.STAFF, None)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from catalog.actors import Actor, Role
from catalog.errors import InvalidInputError

__all__ = [
    "DEFAULT_TOKEN_NAME",
    "TokenBook",
    "TokenEntry",
    "TokenFile",
    "add_token",
    "hash_token",
    "list_entries",
    "new_token",
    "remove_tokens",
]

log = logging.getLogger(__name__)

DEFAULT_TOKEN_NAME = "default"  # the name CHAINMATCH_TOKEN's implicit staff token goes by

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_HEX = re.compile(r"^[0-9a-f]{64}$")
_FIELDS = {"name", "role", "org", "sha256"}


def new_token() -> str:
    """A fresh token: ``cm_`` and 43 URL-safe characters (256 random bits)."""
    return "cm_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The hex SHA-256 the file stores for ``token``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenEntry:
    """One line of the book: who a token is, and the hash it is known by."""

    name: str
    role: Role
    sha256: str
    org: str | None = None

    def actor(self) -> Actor:
        return Actor(self.name, self.role, self.org)


def _entry(raw: object, where: str) -> TokenEntry:
    """Validate one ``[[token]]`` table; every message names the entry and the field."""
    if not isinstance(raw, dict):
        raise InvalidInputError(f"{where}: expected a [[token]] table")
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise InvalidInputError(f"{where}: unknown field(s) {', '.join(unknown)}")
    name, role, digest, org = (raw.get(k) for k in ("name", "role", "sha256", "org"))
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidInputError(
            f"{where}: name must be 1–64 letters, digits, '.', '_' or '-'; got {name!r}"
        )
    where = f"{where} ({name!r})"
    try:
        role = Role(str(role))
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise InvalidInputError(f"{where}: role must be one of {known}; got {role!r}") from None
    if not isinstance(digest, str) or not _HEX.match(digest):
        raise InvalidInputError(f"{where}: sha256 must be 64 lowercase hex digits")
    if role is Role.COMPANY and not (isinstance(org, str) and org.strip()):
        raise InvalidInputError(f"{where}: a company token needs org = the organisation id")
    if role is Role.STAFF and org is not None:
        raise InvalidInputError(f"{where}: a staff token has no org (it may write every one)")
    if org is not None and (not isinstance(org, str) or not org.isprintable()):
        raise InvalidInputError(f"{where}: org must be printable text; got {org!r}")
    return TokenEntry(name=name, role=role, sha256=digest, org=org)


@dataclass(frozen=True)
class TokenBook:
    """Every token the service accepts; `actor_for` checks one in constant time."""

    entries: tuple[TokenEntry, ...] = ()
    default_token: str | None = None  # CHAINMATCH_TOKEN, the implicit staff token

    def __post_init__(self) -> None:
        names = [e.name for e in self.entries]
        if self.default_token is not None:
            names.append(DEFAULT_TOKEN_NAME)
        twice = sorted(n for n, c in Counter(names).items() if c > 1)
        if twice:
            raise InvalidInputError(f"token names must be unique; repeated: {', '.join(twice)}")
        hashes = Counter(e.sha256 for e in self.entries)
        same = sorted(e.name for e in self.entries if hashes[e.sha256] > 1)
        if same:
            raise InvalidInputError(f"tokens {', '.join(same)} have the same hash")

    @classmethod
    def parse(cls, text: str, source: str, default_token: str | None = None) -> TokenBook:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInputError(f"{source}: not valid TOML: {exc}") from None
        extra = sorted(set(doc) - {"token"})
        if extra:
            raise InvalidInputError(f"{source}: unknown top-level key(s) {', '.join(extra)}")
        tables = doc.get("token", [])
        if not isinstance(tables, list):
            raise InvalidInputError(f"{source}: 'token' must be [[token]] tables")
        entries = [_entry(t, f"{source}: token {i}") for i, t in enumerate(tables, 1)]
        try:
            return cls(tuple(entries), default_token)
        except InvalidInputError as exc:
            raise InvalidInputError(f"{source}: {exc}") from None

    @classmethod
    def read(cls, path: Path, default_token: str | None = None) -> TokenBook:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInputError(f"{path}: cannot read the token file: {exc}") from None
        return cls.parse(text, str(path), default_token)

    @property
    def empty(self) -> bool:
        """No token at all: the service is read-only."""
        return not self.entries and self.default_token is None

    def actor_for(self, token: str) -> Actor | None:
        """The actor ``token`` belongs to, or None. Compares against every entry, with no
        early exit, so the time taken says nothing about which entry (if any) matched."""
        given = hash_token(token).encode()
        found: TokenEntry | None = None
        for entry in self.entries:
            if hmac.compare_digest(given, entry.sha256.encode()):
                found = entry
        default = self.default_token
        is_default = default is not None and secrets.compare_digest(
            token.encode("utf-8"), default.encode("utf-8")
        )
        if found is not None:
            return found.actor()
        return Actor(DEFAULT_TOKEN_NAME, Role.STAFF) if is_default else None


class TokenFile:
    """The token file as the running service sees it: re-read when it changes on disk, so a
    token added or removed takes effect without a restart.

    A file that turns invalid while serving is logged and the last good book kept (the
    ``token`` commands never write an invalid file; this guards hand edits). A file that is
    invalid at start-up stops the service from starting.
    """

    def __init__(self, path: Path | None, default_token: str | None) -> None:
        self.path = path
        self._default = default_token
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._book = TokenBook(default_token=default_token)
        if path is not None:
            self._stamp = self._stat()
            self._book = TokenBook.read(path, default_token)

    def _stat(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def book(self) -> TokenBook:
        stamp = self._stat()
        if stamp == self._stamp:
            return self._book
        with self._lock:
            if stamp != self._stamp and self.path is not None:
                try:
                    self._book = (
                        TokenBook(default_token=self._default)
                        if stamp is None
                        else TokenBook.read(self.path, self._default)
                    )
                except InvalidInputError as exc:
                    log.error("token file not reloaded, keeping the previous tokens: %s", exc)
                self._stamp = stamp
            return self._book


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes, plus DEL, which TOML also wants escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _block(entry: TokenEntry) -> str:
    lines = ["[[token]]", f"name = {_toml_string(entry.name)}", f'role = "{entry.role.value}"']
    if entry.org is not None:
        lines.append(f"org = {_toml_string(entry.org)}")
    lines.append(f'sha256 = "{entry.sha256}"')
    return "\n".join(lines) + "\n"


def add_token(path: Path, name: str, role: Role, org: str | None = None) -> str:
    """Append a new token's entry to ``path`` (created with mode 0600 if missing) and return
    the token — the only time it exists outside the caller's hands.

    The whole new file is validated before it replaces the old one (temp file + rename), so
    a refused name leaves the file as it was.
    """
    token = new_token()
    entry = _entry(
        {"name": name, "role": role.value, "sha256": hash_token(token)}
        | ({} if org is None else {"org": org}),
        f"{path}: new token",
    )
    old = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    if old and not old.endswith("\n"):
        old += "\n"
    new = old + ("\n" if old.strip() else "") + _block(entry)
    TokenBook.parse(new, str(path))  # names unique, hashes unique, every entry valid
    _write_private(path, new)
    return token


def list_entries(path: Path) -> Sequence[TokenEntry]:
    """The entries of ``path`` (no hashes are shown by the CLI); empty when it is missing."""
    return TokenBook.read(path).entries if path.exists() else ()


def remove_tokens(path: Path, names: Iterable[str]) -> list[str]:
    """Rewrite ``path`` without the named entries; returns the names removed. An unknown
    name raises InvalidInputError and changes nothing."""
    book = TokenBook.read(path)
    wanted = list(dict.fromkeys(names))
    known = {e.name for e in book.entries}
    missing = [n for n in wanted if n not in known]
    if missing:
        raise InvalidInputError(f"{path}: no token named {', '.join(missing)}")
    kept = [e for e in book.entries if e.name not in wanted]
    _write_private(path, _HEADER + "".join("\n" + _block(e) for e in kept))
    return wanted


_HEADER = (
    "# ChainMatch tokens (CHAINMATCH_TOKENS): one [[token]] table per token; only each\n"
    "# token's SHA-256 is stored. Add with 'chainmatch token add NAME --role staff|company'.\n"
)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
