"""/toolkit: the 惠企工具包 — items, organisations' facts, and one organisation's match.

The same library calls as `chainmatch toolkit …` (service/cli_toolkit.py,
service/toolkit.py); this module only translates HTTP. Items are public policy, so reading
them is open; every write needs a staff token. Facts and matches are an organisation's
own business: a company token reads and declares its own organisation's only (any other
is a 403), staff any.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from catalog.actors import Actor
from catalog.errors import InvalidInputError, PermissionDeniedError
from catalog.toolkit.checks import check_item
from catalog.toolkit.store import ToolkitStore
from service.api.deps import ActorDep, HolderDep, StaffDep
from service.api.routes.orgs import ERRORS as ORG_ERRORS
from service.api.schemas import ErrorBody
from service.api.toolkit_schemas import FactsPublic, FactsUpdate, ItemList, MatchPublic, ToolkitItem
from service.toolkit import facts_doc, match_doc, match_report_rows

router = APIRouter(prefix="/toolkit", tags=["toolkit"])

ERRORS: dict[int | str, dict[str, Any]] = {
    **ORG_ERRORS,
    404: {"model": ErrorBody, "description": "no item or organisation with that id"},
    422: {"model": ErrorBody, "description": "invalid input, naming the item, path and field"},
}
ItemId = Annotated[str, Path(min_length=1, max_length=64, description="e.g. tk-innovation-voucher")]
OrgId = Annotated[str, Path(min_length=1, max_length=64, description="e.g. demo-nev-0012")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get_toolkit(holder: HolderDep) -> Iterator[ToolkitStore]:
    """The toolkit tables in the catalog's file, for one request."""
    with ToolkitStore(holder.workspace.paths.db) as store:
        yield store


ToolkitDep = Annotated[ToolkitStore, Depends(get_toolkit)]


def _own(actor: Actor, org_id: str) -> None:
    if not actor.may_act_for(org_id):
        raise PermissionDeniedError(
            f"organisation {org_id!r}: {actor.describe()} sees its own organisation's only"
        )


@router.get("/items", response_model=ItemList, responses=ERRORS)
def list_items(toolkit: ToolkitDep) -> ItemList:
    """Every item with its conditions (open: policies are public)."""
    return ItemList(items=toolkit.items())


@router.get("/items/{item_id}", response_model=ToolkitItem, responses=ERRORS)
def get_item(item_id: ItemId, toolkit: ToolkitDep) -> ToolkitItem:
    """One item with its condition tree."""
    return toolkit.get(item_id)


@router.put("/items/{item_id}", response_model=ToolkitItem, responses=ERRORS)
def put_item(
    item_id: ItemId, body: ToolkitItem, toolkit: ToolkitDep, actor: StaffDep
) -> ToolkitItem:
    """Create or replace an item (staff); contradictory or ill-typed conditions are a 422
    naming the item, the condition's path and the field, and nothing is written."""
    if body.id != item_id:
        raise InvalidInputError(f"id: the body's id {body.id!r} is not the path's {item_id!r}")
    check_item(body)
    toolkit.save_items([body], who=actor.who())
    return toolkit.get(item_id)


@router.delete("/items/{item_id}", status_code=204, responses=ERRORS)
def delete_item(item_id: ItemId, toolkit: ToolkitDep, actor: StaffDep) -> Response:
    """Remove an item (staff)."""
    toolkit.delete_item(item_id, who=actor.who())
    return Response(status_code=204)


@router.get("/match/{org_id}", response_model=MatchPublic, responses=ERRORS)
def match(
    org_id: OrgId,
    toolkit: ToolkitDep,
    holder: HolderDep,
    actor: ActorDep,
    on: dt.date | None = None,
    providers: bool = True,
    k: Annotated[int, Query(ge=1, le=20)] = 3,
) -> MatchPublic:
    """Eligible, nearly eligible (closest first), not eligible and not-enough-data items
    for one organisation, with the trace and, for the gaps, park providers."""
    _own(actor, org_id)
    engine = holder.engine if providers else None
    day = on or dt.date.today()
    doc = match_doc(toolkit, holder.store, org_id, day=day, engine=engine, k=k)
    return MatchPublic(**doc)


@router.get("/facts/{org_id}", response_model=FactsPublic, responses=ERRORS)
def get_facts(
    org_id: OrgId, toolkit: ToolkitDep, holder: HolderDep, actor: ActorDep
) -> FactsPublic:
    """The organisation's stored facts (founded, revenue, R&D, patents …)."""
    _own(actor, org_id)
    holder.store.get(org_id)
    return FactsPublic(**facts_doc(org_id, toolkit.facts(org_id)))


@router.put("/facts/{org_id}", response_model=FactsPublic, responses=ERRORS)
def put_facts(
    org_id: OrgId, body: FactsUpdate, toolkit: ToolkitDep, actor: ActorDep
) -> FactsPublic:
    """Set or clear facts (all or none; a bad value names its field). Staff for any
    organisation, a company token for its own."""
    actor.require_org(org_id)
    facts = toolkit.set_facts(
        org_id, dict(body.values), as_of=body.as_of, source=body.source, who=actor.who()
    )
    return FactsPublic(**facts_doc(org_id, facts))


def _xlsx(name: str, write: Any) -> Response:
    with tempfile.TemporaryDirectory() as tmp:
        path = FilePath(tmp) / name
        write(path)
        body = path.read_bytes()
    return Response(
        body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get(
    "/export.xlsx", response_class=Response, responses={**ERRORS, 200: {"content": {XLSX: {}}}}
)
def export_items(toolkit: ToolkitDep, _: StaffDep) -> Response:
    """Every item (sheet items, re-importable; sheet conditions, one leaf per row)."""
    from catalog.toolkit.io import write_items

    items = toolkit.items()
    return _xlsx("toolkit.xlsx", lambda path: write_items(items, path))


@router.get(
    "/report.xlsx", response_class=Response, responses={**ERRORS, 200: {"content": {XLSX: {}}}}
)
def report(
    toolkit: ToolkitDep, holder: HolderDep, _: StaffDep, on: dt.date | None = None
) -> Response:
    """The eligibility sheet: every enterprise × item with outcome, distance, gaps."""
    from service.exports.formats import write_sheets

    rows = match_report_rows(toolkit, holder.store, day=on or dt.date.today())
    return _xlsx("toolkit-report.xlsx", lambda path: write_sheets([("eligibility", rows)], path))
