"""The match engine: statement indexes + encoder + ranker behind two verbs.

``find_partners`` is implicit's ``recommend`` and ``find_substitutes`` its ``similar_items``;
``ask`` answers a free question. The service, the CLI and the evaluation all come here.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from catalog.errors import InvalidInputError, NotFoundError
from catalog.models import Organisation
from catalog.taxonomy import Taxonomy
from embeddings.base import Encoder, F32Array
from matcher.base import Matcher
from matcher.explain import Sides, collect_evidence, explain
from matcher.index import IndexKind, VectorIndex
from matcher.indexset import StatementIndex
from matcher.inference import ProductGraph
from matcher.knowledge import ChainKnowledge
from matcher.profiles import Space, StatementTable, profile_texts
from matcher.ranker import ChainAwareRanker, Ranker, RankInput
from matcher.scoring import Aggregation, aggregate, best_per_org, diversify
from matcher.types import Direction, Filters, Match, MatchResult, Task

__all__ = ["MatchEngine"]

log = logging.getLogger(__name__)

SIGNAL_CANDIDATES = 200  # organisations a learned signal may add to the semantic candidates


class MatchEngine(Matcher):
    """Finds partners and substitutes among a fixed list of organisations.

    Example usage::

        engine = MatchEngine(orgs, taxonomy, encoder).build()
        result = engine.find_partners("demo-ic-0001", direction=Direction.SUPPLIERS, k=5)
    """

    def __init__(
        self,
        orgs: Sequence[Organisation],
        taxonomy: Taxonomy,
        encoder: Encoder,
        *,
        ranker: Ranker | None = None,
        index_kind: IndexKind = IndexKind.FAISS_FLAT,
        today: dt.date | None = None,
        hits_per_statement: int = 200,
        aggregation: Aggregation = Aggregation.BLEND,
        substitute_aggregation: Aggregation = Aggregation.BLEND,
        diversity: float = 0.02,
        language_centering: float = 0.5,
        product_graph: ProductGraph | None = None,
        inferred_needs: int = 30,
    ) -> None:
        self.orgs = list(orgs)
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.ranker = ranker or ChainAwareRanker(taxonomy, today=today)
        self.index_kind = index_kind
        self.today = today
        self.hits_per_statement = hits_per_statement
        self.aggregation = aggregation
        self.substitute_aggregation = substitute_aggregation
        self.diversity = diversity
        self.product_graph = product_graph
        self.inferred_needs = inferred_needs
        self._learned: ChainKnowledge | None = None
        self._row = {o.id: i for i, o in enumerate(self.orgs)}
        self.table = StatementTable.from_orgs(self.orgs)
        self.vectors = StatementIndex(
            self.table, encoder, index_kind=index_kind, centering=language_centering
        )

    # ---------------------------------------------------------------- building
    @property
    def indexes(self) -> dict[Space, VectorIndex]:
        return self.vectors.indexes

    def build(self) -> MatchEngine:
        """Encode every statement (cache permitting) and index it; returns self."""
        self.vectors.build()
        return self

    def sync(self) -> dict[str, int]:
        """Bring loaded indexes in line with the catalog: encode only what is new."""
        return self.vectors.sync()

    def save(self, folder: Path) -> None:
        self.vectors.save(folder)

    def load(self, folder: Path) -> dict[str, int]:
        """Open saved indexes if they fit this encoder, then sync; else build from scratch."""
        return self.vectors.load(folder)

    def learned(self) -> ChainKnowledge:
        """Signals and need inference fitted on this catalog; fitted once, on first use."""
        if self._learned is None:
            self._learned = ChainKnowledge.fit(
                self.orgs, self.vectors, self.encoder, self.product_graph
            )
        return self._learned

    def _supplier_signals(
        self,
        org: Organisation,
        stated_only: bool,
        stated: F32Array | None,
        needs: F32Array | None,
    ) -> dict[str, F32Array]:
        return self.learned().supplier_signals(
            org,
            self._row.get(org.id),
            stated=stated,
            needs=needs,
            infer=not stated_only,
            limit=self.inferred_needs,
            wanted=self.ranker.signals,
        )

    # --------------------------------------------------------------- searching
    def org(self, org_id: str) -> Organisation:
        row = self._row.get(org_id)
        if row is None:
            raise NotFoundError("organisation", org_id)
        return self.orgs[row]

    def _day(self) -> dt.date:
        return self.today or dt.date.today()

    def _allowed_rows(
        self,
        filters: Filters,
        exclude: str | None,
        filter_items: Collection[str] | None,
        items: Collection[str] | None,
    ) -> npt.NDArray[np.int64] | None:
        """Organisation rows a search may return, or None when every row is allowed."""
        if items is not None:
            unknown = [i for i in items if i not in self._row]
            if unknown:
                raise NotFoundError("organisation", unknown[0])
        day = self._day()
        banned = set(filter_items or ())
        if exclude is not None:
            banned.add(exclude)
        keep = [
            r
            for r, o in enumerate(self.orgs)
            if o.id not in banned and (items is None or o.id in items) and filters.admits(o, day)
        ]
        if len(keep) == len(self.orgs):
            return None
        return np.asarray(keep, dtype=np.int64)

    def _search(
        self, space: Space, queries: F32Array, allowed: npt.NDArray[np.int64] | None
    ) -> tuple[F32Array, npt.NDArray[np.int64]]:
        if not self.vectors:
            raise InvalidInputError("the engine has no index yet; call build() or load() first")
        flt = None
        if allowed is not None:
            flt = self.table.ids[self.table.rows_for_orgs(allowed, space)]
        scores, rows = self.vectors.search(space, queries, self.hits_per_statement, flt)
        return best_per_org(scores, rows, self.table.org, len(self.orgs))

    def _side(
        self,
        org: Organisation,
        query_space: Space,
        target: Space,
        allowed: npt.NDArray[np.int64] | None,
        vectors: F32Array | None = None,
    ) -> tuple[Space, F32Array, npt.NDArray[np.int64], list[str]]:
        """``vectors``: the texts' vectors when the caller already encoded them."""
        texts = profile_texts(org, query_space)
        if vectors is None:
            vectors = self.vectors.encode(query_space, texts)
        S, best = self._search(target, vectors, allowed)
        return target, S, best, texts

    def _rank(
        self,
        task: Task,
        direction: Direction | None,
        query: Organisation | None,
        sides: Sides,
        k: int,
        signals: dict[str, F32Array] | None = None,
        allowed: npt.NDArray[np.int64] | None = None,
    ) -> tuple[Match, ...]:
        how = self.substitute_aggregation if task is Task.SUBSTITUTES else self.aggregation
        sems = [aggregate(S, how) for _, S, _, _ in sides]
        seen = np.zeros(len(self.orgs), dtype=bool)
        for sem in sems:
            seen |= np.isfinite(sem)
        signals = signals or {}
        if signals:  # a strong learned signal may name a candidate the text search missed
            admitted = np.ones(len(self.orgs), dtype=bool)
            if allowed is not None:
                admitted[:] = False
                admitted[allowed] = True
            for name in ("inferred", "exact", "peers", "lexical"):
                values = signals.get(name)
                if values is not None:
                    masked = np.where(admitted, values, 0.0)
                    top = np.argsort(-masked, kind="stable")[:SIGNAL_CANDIDATES]
                    seen[top[masked[top] > 0]] = True
        cand_rows = np.flatnonzero(seen)
        if len(cand_rows) == 0:
            return ()

        def on_candidates(sem: F32Array) -> F32Array:
            vals = sem[cand_rows]
            finite = np.isfinite(vals)
            floor = float(vals[finite].min()) if finite.any() else 0.0
            return np.where(finite, vals, floor).astype(np.float32)

        forward = on_candidates(sems[0]) if sems else np.zeros(len(cand_rows), np.float32)
        reverse = on_candidates(sems[1]) if len(sems) > 1 else None
        cands = [self.orgs[int(r)] for r in cand_rows]
        cand_signals = {name: v[cand_rows] for name, v in signals.items()}
        out = self.ranker.score(
            RankInput(task, direction, query, cands, forward, reverse, cand_signals)
        )
        order, penalties = self._order(task, out.total, cands, sides, cand_rows, k)
        if penalties.any():
            out.parts["diversity"] = penalties
        matches = []
        for i in order:
            col = int(cand_rows[i])
            evidence = collect_evidence(sides, col, self.table.texts, task)
            rel = out.relations[i]
            parts = {name: float(v[i]) for name, v in out.parts.items()}
            matches.append(
                Match(
                    org_id=cands[i].id,
                    name=cands[i].name,
                    score=float(out.total[i] + penalties[i]),
                    parts=parts,
                    evidence=tuple(evidence[:3]),
                    relation=rel[0],
                    relation_segments=(rel[1], rel[2]),
                    explanation=explain(
                        task=task,
                        taxonomy=self.taxonomy,
                        candidate=cands[i],
                        query=query,
                        evidence=tuple(evidence),
                        relation=rel,
                        today=self._day(),
                    ),
                )
            )
        return tuple(matches)

    def _order(
        self,
        task: Task,
        total: F32Array,
        cands: list[Organisation],
        sides: Sides,
        cand_rows: npt.NDArray[np.int64],
        k: int,
    ) -> tuple[list[int], F32Array]:
        """Best first; for partners, spread over the query's statements (diversity)."""
        by_score = sorted(range(len(cands)), key=lambda i: (-float(total[i]), cands[i].id))
        if task is not Task.PARTNERS or self.diversity <= 0 or sum(len(s[3]) for s in sides) < 2:
            return by_score[:k], np.zeros(len(cands), dtype=np.float32)
        S = np.concatenate([side[1][:, cand_rows] for side in sides], axis=0)
        groups = np.argmax(np.where(np.isfinite(S), S, -np.inf), axis=0)
        perm = np.asarray(by_score, dtype=np.int64)
        picked, pen = diversify(total[perm], groups[perm], self.diversity, k)
        penalties = np.zeros(len(cands), dtype=np.float32)
        penalties[perm] = pen
        return [int(perm[p]) for p in picked], penalties

    # ------------------------------------------------------------------- verbs
    def find_partners(
        self,
        org_id: str,
        *,
        direction: Direction = Direction.SUPPLIERS,
        k: int = 10,
        filters: Filters | None = None,
        filter_items: Collection[str] | None = None,
        items: Collection[str] | None = None,
        statements: Sequence[str] | None = None,
    ) -> MatchResult:
        """Suppliers for my needs, customers for my offers, or both (mutual).

        ``statements`` narrows the question to some of the organisation's own needs (or
        offers, for customers) — or states new ones — while its chain position, region and
        qualifications still shape the ranking.
        """
        _check_k(k)
        org = self.org(org_id)
        if statements is not None:
            texts = tuple(t.strip() for t in statements if t.strip())
            if not texts:
                raise InvalidInputError("statements must hold at least one non-empty text")
            if direction is Direction.MUTUAL:
                raise InvalidInputError("statements apply to suppliers or customers, not mutual")
            field = "needs" if direction is Direction.SUPPLIERS else "offers"
            org = org.model_copy(update={field: texts, "products": ()})
        filters = filters or Filters()
        allowed = self._allowed_rows(filters, org.id, filter_items, items)
        sides: Sides = []
        signals: dict[str, F32Array] = {}
        if direction in (Direction.SUPPLIERS, Direction.MUTUAL):
            needs = None  # encoded once: the search and the supplier signals share them
            if org.needs:
                needs = self.vectors.encode(Space.NEEDS, profile_texts(org, Space.NEEDS))
                sides.append(self._side(org, Space.NEEDS, Space.OFFERS, allowed, needs))
            if direction is Direction.SUPPLIERS:
                stated = sides[0][1] if sides else None
                signals = self._supplier_signals(org, statements is not None, stated, needs)
            if not sides and "inferred" not in signals:
                raise InvalidInputError(
                    f"organisation {org.id!r} states no needs, so it has no suppliers to find; "
                    "try direction 'customers'"
                )
        if direction in (Direction.CUSTOMERS, Direction.MUTUAL):
            if not org.offers and not org.products:
                raise InvalidInputError(
                    f"organisation {org.id!r} states no offers, so it has no customers to find; "
                    "try direction 'suppliers'"
                )
            sides.append(self._side(org, Space.OFFERS, Space.NEEDS, allowed))
        matches = self._rank(Task.PARTNERS, direction, org, sides, k, signals, allowed)
        query = {"org_id": org.id, "name": org.name, "direction": direction.value, "k": k}
        return MatchResult(Task.PARTNERS, query, matches)

    def find_substitutes(
        self,
        org_id: str,
        *,
        k: int = 10,
        filters: Filters | None = None,
        filter_items: Collection[str] | None = None,
        items: Collection[str] | None = None,
    ) -> MatchResult:
        """Who could replace this organisation: same offers, same segment, same papers."""
        _check_k(k)
        org = self.org(org_id)
        if not org.offers and not org.products:
            raise InvalidInputError(f"organisation {org.id!r} states no offers to substitute")
        allowed = self._allowed_rows(filters or Filters(), org.id, filter_items, items)
        sides = [self._side(org, Space.OFFERS_SYM, Space.OFFERS_SYM, allowed)]
        matches = self._rank(Task.SUBSTITUTES, None, org, sides, k)
        return MatchResult(Task.SUBSTITUTES, {"org_id": org.id, "name": org.name, "k": k}, matches)

    def ask(self, text: str, *, k: int = 10, filters: Filters | None = None) -> MatchResult:
        """A free question in Chinese or English, answered by who offers it."""
        _check_k(k)
        text = text.strip()
        if len(text) < 2:
            raise InvalidInputError("the question is empty; describe what you are looking for")
        allowed = self._allowed_rows(filters or Filters(), None, None, None)
        S, best = self._search(Space.OFFERS, self.vectors.encode(Space.NEEDS, [text]), allowed)
        matches = self._rank(Task.ASK, None, None, [(Space.OFFERS, S, best, [text])], k)
        return MatchResult(Task.ASK, {"text": text, "k": k}, matches)

    # implicit's two verbs, for contract tests and the evaluation
    def recommend(
        self,
        org_id: str,
        N: int = 10,
        *,
        direction: Direction = Direction.SUPPLIERS,
        filter_items: Collection[str] | None = None,
        items: Collection[str] | None = None,
    ) -> tuple[list[str], F32Array]:
        res = self.find_partners(
            org_id, direction=direction, k=N, filter_items=filter_items, items=items
        )
        return [m.org_id for m in res.matches], np.array(
            [m.score for m in res.matches], dtype=np.float32
        )

    def similar_items(
        self,
        org_id: str,
        N: int = 10,
        *,
        filter_items: Collection[str] | None = None,
        items: Collection[str] | None = None,
    ) -> tuple[list[str], F32Array]:
        res = self.find_substitutes(org_id, k=N, filter_items=filter_items, items=items)
        return [m.org_id for m in res.matches], np.array(
            [m.score for m in res.matches], dtype=np.float32
        )


def _check_k(k: int) -> None:
    if not 1 <= k <= 1000:
        raise InvalidInputError(f"k must be between 1 and 1000, got {k}")
