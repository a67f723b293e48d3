"""Who is asking, and what they may do: the `Actor` every write and audit entry names.

A request's bearer token resolves (`service.tokens.TokenBook`) to an `Actor`: a name (what
the audit log records), a `Role`, and for a company the one organisation it speaks for. The
rules are the methods below, so a route asks ``actor.require_staff()`` or
``actor.require_org(org_id)`` and never compares roles itself; the HTTP dependencies in
`service.api.deps` (``ActorDep``, ``StaffDep``, ``MaybeActorDep``) hand routes an Actor.
It lives in the catalog because the stores record it too: the audit log and the demand
desk's append-only request log name the actor of every line, and the desk's lifecycle
rules (`catalog.desk.flow`) decide by its role.

Example usage::

    actor = Actor("lanyuan", Role.COMPANY, "demo-nev-0019")
    actor.require_org("demo-nev-0019")      # fine
    actor.require_staff()                   # PermissionDeniedError: needs a staff token
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from catalog.audit import Who
from catalog.errors import PermissionDeniedError

__all__ = ["Actor", "Role"]


class Role(enum.StrEnum):
    """What a token may do."""

    STAFF = "staff"  # park staff: every write, the audit log, every organisation's contacts
    COMPANY = "company"  # one organisation: writes to its own entry, sees its own contacts


@dataclass(frozen=True)
class Actor:
    """A named caller; ``org_id`` is set exactly when the role is ``company``."""

    name: str
    role: Role
    org_id: str | None = None

    def __post_init__(self) -> None:
        if (self.role is Role.COMPANY) != (self.org_id is not None):
            raise ValueError(f"actor {self.name!r}: a company actor has an org_id, staff none")

    @classmethod
    def staff(cls, name: str) -> Actor:
        """A staff actor (the CLI's local user, a handler in tests and demo data)."""
        return cls(name, Role.STAFF)

    @property
    def is_staff(self) -> bool:
        return self.role is Role.STAFF

    def who(self, via: str = "api") -> Who:
        """How the audit log records this actor's writes."""
        return Who(self.name, via)

    def describe(self) -> str:
        """How messages name this actor: ``'lanyuan' (company token for demo-nev-0019)``."""
        scope = f" for {self.org_id}" if self.org_id else ""
        return f"{self.name!r} ({self.role.value} token{scope})"

    def require_staff(self, what: str = "this") -> Actor:
        """Self, if staff; else PermissionDeniedError naming the role needed."""
        if not self.is_staff:
            raise PermissionDeniedError(f"{what} needs a staff token; {self.describe()} is not")
        return self

    def may_act_for(self, org_id: str) -> bool:
        """Staff act for every organisation, a company for its own only."""
        return self.is_staff or self.org_id == org_id

    def require_org(self, org_id: str) -> Actor:
        """Self, if it may write organisation ``org_id``; else PermissionDeniedError."""
        if not self.may_act_for(org_id):
            raise PermissionDeniedError(
                f"{self.describe()} may write organisation {self.org_id} only, not {org_id}"
            )
        return self
