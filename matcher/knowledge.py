"""What the engine learns from its catalog, and the supplier signals it gives each query.

`ChainKnowledge` bundles the catalog signals (`matcher.signals`), the need inference
(`matcher.inference`) and the supply lookup (`matcher.supply`), fitted once per catalog.
The engine asks it for one query's signals and hands their values to the ranker; it keeps
the engine to searching and explaining.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from catalog.models import Organisation
from embeddings.base import Encoder, F32Array
from matcher import knowledge_io
from matcher.cancel import checkpoint
from matcher.fitstate import FitState
from matcher.indexset import StatementIndex
from matcher.inference import NeedInference, ProductGraph
from matcher.peers import profile_vectors, share_weights
from matcher.profiles import Space, profile_texts
from matcher.scoring import Aggregation, aggregate
from matcher.signals import CatalogSignals
from matcher.supply import SupplyLookup
from matcher.types import Signal

__all__ = ["ChainKnowledge", "FitInputs", "share_weights"]

log = logging.getLogger(__name__)

# Floors of the two coverage signals, on hub-corrected scores of the index's vectors
# (`matcher.supply`), measured on the A-share dev split: nDCG@10 of the filtered
# find-supplier ranking with every weight refitted (`eval.fit_weights`). Stated needs, with
# the inferred floor at 0: −0.06 → 0.212, −0.03 → 0.211, 0 → 0.221; then with it at 0: the
# inferred floor −0.03 → 0.210, 0 → 0.221, 0.03 → 0.222, 0.06 → 0.223. Above 0 the stated
# floor falls off fast (0.02 → 0.198, 0.04 → 0.143): it cuts real matches.
COVERAGE_FLOOR = 0.0
INFERRED_FLOOR = 0.06


@dataclass(frozen=True)
class FitInputs:
    """What `ChainKnowledge.fit` reads, and so what a saved fit is keyed by (`save`, `load`)."""

    orgs: Sequence[Organisation]
    vectors: StatementIndex
    encoder: Encoder
    graph: ProductGraph | None = None
    approximate_above: int | None = None

    def key(self) -> dict[str, Any]:
        """What a fit reads, bar the catalog's content (`matcher.knowledge_io`): the parts'
        settings are those `ChainKnowledge.fit` gives them."""
        approximate_above, encoder, graph = self.approximate_above, self.encoder, self.graph
        settings = {
            "signals": CatalogSignals(approximate_above=approximate_above).state().settings,
            "inference": NeedInference(ProductGraph({}, {}), encoder).state().settings,
            "supply": SupplyLookup().state().settings,
        }
        return {
            "format": knowledge_io.FORMAT,
            "model_id": encoder.model_id,
            "dim": encoder.dim,
            "index": self.vectors.identity(),
            "approximate_above": approximate_above,
            "graph": knowledge_io.graph_digest(graph) if graph else None,  # None: the catalog's
            "settings": settings,
            "orgs": len(self.orgs),
        }


def _finite(score: F32Array) -> F32Array:
    out: F32Array = np.where(np.isfinite(score), score, 0.0).astype(np.float32)
    return out


class ChainKnowledge:
    """Catalog signals and need inference for one catalog (row order = its organisations)."""

    def __init__(
        self, signals: CatalogSignals, inference: NeedInference, supply: SupplyLookup
    ) -> None:
        self.signals = signals
        self.inference = inference
        self.supply = supply
        self.saved_: tuple[Path, str] | None = None  # (folder, fingerprint) it was read or written

    def save(self, folder: Path, inputs: FitInputs) -> None:
        """Write this fit into ``folder`` (`matcher.knowledge_io`), keyed by what `fit` was
        given. Nothing is written when ``folder`` holds it already."""
        if self.saved_ is not None and self.saved_[0] == folder:
            if knowledge_io.saved_fingerprint(folder) == self.saved_[1]:
                return
        key = inputs.key()
        key["catalog"] = knowledge_io.catalog_digest(inputs.orgs)
        parts = {
            "signals": self.signals.state(),
            "inference": self.inference.state(),
            "supply": self.supply.state(),
        }
        knowledge_io.write(folder, key, parts)
        self.saved_ = (folder, knowledge_io.fingerprint(key))
        log.info("saved the chain knowledge in %s", folder)

    @classmethod
    def load(cls, folder: Path, inputs: FitInputs) -> ChainKnowledge | None:
        """The fit saved in ``folder`` if it was made with these very arguments (catalog,
        indexes, encoder, graph, ``approximate_above``), else None (the reason logged at
        INFO). The live references — the statement index, the encoder, the graph — are
        attached, not read; caches built on first use start empty, as after `fit`."""
        key = inputs.key()
        orgs, vectors, encoder, graph = inputs.orgs, inputs.vectors, inputs.encoder, inputs.graph

        def build(parts: dict[str, FitState]) -> ChainKnowledge:
            own_graph = graph or ProductGraph.from_organisations(orgs)
            out = cls(
                CatalogSignals.from_state(parts["signals"]),
                NeedInference.from_state(parts["inference"], own_graph, encoder),
                SupplyLookup.from_state(parts["supply"], vectors),
            )
            if out.supply.n_orgs != len(orgs):
                raise ValueError(f"fitted on {out.supply.n_orgs} organisations, not {len(orgs)}")
            return out

        found = knowledge_io.read(folder, key, orgs, build)
        if found is None:
            return None
        knowledge, digest = found
        knowledge.saved_ = (folder, digest)
        log.info("loaded the chain knowledge saved in %s", folder)
        return knowledge

    @classmethod
    def fit(
        cls,
        orgs: Sequence[Organisation],
        vectors: StatementIndex,
        encoder: Encoder,
        graph: ProductGraph | None = None,
        *,
        approximate_above: int | None = None,
    ) -> ChainKnowledge:
        """Without an explicit product graph the catalog's own statements are one (each
        product of an organisation → its needs). Past ``approximate_above`` organisations
        the query-time peer lookup is approximate (`CatalogSignals`); with any
        ``approximate_above`` the need inference finds similar products by IVF and the
        stated-needs coverage is computed on the candidates only (`deferred`)."""
        graph = graph or ProductGraph.from_organisations(orgs)
        distinct = list(dict.fromkeys(t for o in orgs for t in profile_texts(o, Space.OFFERS)))
        profiles = profile_vectors(orgs, vectors)
        if profiles.shape[1] == 0:
            profiles = np.zeros((len(orgs), encoder.dim), dtype=np.float32)
        checkpoint()  # between steps: a closing LiveEngine stops its refit here
        signals = CatalogSignals(approximate_above=approximate_above).fit(orgs, profiles, graph)
        checkpoint()
        approximate = approximate_above is not None
        inference = NeedInference(graph, encoder, available=set(distinct))
        inference.fit(approximate=approximate)
        log.info("fitted catalog signals and need inference (%d graph products)", len(graph))
        checkpoint()
        supply = SupplyLookup().fit(orgs, vectors, approximate=approximate)
        log.info("fitted the supply lookup (%d specific offers)", len(supply.texts_))
        return cls(signals, inference, supply)

    def deferred(self) -> frozenset[Signal]:
        """Signals `on_candidates` gives for the candidates alone, so a query need not
        compute them over the catalog: the stated-needs coverage of an approximate fit
        (it admits no candidate, and the ranker scales it by its maximum over the
        candidates, so only their values count)."""
        return frozenset({Signal.COVERAGE}) if self.supply.on_candidates else frozenset()

    def later(
        self, org: Organisation, needs: F32Array | None, deferred: Collection[Signal]
    ) -> Callable[[npt.NDArray[np.int64]], dict[Signal, F32Array]] | None:
        """The `deferred` signals of one supplier search, as a function of the candidates'
        rows (None: nothing deferred)."""
        if not deferred:
            return None
        return lambda rows: self.on_candidates(org, needs, rows, deferred)

    def on_candidates(
        self,
        org: Organisation,
        needs: F32Array | None,
        rows: npt.NDArray[np.int64],
        wanted: Collection[Signal],
    ) -> dict[Signal, F32Array]:
        """The `deferred` signals in ``wanted`` for the organisations ``rows`` of a
        supplier search that infers (the profile-wide case of `supplier_signals`)."""
        distinct = list(dict.fromkeys(org.needs))
        if Signal.COVERAGE not in wanted or len(distinct) < 2:
            return {}
        if needs is None:
            needs = self.supply.encode_needs(distinct)
        cov = self.supply.coverage_on(distinct, needs, rows, floor=COVERAGE_FLOOR)
        return {Signal.COVERAGE: cov}

    def supplier_signals(
        self,
        org: Organisation,
        row: int | None,
        *,
        stated: F32Array | None,
        needs: F32Array | None = None,
        infer: bool,
        limit: int,
        wanted: Collection[Signal],
    ) -> dict[Signal, F32Array]:
        """Per-organisation signals for one supplier search, those in ``wanted`` only (the
        ranker's signals: one at weight 0 costs work and would still admit candidates).

        ``stated`` is the (needs × organisations) match matrix of the engine's own search:
        its power aggregation rewards near-exact matches; ``needs`` the vectors of the
        organisation's distinct needs when the engine already encoded them. The coverage of
        the stated needs and of the inferred ones (weighted by how strongly each was
        inferred) come from the supply lookup: specific offers only, exact, hub-corrected.
        Without ``infer`` (a question narrowed to named needs) the profile-wide signals —
        coverage, peers, segment transitions, demand — stay out: the engine's own match of
        those needs answers it.
        """
        out: dict[Signal, F32Array] = {}
        if stated is not None and Signal.STATED in wanted:
            out[Signal.STATED] = _finite(aggregate(stated, Aggregation.POWER, power=8.0))
        distinct = list(dict.fromkeys(org.needs))
        if infer and len(distinct) > 1 and Signal.COVERAGE in wanted:  # one need has no breadth
            if needs is None:
                needs = self.supply.encode_needs(distinct)
            out[Signal.COVERAGE] = self.supply.coverage(needs, floor=COVERAGE_FLOOR)
        texts, weights = distinct, [1.0] * len(distinct)
        if infer and not {Signal.INFERRED, Signal.EXACT, Signal.LEXICAL}.isdisjoint(wanted):
            names = {p.name for p in org.products}
            products = [(p.name, p.share) for p in org.products]
            products += [(t, 0.0) for t in org.offers if t not in names]
            inferred = self.inference.infer(products, exclude=org.needs, limit=limit)
            if inferred:
                w = np.asarray([x for _, x in inferred], dtype=np.float32)
                if Signal.INFERRED in wanted:
                    vectors = self.supply.encode_needs([n for n, _ in inferred])
                    out[Signal.INFERRED] = self.supply.coverage(vectors, w, floor=INFERRED_FLOOR)
                if Signal.EXACT in wanted:
                    out[Signal.EXACT] = self.supply.exact(inferred)
                texts = texts + [n for n, _ in inferred]
                weights += [float(x) for x in w]
        if row is not None and infer:  # profile-wide priors, not evidence for a named need
            if Signal.PEERS in wanted:
                out[Signal.PEERS] = self.signals.peer_suppliers(row, self.signals.profiles_[row])
            if Signal.TRANSITION in wanted:
                out[Signal.TRANSITION] = self.signals.transition(row)
        if infer and Signal.DEMAND in wanted:
            out[Signal.DEMAND] = self.signals.demand_.copy()
        if texts and Signal.LEXICAL in wanted:
            out[Signal.LEXICAL] = self.signals.lexical(texts, weights)
        return out
