"""The cooperation opportunity map (合作机会图谱): organisations by segment, edges by match.

Each organisation on the map gets its best suppliers *among the organisations on the map*,
so a chain's map shows who could buy from whom inside that chain, with the evidence; an
edge without a need → offer pair above the evidence threshold is exploratory (探索性) and
says what it rests on instead.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import Any

from catalog.errors import InvalidInputError
from catalog.models import OrgKind
from catalog.taxonomy import Stage
from matcher.engine import MatchEngine
from matcher.evidence import basis_labels
from matcher.explain import EXPLORATORY
from matcher.types import Direction, Filters

__all__ = [
    "CoopMap",
    "MapEdge",
    "MapNode",
    "cooperation_map",
    "supplier_edges",
    "to_graphml",
]


@dataclass(frozen=True)
class MapNode:
    id: str
    name: str
    kind: str
    chain: str | None
    segment: str | None
    segment_name: str | None
    stage: str | None
    column: int  # left → right: upstream, midstream, downstream, support
    park: str | None


@dataclass(frozen=True)
class MapEdge:
    source: str  # the supplier
    target: str  # the buyer
    score: float
    relation: str
    evidence: str
    exploratory: bool = False  # no cited need → offer pair: ``evidence`` says what it rests on
    rests_on: tuple[str, ...] = ()  # `matcher.evidence.Basis` values


@dataclass(frozen=True)
class CoopMap:
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": [asdict(n) for n in self.nodes],
            "edges": [asdict(e) for e in self.edges],
        }


def cooperation_map(
    engine: MatchEngine,
    *,
    chain: str | None = None,
    segment: str | None = None,
    region: str | None = None,
    kind: OrgKind | None = None,
    per_org: int = 3,
    max_nodes: int = 600,
) -> CoopMap:
    """Nodes pass the filters; each node's ``per_org`` best suppliers on the map are edges."""
    if chain is not None and chain not in engine.taxonomy.chains:
        raise InvalidInputError(
            f"unknown chain {chain!r}; known: {', '.join(sorted(engine.taxonomy.chains))}"
        )
    if segment is not None and segment not in engine.taxonomy.segments:
        raise InvalidInputError(f"unknown segment {segment!r}")
    if not 1 <= per_org <= 20:
        raise InvalidInputError(f"per_org must be between 1 and 20, got {per_org}")
    filters = Filters(region=region, kind=kind, chain=chain, segment=segment)
    day = engine.today or dt.date.today()
    members = [o for o in engine.orgs if filters.admits(o, day)]
    if len(members) > max_nodes:
        raise InvalidInputError(
            f"{len(members)} organisations match; narrow the map to at most {max_nodes} "
            "with chain, segment, region or kind"
        )
    tax = engine.taxonomy
    nodes = []
    for o in members:
        pos = next((p for p in o.chains if chain is None or p.chain == chain), None)
        seg = tax.segments.get(pos.segment) if pos else None
        stage = seg.stage if seg else None
        nodes.append(
            MapNode(
                id=o.id,
                name=o.name,
                kind=o.kind.value,
                chain=pos.chain if pos else None,
                segment=pos.segment if pos else None,
                segment_name=tax.label(pos.segment) if pos else None,
                stage=stage.value if stage else None,
                column=stage.order if stage else Stage.SUPPORT.order,
                park=o.region.park,
            )
        )
    ids = {o.id for o in members}
    edges: list[MapEdge] = []
    for o in members:
        if not o.needs or len(ids) < 2:
            continue
        edges.extend(supplier_edges(engine, o.id, per_org=per_org, items=ids))
    return CoopMap(tuple(nodes), tuple(edges))


def supplier_edges(
    engine: MatchEngine, org_id: str, *, per_org: int, items: Collection[str] | None
) -> list[MapEdge]:
    """One buyer's edges: its ``per_org`` best suppliers among ``items`` (None: all), each
    with the need ← offer pair it rests on, or what an exploratory edge rests on instead."""
    res = engine.find_partners(org_id, direction=Direction.SUPPLIERS, k=per_org, items=items)
    edges = []
    for m in res.matches:
        top = m.evidence[0] if m.evidence else None
        if top is not None:
            why = f"{top.query_text} ← {top.candidate_text}"
        else:
            why = f"{EXPLORATORY}：依据 " + ("、".join(basis_labels(m.rests_on)) or "无 none")
        edges.append(
            MapEdge(
                m.org_id,
                org_id,
                round(m.score, 4),
                m.relation.value,
                why,
                m.exploratory,
                m.rests_on,
            )
        )
    return edges


def to_graphml(cmap: CoopMap) -> str:
    """GraphML for Gephi, yEd or networkx: nodes with their segment, edges with score."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", xmlns=ns)
    node_keys = ("name", "kind", "chain", "segment", "segment_name", "stage", "park")
    for key in node_keys:
        ET.SubElement(root, "key", id=key, attrib={"for": "node", "attr.name": key}).set(
            "attr.type", "string"
        )
    edge_keys = (
        ("score", "double"),
        ("relation", "string"),
        ("evidence", "string"),
        ("exploratory", "boolean"),
    )
    for key, typ in edge_keys:
        ET.SubElement(root, "key", id=key, attrib={"for": "edge", "attr.name": key}).set(
            "attr.type", typ
        )
    graph = ET.SubElement(root, "graph", id="cooperation", edgedefault="directed")
    for n in cmap.nodes:
        el = ET.SubElement(graph, "node", id=n.id)
        for key in node_keys:
            value = getattr(n, key)
            if value is not None:
                ET.SubElement(el, "data", key=key).text = str(value)
    for i, e in enumerate(cmap.edges):
        el = ET.SubElement(graph, "edge", id=f"e{i}", source=e.source, target=e.target)
        ET.SubElement(el, "data", key="score").text = f"{e.score:.4f}"
        ET.SubElement(el, "data", key="relation").text = e.relation
        ET.SubElement(el, "data", key="evidence").text = e.evidence
        ET.SubElement(el, "data", key="exploratory").text = str(e.exploratory).lower()
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
