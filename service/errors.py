"""The one place where library errors become exit codes (and, later, HTTP statuses)."""

from __future__ import annotations

from catalog.errors import (
    ChainMatchError,
    ConflictError,
    InvalidInputError,
    ModelUnavailableError,
    NotFoundError,
)
from matcher.events.scheduler import ScheduleTimeoutError

__all__ = ["exit_code", "http_status"]

_TABLE: list[tuple[type[ChainMatchError], int, int]] = [
    # (error, CLI exit code, HTTP status)
    (NotFoundError, 3, 404),
    (ConflictError, 4, 409),
    (InvalidInputError, 2, 422),
    (ModelUnavailableError, 5, 503),
    (ScheduleTimeoutError, 1, 422),  # no schedule in the request's time limit: allow more
    (ChainMatchError, 1, 500),
]


def exit_code(exc: ChainMatchError) -> int:
    return next(code for cls, code, _ in _TABLE if isinstance(exc, cls))


def http_status(exc: ChainMatchError) -> int:
    return next(status for cls, _, status in _TABLE if isinstance(exc, cls))
