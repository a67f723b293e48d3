"""/chains, /map and /map.graphml: the taxonomy and the cooperation opportunity map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from catalog.models import OrgKind
from matcher.coopmap import cooperation_map, to_graphml
from service.api.deps import HolderDep
from service.api.mapcache import MapView
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


@dataclass(frozen=True)
class MapQuery:
    """The map's query parameters, shared by /map and /map.graphml."""

    chain: ChainQ = None
    segment: SegmentQ = None
    region: RegionQ = None
    kind: OrgKind | None = None
    per_org: PerOrgQ = 3

    def key(self) -> tuple[str | None, str | None, str | None, OrgKind | None, int]:
        return (self.chain, self.segment, self.region, self.kind, self.per_org)


MapParams = Annotated[MapQuery, Depends()]


def _map(holder: HolderDep, q: MapQuery) -> MapView:
    return holder.cached_map(
        q.key(),
        lambda engine: cooperation_map(
            engine,
            chain=q.chain,
            segment=q.segment,
            region=q.region,
            kind=q.kind,
            per_org=q.per_org,
        ),
    )


@router.get("/map", responses=ERRORS)
def coop_map(holder: HolderDep, q: MapParams) -> dict[str, Any]:
    """合作机会图谱: nodes by segment (upstream → downstream), edges supplier → buyer with
    their score and evidence. ``generation`` is the engine generation the map was drawn
    from; ``stale`` means catalog changes since then are being drawn in (a map is redrawn in
    the background after writes, and the next request shows them)."""
    view = _map(holder, q)
    return {**view.cmap.to_dict(), "generation": view.generation, "stale": view.stale}


@router.get("/map.graphml", responses=ERRORS, response_class=Response)
def coop_map_graphml(holder: HolderDep, q: MapParams) -> Response:
    """The same map as GraphML, for Gephi, yEd or networkx."""
    return Response(to_graphml(_map(holder, q).cmap), media_type="application/graphml+xml")
