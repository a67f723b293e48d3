"""/audit: the append-only log of every write (staff tokens only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from catalog.audit import MAX_LIMIT, AuditLog, parse_since
from service.api.deps import HolderDep, StaffDep
from service.api.routes.orgs import ERRORS
from service.api.schemas import AuditEntryOut, AuditList

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=AuditList, responses=ERRORS)
def read_audit(
    holder: HolderDep,
    actor: StaffDep,
    org: Annotated[
        str | None, Query(max_length=100, description="one organisation (and its outcomes)")
    ] = None,
    since: Annotated[
        str | None, Query(max_length=40, description="ISO date/time (UTC) or an age: 7d, 12h")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> AuditList:
    """Who changed what, when, before → after; newest first. Needs a staff token."""
    when = parse_since(since) if since is not None else None
    with AuditLog(holder.workspace.paths.db) as log:
        entries = log.entries(org=org, since=when, limit=limit)
    return AuditList(entries=[AuditEntryOut(**e.to_dict()) for e in entries])
