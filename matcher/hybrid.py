"""Hybrid evidence for a free question: dense (e5), sparse (the SAE head) and BM25 (jieba).

The dense search reaches the organisations of the question's nearest statements; the sparse
head and BM25 score every allowed organisation, and each adds its own best ``pool``
organisations to the candidates. Every candidate then gets all three scores exactly (dense
by a search restricted to the candidates' statements), `matcher.fusion.fuse` weighs them,
and the fused score becomes the question's search side, so the ranker and the explanation
see one side as before. `name_evidence` writes each kind's part into the match.

Example usage::

    hybrid = AskEvidence(statement_index, orgs)          # weights: `ASK_FUSION`
    split = hybrid.side(text, query_vector, dense_side, allowed)
    matches = name_evidence(rank(split.side), split, row_of_org)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from catalog.models import Organisation
from embeddings.base import F32Array
from matcher.fusion import ASK_FUSION, EvidenceKind, FusionWeights, fuse
from matcher.index import I64Array
from matcher.indexset import StatementIndex
from matcher.lexical import LexicalIndex
from matcher.profiles import Space, profile_texts
from matcher.rank import SearchSide
from matcher.scoring import best_per_org
from matcher.types import Match

__all__ = ["AskEvidence", "EvidenceSplit", "name_evidence", "pool_candidates"]

# Organisations each of the sparse head and BM25 may add to the dense search's candidates
# (the engine's `SIGNAL_CANDIDATES` for learned signals is the same size).
POOL = 200

_LABEL = {EvidenceKind.DENSE: "语义", EvidenceKind.SPARSE: "稀疏词项", EvidenceKind.BM25: "字面"}


def pool_candidates(
    dense: F32Array, others: Sequence[F32Array], allowed: I64Array | None, pool: int
) -> I64Array:
    """Rows of the candidates: every organisation the dense search reached (finite score),
    plus each other kind's best ``pool`` allowed organisations with a positive score."""
    seen = np.isfinite(dense)
    admitted = np.ones(len(dense), dtype=bool)
    if allowed is not None:
        admitted[:] = False
        admitted[allowed] = True
    for values in others:
        masked = np.where(admitted & np.isfinite(values), values, 0.0)
        top = np.argsort(-masked, kind="stable")[:pool]
        seen[top[masked[top] > 0]] = True
    return np.flatnonzero(seen & admitted)


@dataclass(frozen=True)
class EvidenceSplit:
    """The fused search side of one question and each kind's part of it per candidate."""

    side: SearchSide
    rows: I64Array  # the candidates' organisation rows, ascending
    parts: Mapping[EvidenceKind, F32Array]
    sparse_rows: I64Array  # each candidate's best statement by the sparse head (−1: none)
    statements: Sequence[str]  # the statement table's texts, by row

    def at(self, row: int) -> int | None:
        i = int(np.searchsorted(self.rows, row))
        return i if i < len(self.rows) and self.rows[i] == row else None


class AskEvidence:
    """Sparse and BM25 evidence over one catalog, fused with the engine's dense search.

    ``weights`` default to `ASK_FUSION`; the sparse kind needs the statement index's
    sparse vectors (an engine built with a sparse encoder), BM25 nothing more."""

    def __init__(
        self,
        vectors: StatementIndex,
        orgs: Sequence[Organisation],
        weights: FusionWeights = ASK_FUSION,
        pool: int = POOL,
    ) -> None:
        self.vectors = vectors
        self.n_orgs = len(orgs)
        self.documents = [" ".join(profile_texts(o, Space.OFFERS)) for o in orgs]
        self.weights = weights
        self.pool = pool
        self._lexical: LexicalIndex | None = None

    def kinds(self) -> tuple[EvidenceKind, ...]:
        """The kinds weighed that this catalog can give."""
        kinds = self.weights.kinds()
        return tuple(k for k in kinds if k is not EvidenceKind.SPARSE or self.vectors.sparse)

    def lexical(self) -> LexicalIndex:
        """BM25 over each organisation's offers, built on first use."""
        if self._lexical is None:
            self._lexical = LexicalIndex.fit(self.documents)
        return self._lexical

    def side(
        self, text: str, query: F32Array, dense: SearchSide, allowed: I64Array | None
    ) -> EvidenceSplit | None:
        """Question ``text`` (dense vector ``query``, dense search side ``dense``) with
        every weighed kind of evidence fused; None when dense evidence is all there is."""
        kinds = self.kinds()
        if set(kinds) <= {EvidenceKind.DENSE}:
            return None
        others: dict[EvidenceKind, F32Array] = {}
        sparse_best = np.full(self.n_orgs, -1, dtype=np.int64)
        sparse = self.vectors.sparse
        if EvidenceKind.SPARSE in kinds and sparse is not None:
            others[EvidenceKind.SPARSE], sparse_best = sparse.best_per_org(
                Space.OFFERS, sparse.encode([text]), self.n_orgs, allowed
            )
        if EvidenceKind.BM25 in kinds:
            others[EvidenceKind.BM25] = self.lexical().scores([text])
        d_scores, d_best = dense.scores[0].copy(), dense.best_rows[0].copy()
        rows = pool_candidates(d_scores, list(others.values()), allowed, self.pool)
        missing = rows[~np.isfinite(d_scores[rows])]
        if len(missing):
            d_scores[missing], d_best[missing] = self._exact(query, missing)
        evidence = {EvidenceKind.DENSE: _finite(d_scores[rows])}
        evidence.update({k: _finite(v[rows]) for k, v in others.items()})
        fused = fuse(evidence, self.weights)
        scores = np.full((1, self.n_orgs), -np.inf, dtype=np.float32)
        scores[0, rows] = fused.total
        best = np.full((1, self.n_orgs), -1, dtype=np.int64)
        best[0, rows] = np.where(d_best[rows] >= 0, d_best[rows], sparse_best[rows])
        side = SearchSide(dense.space, scores, best, dense.texts)
        texts = self.vectors.table.texts
        return EvidenceSplit(side, rows, fused.parts, sparse_best[rows], texts)

    def _exact(self, query: F32Array, rows: I64Array) -> tuple[F32Array, I64Array]:
        """Best offer cosine and statement row of organisations ``rows`` (a search
        restricted to their statements: exact, whatever the dense search reached)."""
        table = self.vectors.table
        ids = table.ids[table.rows_for_orgs(rows, Space.OFFERS)]
        if len(ids) == 0:
            return np.full(len(rows), -np.inf, np.float32), np.full(len(rows), -1, np.int64)
        scores, hit = self.vectors.search(Space.OFFERS, query, len(ids), ids)
        S, best = best_per_org(scores, hit, table.org, self.n_orgs)
        return S[0, rows], best[0, rows]


def _finite(values: F32Array) -> F32Array:
    """Scores an evidence kind could not give (no statement, no hit) count as its weakest."""
    ok = np.isfinite(values)
    floor = float(values[ok].min()) if ok.any() else 0.0
    out: F32Array = np.where(ok, values, floor).astype(np.float32)
    return out


def name_evidence(
    matches: tuple[Match, ...], split: EvidenceSplit | None, row_of: Mapping[str, int]
) -> tuple[Match, ...]:
    """The matches with their semantic part split by evidence kind — ``semantic`` keeps the
    dense part, ``sparse`` and ``bm25`` are added; together they are the old ``semantic`` —
    and an explanation naming the kinds (the sparse head's best offer too, when it is not
    the one already cited). Unchanged without a split (dense evidence alone)."""
    if split is None:
        return matches
    return tuple(_named(m, split, row_of[m.org_id]) for m in matches)


def _named(match: Match, split: EvidenceSplit, row: int) -> Match:
    i = split.at(row)
    if i is None:
        return match
    parts = {k: float(v[i]) for k, v in split.parts.items()}
    new_parts = dict(match.parts)
    new_parts["semantic"] = parts.pop(EvidenceKind.DENSE, 0.0)
    new_parts.update({k.value: v for k, v in parts.items()})
    words = "、".join(_LABEL[k] for k in (EvidenceKind.DENSE, *parts))
    values = " ".join(
        [f"dense {new_parts['semantic']:.2f}", *(f"{k.value} {v:+.2f}" for k, v in parts.items())]
    )
    phrase = f"依据 evidence（{words}）：{values}"
    sparse_row = int(split.sparse_rows[i])
    statements = split.statements
    if sparse_row >= 0 and statements[sparse_row] not in {e.candidate_text for e in match.evidence}:
        phrase += f"；稀疏词项 sparse ← 供给「{statements[sparse_row]}」"
    explanation = f"{match.explanation}；{phrase}" if match.explanation else phrase
    return replace(match, parts=new_parts, explanation=explanation)
