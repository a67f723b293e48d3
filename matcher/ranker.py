"""Rankers turn semantic evidence plus what we know about organisations into one score.

Every ranker returns its score *parts*, so each result can say why it ranks where it does.
Weights are in cosine units: a chain bonus of 0.04 is worth a 0.04 better text match.
"""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from typing import Any

import numpy as np

from catalog.models import Organisation
from catalog.taxonomy import ChainRelation, Taxonomy
from embeddings.base import F32Array
from matcher.features import CandidateFeatures
from matcher.types import Direction, Relation, Signal, Task

__all__ = [
    "ChainAwareRanker",
    "RankInput",
    "RankOutput",
    "RankWeights",
    "Ranker",
    "SemanticRanker",
    "Signal",
    "relation_values",
]

R = ChainRelation

# How much each chain relation is worth, per question. Suppliers should sit upstream of the
# query, customers downstream; a peer competes for the same customers; for substitutes the
# peer is exactly what we want.
_RELATION_VALUE: dict[tuple[Task, Direction | None], dict[ChainRelation, float]] = {
    (Task.PARTNERS, Direction.SUPPLIERS): {
        R.SUPPLIES: 1.0,
        R.SUPPORT: 0.5,
        R.SAME_CHAIN: 0.2,
        R.NONE: 0.0,
        R.BUYS: -0.3,
        R.PEER: -0.5,
    },
    (Task.PARTNERS, Direction.CUSTOMERS): {
        R.BUYS: 1.0,
        R.SAME_CHAIN: 0.2,
        R.NONE: 0.0,
        R.SUPPORT: 0.0,
        R.SUPPLIES: -0.3,
        R.PEER: -0.5,
    },
    (Task.PARTNERS, Direction.MUTUAL): {
        R.SUPPLIES: 1.0,
        R.BUYS: 1.0,
        R.SUPPORT: 0.4,
        R.SAME_CHAIN: 0.2,
        R.NONE: 0.0,
        R.PEER: -0.3,
    },
    (Task.SUBSTITUTES, None): {
        R.PEER: 1.0,
        R.SAME_CHAIN: 0.3,
        R.SUPPORT: 0.0,
        R.NONE: 0.0,
        R.SUPPLIES: -0.5,
        R.BUYS: -0.5,
    },
}


def relation_values(task: Task, direction: Direction | None) -> dict[ChainRelation, float]:
    return _RELATION_VALUE.get((task, direction), {})


@dataclass(frozen=True)
class RankWeights:
    """Weights in cosine units. The shipped values (``matcher/data/weights.json``) were
    fitted on the A-share dev split; `RankWeights()` alone keeps the hand-set chain,
    qualification, region and kind values and switches the learned signals off.

    Each `Signal` has a field of its name (a test pins it); read them with `of` or
    `signal_weights`. A signal is max-normalised over the candidates of one query before
    its weight applies, so its weight is in cosine units too."""

    chain: float = 0.04
    substitute_chain: float = 0.04  # the chain relation's weight when finding substitutes
    qualification: float = 0.01
    region: float = 0.01
    kind: float = 0.03
    reciprocity: float = 0.03
    stated: float = 0.0
    coverage: float = 0.0
    inferred: float = 0.0
    exact: float = 0.0
    peers: float = 0.0
    demand: float = 0.0
    transition: float = 0.0
    lexical: float = 0.0
    group: float = 0.0
    overlap: float = 0.0
    profile: float = 0.0
    breadth: float = 0.0

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> RankWeights:
        known = {f.name for f in fields(cls)}
        unknown = set(doc) - known
        if unknown:
            raise ValueError(f"unknown rank weights {sorted(unknown)}; known: {sorted(known)}")
        bad = {k: v for k, v in doc.items() if not isinstance(v, int | float)}
        if bad:
            raise ValueError(f"rank weights must be numbers, got {bad}")
        return cls(**{k: float(v) for k, v in doc.items()})

    @classmethod
    def fitted(cls) -> RankWeights:
        """The weights shipped in ``matcher/data/weights.json`` (how they were fitted is
        written beside them)."""
        text = resources.files("matcher").joinpath("data/weights.json").read_text("utf-8")
        return cls.from_dict(json.loads(text)["weights"])

    @classmethod
    def unit(cls) -> RankWeights:
        """The chain and every signal at weight 1: the parts the weight fit re-weights."""
        return replace(cls(chain=1.0, substitute_chain=1.0), **dict.fromkeys(Signal, 1.0))

    def signal_weights(self) -> dict[Signal, float]:
        """Every signal's weight, in `Signal` order."""
        return {
            Signal.STATED: float(self.stated),
            Signal.COVERAGE: float(self.coverage),
            Signal.INFERRED: float(self.inferred),
            Signal.EXACT: float(self.exact),
            Signal.PEERS: float(self.peers),
            Signal.DEMAND: float(self.demand),
            Signal.TRANSITION: float(self.transition),
            Signal.LEXICAL: float(self.lexical),
            Signal.GROUP: float(self.group),
            Signal.OVERLAP: float(self.overlap),
            Signal.PROFILE: float(self.profile),
            Signal.BREADTH: float(self.breadth),
        }

    def of(self, signal: Signal) -> float:
        return self.signal_weights()[signal]

    def scales(self, task: Task = Task.PARTNERS) -> dict[str, float]:
        """One verb's score parts by the weight that multiplies them: scaled by these, parts
        recorded with `unit` weights give this weighting's parts."""
        chain = self.substitute_chain if task is Task.SUBSTITUTES else self.chain
        signals = self.signal_weights().items()
        return {"chain": chain, **{s.value: w for s, w in signals if s.task is task}}

    def without(self, *names: str) -> RankWeights:
        """The same weights with some switched off (ablations); an unknown name raises."""
        return replace(self, **dict.fromkeys(names, 0.0))


@dataclass(frozen=True)
class RankInput:
    task: Task
    direction: Direction | None
    query: Organisation | None
    candidates: Sequence[Organisation]
    semantic: F32Array  # one score per candidate
    semantic_reverse: F32Array | None = None  # mutual: the customers-direction scores
    signals: Mapping[Signal, F32Array] = field(default_factory=dict)  # learned, per candidate


@dataclass
class RankOutput:
    total: F32Array
    parts: dict[str, F32Array]  # by score-part name, as `Match.parts` shows them
    relations: Sequence[Relation] = field(default_factory=list)


class Ranker(ABC):
    """Scores candidates; the engine decides which candidates to show it."""

    name: str = "ranker"

    @property
    def signals(self) -> frozenset[Signal]:
        """The learned signals this ranker reads: the engine computes only these, and only
        these may admit candidates the text search missed."""
        return frozenset()

    @abstractmethod
    def score(self, inp: RankInput) -> RankOutput: ...


def _semantic(inp: RankInput) -> F32Array:
    if inp.semantic_reverse is None:
        return inp.semantic
    return ((inp.semantic + inp.semantic_reverse) / 2).astype(np.float32)


class SemanticRanker(Ranker):
    """Embedding similarity only: the baseline every other ranker has to beat."""

    name = "semantic"

    def score(self, inp: RankInput) -> RankOutput:
        sem = _semantic(inp)
        return RankOutput(sem.copy(), {"semantic": sem}, [Relation()] * len(sem))


class ChainAwareRanker(Ranker):
    """Semantic match + chain relation + qualification + region (+ reciprocity, kind)."""

    name = "chain-aware"

    def __init__(
        self, taxonomy: Taxonomy, weights: RankWeights | None = None, today: dt.date | None = None
    ) -> None:
        self.taxonomy = taxonomy
        self.weights = weights or RankWeights.fitted()
        self.today = today
        self._features: CandidateFeatures | None = None

    def _day(self) -> dt.date:
        return self.today or dt.date.today()

    @property
    def signals(self) -> frozenset[Signal]:
        return frozenset(s for s, w in self.weights.signal_weights().items() if w)

    def features(self) -> CandidateFeatures:
        """The candidates' precomputed features as of the ranker's day (kept across
        queries; started afresh when the day changes)."""
        day = self._day()
        f = self._features
        if f is None or f.day != day or len(f) > f.max_rows:
            f = self._features = CandidateFeatures(self.taxonomy, day)
        return f

    def score(self, inp: RankInput) -> RankOutput:
        w, n = self.weights, len(inp.candidates)
        sem = _semantic(inp)
        parts: dict[str, F32Array] = {"semantic": sem}
        f = self.features()
        rows = f.rows(inp.candidates)
        _, qual_set, park, city, kind_code = (a[rows] for a in f.arrays())
        values = relation_values(inp.task, inp.direction)
        q = inp.query
        q_segments = [p.segment for p in q.chains] if q is not None else []
        relations: Sequence[Relation] = [Relation()] * n
        chain = np.zeros(n, dtype=np.float64)
        if q_segments and values and n:
            prefer = sorted(values, key=lambda r: -values[r])
            relations, kinds = f.relations(rows, q_segments, prefer)
            worth = np.array([values.get(r, 0.0) for r in ChainRelation], dtype=np.float64)
            chain = np.where(kinds >= 0, worth[kinds], values.get(ChainRelation.NONE, 0.0))
        day = f.day
        q_quals = frozenset(x.name.lower() for x in q.valid_qualifications(day)) if q else None
        if inp.task is Task.SUBSTITUTES and q_quals:
            qual = f.qual_counts(qual_set, q_quals) / len(q_quals)
        else:
            qual = np.minimum(1.0, f.qual_counts(qual_set, None) / 2)
        region = np.zeros(n, dtype=np.float64)
        kind = np.zeros(n, dtype=np.float64)
        if q is not None:
            same_city = city == f.cities.get(q.region.city)
            region = np.where(same_city, 0.5, 0.0)
            if q.region.park:
                region = np.where(park == f.parks.get(q.region.park), 1.0, region)
            if inp.task is Task.SUBSTITUTES:
                kind = np.where(kind_code != f.kinds.get(q.kind), -1.0, 0.0)
        # as float32 first, as the per-candidate loop stored them: the weighted parts are
        # then the same to the bit
        f32 = np.float32
        if q is not None:  # a free question has no chain position or place of its own
            cw = w.substitute_chain if inp.task is Task.SUBSTITUTES else w.chain
            parts["chain"] = (cw * chain.astype(f32)).astype(f32)
        parts["qualification"] = (w.qualification * qual.astype(f32)).astype(f32)
        if q is not None:
            parts["region"] = (w.region * region.astype(f32)).astype(f32)
        if inp.task is Task.SUBSTITUTES:
            parts["kind"] = (w.kind * kind.astype(f32)).astype(f32)
        if inp.semantic_reverse is not None:
            both = np.minimum(inp.semantic, inp.semantic_reverse)
            parts["reciprocity"] = (w.reciprocity * np.clip(both, 0.0, None)).astype(np.float32)
        for signal, weight in w.signal_weights().items():
            sig = inp.signals.get(signal)
            if weight and sig is not None and len(sig) == n:
                top = float(np.max(sig)) if n else 0.0
                if top > 0:
                    parts[signal.value] = (weight * np.clip(sig, 0.0, None) / top).astype(
                        np.float32
                    )
        total = np.sum(np.stack(list(parts.values())), axis=0).astype(np.float32)
        return RankOutput(total, parts, relations)
