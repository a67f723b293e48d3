"""What makes two organisations competitors beyond one text match: the substitute signals.

Analysts call two firms competitors when they sit in the same industry and earn their money
from the same things, not when one of them lists one rare product the other also makes.
`PeerSignals` gives find-substitute four such signals per organisation:

- **group**: the candidate sits in the query's segment group (Shenwan L2 on A-share data;
  a segment without a group is its own group);
- **overlap**: the revenue-weighted share of the query's offers the candidate makes almost
  exactly (a soft count, `Aggregation.POWER` of the engine's own statement matches);
- **profile**: the cosine of the two whole profiles, each the revenue-weighted mean of its
  offer vectors;
- **breadth**: how alike the two portfolios are in breadth — a specialist's competitor is
  another specialist, a conglomerate's another conglomerate: the ratio of the smaller to
  the larger *effective number of products* (1 / Σ wᵢ² over `share_weights`), in (0, 1].

Growth: the group lookup touches only the query's group members (an inverted list), the
overlap reuses the search's own matrix, breadth is one division per organisation
(effective counts computed once), and the profile cosine is one (n × d) product per
query — 0.4 G multiply-adds at 10⁶ organisations, the one part that grows with the catalog.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

import numpy as np

from catalog.models import Organisation
from catalog.taxonomy import Taxonomy
from embeddings.base import F32Array, l2_normalise
from matcher.carried import CarriedRows
from matcher.indexset import StatementIndex
from matcher.profiles import Space, profile_texts
from matcher.scoring import Aggregation, aggregate
from matcher.types import Signal

__all__ = [
    "OVERLAP_POWER",
    "PeerSignals",
    "breadth_alike",
    "effective_products",
    "profile_vectors",
    "share_weights",
]

# The exponent of the overlap's soft count: a statement pair at cosine 0.95 counts 0.66,
# at 0.85 0.27, at 0.75 0.10 (fitted with the weights, `eval.fit_substitutes`).
OVERLAP_POWER = 8.0


def share_weights(org: Organisation, texts: Sequence[str]) -> F32Array:
    """Weights of an organisation's offer statements: 0.2 + revenue share, summing to 1."""
    share = {p.name: p.share for p in org.products}
    w: F32Array = np.asarray([0.2 + share.get(t, 0.0) for t in texts], dtype=np.float32)
    out: F32Array = (w / w.sum()).astype(np.float32)
    return out


def effective_products(orgs: Sequence[Organisation]) -> F32Array:
    """Each organisation's effective number of products, 1 / Σ wᵢ² of its `share_weights`
    (n equal products: n; one product earning nearly everything among others: near 1);
    0 for an organisation without offers."""
    out = np.zeros(len(orgs), dtype=np.float32)
    for r, o in enumerate(orgs):
        texts = profile_texts(o, Space.OFFERS)
        if texts:
            w = share_weights(o, texts)
            out[r] = 1.0 / float(np.sum(w.astype(np.float64) ** 2))
    return out


def breadth_alike(query: float, effective: F32Array) -> F32Array:
    """min / max of the query's and each organisation's effective product counts (0 where
    either has no offers)."""
    lo, hi = np.minimum(effective, query), np.maximum(effective, query)
    out: F32Array = np.where(hi > 0, lo / np.where(hi > 0, hi, 1.0), 0.0).astype(np.float32)
    return out


def profile_vectors(orgs: Sequence[Organisation], vectors: StatementIndex) -> F32Array:
    """One vector per organisation: its offers' symmetric vectors weighted by
    `share_weights` (zeros for an organisation without offers). Not normalised."""
    texts = [profile_texts(o, Space.OFFERS) for o in orgs]
    distinct = list(dict.fromkeys(t for ts in texts for t in ts))
    pos = {t: i for i, t in enumerate(distinct)}
    vecs = vectors.encode(Space.OFFERS_SYM, distinct)
    out = np.zeros((len(orgs), vecs.shape[1] if len(distinct) else 0), dtype=np.float32)
    for r, (o, ts) in enumerate(zip(orgs, texts, strict=True)):
        if ts:
            out[r] = share_weights(o, ts) @ vecs[[pos[t] for t in ts]]
    return out


def _groups(org: Organisation, taxonomy: Taxonomy) -> set[str]:
    out: set[str] = set()
    for p in org.chains:
        seg = taxonomy.segments.get(p.segment)
        out.add(seg.group_id if seg is not None else p.segment)
    return out


class PeerSignals:
    """Substitute signals over one catalog (row order = its organisations)."""

    def __init__(
        self,
        orgs: Sequence[Organisation],
        taxonomy: Taxonomy,
        vectors: StatementIndex,
        overlap_power: float = OVERLAP_POWER,
    ) -> None:
        self.orgs = orgs
        self.taxonomy = taxonomy
        self.vectors = vectors
        self.overlap_power = overlap_power
        members: dict[str, list[int]] = defaultdict(list)
        for r, o in enumerate(orgs):
            for g in _groups(o, taxonomy):
                members[g].append(r)
        self.members_ = {g: np.asarray(rows, dtype=np.int64) for g, rows in members.items()}
        self._profiles: F32Array | None = None  # computed on first use
        self.carried_profiles: CarriedRows | None = None  # a generation's, to materialise
        self._effective: F32Array | None = None

    def profiles(self) -> F32Array:
        if self._profiles is None:
            carried = self.carried_profiles
            if carried is not None:
                self._profiles = carried.values()
            else:
                self._profiles = l2_normalise(profile_vectors(self.orgs, self.vectors))
        return self._profiles

    def group(self, org: Organisation) -> F32Array:
        """1 where an organisation shares a segment group with ``org``, else 0."""
        out = np.zeros(len(self.orgs), dtype=np.float32)
        for g in _groups(org, self.taxonomy):
            out[self.members_.get(g, np.zeros(0, dtype=np.int64))] = 1.0
        return out

    def overlap(self, org: Organisation, scores: F32Array) -> F32Array:
        """``scores``: the (offers × organisations) matrix of the substitute search."""
        texts = profile_texts(org, Space.OFFERS_SYM)
        if len(texts) != scores.shape[0]:
            raise ValueError(f"{len(texts)} offers of {org.id!r}, {scores.shape[0]} score rows")
        got = aggregate(
            scores, Aggregation.POWER, weights=share_weights(org, texts), power=self.overlap_power
        )
        out: F32Array = np.where(np.isfinite(got), got, 0.0).astype(np.float32)
        return out

    def profile(self, row: int) -> F32Array:
        profiles = self.profiles()
        out: F32Array = np.clip(profiles @ profiles[row], 0.0, None).astype(np.float32)
        return out

    def breadth(self, org: Organisation) -> F32Array:
        if self._effective is None:
            self._effective = effective_products(self.orgs)
        query = float(effective_products([org])[0])
        return breadth_alike(query, self._effective)

    def substitute_signals(
        self, org: Organisation, row: int | None, scores: F32Array, wanted: Collection[Signal]
    ) -> dict[Signal, F32Array]:
        """The substitute signals in ``wanted`` for one query (``row``: its catalog row,
        None for an organisation outside the catalog, which has no stored profile)."""
        out: dict[Signal, F32Array] = {}
        if Signal.GROUP in wanted:
            out[Signal.GROUP] = self.group(org)
        if Signal.OVERLAP in wanted:
            out[Signal.OVERLAP] = self.overlap(org, scores)
        if Signal.PROFILE in wanted and row is not None:
            out[Signal.PROFILE] = self.profile(row)
        if Signal.BREADTH in wanted:
            out[Signal.BREADTH] = self.breadth(org)
        return out
