"""/health: is the engine loaded, and what is it serving."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from service.api.deps import HolderDep, TokensDep
from service.api.schemas import Health

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health)
def health(holder: HolderDep, tokens: TokensDep) -> Health:
    engine = holder.engine
    return Health(
        status="ok",
        organisations=len(engine.orgs),
        model_id=engine.encoder.model_id,
        dim=engine.encoder.dim,
        index_version=holder.version,
        read_only=tokens.empty,
        checked_at=dt.datetime.now(dt.UTC),
    )
