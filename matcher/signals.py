"""Signals the ranker learns from the catalog itself, beyond one query's text match.

Stated supply links — organisation B offers, word for word, what organisation A states it
needs — are facts the catalog already holds. From them `CatalogSignals` learns:

- **peer suppliers**: who supplies organisations that make what the query makes (suppliers
  of my peers are likely my suppliers too; collaborative filtering over supply links);
- **demand**: how much the chain asks for what a candidate makes (inputs bought by many
  products are supplied to many buyers) — a prior that ranks input makers over end-product
  makers;
- **segment transitions**: P(candidate's segment supplies query's segment), counted over the
  stated links, so the taxonomy's hand-made edges are backed by what the park really does;
- **lexical evidence**: BM25 over each organisation's offers and products (see
  `matcher.lexical`).

Every signal is a per-organisation array; the engine hands the candidates' values to the
ranker, which weighs them (weights fitted on the A-share dev split, `matcher/data/`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from catalog.models import Organisation
from embeddings.base import F32Array, l2_normalise
from matcher.fitstate import FitState, joined, split
from matcher.inference import ProductGraph
from matcher.ivf import FaissIVFIndex
from matcher.lexical import LexicalIndex
from matcher.profiles import Space, offer_makers, profile_texts

__all__ = ["CatalogSignals"]

HUB_LIMIT = 20  # a need offered by more organisations is generic (power, water …)


class CatalogSignals:
    """Per-organisation signals fitted on one catalog (row order = the organisation list)."""

    def __init__(
        self,
        peers: int = 30,
        peer_sharpness: float = 3.0,
        hub_limit: int = HUB_LIMIT,
        approximate_above: int | None = None,
    ):
        self.peers = peers
        self.approximate_above = approximate_above  # orgs; None: peers by an exact scan
        self.peer_sharpness = peer_sharpness
        self.hub_limit = hub_limit
        self.suppliers_: list[npt.NDArray[np.int64]] = []
        self.demand_: F32Array = np.zeros(0, dtype=np.float32)
        self.segments_: list[str] = []
        self.transition_: F32Array = np.zeros((0, 0), dtype=np.float32)
        self.org_segment_: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.profiles_: F32Array = np.zeros((0, 0), dtype=np.float32)
        self.lexical_: LexicalIndex | None = None  # built on first use (`lexical`)
        self.peer_index_: FaissIVFIndex | None = None  # profiles, when approximate
        self._documents: list[str] = []

    def fit(
        self,
        orgs: Sequence[Organisation],
        profile_vectors: F32Array,
        graph: ProductGraph | None = None,
    ) -> CatalogSignals:
        """``profile_vectors``: one unit vector per organisation (symmetric space) for peers."""
        n = len(orgs)
        makers = offer_makers(orgs)
        suppliers: list[npt.NDArray[np.int64]] = []
        for r, o in enumerate(orgs):
            found: set[int] = set()
            for need in o.needs:
                made_by = makers.get(need, [])
                if len(made_by) <= self.hub_limit:
                    found.update(made_by)
            found.discard(r)
            suppliers.append(np.asarray(sorted(found), dtype=np.int64))
        self.suppliers_ = suppliers
        # demand: how often what a candidate makes is needed (stated needs + graph inputs)
        asked: Counter[str] = Counter(n_ for o in orgs for n_ in set(o.needs))
        if graph is not None:
            asked.update(x for xs in graph.inputs.values() for x in xs)
        demand = np.zeros(n, dtype=np.float32)
        for r, o in enumerate(orgs):
            demand[r] = sum(
                np.log1p(asked.get(t, 0))
                for t in profile_texts(o, Space.OFFERS)
                if len(makers[t]) <= self.hub_limit  # a generic offer is not a specific input
            )
        self.demand_ = demand
        self._fit_transitions(orgs)
        self.profiles_ = l2_normalise(profile_vectors) if n else profile_vectors
        self.peer_index_ = None
        if self.approximate_above is not None and n > self.approximate_above:
            self.peer_index_ = FaissIVFIndex(self.profiles_.shape[1])
            self.peer_index_.upsert(np.arange(n), self.profiles_)
        self._documents = [" ".join(profile_texts(o, Space.OFFERS)) for o in orgs]
        self.lexical_ = None
        return self

    def state(self) -> FitState:
        """What `fit` learned, as plain data (`matcher.knowledge_io`); the BM25 index is
        built on first use again."""
        settings = {
            "peers": self.peers,
            "peer_sharpness": self.peer_sharpness,
            "hub_limit": self.hub_limit,
            "approximate_above": self.approximate_above,
        }
        arrays: dict[str, npt.NDArray[Any]] = {
            "demand": self.demand_,
            "transition": self.transition_,
            "org_segment": self.org_segment_,
            "profiles": self.profiles_,
            **joined("suppliers", self.suppliers_),
        }
        texts = {"segments": self.segments_, "documents": self._documents}
        return FitState(settings, arrays=arrays, texts=texts, ivf=self.peer_index_)

    @classmethod
    def from_state(cls, state: FitState) -> CatalogSignals:
        """A fitted instance from `state`'s data (its IVF index loaded already)."""
        out = cls(**state.settings)
        out.suppliers_ = split(state, "suppliers")
        out.demand_ = state.array("demand", np.float32, 1)
        out.transition_ = state.array("transition", np.float32, 2)
        out.org_segment_ = state.array("org_segment", np.int64, 1)
        out.profiles_ = state.array("profiles", np.float32, 2)
        out.segments_ = state.text("segments")
        out._documents = state.text("documents")
        out.peer_index_ = state.ivf
        n = len(out.suppliers_)
        if not len(out.demand_) == len(out.org_segment_) == len(out._documents) == n:
            raise ValueError("catalog signals of different lengths")
        return out

    def _fit_transitions(self, orgs: Sequence[Organisation]) -> None:
        segs = sorted({p.segment for o in orgs for p in o.chains})
        pos = {s: i for i, s in enumerate(segs)}
        org_seg = np.asarray(
            [pos[o.chains[0].segment] if o.chains else -1 for o in orgs], dtype=np.int64
        )
        counts = np.zeros((len(segs), len(segs)), dtype=np.float32)  # [supplier, buyer]
        for a, sup in enumerate(self.suppliers_):
            if org_seg[a] < 0:
                continue
            for b in sup:
                if org_seg[b] >= 0:
                    counts[org_seg[b], org_seg[a]] += 1.0
        size = np.bincount(org_seg[org_seg >= 0], minlength=len(segs)).astype(np.float32)
        # P(supplier segment | buyer segment), spread over the segment's organisations
        col = counts / (counts.sum(axis=0, keepdims=True) + 1.0)
        self.transition_ = col / np.maximum(size, 1.0)[:, None]
        self.segments_, self.org_segment_ = segs, org_seg

    # ------------------------------------------------------------------ per query
    def peer_suppliers(self, query_row: int | None, query_vector: F32Array) -> F32Array:
        """Σ over the query's nearest peers of sim^sharpness, for each of their suppliers."""
        out = np.zeros(len(self.suppliers_), dtype=np.float32)
        if len(out) == 0:
            return out
        if self.peer_index_ is not None:  # nearest profiles by the IVF index: no full scan
            hit_sims, hits = self.peer_index_.search(query_vector, self.peers + 1)
            keep = (hits[0] >= 0) & (hits[0] != (-1 if query_row is None else query_row))
            near, near_sims = hits[0][keep][: self.peers], hit_sims[0][keep][: self.peers]
            peers = zip(near.tolist(), near_sims.tolist(), strict=True)
        else:
            sims = self.profiles_ @ query_vector
            if query_row is not None:
                sims[query_row] = -1.0
            k = min(self.peers, len(sims))
            top = np.argpartition(-sims, k - 1)[:k]
            peers = zip(top.tolist(), sims[top].tolist(), strict=True)
        for j, sim in peers:
            if sim > 0 and len(self.suppliers_[j]):
                out[self.suppliers_[j]] += float(sim) ** self.peer_sharpness
        return out

    def transition(self, query_row: int | None) -> F32Array:
        """How likely each organisation's segment is to supply the query's segment."""
        n = len(self.org_segment_)
        if query_row is None or n == 0 or self.org_segment_[query_row] < 0:
            return np.zeros(n, dtype=np.float32)
        col = self.transition_[:, self.org_segment_[query_row]]
        return np.where(self.org_segment_ >= 0, col[self.org_segment_], 0.0).astype(np.float32)

    def lexical(self, texts: Sequence[str], weights: Sequence[float] | None = None) -> F32Array:
        """BM25 of ``texts`` over each organisation's offers. The index is built here, on
        first use: the shipped ranker weighs BM25 at 0, and building it (jieba's dictionary
        included) was most of the fit's cost on the demo park."""
        if self.lexical_ is None:
            self.lexical_ = LexicalIndex.fit(self._documents)
        return self.lexical_.scores(texts, weights)
