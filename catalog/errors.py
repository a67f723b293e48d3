"""Named exceptions shared by every layer; the CLI and the HTTP API map them in one place.

Hierarchy::

    ChainMatchError
    ├── NotFoundError            an organisation / segment id that does not exist  (HTTP 404)
    ├── ConflictError            an id that already exists where a new one was expected (409)
    └── InvalidInputError        a bad argument or query, also a ValueError         (422)
        └── ImportValidationError  rows of an import file that failed validation

The embedding model's error lives with the model (`embeddings.errors`); `service.errors`
holds the whole tree and the one mapping to exit codes and HTTP statuses.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ChainMatchError",
    "ConflictError",
    "ImportValidationError",
    "InvalidInputError",
    "NotFoundError",
    "RowError",
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
    pass


class InvalidInputError(ChainMatchError, ValueError):
    pass


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
