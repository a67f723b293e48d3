"""/orgs: list, read, create, update, delete and bulk import. HTTP in, library calls out."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from catalog.actors import Actor
from catalog.errors import RowError
from catalog.events import EventStore
from catalog.importer import ImportReport, import_organisations
from catalog.models import Organisation, OrgKind
from catalog.store import CatalogStore, OnConflict
from service.api.deps import ActorDep, HolderDep, MaybeActorDep, SettingsDep, StaffDep
from service.api.event_grid_schemas import OrgEvents
from service.api.schemas import (
    ErrorBody,
    ErrorItem,
    ImportResult,
    ImportRow,
    OrgCreate,
    OrgList,
    OrgPublic,
    OrgUpdate,
    RegionOut,
)

router = APIRouter(prefix="/orgs", tags=["organisations"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing or wrong bearer token"},
    403: {
        "model": ErrorBody,
        "description": "the token's role may not do this (the role needed is named), "
        "or the service is read-only",
    },
    404: {"model": ErrorBody, "description": "no organisation with that id"},
    422: {"model": ErrorBody, "description": "invalid input, with the field path"},
}


def _public(org: Organisation, actor: Actor | None) -> OrgPublic:
    """Contacts are shown to staff and to the organisation's own company token only."""
    data = org.model_dump()
    shown = actor is not None and actor.may_act_for(org.id)
    if not shown:
        data["contacts"] = ()
    return OrgPublic(**data, contacts_hidden=bool(org.contacts) and not shown)


@router.get("", response_model=OrgList, responses=ERRORS)
def list_orgs(
    holder: HolderDep,
    actor: MaybeActorDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    kind: OrgKind | None = None,
    chain: Annotated[str | None, Query(max_length=64)] = None,
    segment: Annotated[str | None, Query(max_length=64)] = None,
    park: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[str | None, Query(max_length=100, description="name or alias contains")] = None,
) -> OrgList:
    """Organisations, ordered by id, with filters and pagination."""
    store = holder.store
    items = store.list(
        kind=kind, chain=chain, segment=segment, park=park, q=q, limit=limit, offset=offset
    )
    total = store.count(kind=kind, chain=chain, segment=segment, park=park, q=q)
    return OrgList(total=total, items=[_public(o, actor) for o in items])


@router.get("/regions", response_model=list[RegionOut], responses=ERRORS)
def list_regions(holder: HolderDep) -> list[RegionOut]:
    """Every province / city / park with its number of organisations, largest first."""
    return [RegionOut(**r) for r in holder.store.regions()]


@router.get("/{org_id}", response_model=OrgPublic, responses=ERRORS)
def get_org(org_id: str, holder: HolderDep, actor: MaybeActorDep) -> OrgPublic:
    """One organisation; contacts only for staff and the organisation's own token."""
    return _public(holder.store.get(org_id), actor)


@router.get("/{org_id}/events", response_model=OrgEvents, responses=ERRORS)
def get_org_events(org_id: str, holder: HolderDep) -> OrgEvents:
    """The stored events the organisation takes part in, newest first, with its meetings
    (time, table, counterpart, why from its side, outcome)."""
    holder.store.get(org_id)  # 404 for an organisation that does not exist
    with EventStore(holder.workspace.paths.db) as store:
        return OrgEvents.read(store, org_id)


@router.post("", status_code=201, response_model=OrgPublic, responses=ERRORS)
def create_org(org: OrgCreate, holder: HolderDep, actor: ActorDep) -> OrgPublic:
    """Add an organisation; 409 if the id exists. The index is updated before this returns.
    Staff may add any; a company token only the organisation it speaks for."""
    actor.require_org(org.id)
    new = Organisation(**org.model_dump())
    holder.write(lambda store: store.insert([new], who=actor.who()))
    return _public(new, actor)


@router.put("/{org_id}", response_model=OrgPublic, responses=ERRORS)
def update_org(org_id: str, change: OrgUpdate, holder: HolderDep, actor: ActorDep) -> OrgPublic:
    """Change some fields of an organisation; the rest stay. Staff may change any; a
    company token only its own."""
    actor.require_org(org_id)

    def apply(store: CatalogStore) -> Organisation:
        current = store.get(org_id)
        try:
            updated = Organisation.model_validate(
                {**current.model_dump(), **change.model_dump(exclude_unset=True)}
            )
        except ValidationError as exc:  # e.g. "aliases": null: a 422 naming the field, not a 500
            raise RequestValidationError(
                [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
            ) from None
        store.upsert([updated], who=actor.who())
        return updated

    return _public(holder.write(apply), actor)


@router.delete("/{org_id}", status_code=204, responses=ERRORS)
def delete_org(org_id: str, holder: HolderDep, actor: StaffDep) -> Response:
    """Remove an organisation (staff only)."""
    holder.write(lambda store: store.delete([org_id], who=actor.who()))
    return Response(status_code=204)


def _upload_name(filename: str | None) -> str:
    """The uploaded file's own name (no client folders), as error messages show it."""
    name = Path((filename or "").replace("\\", "/")).name.strip()
    return name[:200] or "upload"


@router.post(
    "/import",
    response_model=ImportResult,
    responses={
        **ERRORS,
        409: {"model": ErrorBody, "description": "ids already exist (on_conflict=fail)"},
        413: {"model": ErrorBody, "description": "file too large, or an XLSX inflating too far"},
    },
)
async def import_orgs(
    request: Request,
    file: UploadFile,
    holder: HolderDep,
    settings: SettingsDep,
    actor: StaffDep,
    skip_invalid: bool = False,
    on_conflict: Annotated[
        OnConflict, Query(description="an id already in the catalog: update, skip or fail")
    ] = OnConflict.FAIL,
    dry_run: Annotated[
        bool, Query(description="check only: the same errors and counts, nothing written")
    ] = False,
) -> ImportResult:
    """Bulk import a CSV, XLSX or JSON file (staff only); any bad row rejects the file unless
    skip_invalid. ``dry_run`` answers the same (errors, conflicts, counts, the preview of
    each row) and writes nothing.

    Errors name the file as uploaded. An existing id fails the import (409, naming each id
    and row) unless ``on_conflict`` is ``update`` or ``skip``.
    """
    size = int(request.headers.get("content-length") or 0)
    if size > settings.max_upload_bytes:
        raise HTTPException(413, f"upload of {size} bytes exceeds {settings.max_upload_bytes}")
    name = _upload_name(file.filename)
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        written = 0
        with open(path, "wb") as fh:
            while chunk := await file.read(1 << 16):
                written += len(chunk)
                if written > settings.max_upload_bytes:
                    raise HTTPException(413, f"upload exceeds {settings.max_upload_bytes} bytes")
                fh.write(chunk)
        tax = holder.workspace.taxonomy

        def run(store: CatalogStore) -> ImportResult:
            report = import_organisations(
                store,
                path,
                taxonomy=tax,
                skip_invalid=skip_invalid,
                on_conflict=on_conflict,
                source=name,
                who=actor.who(),
                dry_run=dry_run,
            )
            return _result(report)

        if dry_run:  # nothing changes: no write lock, no new engine
            return await run_in_threadpool(run, holder.store)
        return await run_in_threadpool(holder.write, run)


def _result(report: ImportReport) -> ImportResult:
    return ImportResult(
        imported=report.imported,
        created=report.created,
        updated=report.updated,
        skipped=report.skipped,
        skipped_rows=report.skipped_rows,
        errors=[_item(e) for e in report.errors],
        warnings=[_item(w) for w in report.warnings],
        dry_run=report.dry_run,
        preview=[
            ImportRow(row=p.row, id=p.id, name=p.name, action=p.action) for p in report.preview
        ],
    )


def _item(error: RowError) -> ErrorItem:
    return ErrorItem(field=error.field, message=error.message, row=error.row)
