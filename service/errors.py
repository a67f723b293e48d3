"""The one place where errors become CLI exit codes and HTTP statuses.

Every error ChainMatch raises on purpose, with where it lives, its exit code and status::

    Exception
    ├── ChainMatchError  catalog.errors                              exit 1, HTTP 500
    │   ├── NotFoundError  catalog.errors                                 3, 404
    │   ├── ConflictError  catalog.errors                                 4, 409
    │   │   ├── ImportConflictError  catalog.errors                       4, 409  (rows listed)
    │   │   └── TransitionError  catalog.errors                           4, 409  (state, moves)
    │   ├── InvalidInputError  catalog.errors (also a ValueError)         2, 422
    │   │   ├── ImportValidationError  catalog.errors                     2, 422  (rows listed)
    │   │   ├── FileTooLargeError  catalog.errors                         2, 413
    │   │   └── InfeasibleScheduleError  matcher.events.infeasible        2, 422  (problems listed)
    │   ├── AccessDeniedError  catalog.errors                             6, 403
    │   │   ├── AuthenticationError  catalog.errors                       6, 401  (WWW-Authenticate)
    │   │   └── PermissionDeniedError  catalog.errors                     6, 403  (role named)
    │   ├── BackupError  catalog.errors                                   7, 500  (file named)
    │   └── ScheduleTimeoutError  matcher.events.scheduler                1, 422  (allow more time)
    └── ModelUnavailableError  embeddings.errors                          5, 503

The CLI (`service.cli_context.CliContext.run`) and the HTTP API (`service.api.errors`) both
read `exit_code` / `http_status`; the API adds the listed rows and problems to the body.
Importing this module loads OR-Tools (the schedule errors live beside the solver), so the
CLI imports it only once an error has happened.
"""

from __future__ import annotations

from catalog.errors import (
    AccessDeniedError,
    AuthenticationError,
    BackupError,
    ChainMatchError,
    ConflictError,
    FileTooLargeError,
    ImportConflictError,
    ImportValidationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from embeddings.errors import ModelUnavailableError
from matcher.events.infeasible import InfeasibleScheduleError
from matcher.events.scheduler import ScheduleTimeoutError

__all__ = ["MAPPED", "MappedError", "exit_code", "http_status"]

MappedError = ChainMatchError | ModelUnavailableError
MAPPED: tuple[type[ChainMatchError], type[ModelUnavailableError]] = (
    ChainMatchError,
    ModelUnavailableError,
)

_TABLE: list[tuple[type[Exception], int, int]] = [
    # (error, CLI exit code, HTTP status): the first row the error is an instance of wins
    (NotFoundError, 3, 404),
    (ImportConflictError, 4, 409),
    (ConflictError, 4, 409),
    (ImportValidationError, 2, 422),
    (FileTooLargeError, 2, 413),  # like an upload over the size cap
    (InfeasibleScheduleError, 2, 422),
    (InvalidInputError, 2, 422),
    (ScheduleTimeoutError, 1, 422),  # no schedule in the request's time limit: allow more
    (AuthenticationError, 6, 401),  # the API adds WWW-Authenticate: Bearer
    (PermissionDeniedError, 6, 403),
    (AccessDeniedError, 6, 403),
    (BackupError, 7, 500),  # a backup restore refused, or one that could not be made
    (ModelUnavailableError, 5, 503),
    (ChainMatchError, 1, 500),
]


def exit_code(exc: MappedError) -> int:
    return next(code for cls, code, _ in _TABLE if isinstance(exc, cls))


def http_status(exc: MappedError) -> int:
    return next(status for cls, _, status in _TABLE if isinstance(exc, cls))
