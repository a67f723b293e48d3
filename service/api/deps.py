"""Typed dependencies: routes ask for what they need, tests override it."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.api.state import EngineHolder
from service.settings import Settings

__all__ = ["Authorised", "HolderDep", "SettingsDep", "WriterDep"]

_bearer = HTTPBearer(auto_error=False)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_holder(request: Request) -> EngineHolder:
    holder: EngineHolder = request.app.state.holder
    return holder


SettingsDep = Annotated[Settings, Depends(get_settings)]
HolderDep = Annotated[EngineHolder, Depends(get_holder)]


def is_authorised(
    settings: SettingsDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> bool:
    """True for a request with the configured bearer token (compared in constant time)."""
    if settings.token is None or creds is None:
        return False
    given = creds.credentials.encode()
    return secrets.compare_digest(given, settings.token.get_secret_value().encode())


Authorised = Annotated[bool, Depends(is_authorised)]


def require_writer(settings: SettingsDep, authorised: Authorised) -> None:
    if settings.token is None:
        raise HTTPException(403, "this service is read-only: set CHAINMATCH_TOKEN to allow writes")
    if not authorised:
        raise HTTPException(401, "a valid bearer token is required", {"WWW-Authenticate": "Bearer"})


WriterDep = Depends(require_writer)
