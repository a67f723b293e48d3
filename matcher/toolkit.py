"""The toolkit beside the engine: who in the park can close a gap, and which items answer a
desk request.

A missed condition is often something a park provider can fix: missing invention patents
→ an IP agency (专利代理); a missing certification → a test lab or certification body; an
R&D shortfall → an institute for joint R&D; revenue or tax thresholds → banks for growth
finance. `GAP_QUERIES` says, per field, what to ask and among whom; the engine's ``ask``
(filtered to service providers and, for R&D, institutes) answers with its reasons. A
missing fact ("not enough data") is closed by declaring it, not by a provider.

For the desk, `relevant_items` ranks the items whose ``request_kinds`` include the
request's kind by the encoder's similarity to the request text, and says how the
requesting organisation stands (eligible, nearly, unknown …).

Example usage::

    result = match_items(items, facts)
    result = with_providers(result, engine, k=3)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from catalog.desk.model import RequestKind
from catalog.models import OrgKind
from catalog.toolkit.checks import names_of
from catalog.toolkit.model import FIELD_LABELS, FactField, Op, ToolkitItem
from matcher.eligibility import (
    ItemResult,
    LeafResult,
    OrgFacts,
    Status,
    ToolkitMatch,
    evaluate_item,
)
from matcher.types import Filters

if TYPE_CHECKING:  # the engine loads FAISS: `chainmatch --help` must not
    from matcher.engine import MatchEngine

__all__ = [
    "GAP_QUERIES",
    "GapQuery",
    "ItemSuggestion",
    "gap_query",
    "relevant_items",
    "with_providers",
]


@dataclass(frozen=True)
class GapQuery:
    """What to ask the engine to close a missed condition, and among which kinds."""

    text: str
    kinds: tuple[OrgKind, ...] = (OrgKind.SERVICE,)
    why: str = ""


_PATENTS = GapQuery(
    "发明专利撰写与申请 专利代理 PCT 知识产权布局", why="an IP agency files patents"
)
_RD = GapQuery(
    "联合研发 产学研合作 科技成果转化 研发费用归集",
    (OrgKind.INSTITUTE, OrgKind.SERVICE),
    "joint R&D raises R&D spend and staff",
)
_FINANCE = GapQuery("科技信贷 科创贷 融资 投贷联动", why="growth finance from a bank or fund")
GAP_QUERIES: Mapping[FactField, GapQuery] = {
    FactField.INVENTION_PATENTS: _PATENTS,
    FactField.IP_COUNT: _PATENTS,
    FactField.RD_SPEND: _RD,
    FactField.RD_RATIO: _RD,
    FactField.RD_STAFF_RATIO: GapQuery(
        "工程师培训 研究生联合培养 人才", (OrgKind.INSTITUTE, OrgKind.SERVICE), "trained R&D staff"
    ),
    FactField.REVENUE: _FINANCE,
    FactField.TAX: _FINANCE,
}


def gap_query(leaf: LeafResult) -> GapQuery | None:
    """What closes a missed (or unknown) leaf; None for what no provider changes (age,
    region, kind, a qualification that must not be held …)."""
    c = leaf.condition
    if leaf.status is Status.MET:
        return None
    if c.field is FactField.QUALIFICATION:
        if c.op is Op.NOT_HAS:
            return None
        name = names_of(c.value)[0]
        return GapQuery(
            f"{name} 认定 认证 检测 辅导 咨询",
            (OrgKind.SERVICE, OrgKind.INSTITUTE),
            f"a lab, certification body or consultant for {name}",
        )
    return GAP_QUERIES.get(c.field)


def with_providers(result: ToolkitMatch, engine: MatchEngine, *, k: int = 3) -> ToolkitMatch:
    """``result`` with park providers for the gaps of its nearly and unknown items (an
    unknown fact's provider is marked ``if_missing``).

    Each distinct query is asked once per call (items share gaps); the organisation itself
    is never suggested.
    """
    asked: dict[tuple[str, tuple[OrgKind, ...]], list[dict[str, Any]]] = {}

    def providers(r: ItemResult) -> tuple[dict[str, Any], ...]:
        out: dict[str, dict[str, Any]] = {}
        for leaf in r.gaps:
            q = gap_query(leaf)
            if q is None:
                continue
            key = (q.text, q.kinds)
            if key not in asked:
                asked[key] = _ask(engine, q, result.facts.org_id, k)
            for p in asked[key]:
                closes = f"{leaf.condition.field.value} ({leaf.condition.clause})"
                if p["org_id"] in out:
                    out[p["org_id"]]["closes"].append(closes)
                    continue
                unsure = leaf.status is Status.UNKNOWN
                out[p["org_id"]] = {**p, "closes": [closes], "why": q.why, "if_missing": unsure}
        return tuple(out.values())

    def fill(rows: tuple[ItemResult, ...]) -> tuple[ItemResult, ...]:
        return tuple(dataclasses.replace(r, providers=providers(r)) for r in rows)

    return dataclasses.replace(
        result,
        nearly=fill(result.nearly),
        unknown=fill(result.unknown),
    )


def _ask(engine: MatchEngine, q: GapQuery, exclude: str, k: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for kind in q.kinds:
        for m in engine.ask(q.text, k=k + 1, filters=Filters(kind=kind)).matches:
            if m.org_id != exclude:
                found.append(
                    {
                        "org_id": m.org_id,
                        "name": m.name,
                        "org_kind": kind.value,
                        "score": round(m.score, 4),
                        "explanation": m.explanation,
                    }
                )
    found.sort(key=lambda p: -float(p["score"]))
    return found[:k]


@dataclass(frozen=True)
class ItemSuggestion:
    """A toolkit item that may answer a desk request, and how the organisation stands."""

    item_id: str
    name: str
    score: float
    outcome: str  # eligible, nearly, not_eligible, unknown
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "name": self.name,
            "score": round(self.score, 6),
            "explanation": self.explanation,
            "sources": ["toolkit"],
            "outcome": self.outcome,
        }


def relevant_items(
    engine: MatchEngine,
    text: str,
    kind: RequestKind,
    items: Sequence[ToolkitItem],
    facts: OrgFacts | None,
    *,
    k: int = 3,
) -> list[ItemSuggestion]:
    """The items of this request kind closest to ``text`` (cosine of the engine's encoder:
    the request as a query, the item's name, summary and benefit as a passage), best first."""
    pool = [it for it in items if kind in it.request_kinds]
    if not pool or k < 1:
        return []
    q = engine.encoder.encode_queries([text])
    p = engine.encoder.encode_passages([f"{it.name}：{it.summary} {it.benefit}" for it in pool])
    sims = (np.asarray(p) @ np.asarray(q)[0]).astype(float)
    order = sorted(range(len(pool)), key=lambda i: (-sims[i], pool[i].id))[:k]
    out = []
    for i in order:
        it = pool[i]
        stand, why = "unknown", "the organisation is not in the catalog"
        if facts is not None:
            r = evaluate_item(it, facts)
            stand = "nearly" if r.nearly else r.outcome.value
            missed = [FIELD_LABELS[g.condition.field] for g in r.gaps]
            why = f"{stand}" + (f" (gaps: {', '.join(dict.fromkeys(missed))})" if missed else "")
        out.append(
            ItemSuggestion(
                item_id=it.id,
                name=it.name,
                score=float(sims[i]),
                outcome=stand,
                explanation=f"惠企工具包 toolkit {kind.value} item, similarity "
                f"{sims[i]:.3f}; {facts.name if facts else 'requester'}: {why}; {it.source}",
            )
        )
    return out
