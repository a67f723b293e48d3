"""Named exceptions shared by every layer; the CLI and the HTTP API map them in one place.

Hierarchy::

    ChainMatchError
    ├── NotFoundError            an organisation / segment id that does not exist  (HTTP 404)
    ├── ConflictError            an id that already exists where a new one was expected (409)
    │   ├── ImportConflictError    rows of an import whose id already exists
    │   └── TransitionError        a desk request move its state does not allow (names both)
    ├── InvalidInputError        a bad argument or query, also a ValueError         (422)
    │   ├── ImportValidationError  rows of an import file that failed validation
    │   └── FileTooLargeError      a file past a size limit (an XLSX that would inflate) (413)
    ├── AccessDeniedError        a request without the right to do what it asks
    │   ├── AuthenticationError    no bearer token, or one that matches none        (401)
    │   └── PermissionDeniedError  a valid token whose role may not do this (a company
    │                              acting on another's request), or the service is
    │                              read-only                                        (403)
    └── BackupError              a backup that is missing, partial or corrupt; names the file

The embedding model's error lives with the model (`embeddings.errors`); `service.errors`
holds the whole tree and the one mapping to exit codes and HTTP statuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "AccessDeniedError",
    "AuthenticationError",
    "BackupError",
    "ChainMatchError",
    "ConflictError",
    "FileTooLargeError",
    "ImportConflictError",
    "ImportValidationError",
    "InvalidInputError",
    "NotFoundError",
    "PermissionDeniedError",
    "RowError",
    "TransitionError",
]


class ChainMatchError(Exception):
    """Base of every error ChainMatch raises on purpose."""


class NotFoundError(ChainMatchError, KeyError):
    def __init__(self, what: str, key: str) -> None:
        super().__init__(f"{what} {key!r} not found")
        self.what = what
        self.key = key

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class ConflictError(ChainMatchError):
    """``ids`` names the organisations that already exist, when the conflict is about ids."""

    def __init__(self, message: str, ids: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.ids = tuple(ids)


class TransitionError(ConflictError):
    """A request cannot make this move from its current state; says which moves it can."""

    def __init__(self, request_id: str, state: str, to: str, allowed: Sequence[str]) -> None:
        moves = ", ".join(allowed) if allowed else "none (the request is finished)"
        super().__init__(
            f"request {request_id!r} is {state!r}: it cannot move to {to!r}; "
            f"allowed from {state!r}: {moves}"
        )
        self.request_id = request_id
        self.state = state
        self.to = to
        self.allowed = tuple(allowed)


class InvalidInputError(ChainMatchError, ValueError):
    pass


class FileTooLargeError(InvalidInputError):
    """A file (or what it would expand to) past a size limit; the message names the limit."""


class AccessDeniedError(ChainMatchError):
    """The caller may not do what it asked; the message says what was missing."""


class AuthenticationError(AccessDeniedError):
    """No credentials, or credentials that match no configured token."""


class PermissionDeniedError(AccessDeniedError):
    """Known credentials whose role may not do this (or a read-only service)."""


class BackupError(ChainMatchError):
    """A backup that cannot be made or trusted: missing, partial, corrupt; names the file."""


@dataclass(frozen=True)
class RowError:
    """One problem in one row of an import: which row, which field, what was expected."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, field {self.field!r}: {self.message}"


class ImportValidationError(InvalidInputError):
    def __init__(self, errors: list[RowError], source: str = "input") -> None:
        rows = sorted({e.row for e in errors})
        head = f"{source}: {len(rows)} invalid row(s), nothing was written"
        super().__init__("\n".join([head, *(f"  {e}" for e in errors)]))
        self.errors = errors
        self.rows = rows


class ImportConflictError(ConflictError):
    """Rows of an import whose id is already in the catalog (``on_conflict`` fail).

    ``errors`` has one RowError per such row, on the ``id`` field; nothing was written.
    """

    def __init__(self, conflicts: Sequence[tuple[int, str]], source: str = "input") -> None:
        errors = [RowError(row, "id", f"{org_id!r} already exists") for row, org_id in conflicts]
        head = (
            f"{source}: {len(errors)} organisation(s) already exist, nothing was written; "
            "import with on-conflict update to overwrite them or skip to keep them"
        )
        lines = [head, *(f"  {e}" for e in errors)]
        super().__init__("\n".join(lines), ids=[org_id for _, org_id in conflicts])
        self.errors = errors
        self.rows = sorted({e.row for e in errors})
