"""Vector index, candidate generation, chain-aware ranking and explanations."""

from __future__ import annotations

from matcher.base import Matcher
from matcher.engine import MatchEngine
from matcher.index import ExactIndex, FaissFlatIndex, IndexKind, VectorIndex, make_index
from matcher.inference import NeedInference, ProductGraph
from matcher.knowledge import ChainKnowledge
from matcher.lexical import LexicalIndex
from matcher.profiles import Space, StatementTable, statement_id
from matcher.rank import ScoredCandidates, SearchSide, rank_candidates, rescore
from matcher.ranker import (
    ChainAwareRanker,
    Ranker,
    RankInput,
    RankOutput,
    RankWeights,
    SemanticRanker,
)
from matcher.scoring import Aggregation, aggregate, best_per_org
from matcher.signals import CatalogSignals
from matcher.supply import SupplyLookup
from matcher.types import (
    Direction,
    Evidence,
    Filters,
    Match,
    MatchResult,
    Relation,
    Signal,
    Task,
)

__all__ = [
    "Aggregation",
    "CatalogSignals",
    "ChainAwareRanker",
    "ChainKnowledge",
    "Direction",
    "Evidence",
    "ExactIndex",
    "FaissFlatIndex",
    "Filters",
    "IndexKind",
    "LexicalIndex",
    "Match",
    "MatchEngine",
    "MatchResult",
    "Matcher",
    "NeedInference",
    "ProductGraph",
    "RankInput",
    "RankOutput",
    "RankWeights",
    "Ranker",
    "Relation",
    "ScoredCandidates",
    "SearchSide",
    "SemanticRanker",
    "Signal",
    "Space",
    "StatementTable",
    "SupplyLookup",
    "Task",
    "VectorIndex",
    "aggregate",
    "best_per_org",
    "make_index",
    "rank_candidates",
    "rescore",
    "statement_id",
]
