"""/match/partners, /match/substitutes and /ask: the engine's verbs over HTTP."""

from __future__ import annotations

from fastapi import APIRouter

from matcher.types import Filters, MatchResult
from service.api.deps import HolderDep
from service.api.routes.orgs import ERRORS
from service.api.schemas import (
    AskRequest,
    FiltersIn,
    MatchList,
    PartnersRequest,
    SubstitutesRequest,
)

router = APIRouter(tags=["matching"])


def _filters(f: FiltersIn) -> Filters:
    return Filters(**f.model_dump())


def _out(result: MatchResult) -> MatchList:
    return MatchList.model_validate(result.to_dict())


@router.post("/match/partners", response_model=MatchList, responses=ERRORS)
def partners(req: PartnersRequest, holder: HolderDep) -> MatchList:
    """找合作: suppliers for an organisation's needs, customers for its offers, or both."""
    return _out(
        holder.engine.find_partners(
            req.org_id,
            direction=req.direction,
            k=req.k,
            filters=_filters(req.filters),
            statements=req.statements,
        )
    )


@router.post("/match/substitutes", response_model=MatchList, responses=ERRORS)
def substitutes(req: SubstitutesRequest, holder: HolderDep) -> MatchList:
    """找替代: organisations that could replace this one."""
    return _out(holder.engine.find_substitutes(req.org_id, k=req.k, filters=_filters(req.filters)))


@router.post("/ask", response_model=MatchList, responses=ERRORS)
def ask(req: AskRequest, holder: HolderDep) -> MatchList:
    """一问即答: a free question in Chinese or English."""
    return _out(holder.engine.ask(req.text, k=req.k, filters=_filters(req.filters)))
