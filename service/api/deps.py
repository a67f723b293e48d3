"""Typed dependencies: routes ask for what they need, tests override it.

Who is asking (`catalog.actors.Actor`) comes in three strengths:

- ``MaybeActorDep`` — the actor of a valid bearer token, else None (open reads; contacts
  are shown only to an actor who may see them);
- ``ActorDep`` — a valid token of any role, else 401 (403 on a read-only service);
- ``StaffDep`` — a valid staff token, else 401 / 403 naming the role needed.

A company-scoped write takes ``ActorDep`` and calls ``actor.require_org(org_id)``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from catalog.actors import Actor
from catalog.errors import AuthenticationError, PermissionDeniedError
from service.api.state import EngineHolder
from service.settings import Settings
from service.tokens import TokenBook, TokenFile

__all__ = [
    "ActorDep",
    "Credentials",
    "HolderDep",
    "MaybeActorDep",
    "SettingsDep",
    "StaffDep",
    "TokensDep",
    "require_actor",
    "require_staff",
]

_bearer = HTTPBearer(auto_error=False)

READ_ONLY = (
    "this service is read-only: set CHAINMATCH_TOKEN or a CHAINMATCH_TOKENS file to allow writes"
)
MISSING = "a valid bearer token is required"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_holder(request: Request) -> EngineHolder:
    holder: EngineHolder = request.app.state.holder
    return holder


def get_tokens(request: Request) -> TokenBook:
    """The token book as it is now (the file is re-read when it changes)."""
    tokens: TokenFile = request.app.state.tokens
    return tokens.book()


SettingsDep = Annotated[Settings, Depends(get_settings)]
HolderDep = Annotated[EngineHolder, Depends(get_holder)]
TokensDep = Annotated[TokenBook, Depends(get_tokens)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def current_actor(tokens: TokensDep, creds: Credentials) -> Actor | None:
    """The actor of the request's bearer token; None without one or for an unknown one."""
    if creds is None:
        return None
    return tokens.actor_for(creds.credentials)


MaybeActorDep = Annotated[Actor | None, Depends(current_actor)]


def require_actor(tokens: TokensDep, creds: Credentials) -> Actor:
    """A valid token of any role: 403 if the service has no tokens, 401 without a match."""
    if tokens.empty:
        raise PermissionDeniedError(READ_ONLY)
    if creds is None:
        raise AuthenticationError(MISSING)
    actor = tokens.actor_for(creds.credentials)
    if actor is None:
        raise AuthenticationError(f"{MISSING}; the one given matches no configured token")
    return actor


ActorDep = Annotated[Actor, Depends(require_actor)]


def require_staff(actor: ActorDep, request: Request) -> Actor:
    """A valid staff token; a company token gets 403 naming the request and the role."""
    return actor.require_staff(f"{request.method} {request.url.path}")


StaffDep = Annotated[Actor, Depends(require_staff)]
