"""The industry-chain taxonomy: chains, their segments, and who supplies whom.

The ranker only needs one question answered fast — how does segment A relate to segment B —
so the taxonomy precomputes its supply edges into sets.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "Chain",
    "ChainRelation",
    "Segment",
    "Stage",
    "Taxonomy",
    "load_default_taxonomy",
    "load_taxonomy",
]


class Stage(enum.StrEnum):
    UPSTREAM = "upstream"
    MIDSTREAM = "midstream"
    DOWNSTREAM = "downstream"
    SUPPORT = "support"

    @property
    def order(self) -> int:
        """Left-to-right position on a map: upstream first, support last."""
        return [Stage.UPSTREAM, Stage.MIDSTREAM, Stage.DOWNSTREAM, Stage.SUPPORT].index(self)


class ChainRelation(enum.StrEnum):
    """How a candidate's segment relates to the query's segment."""

    SUPPLIES = "supplies"  # candidate segment → query segment (candidate is upstream)
    BUYS = "buys"  # query segment → candidate segment (candidate is downstream)
    PEER = "peer"  # same segment: competitor for partners, the right place for substitutes
    SAME_CHAIN = "same_chain"  # same chain, no direct edge
    SUPPORT = "support"  # candidate sits in a support segment (finance, testing, law …)
    NONE = "none"


@dataclass(frozen=True)
class Segment:
    id: str
    chain: str
    name: str
    name_en: str
    stage: Stage
    # Segments of one chain may form groups (Shenwan L2 over its L3 industries): substitutes
    # are found across a group's segments too. None: the segment is a group of its own.
    group: str | None = None

    @property
    def group_id(self) -> str:
        return self.group or self.id


@dataclass(frozen=True)
class Chain:
    id: str
    name: str
    name_en: str
    segments: tuple[str, ...]


@dataclass
class Taxonomy:
    chains: dict[str, Chain]
    segments: dict[str, Segment]
    edges: frozenset[tuple[str, str]]
    _customers_of: dict[str, frozenset[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for src, dst in self.edges:
            for seg in (src, dst):
                if seg not in self.segments:
                    raise ValueError(f"supply edge {src} → {dst} names unknown segment {seg!r}")
        cus: dict[str, set[str]] = {s: set() for s in self.segments}
        for src, dst in self.edges:
            cus[src].add(dst)
        self._customers_of = {k: frozenset(v) for k, v in cus.items()}

    def segment(self, segment_id: str) -> Segment:
        try:
            return self.segments[segment_id]
        except KeyError:
            raise KeyError(f"unknown segment {segment_id!r}") from None

    def customers_of(self, segment_id: str) -> frozenset[str]:
        return self._customers_of.get(segment_id, frozenset())

    def relation(self, candidate: str, query: str) -> ChainRelation:
        """Relation of one candidate segment to one query segment."""
        if candidate == query:
            return ChainRelation.PEER
        if (candidate, query) in self.edges:
            return ChainRelation.SUPPLIES
        if (query, candidate) in self.edges:
            return ChainRelation.BUYS
        cand = self.segments.get(candidate)
        if cand is not None and cand.stage is Stage.SUPPORT:
            return ChainRelation.SUPPORT
        que = self.segments.get(query)
        if cand is not None and que is not None and cand.chain == que.chain:
            return ChainRelation.SAME_CHAIN
        return ChainRelation.NONE

    def best_relation(
        self, candidates: Iterable[str], queries: Iterable[str], prefer: Iterable[ChainRelation]
    ) -> tuple[ChainRelation, str | None, str | None]:
        """The most preferred relation over all segment pairs, with the pair that shows it."""
        rank = {rel: i for i, rel in enumerate(prefer)}
        best: tuple[ChainRelation, str | None, str | None] = (ChainRelation.NONE, None, None)
        best_rank = len(rank)
        qs = list(queries)
        for c in candidates:
            for q in qs:
                rel = self.relation(c, q)
                r = rank.get(rel, len(rank))
                if r < best_rank:
                    best, best_rank = (rel, c, q), r
        return best

    def label(self, segment_id: str) -> str:
        seg = self.segments.get(segment_id)
        if seg is None:
            return segment_id
        return f"{self.chains[seg.chain].name}/{seg.name}"


def _parse(doc: Mapping[str, Any]) -> Taxonomy:
    chains: dict[str, Chain] = {}
    segments: dict[str, Segment] = {}
    for ci, c in enumerate(doc.get("chains", [])):
        try:
            seg_ids = []
            for s in c["segments"]:
                seg = Segment(
                    id=s["id"],
                    chain=c["id"],
                    name=s["name"],
                    name_en=s["name_en"],
                    stage=Stage(s["stage"]),
                    group=s.get("group"),
                )
                if seg.id in segments:
                    raise ValueError(f"segment id {seg.id!r} is defined twice")
                segments[seg.id] = seg
                seg_ids.append(seg.id)
            chains[c["id"]] = Chain(c["id"], c["name"], c["name_en"], tuple(seg_ids))
        except KeyError as exc:
            raise ValueError(f"taxonomy chain #{ci}: missing field {exc.args[0]!r}") from None
    edges = frozenset((e["from"], e["to"]) for e in doc.get("edges", []))
    return Taxonomy(chains=chains, segments=segments, edges=edges)


def load_taxonomy(path: Path) -> Taxonomy:
    with open(path, encoding="utf-8") as fh:
        return _parse(json.load(fh))


def load_default_taxonomy() -> Taxonomy:
    """The taxonomy shipped with the package (six chains, Chinese with English names)."""
    text = resources.files("catalog").joinpath("data/taxonomy.json").read_text(encoding="utf-8")
    return _parse(json.loads(text))
