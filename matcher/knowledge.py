"""What the engine learns from its catalog, and the supplier signals it gives each query.

`ChainKnowledge` bundles the catalog signals (`matcher.signals`) and the need inference
(`matcher.inference`), fitted once per catalog. The engine asks it for one query's signals
and hands their values to the ranker; it keeps the engine to searching and explaining.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np

from catalog.models import Organisation
from embeddings.base import Encoder, F32Array
from matcher.indexset import StatementIndex
from matcher.inference import NeedInference, ProductGraph
from matcher.profiles import Space, profile_texts
from matcher.scoring import Aggregation, aggregate
from matcher.signals import CatalogSignals

__all__ = ["ChainKnowledge", "share_weights"]

log = logging.getLogger(__name__)

Search = Callable[[Sequence[str]], F32Array]  # need texts → (needs × organisations) scores


def share_weights(org: Organisation, texts: Sequence[str]) -> F32Array:
    """Weights of an organisation's offer statements: 0.2 + revenue share, summing to 1."""
    share = {p.name: p.share for p in org.products}
    w: F32Array = np.asarray([0.2 + share.get(t, 0.0) for t in texts], dtype=np.float32)
    out: F32Array = (w / w.sum()).astype(np.float32)
    return out


def _finite(score: F32Array) -> F32Array:
    out: F32Array = np.where(np.isfinite(score), score, 0.0).astype(np.float32)
    return out


class ChainKnowledge:
    """Catalog signals and need inference for one catalog (row order = its organisations)."""

    def __init__(self, signals: CatalogSignals, inference: NeedInference) -> None:
        self.signals = signals
        self.inference = inference

    @classmethod
    def fit(
        cls,
        orgs: Sequence[Organisation],
        vectors: StatementIndex,
        encoder: Encoder,
        graph: ProductGraph | None = None,
    ) -> ChainKnowledge:
        """Without an explicit product graph the catalog's own statements are one (each
        product of an organisation → its needs)."""
        graph = graph or ProductGraph.from_organisations(orgs)
        texts = [profile_texts(o, Space.OFFERS) for o in orgs]
        distinct = list(dict.fromkeys(t for ts in texts for t in ts))
        pos = {t: i for i, t in enumerate(distinct)}
        vecs = vectors.encode(Space.OFFERS_SYM, distinct)
        profiles = np.zeros((len(orgs), encoder.dim), dtype=np.float32)
        for r, (o, ts) in enumerate(zip(orgs, texts, strict=True)):
            if ts:
                profiles[r] = share_weights(o, ts) @ vecs[[pos[t] for t in ts]]
        signals = CatalogSignals().fit(orgs, profiles, graph)
        inference = NeedInference(graph, encoder, available=set(distinct)).fit()
        log.info("fitted catalog signals and need inference (%d graph products)", len(graph))
        return cls(signals, inference)

    def supplier_signals(
        self,
        org: Organisation,
        row: int | None,
        search: Search,
        *,
        stated: F32Array | None,
        infer: bool,
        limit: int,
    ) -> dict[str, F32Array]:
        """Per-organisation signals for one supplier search.

        ``stated`` is the (needs × organisations) match matrix of the stated needs: its power
        aggregation rewards near-exact matches. Inferred needs are searched with ``search``
        and aggregated the same way, weighted by how strongly each was inferred.
        """
        out: dict[str, F32Array] = {}
        if stated is not None:
            out["stated"] = _finite(aggregate(stated, Aggregation.POWER, power=8.0))
        texts = list(dict.fromkeys(org.needs))
        weights = [1.0] * len(texts)
        if infer:
            names = {p.name for p in org.products}
            products = [(p.name, p.share) for p in org.products]
            products += [(t, 0.0) for t in org.offers if t not in names]
            inferred = self.inference.infer(products, exclude=org.needs, limit=limit)
            if inferred:
                w = np.asarray([x for _, x in inferred], dtype=np.float32)
                S = search([n for n, _ in inferred])
                out["inferred"] = _finite(aggregate(S, Aggregation.POWER, weights=w, power=8.0))
                texts += [n for n, _ in inferred]
                weights += [float(x) for x in w]
        if row is not None:
            out["peers"] = self.signals.peer_suppliers(row, self.signals.profiles_[row])
            out["transition"] = self.signals.transition(row)
        out["demand"] = self.signals.demand_.copy()
        if texts:
            out["lexical"] = self.signals.lexical(texts, weights)
        return out
