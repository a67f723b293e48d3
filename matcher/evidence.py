"""Honest evidence: which statement pairs a result may cite, and what it rests on without one.

A need → offer pair is cited only when the offer is close to the need *by the standard of
this catalog*: its cosine minus the need's **reference** — the mean cosine of the need to
its ``REFERENCE_NEIGHBOURS`` nearest distinct offers of the whole catalog (the engine's own
vectors: e5 prefixes and language centering) — reaches `EVIDENCE_THRESHOLD`. A plain cosine
threshold does not carry from one catalog to another: e5's cosines depend on how long and
how alike the texts are, and short product names sit close to each other whatever they
are (measured below). The reference is the need's own yardstick, so the rule reads the same
on a list of product names and on a park's full sentences.

The pair is judged from the need's side whichever way it was found (need → offer, a
customer's offer → need, a question → offer), so both sides of a meeting agree on it.
Offer ≈ offer pairs (substitutes) are not judged: no labelled set measured them.

A result without a cited pair is *exploratory* (探索性): it rests on what its score parts
and chain relation say (`rests_on`), never on a weak pair dressed up as a reason.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from catalog.taxonomy import ChainRelation
from embeddings.rebuild import DEFAULT_MODEL_ID
from matcher.indexset import StatementIndex
from matcher.language import language_of
from matcher.profiles import Space
from matcher.types import Evidence, Task

__all__ = [
    "BASIS_LABEL",
    "EVIDENCE_THRESHOLD",
    "GATED",
    "REFERENCE_NEIGHBOURS",
    "Basis",
    "EvidenceGate",
    "PLAIN_MEASURED",
    "measured_threshold",
    "rests_on",
]

# The evidence threshold on the margin cos(need, offer) − reference(need), for
# multilingual-e5-small at the engine's default language centering (0.5). Chosen by
# `python -m eval.evidence_threshold` (A-share dev, each query's top 20 answers, the pair
# each answer would cite): best F1 on the ask-by-product-class set, checked on find-supplier.
#
#   set (pairs relevant / other)         AUC    precision  recall  F1     other cited
#   ask, choose (1,282 / 5,898)          0.719  0.323      0.593   0.418  0.270
#   supplier, check (1,620 / 3,361)      0.965  0.412      0.988   0.582  0.679
#
# ask: relevant = the answering company is gold (makes a child of the asked term);
# supplier: relevant = a known supplier (makes a stated input), other = neither known nor
# gold. Gold suppliers come through hidden links their query's needs never name: 0.601 of
# their 273 matches are exploratory at this threshold, resting on inferred needs (0.79 of
# them), chain demand (0.77), needs coverage (0.63), peers' suppliers (0.58).
# The plain cosine, chosen the same way, is worse on ask (threshold 0.847: AUC 0.667, F1
# 0.377) and does not carry over: at centering 0 its best threshold moves to 0.915, the
# margin's only to -0.003 (ask F1 0.389, supplier F1 0.605); on the demo park's sentences
# the cosine 0.847 would leave 4 % of the top-5 suppliers' pairs citable.
EVIDENCE_THRESHOLD = -0.008
REFERENCE_NEIGHBOURS = 10  # distinct offers that make up a need's reference
_REFERENCE_HITS = 100  # hits searched to find them (one text may be offered many times)

# (model id without its backend tag, language centering) → threshold. Another centering of
# the same model takes the nearest measured one's; other encoders were not measured, and
# their pairs are cited as before (no gate).
MEASURED: dict[tuple[str, float], float] = {
    (DEFAULT_MODEL_ID, 0.5): EVIDENCE_THRESHOLD,
    (DEFAULT_MODEL_ID, 0.0): -0.003,  # same run at centering 0 (figures above)
}

# `ask` cites plain (uncentered) cosines of the question as asked, each judged against the
# question's nearest offers *in the offer's language* (`EvidenceGate._plain`). Measured
# with the same command on the ask recipe with bigram BM25 (dense + sparse + ngram, plain
# vectors; best F1 on the ask set):
#
#   ask, choose (1,377 / 5,803)          AUC 0.708  precision 0.307  recall 0.634  F1 0.414
#   supplier, check (1,620 / 3,361)      AUC 0.965  precision 0.416  recall 0.988  F1 0.585
#
# (the recipe before bigrams chose −0.005 with F1 0.390 on its own 1,303 / 5,877 pairs; the
# supplier pairs stay centered: there −0.007 and −0.008 differ by 0.003 F1).
PLAIN_MEASURED: dict[str, float] = {DEFAULT_MODEL_ID: -0.007}

NEED_OFFER, OFFER_NEED, QUESTION_OFFER = "need→offer", "offer→need", "question→offer"
GATED = frozenset({NEED_OFFER, OFFER_NEED, QUESTION_OFFER})  # directions the gate judges


def measured_threshold(model_id: str, centering: float) -> float | None:
    """The threshold measured for this encoder (OpenVINO or torch alike) at the nearest
    measured centering; None for an encoder never measured."""
    model = model_id.split("@")[0]
    known = [c for m, c in MEASURED if m == model]
    if not known:
        return None
    nearest = min(known, key=lambda c: (abs(c - centering), c))
    return MEASURED[(model, nearest)]


class EvidenceGate:
    """Judges statement pairs against the need's reference in one catalog's vectors.

    ``threshold`` None switches the gate off (every pair is cited, as for an encoder it
    was not measured for); ``-inf`` cites every pair but still records each margin.

    Example usage::

        gate = EvidenceGate(engine.vectors, threshold=EVIDENCE_THRESHOLD)
        cited, weak = gate.judge(evidence)
    """

    def __init__(
        self,
        vectors: StatementIndex,
        threshold: float | None,
        plain_threshold: float | None = None,
    ) -> None:
        """``plain_threshold``: for pairs scored by plain (uncentered) cosine, as `ask`
        cites them; None: ``threshold``."""
        self.vectors = vectors
        self._threshold: float | None = threshold
        self.plain_threshold: float | None = threshold
        if plain_threshold is not None:
            self.plain_threshold = plain_threshold
        self._reference: dict[str, float] = {}
        self._plain_ref: dict[tuple[str, int], float] = {}
        self._size = -1  # offers indexed when the references were taken

    @property
    def threshold(self) -> float | None:
        return self._threshold

    @threshold.setter
    def threshold(self, value: float | None) -> None:
        """Setting the threshold sets it for plain cosines too (one explicit value)."""
        self._threshold = value
        self.plain_threshold = value

    @classmethod
    def for_index(cls, vectors: StatementIndex, threshold: float | None = None) -> EvidenceGate:
        """The gate at ``threshold``; None: at the one measured for the index's encoder and
        language centering (none, so no gate, for an encoder nobody measured)."""
        if threshold is not None:
            return cls(vectors, threshold)
        model = vectors.encoder.model_id
        return cls(
            vectors,
            measured_threshold(model, vectors.centering.strength),
            PLAIN_MEASURED.get(model.split("@")[0]),  # ask's plain cosines
        )

    def reference(self, needs: Sequence[str], *, plain: bool = False) -> dict[str, float]:
        """Each need's mean cosine to its nearest distinct offers in the catalog (``plain``:
        uncentered vectors on both sides, the space `ask` cites its pairs in)."""
        if plain:
            return {t: ref for (t, lang), ref in self._plain(needs).items() if lang < 0}
        index = self.vectors.indexes.get(Space.OFFERS)
        if index is None or len(index) == 0:
            return dict.fromkeys(needs, 0.0)
        known = self._memo(len(index))
        todo = list(dict.fromkeys(t for t in needs if t not in known))
        if todo:
            vecs = self.vectors.encode(Space.NEEDS, todo)
            scores, ids = index.search(vecs, min(_REFERENCE_HITS, len(index)), None)
            rows = self.vectors.table.rows_of(ids)
            texts = self.vectors.table.texts
            for text, s_row, r_row in zip(todo, scores, rows, strict=True):
                known[text] = _distinct_mean(texts, s_row, r_row)
        return {t: known[t] for t in needs}

    def _memo(self, size: int) -> dict[str, float]:
        if size != self._size or len(self._reference) + len(self._plain_ref) > 100_000:
            # the catalog changed (or the memo grew large): measure again
            self._reference, self._plain_ref, self._size = {}, {}, size
        return self._reference  # this call's memo, even if another thread resets

    def _plain(self, needs: Sequence[str]) -> dict[tuple[str, int], float]:
        """Plain references per (need, offer language; −1: all offers). A cross-language
        pair is judged against the need's nearest offers *in the offer's language*: plain
        cosines favour the need's own language, so one yardstick would mark every correct
        cross-language answer weak."""
        index = self.vectors.plain_ or self.vectors.indexes.get(Space.OFFERS)
        if index is None or len(index) == 0:
            return {(t, lang): 0.0 for t in needs for lang in (-1, 0, 1)}
        self._memo(len(index))
        known = self._plain_ref
        todo = list(dict.fromkeys(t for t in needs if (t, -1) not in known))
        if todo:
            table = self.vectors.table
            rows = np.flatnonzero(table.mask(Space.OFFERS))
            langs = np.asarray([language_of(table.texts[int(r)]) for r in rows])
            vecs = self.vectors.encode_plain(Space.NEEDS, todo)
            k = min(_REFERENCE_HITS, len(index))
            for lang, flt in ((-1, None), (0, rows[langs == 0]), (1, rows[langs == 1])):
                if flt is not None and len(flt) == 0:
                    continue
                ids = None if flt is None else table.ids[flt]
                scores, hit = index.search(vecs, k, ids)
                hit_rows = table.rows_of(hit)
                for text, s_row, r_row in zip(todo, scores, hit_rows, strict=True):
                    known[(text, lang)] = _distinct_mean(table.texts, s_row, r_row)
        out = {(t, lang): known.get((t, lang), known[(t, -1)]) for t in needs for lang in (0, 1)}
        return out | {(t, -1): known[(t, -1)] for t in needs}

    def judge(
        self, evidence: Sequence[Evidence], *, plain: bool = False
    ) -> tuple[list[Evidence], list[Evidence]]:
        """(cited, weak): the pairs that are evidence, each with its margin, and the rest;
        both keep the order given. ``plain``: the pairs' scores are plain cosines."""
        threshold = self.plain_threshold if plain else self.threshold
        if threshold is None:
            return list(evidence), []
        gated = [e for e in evidence if e.direction in GATED]
        needs = [_need_of(e) for e in gated]
        by_language = self._plain(needs) if plain else {}
        ref = {} if plain else self.reference(needs)
        cited: list[Evidence] = []
        weak: list[Evidence] = []
        for e in evidence:
            if e.direction not in GATED:
                cited.append(e)
                continue
            if plain:  # the offer's language picks the yardstick
                offer = e.query_text if e.direction == OFFER_NEED else e.candidate_text
                margin = e.score - by_language[(_need_of(e), language_of(offer))]
            else:
                margin = e.score - ref[_need_of(e)]
            judged = Evidence(e.query_text, e.candidate_text, e.score, e.direction, margin)
            (cited if margin >= threshold else weak).append(judged)
        return cited, weak


def _need_of(e: Evidence) -> str:
    return e.candidate_text if e.direction == OFFER_NEED else e.query_text


def _distinct_mean(texts: Sequence[str], scores: np.ndarray, rows: np.ndarray) -> float:
    seen: dict[str, float] = {}
    for s, r in zip(scores.tolist(), rows.tolist(), strict=True):
        if r < 0:
            continue
        seen.setdefault(texts[r], s)
        if len(seen) >= REFERENCE_NEIGHBOURS:
            break
    return float(np.mean(list(seen.values()))) if seen else 0.0


class Basis(enum.StrEnum):
    """What a result rests on; `Match.rests_on` lists them, strongest kind first."""

    STATEMENTS = "statements"  # a cited need → offer (or offer ≈ offer) pair
    CHAIN_LINK = "chain_link"  # supplier or customer along the chain
    SUPPORT_SERVICE = "support_service"
    SAME_SEGMENT = "same_segment"
    SAME_CHAIN = "same_chain"
    INFERRED_NEEDS = "inferred_needs"  # needs inferred from the query's products
    PEER_SUPPLIERS = "peer_suppliers"  # suppliers of organisations like the query
    NEEDS_COVERAGE = "needs_coverage"
    CHAIN_DEMAND = "chain_demand"
    SEGMENT_SUPPLY = "segment_supply"
    KEYWORDS = "keywords"
    WEAK_STATEMENTS = "weak_statements"  # only pairs below the evidence threshold


BASIS_LABEL: dict[str, str] = {
    Basis.STATEMENTS: "语句证据 statement evidence",
    Basis.CHAIN_LINK: "产业链上下游 chain link",
    Basis.SUPPORT_SERVICE: "产业服务 support service",
    Basis.SAME_SEGMENT: "同一环节 same segment",
    Basis.SAME_CHAIN: "同一产业链 same chain",
    Basis.INFERRED_NEEDS: "推断需求 inferred needs",
    Basis.PEER_SUPPLIERS: "同类企业的供应商 peers' suppliers",
    Basis.NEEDS_COVERAGE: "需求覆盖 needs coverage",
    Basis.CHAIN_DEMAND: "产业链需求 chain demand",
    Basis.SEGMENT_SUPPLY: "环节供货 segment supply",
    Basis.KEYWORDS: "关键词 keywords",
    Basis.WEAK_STATEMENTS: "较弱的语句相似 weak text similarity",
}

_RELATION_BASIS = {
    ChainRelation.SUPPLIES: Basis.CHAIN_LINK,
    ChainRelation.BUYS: Basis.CHAIN_LINK,
    ChainRelation.SUPPORT: Basis.SUPPORT_SERVICE,
    ChainRelation.PEER: Basis.SAME_SEGMENT,
    ChainRelation.SAME_CHAIN: Basis.SAME_CHAIN,
}
RELATION_BASES = frozenset(_RELATION_BASIS.values())
_PART_BASIS = {
    "inferred": Basis.INFERRED_NEEDS,
    "exact": Basis.INFERRED_NEEDS,
    "peers": Basis.PEER_SUPPLIERS,
    "coverage": Basis.NEEDS_COVERAGE,
    "demand": Basis.CHAIN_DEMAND,
    "transition": Basis.SEGMENT_SUPPLY,
    "lexical": Basis.KEYWORDS,
}
# parts that describe the candidate or the text match, not a reason of their own
_CONTEXT_PARTS = frozenset(
    {"semantic", "chain", "qualification", "region", "kind", "reciprocity", "diversity", "stated"}
)


def rests_on(
    *,
    task: Task,
    parts: Mapping[str, float],
    relation: ChainRelation,
    cited: bool,
    weak: bool,
) -> tuple[str, ...]:
    """What a result rests on: a cited pair, the chain relation when it speaks for the
    result (a positive chain part; for substitutes, the same segment or chain), every
    learned signal that added to the score (an unknown one under its own part name), and
    weak pairs only when nothing was cited."""
    out: list[str] = [Basis.STATEMENTS] if cited else []
    rel = _RELATION_BASIS.get(relation)
    speaks = parts.get("chain", 0.0) > 0 or (
        task is Task.SUBSTITUTES and relation in (ChainRelation.PEER, ChainRelation.SAME_CHAIN)
    )
    if rel is not None and speaks:
        out.append(rel)
    for name, value in parts.items():
        if value > 0 and name not in _CONTEXT_PARTS:
            out.append(_PART_BASIS.get(name, name))
    if weak and not cited:
        out.append(Basis.WEAK_STATEMENTS)
    return tuple(dict.fromkeys(str(b) for b in out))


def basis_labels(bases: Iterable[str]) -> list[str]:
    """The printed phrase of each basis (an unknown one as its name)."""
    return [BASIS_LABEL.get(b, b) for b in bases]
