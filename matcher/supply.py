"""Who can supply a need: exact search over the catalog's *specific* offers, hub-corrected.

Two measurements on the A-share dev split shaped this lookup (find-supplier, filtered,
nDCG@10 of the stated-needs coverage alone):

- **Specific offers only.** An offer made by more than ``hub_limit`` organisations (电力,
  贸易 …) says nothing about who supplies a particular need; counting it halves the signal
  (0.065 with, 0.115 without).
- **Hubness correction (CSLS).** e5's cosines are compressed, and some offers sit close to
  every need. Scoring a pair as ``2·cos − r_need − r_offer``, where ``r`` is an item's mean
  cosine to its ``neighbours`` nearest items of the other side, lifts it to 0.167.

The lookup is exact (a matrix product over the distinct specific offers, with the vectors
of the engine's index: same prefixes, same language centering) and fitted once per catalog.

Example usage::

    lookup = SupplyLookup().fit(orgs, engine.vectors)
    lookup.coverage(lookup.encode_needs(["液氨", "焦炭"]), floor=-0.03)   # one value per org
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from catalog.models import Organisation
from embeddings.base import F32Array
from matcher.cancel import checkpoint
from matcher.fitstate import FitState, joined, split
from matcher.indexset import StatementIndex
from matcher.ivf import FaissIVFIndex
from matcher.profiles import Space, offer_makers
from matcher.scoring import spans
from matcher.signals import HUB_LIMIT

__all__ = ["SupplyLookup"]

_CHUNK = 4096  # offers per block when fitting the hub scores (bounded memory)
# Above this many offer × need pairs the hub scores come from an approximate (IVF) search
# of each offer's nearest needs instead of the full product, which grows with the square
# of the catalog: 5·10⁴ specific offers × 2·10⁴ needs (10⁴ generated organisations) took
# most of the 40 s knowledge fit; at 10⁵ organisations it would take hours.
EXACT_HUB_PAIRS = 100_000_000
_NEED_HUBS = 65_536  # needs whose hub score an approximate lookup keeps (then starts over)
_BLOCK_SIMS = 1 << 24  # need × offer similarities per block of the needs' hub pass (64 MB)


class SupplyLookup:
    """Specific offers of one catalog (row order = its organisations), searchable exactly."""

    def __init__(self, *, hub_limit: int = HUB_LIMIT, neighbours: int = 10) -> None:
        if hub_limit < 1 or neighbours < 1:
            raise ValueError("hub_limit and neighbours must be at least 1")
        self.hub_limit = hub_limit
        self.neighbours = neighbours
        self.index: StatementIndex | None = None
        self.texts_: list[str] = []
        self.vectors_: F32Array = np.zeros((0, 0), dtype=np.float32)
        self.hub_: F32Array = np.zeros(0, dtype=np.float32)
        self.n_orgs = 0
        self._cols: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)  # offer per pair
        self._starts: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)  # org's first pair
        self._has: npt.NDArray[np.bool_] = np.zeros(0, dtype=bool)
        self._offered_by: dict[str, npt.NDArray[np.int64]] = {}
        self.on_candidates = False  # whether `coverage_on` serves (an approximate engine's fit)
        self._need_hub: dict[str, float] = {}  # need text → its hub score (`need_hubs`)
        self._catalog_hub: dict[str, float] = {}  # the same for every catalog need, from fit

    def fit(
        self, orgs: Sequence[Organisation], index: StatementIndex, *, approximate: bool = False
    ) -> SupplyLookup:
        """Encode the specific offers as ``index`` does (the embedding cache and the language
        centering apply) and their hub scores. ``approximate``: an approximate engine's fit,
        whose queries compute the stated-needs coverage for their candidates only
        (`coverage_on`)."""
        self.index, self.n_orgs = index, len(orgs)
        makers = offer_makers(orgs)
        self.texts_ = sorted(t for t, rs in makers.items() if len(rs) <= self.hub_limit)
        self._offered_by = {t: np.asarray(makers[t], dtype=np.int64) for t in self.texts_}
        col = {t: i for i, t in enumerate(self.texts_)}
        pairs = sorted((r, col[t]) for t, rs in makers.items() if t in col for r in rs)
        org_of = np.asarray([r for r, _ in pairs], dtype=np.int64)
        self._cols = np.asarray([c for _, c in pairs], dtype=np.int64)
        self._starts = np.searchsorted(org_of, np.arange(self.n_orgs)).astype(np.int64)
        self._has = np.bincount(org_of, minlength=self.n_orgs) > 0
        self.vectors_ = index.encode(Space.OFFERS, self.texts_)
        needs = sorted({n for o in orgs for n in o.needs})
        need_vectors = self.encode_needs(needs)
        self.hub_ = self._hub_scores(need_vectors)
        self.on_candidates, self._need_hub, self._catalog_hub = approximate, {}, {}
        if approximate:  # a query then never pays a pass over the offers for a catalog need
            hubs = self._own_hubs(need_vectors).tolist()
            self._catalog_hub = dict(zip(needs, hubs, strict=True))
        return self

    def state(self) -> FitState:
        """What `fit` learned, as plain data (`matcher.knowledge_io`); the statement index
        is the engine's, handed back to `from_state`, and the per-query need hubs start
        empty."""
        settings = {"hub_limit": self.hub_limit, "neighbours": self.neighbours}
        scalars = {"n_orgs": self.n_orgs, "on_candidates": self.on_candidates}
        arrays: dict[str, npt.NDArray[Any]] = {
            "vectors": self.vectors_,
            "hub": self.hub_,
            "cols": self._cols,
            "starts": self._starts,
            "has": self._has,
            "catalog_hub": np.asarray(list(self._catalog_hub.values()), dtype=np.float32),
            **joined("offered_by", [self._offered_by[t] for t in self.texts_]),
        }
        texts = {"texts": self.texts_, "catalog_needs": list(self._catalog_hub)}
        return FitState(settings, scalars, arrays, texts)

    @classmethod
    def from_state(cls, state: FitState, index: StatementIndex) -> SupplyLookup:
        """A fitted instance from `state`'s data over the engine's live ``index``."""
        out = cls(**state.settings)
        out.index = index
        out.n_orgs = int(state.scalars["n_orgs"])
        out.on_candidates = bool(state.scalars["on_candidates"])
        out.texts_ = state.text("texts")
        out.vectors_ = state.array("vectors", np.float32, 2)
        out.hub_ = state.array("hub", np.float32, 1)
        out._cols = state.array("cols", np.int64, 1)
        out._starts = state.array("starts", np.int64, 1)
        out._has = state.array("has", np.bool_, 1)
        offered = split(state, "offered_by")
        needs, hubs = state.text("catalog_needs"), state.array("catalog_hub", np.float32, 1)
        if len(offered) != len(out.texts_) or len(needs) != len(hubs):
            raise ValueError("supply lookup arrays do not match its texts")
        if not len(out._starts) == len(out._has) == out.n_orgs:
            raise ValueError("supply lookup arrays do not match its organisations")
        out._offered_by = dict(zip(out.texts_, offered, strict=True))
        out._catalog_hub = dict(zip(needs, hubs.tolist(), strict=True))
        return out

    def _hub_scores(self, needs: F32Array) -> F32Array:
        """Each offer's mean cosine to its nearest catalog needs (0 without needs)."""
        hub = np.zeros(len(self.texts_), dtype=np.float32)
        if len(needs) == 0:
            return hub
        k = min(self.neighbours, len(needs))
        if len(needs) * len(self.texts_) > EXACT_HUB_PAIRS:
            index = FaissIVFIndex(needs.shape[1])
            index.upsert(np.arange(len(needs)), needs)
            for start in range(0, len(self.texts_), _CHUNK):
                checkpoint()
                sims, ids = index.search(self.vectors_[start : start + _CHUNK], k)
                found = ids >= 0
                total = np.where(found, sims, 0.0).sum(axis=1)
                hub[start : start + _CHUNK] = total / np.maximum(found.sum(axis=1), 1)
            return hub
        for start in range(0, len(self.texts_), _CHUNK):
            checkpoint()
            sims = self.vectors_[start : start + _CHUNK] @ needs.T
            hub[start : start + _CHUNK] = np.sort(sims, axis=1)[:, -k:].mean(axis=1)
        return hub

    def encode_needs(self, texts: Sequence[str]) -> F32Array:
        if self.index is None:
            raise RuntimeError("SupplyLookup is not fitted; call fit() first")
        return self.index.encode(Space.NEEDS, list(texts))

    def need_hubs(self, texts: Sequence[str], needs: F32Array) -> F32Array:
        """Each need's mean cosine to its nearest specific offers — the need's half of the
        hub correction, as `per_org` computes it — kept per text: a need's value does not
        depend on the query, so only a need not seen before costs a pass over the specific
        offers."""
        known = self._catalog_hub
        missing = [i for i, t in enumerate(texts) if t not in known and t not in self._need_hub]
        if missing:
            hub = self._own_hubs(needs[missing])
            if len(self._need_hub) + len(missing) > _NEED_HUBS:
                self._need_hub = {}
            self._need_hub.update((texts[i], float(h)) for i, h in zip(missing, hub, strict=True))
        return np.asarray([known.get(t, self._need_hub.get(t)) for t in texts], dtype=np.float32)

    def _own_hubs(self, needs: F32Array) -> F32Array:
        """The hub scores of `need_hubs`, a block of needs per pass over the offers: the fit
        computes every catalog need's at once (memory-bound per query: 48 MB of offers
        read for two or three needs; compute-bound in blocks)."""
        out = np.zeros(len(needs), dtype=np.float32)
        k = min(self.neighbours, len(self.texts_))
        if k == 0:  # no specific offers: nothing to be a hub of
            return out
        block = max(1, _BLOCK_SIMS // max(1, len(self.texts_)))
        for start in range(0, len(needs), block):
            checkpoint()
            sims = needs[start : start + block] @ self.vectors_.T
            top = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]
            out[start : start + block] = top.mean(axis=1)
        return out

    def coverage_on(
        self, texts: Sequence[str], needs: F32Array, rows: npt.NDArray[np.int64], *, floor: float
    ) -> F32Array:
        """`coverage` (hub-corrected) of the organisations ``rows`` only, with the needs'
        hub scores from `need_hubs`: beyond a need's first use, work grows with the
        candidates and their specific offers, not with the catalog."""
        own = self.need_hubs(texts, needs)
        out = np.zeros(len(rows), dtype=np.float32)
        has = self._has[rows] if len(rows) else np.zeros(0, dtype=bool)
        if len(needs) == 0 or not has.any():
            return out
        starts, ends = self._starts[rows[has]], self._ends(rows[has])
        lengths = ends - starts
        cols = self._cols[spans(starts, lengths)]  # each candidate's specific offers, in turn
        sims = 2 * (needs @ self.vectors_[cols].T) - own[:, None] - self.hub_[cols][None, :]
        best = np.maximum.reduceat(sims, np.concatenate([[0], lengths.cumsum()[:-1]]), axis=1)
        above = np.clip(best - floor, 0.0, None)
        out[has] = above.sum(axis=0)
        return out

    def _ends(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """One past each organisation's last pair (its pairs are ``_starts[r]:_ends[r]``)."""
        nxt = rows + 1
        ends = np.full(len(rows), len(self._cols), dtype=np.int64)
        inside = nxt < self.n_orgs
        ends[inside] = self._starts[nxt[inside]]
        return ends

    def per_org(self, needs: F32Array, *, corrected: bool) -> F32Array:
        """(needs × organisations) best match of each need among each org's specific offers;
        −inf for an organisation without one."""
        out = np.full((len(needs), self.n_orgs), -np.inf, dtype=np.float32)
        if len(needs) == 0 or len(self.texts_) == 0:
            return out
        sims = needs @ self.vectors_.T
        if corrected:
            k = min(self.neighbours, sims.shape[1])
            own = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:].mean(axis=1)
            sims = 2 * sims - own[:, None] - self.hub_[None, :]
        # segments of the organisations that offer something: strictly increasing starts
        out[:, self._has] = np.maximum.reduceat(
            sims[:, self._cols], self._starts[self._has], axis=1
        )
        return out

    def exact(self, needs: Sequence[tuple[str, float]]) -> F32Array:
        """Per organisation, the weight of the strongest need it offers word for word (a
        product name of the graph, no embedding in between)."""
        out = np.zeros(self.n_orgs, dtype=np.float32)
        for text, weight in needs:
            rows = self._offered_by.get(text)
            if rows is not None:
                out[rows] = np.maximum(out[rows], weight)
        return out

    def coverage(
        self,
        needs: F32Array,
        weights: npt.ArrayLike | None = None,
        *,
        floor: float,
        corrected: bool = True,
    ) -> F32Array:
        """Σ over needs of weight · max(0, best match − floor), per organisation."""
        M = self.per_org(needs, corrected=corrected)
        w = np.ones(len(needs), dtype=np.float32) if weights is None else np.asarray(weights)
        if w.shape != (len(needs),):
            raise ValueError(f"expected {len(needs)} weights, got shape {w.shape}")
        above = np.clip(np.where(np.isfinite(M), M, floor) - floor, 0.0, None)
        out: F32Array = (w.astype(np.float32)[:, None] * above).sum(axis=0).astype(np.float32)
        return out
