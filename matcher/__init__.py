"""Vector index, candidate generation, chain-aware ranking and explanations."""

from __future__ import annotations

from matcher.base import Matcher
from matcher.engine import MatchEngine
from matcher.index import ExactIndex, FaissFlatIndex, IndexKind, VectorIndex, make_index
from matcher.profiles import Space, StatementTable, statement_id
from matcher.ranker import (
    ChainAwareRanker,
    Ranker,
    RankInput,
    RankOutput,
    RankWeights,
    SemanticRanker,
)
from matcher.scoring import Aggregation, aggregate, best_per_org
from matcher.types import Direction, Evidence, Filters, Match, MatchResult, Task

__all__ = [
    "Aggregation",
    "ChainAwareRanker",
    "Direction",
    "Evidence",
    "ExactIndex",
    "FaissFlatIndex",
    "Filters",
    "IndexKind",
    "Match",
    "MatchEngine",
    "MatchResult",
    "Matcher",
    "RankInput",
    "RankOutput",
    "RankWeights",
    "Ranker",
    "SemanticRanker",
    "Space",
    "StatementTable",
    "Task",
    "VectorIndex",
    "aggregate",
    "best_per_org",
    "make_index",
    "statement_id",
]
