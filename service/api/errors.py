"""One error shape everywhere; statuses come from `service.errors`, as for the CLI."""

from __future__ import annotations

from typing import cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalog.errors import AuthenticationError, ImportConflictError, ImportValidationError
from matcher.events.infeasible import InfeasibleScheduleError, Problem
from service.api.schemas import ErrorBody, ErrorItem
from service.errors import MAPPED, http_status

__all__ = ["error_body", "install_error_handlers"]


def _json(status: int, body: ErrorBody, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=body.model_dump(), headers=headers)


def _loc(loc: tuple[int | str, ...] | list[int | str]) -> str:
    return ".".join(str(p) for p in loc)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    exc = cast(RequestValidationError, exc)
    items = [
        ErrorItem(field=_loc(e.get("loc", ())), message=e.get("msg", "")) for e in exc.errors()
    ]
    detail = "; ".join(f"{i.field}: {i.message}" for i in items[:3])
    return _json(422, ErrorBody(detail=f"invalid request: {detail}", errors=items))


def _explained(problem: Problem) -> str:
    """The explanation, naming every participant concerned (most already do)."""
    unnamed = [p for p in problem.participants if p not in problem.message]
    return f"{problem.message} (participants: {', '.join(unnamed)})" if unnamed else problem.message


def error_body(exc: Exception) -> ErrorBody:
    """The detail, and the problems or rows the error lists, one item each (also the body
    of a failed plan job)."""
    if isinstance(exc, InfeasibleScheduleError):
        items = [ErrorItem(field=p.constraint, message=_explained(p)) for p in exc.problems]
        return ErrorBody(detail=str(exc), errors=items)
    if isinstance(exc, ImportValidationError | ImportConflictError):
        items = [ErrorItem(field=e.field, message=e.message, row=e.row) for e in exc.errors]
        return ErrorBody(detail=str(exc).splitlines()[0], errors=items)
    return ErrorBody(detail=str(exc))


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, AuthenticationError):  # RFC 6750: say which scheme is expected
        return _json(http_status(exc), error_body(exc), {"WWW-Authenticate": "Bearer"})
    if isinstance(exc, MAPPED):
        return _json(http_status(exc), error_body(exc))
    return _json(500, ErrorBody(detail="internal error"))


async def _http(request: Request, exc: Exception) -> JSONResponse:
    exc = cast(StarletteHTTPException, exc)
    return _json(exc.status_code, ErrorBody(detail=str(exc.detail)), dict(exc.headers or {}))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    for error in MAPPED:
        app.add_exception_handler(error, _domain)
    app.add_exception_handler(StarletteHTTPException, _http)
