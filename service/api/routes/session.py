"""/session: sign the web console in and out with an existing token (HttpOnly cookie).

The cookie holds the token itself, so a token revoked in the token file ends its sessions at
the next request, and nothing about sessions is stored server-side. HttpOnly keeps page
scripts from reading it; SameSite=Strict keeps other sites from making the browser send it
(no CSRF on the cookie); ``Secure`` follows the request's scheme, so plain-HTTP loopback
use keeps working.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from catalog.actors import Actor
from catalog.errors import AuthenticationError
from service.api.deps import SESSION_COOKIE, ActorDep, TokensDep
from service.api.routes.orgs import ERRORS
from service.api.schemas import SessionCreate, SessionPublic

router = APIRouter(prefix="/session", tags=["session"])

MAX_AGE_S = 12 * 3600  # one working day; signing in again is one paste


def _public(actor: Actor) -> SessionPublic:
    return SessionPublic(name=actor.name, role=actor.role.value, org=actor.org_id)


@router.post("", response_model=SessionPublic, responses=ERRORS)
def sign_in(
    body: SessionCreate, tokens: TokensDep, request: Request, response: Response
) -> SessionPublic:
    """Check the token against the token book; set the session cookie; say who it is."""
    actor = tokens.actor_for(body.token)
    if actor is None:
        raise AuthenticationError("token: matches no configured token")
    response.set_cookie(
        SESSION_COOKIE,
        body.token,
        max_age=MAX_AGE_S,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return _public(actor)


@router.get("", response_model=SessionPublic, responses=ERRORS)
def who_am_i(actor: ActorDep) -> SessionPublic:
    """The signed-in name, role and organisation (401 when signed out)."""
    return _public(actor)


@router.delete("", status_code=204)
def sign_out() -> Response:
    """Drop the session cookie."""
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response
