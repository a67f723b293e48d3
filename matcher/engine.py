"""The match engine: statement indexes + encoder + ranker behind two verbs.

``find_partners`` is implicit's ``recommend`` and ``find_substitutes`` its ``similar_items``;
``ask`` answers a free question. The service, the CLI and the evaluation all come here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import numpy as np

from catalog.errors import InvalidInputError, NotFoundError
from catalog.models import Organisation
from catalog.taxonomy import Taxonomy
from embeddings.base import Encoder, F32Array, SparseTextEncoder
from matcher.base import Matcher, check_k, ids_and_scores
from matcher.distinct import DistinctIndex
from matcher.evidence import EvidenceGate
from matcher.explain import build_match
from matcher.gentable import OrgIds
from matcher.hybrid import AskEvidence, name_evidence, too_short
from matcher.index import FaissIVFIndex, I64Array, IndexKind, VectorIndex
from matcher.indexset import StatementIndex
from matcher.inference import ProductGraph
from matcher.knowledge import ChainKnowledge, FitInputs
from matcher.lookup import CatalogLookup
from matcher.peers import PeerSignals
from matcher.profiles import Space, StatementTable, profile_texts
from matcher.questions import partner_question, substitute_question
from matcher.rank import (
    Question,
    ScoredCandidates,
    admit_candidates,
    on_candidates,
    rank_candidates,
    serving_groups,
)
from matcher.ranker import ChainAwareRanker, Ranker, RankInput, RankOutput
from matcher.scoring import Aggregation, aggregate
from matcher.types import Direction, Filters, Match, MatchResult, Task

__all__ = ["MatchEngine"]

SIGNAL_CANDIDATES = 200  # organisations a learned signal may add to the semantic candidates
APPROXIMATE_PEERS = 20_000  # organisations past which an approximate engine finds peers by IVF


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
        index_kind: IndexKind = IndexKind.AUTO,
        today: dt.date | None = None,
        hits_per_statement: int = 200,
        aggregation: Aggregation = Aggregation.BLEND,
        substitute_aggregation: Aggregation = Aggregation.BLEND,
        diversity: float = 0.02,
        language_centering: float = 0.5,
        product_graph: ProductGraph | None = None,
        inferred_needs: int = 30,
        evidence_threshold: float | None = None,
        sparse_encoder: SparseTextEncoder | None = None,
        approximate: bool | None = None,  # None: when an index is approximate
        milvus_uri: str | None = None,  # where IndexKind.MILVUS keeps its collections
    ) -> None:
        self.orgs: Sequence[Organisation] = list(orgs)  # a `Rope` in a generation
        self.approximate = approximate
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
        self._saved_fit: Path | None = None  # where `load` found the indexes (`learned`)
        self._peers: PeerSignals | None = None
        self._row: Mapping[str, int] = {o.id: i for i, o in enumerate(self.orgs)}
        self.table = StatementTable.from_orgs(self.orgs)
        self.vectors = StatementIndex(
            self.table,
            encoder,
            index_kind=index_kind,
            milvus_uri=milvus_uri,
            centering=language_centering,
            sparse_encoder=sparse_encoder,
        )
        self.lookup = CatalogLookup(
            self.orgs, self._row, self.table, self.vectors, hits_per_statement, today
        )
        self.evidence = EvidenceGate.for_index(self.vectors, evidence_threshold)  # what to cite
        self.hybrid = AskEvidence(self.vectors, self.orgs)  # ask: dense + sparse + BM25

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
        """The indexes, then the chain knowledge if it was fitted on this very catalog (a
        generation's carried fit, `StaleKnowledge`, answers for an older one: not saved)."""
        self.vectors.save(folder)
        self.save_knowledge(folder)

    def save_knowledge(self, folder: Path) -> None:
        """The chain knowledge alone (beside indexes saved in ``folder``), if fitted."""
        if type(self._learned) is ChainKnowledge:
            self._learned.save(folder, self._fit_inputs())

    def load(self, folder: Path) -> dict[str, int]:
        """Open saved indexes if they fit this encoder, then sync; else build from scratch.
        A chain knowledge saved beside them is read by `learned`, if its key still fits."""
        self._saved_fit = folder
        return self.vectors.load(folder)

    def is_approximate(self) -> bool:
        """Whether the catalog-wide lookups may be approximate: ``approximate`` if given,
        else whenever a statement index is (IVF: `IndexKind.AUTO` on a large catalog)."""
        if self.approximate is not None:
            return self.approximate
        return any(
            isinstance(getattr(ix, "base", ix), (FaissIVFIndex, DistinctIndex))
            for ix in self.indexes.values()
        )

    def _fit_inputs(self) -> FitInputs:
        above = APPROXIMATE_PEERS if self.is_approximate() else None
        return FitInputs(self.orgs, self.vectors, self.encoder, self.product_graph, above)

    def learned(self) -> ChainKnowledge:
        """Signals and need inference fitted on this catalog, on first use: read from the
        folder `load` opened when saved there for this catalog, else fitted."""
        if self._learned is None:
            i = self._fit_inputs()
            if self._saved_fit is not None:
                self._learned, self._saved_fit = ChainKnowledge.load(self._saved_fit, i), None
            if self._learned is None:
                self._learned = ChainKnowledge.fit(
                    i.orgs, i.vectors, i.encoder, i.graph, approximate_above=i.approximate_above
                )
        return self._learned

    # --------------------------------------------------------------- searching
    def row_of(self, org_id: str) -> int | None:
        """The organisation's row in the catalog order (None: not in the catalog)."""
        return self._row.get(org_id)

    def org(self, org_id: str) -> Organisation:
        row = self._row.get(org_id)
        if row is None:
            raise NotFoundError("organisation", org_id)
        return self.orgs[row]

    def _score(self, q: Question) -> tuple[I64Array, RankOutput] | None:
        """Admit the candidates, then score them: their rows and the ranker's output."""
        how = self.substitute_aggregation if q.task is Task.SUBSTITUTES else self.aggregation
        sems = list(q.semantic or (aggregate(side.scores, how) for side in q.sides))
        rows = admit_candidates(sems, q.signals, q.allowed, len(self.orgs), SIGNAL_CANDIDATES)
        if len(rows) == 0:
            return None
        forward = on_candidates(sems[0], rows) if sems else np.zeros(len(rows), np.float32)
        reverse = on_candidates(sems[1], rows) if len(sems) > 1 else None
        orgs = self.orgs
        cands = [orgs[r] for r in rows.tolist()]  # Python ints: ~500 candidates a query
        signals = {s: v[rows] for s, v in q.signals.items()}
        if q.later is not None:
            signals.update(q.later(rows))
        inp = RankInput(q.task, q.direction, q.query, cands, forward, reverse, signals)
        return rows, self.ranker.score(inp)

    def _rank(self, q: Question, k: int) -> tuple[Match, ...]:
        """Score, order (diversified for partners), and explain the first ``k``."""
        scored = self._score(q)
        if scored is None:
            return ()
        rows, out = scored
        ids = OrgIds(self.orgs, rows)  # read where scores tie, not for every candidate
        groups = None
        if (
            q.task is Task.PARTNERS
            and self.diversity > 0
            and sum(len(s.texts) for s in q.sides) > 1
        ):
            groups = serving_groups(q.sides, rows)
        order, penalties = rank_candidates(
            ids, out.total, k=k, groups=groups, diversity=self.diversity
        )
        if penalties.any():
            out.parts["diversity"] = penalties
        return tuple(
            build_match(
                task=q.task,
                taxonomy=self.taxonomy,
                candidate=self.orgs[int(rows[i])],
                query=q.query,
                sides=q.sides,
                col=int(rows[i]),
                statements=self.table.texts,
                score=float(out.total[i] + penalties[i]),
                parts={name: float(v[i]) for name, v in out.parts.items()},
                relation=out.relations[i],
                today=self.lookup.day(),
                gate=self.evidence,
            )
            for i in order
        )

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
        check_k(k)
        q = partner_question(self, org_id, direction, filters, filter_items, items, statements)
        matches = self._rank(q, k)
        org = self.org(org_id)  # a copy with other statements keeps its id and name
        query = {"org_id": org.id, "name": org.name, "direction": direction.value, "k": k}
        return MatchResult(Task.PARTNERS, query, matches)

    def find_partners_many(
        self, org_ids: Sequence[str], *, direction: Direction = Direction.SUPPLIERS, k: int = 10
    ) -> list[MatchResult | InvalidInputError]:
        """`find_partners` of many organisations, each answer (or its error) the same: on
        IVF their needs are searched together (`CatalogLookup.search_many`; it scans each
        query alone, so hits are bit-identical). A flat scan of a batch is one BLAS product
        whose rounding follows the batch's size (scores ±3·10⁻⁷), so it is not shared."""
        check_k(k)
        orgs = [self.org(i) for i in org_ids]
        shared = direction is Direction.SUPPLIERS and self.is_approximate()
        asks = [o for o in orgs if o.needs] if shared else []
        needs = [self.vectors.encode(Space.NEEDS, profile_texts(o, Space.NEEDS)) for o in asks]
        allowed = [self.lookup.allowed(None, o.id) for o in asks]
        hits = self.lookup.search_many(Space.OFFERS, needs, allowed)
        found = {o.id: (v, h) for o, v, h in zip(asks, needs, hits, strict=True)}
        out: list[MatchResult | InvalidInputError] = []
        for org in orgs:
            try:
                q = partner_question(
                    self, org.id, direction, None, None, None, None, found.get(org.id)
                )
            except InvalidInputError as exc:
                out.append(exc)
                continue
            query = {"org_id": org.id, "name": org.name, "direction": direction.value, "k": k}
            out.append(MatchResult(Task.PARTNERS, query, self._rank(q, k)))
        return out

    def partner_candidates(
        self,
        org_id: str,
        *,
        direction: Direction = Direction.SUPPLIERS,
        filters: Filters | None = None,
        filter_items: Collection[str] | None = None,
        items: Collection[str] | None = None,
        statements: Sequence[str] | None = None,
    ) -> ScoredCandidates:
        """Every candidate `find_partners` would score, with its score parts, unordered and
        without diversity: what the weight fit re-weights (with `RankWeights.unit`)."""
        q = partner_question(self, org_id, direction, filters, filter_items, items, statements)
        return self._candidates(q)

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
        check_k(k)
        org = self.org(org_id)
        q = substitute_question(self, org, filters, filter_items, items)
        matches = self._rank(q, k)
        return MatchResult(Task.SUBSTITUTES, {"org_id": org.id, "name": org.name, "k": k}, matches)

    def peer_signals(self) -> PeerSignals:
        """The substitute signals' peer groups, built on first use."""
        if self._peers is None:
            self._peers = PeerSignals(self.orgs, self.taxonomy, self.vectors)
        return self._peers

    def substitute_candidates(self, org_id: str) -> ScoredCandidates:
        """Every candidate `find_substitutes` would score, with its score parts, unordered:
        what the substitute weight fit re-weights (with `RankWeights.unit`)."""
        return self._candidates(substitute_question(self, self.org(org_id), None, None, None))

    def _candidates(self, q: Question) -> ScoredCandidates:
        scored = self._score(q)
        if scored is None:
            return ScoredCandidates([], np.zeros(0, np.float32), {})
        rows, out = scored
        return ScoredCandidates([self.orgs[int(r)].id for r in rows], out.total, out.parts)

    def ask(self, text: str, *, k: int = 10, filters: Filters | None = None) -> MatchResult:
        """A free question in Chinese or English, answered by who offers it."""
        check_k(k)
        text = text.strip()
        if too_short(text):
            raise InvalidInputError("the question is empty; describe what you are looking for")
        allowed = self.lookup.allowed(filters)
        if not self.vectors:
            raise InvalidInputError("the engine has no index yet; call build() or load() first")
        ev = self.hybrid.evidence(text, allowed)  # dense, sparse, BM25: fused (matcher.hybrid)
        question = Question(Task.ASK, None, None, (ev.side,), {}, allowed, (ev.fused,))
        matches = name_evidence(self._rank(question, k), ev, self._row)  # names the kinds
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
        return ids_and_scores(res)

    def similar_items(
        self,
        org_id: str,
        N: int = 10,
        *,
        filter_items: Collection[str] | None = None,
        items: Collection[str] | None = None,
    ) -> tuple[list[str], F32Array]:
        res = self.find_substitutes(org_id, k=N, filter_items=filter_items, items=items)
        return ids_and_scores(res)
