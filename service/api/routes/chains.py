"""/chains, /map and /map.graphml: the taxonomy and the cooperation opportunity map."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from catalog.models import OrgKind
from matcher.coopmap import CoopMap, cooperation_map, to_graphml
from service.api.deps import HolderDep
from service.api.routes.orgs import ERRORS

router = APIRouter(tags=["chains"])

ChainQ = Annotated[str | None, Query(max_length=64, description="chain id, e.g. nev")]
SegmentQ = Annotated[str | None, Query(max_length=64, description="segment id, e.g. nev.motor")]
RegionQ = Annotated[str | None, Query(max_length=64, description="province, city or park")]
PerOrgQ = Annotated[int, Query(ge=1, le=20, description="suppliers drawn per organisation")]


@router.get("/chains", responses=ERRORS)
def chains(holder: HolderDep) -> dict[str, Any]:
    """Chains with their segments (stage, Chinese and English names) and supply edges."""
    tax = holder.workspace.taxonomy
    return {
        "chains": [
            {
                "id": c.id,
                "name": c.name,
                "name_en": c.name_en,
                "segments": [
                    {
                        "id": s,
                        "name": tax.segments[s].name,
                        "name_en": tax.segments[s].name_en,
                        "stage": tax.segments[s].stage.value,
                    }
                    for s in c.segments
                ],
            }
            for c in tax.chains.values()
        ],
        "edges": [{"from": a, "to": b} for a, b in sorted(tax.edges)],
    }


def _map(
    holder: HolderDep,
    chain: str | None,
    segment: str | None,
    region: str | None,
    kind: OrgKind | None,
    per_org: int,
) -> CoopMap:
    return holder.cached_map(
        (chain, segment, region, kind, per_org),
        lambda engine: cooperation_map(
            engine, chain=chain, segment=segment, region=region, kind=kind, per_org=per_org
        ),
    )


@router.get("/map", responses=ERRORS)
def coop_map(
    holder: HolderDep,
    chain: ChainQ = None,
    segment: SegmentQ = None,
    region: RegionQ = None,
    kind: OrgKind | None = None,
    per_org: PerOrgQ = 3,
) -> dict[str, Any]:
    """合作机会图谱: nodes by segment (upstream → downstream), edges supplier → buyer with
    their score and evidence."""
    return _map(holder, chain, segment, region, kind, per_org).to_dict()


@router.get("/map.graphml", responses=ERRORS, response_class=Response)
def coop_map_graphml(
    holder: HolderDep,
    chain: ChainQ = None,
    segment: SegmentQ = None,
    region: RegionQ = None,
    kind: OrgKind | None = None,
    per_org: PerOrgQ = 3,
) -> Response:
    """The same map as GraphML, for Gephi, yEd or networkx."""
    cmap = _map(holder, chain, segment, region, kind, per_org)
    return Response(to_graphml(cmap), media_type="application/graphml+xml")
