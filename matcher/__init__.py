"""Vector index, candidate generation, chain-aware ranking and explanations.

The names below load on first use (PEP 562): ``import matcher.types`` does not pay for
FAISS, and ``from matcher import MatchEngine`` works as before.
"""

from __future__ import annotations

import importlib
import typing

if typing.TYPE_CHECKING:
    from matcher.base import Matcher
    from matcher.engine import MatchEngine
    from matcher.index import (
        ExactIndex,
        FaissFlatIndex,
        FaissIVFIndex,
        IndexKind,
        VectorIndex,
        make_index,
    )
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
    "FaissIVFIndex",
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

_SOURCES: dict[str, tuple[str, ...]] = {
    "matcher.base": ("Matcher",),
    "matcher.engine": ("MatchEngine",),
    "matcher.index": (
        "ExactIndex",
        "FaissFlatIndex",
        "FaissIVFIndex",
        "IndexKind",
        "VectorIndex",
        "make_index",
    ),
    "matcher.inference": ("NeedInference", "ProductGraph"),
    "matcher.knowledge": ("ChainKnowledge",),
    "matcher.lexical": ("LexicalIndex",),
    "matcher.profiles": ("Space", "StatementTable", "statement_id"),
    "matcher.rank": ("ScoredCandidates", "SearchSide", "rank_candidates", "rescore"),
    "matcher.ranker": (
        "ChainAwareRanker",
        "Ranker",
        "RankInput",
        "RankOutput",
        "RankWeights",
        "SemanticRanker",
    ),
    "matcher.scoring": ("Aggregation", "aggregate", "best_per_org"),
    "matcher.signals": ("CatalogSignals",),
    "matcher.supply": ("SupplyLookup",),
    "matcher.types": (
        "Direction",
        "Evidence",
        "Filters",
        "Match",
        "MatchResult",
        "Relation",
        "Signal",
        "Task",
    ),
}
_MODULE_OF = {name: module for module, names in _SOURCES.items() for name in names}


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once loaded, a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
