"""One mapping from errors to exit codes and HTTP statuses, read by the CLI and the API."""

from __future__ import annotations

import io
import re

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rich.console import Console

import service.errors
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
    RowError,
    TransitionError,
)
from embeddings.errors import ModelUnavailableError
from matcher.events.infeasible import InfeasibleScheduleError, Problem
from matcher.events.scheduler import ScheduleTimeoutError
from service.api.errors import install_error_handlers
from service.cli_context import CliContext
from service.errors import exit_code, http_status

CASES: list[tuple[Exception, int, int]] = [  # (error, exit code, HTTP status)
    (ChainMatchError("something went wrong"), 1, 500),
    (NotFoundError("organisation", "no-such"), 3, 404),
    (ConflictError("organisation 'a' already exists"), 4, 409),
    (ImportConflictError([(3, "a")], "orgs.csv"), 4, 409),
    (TransitionError("dr-1", "new", "closed", ["accepted", "returned"]), 4, 409),
    (InvalidInputError("k must be positive"), 2, 422),
    (ImportValidationError([RowError(2, "name", "required but missing")], "orgs.csv"), 2, 422),
    (FileTooLargeError("park.xlsx: the workbook expands to 900 MiB, over 128 MiB"), 2, 413),
    (InfeasibleScheduleError([Problem("tables", ("a", "b"), "0 tables for 2 meetings")]), 2, 422),
    (ScheduleTimeoutError("no schedule within 1 s"), 1, 422),
    (ModelUnavailableError("no embedding model in /nowhere"), 5, 503),
    (AccessDeniedError("not allowed"), 6, 403),
    (AuthenticationError("a valid bearer token is required"), 6, 401),
    (PermissionDeniedError("POST /orgs/import needs a staff token"), 6, 403),
    (BackupError("backup/catalog.sqlite: sha256 differs from the manifest"), 7, 500),
]
IDS = [type(e).__name__ for e, _, _ in CASES]


def test_the_cases_are_the_tree_that_opens_service_errors() -> None:
    tree = (service.errors.__doc__ or "").split("::", 1)[1]
    assert set(re.findall(r"── (\w+)", tree)) == set(IDS)


@pytest.mark.parametrize(("exc", "code", "status"), CASES, ids=IDS)
def test_the_table(exc: ChainMatchError | ModelUnavailableError, code: int, status: int) -> None:
    assert (exit_code(exc), http_status(exc)) == (code, status)


@pytest.mark.parametrize(("exc", "code", "status"), CASES, ids=IDS)
def test_the_cli_prints_one_line_and_exits_with_the_code(
    exc: Exception, code: int, status: int
) -> None:
    err = io.StringIO()
    cli = CliContext(err=Console(file=err, highlight=False, soft_wrap=True))

    def fail() -> None:
        raise exc

    with pytest.raises(typer.Exit) as info:
        cli.run(fail)
    assert info.value.exit_code == code
    assert err.getvalue() == f"error: {exc}\n"


@pytest.mark.parametrize(("exc", "code", "status"), CASES, ids=IDS)
def test_the_api_answers_with_the_status(exc: Exception, code: int, status: int) -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/fail")
    def fail() -> None:
        raise exc

    r = TestClient(app).get("/fail")
    assert r.status_code == status
    assert r.json()["detail"] == str(exc).splitlines()[0]
    assert len(r.json()["errors"]) == len(getattr(exc, "problems", getattr(exc, "errors", [])))


def test_other_errors_on_the_cli() -> None:
    err = io.StringIO()
    cli = CliContext(err=Console(file=err, highlight=False, soft_wrap=True))
    for exc, code in [(FileNotFoundError("nope.txt"), 2), (ValueError("bad"), 2)]:

        def fail(exc: Exception = exc) -> None:
            raise exc

        with pytest.raises(typer.Exit) as info:
            cli.run(fail)
        assert info.value.exit_code == code
