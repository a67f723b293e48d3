"""Human-readable reasons for a match, built only from the score parts and evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from catalog.models import Organisation
from catalog.taxonomy import ChainRelation, Taxonomy
from matcher.evidence import RELATION_BASES, EvidenceGate, basis_labels, rests_on
from matcher.profiles import Space
from matcher.rank import SearchSide
from matcher.types import Evidence, Match, Relation, Task

__all__ = ["EXPLORATORY", "build_match", "collect_evidence", "explain", "relation_phrase"]

EXPLORATORY = "探索性 exploratory"

_EVIDENCE_LABEL = {
    Space.OFFERS: "need→offer",
    Space.NEEDS: "offer→need",
    Space.OFFERS_SYM: "offer≈offer",
}

_RELATION_LABEL = {
    ChainRelation.SUPPLIES: "上游供应 upstream supplier",
    ChainRelation.BUYS: "下游客户 downstream customer",
    ChainRelation.PEER: "同一环节 same segment",
    ChainRelation.SAME_CHAIN: "同一产业链 same chain",
    ChainRelation.SUPPORT: "产业服务 support service",
}


def collect_evidence(
    sides: Sequence[SearchSide], col: int, statements: Sequence[str], task: Task
) -> list[Evidence]:
    """Every query statement's best match in organisation ``col``, strongest first."""
    evidence = [
        Evidence(
            text,
            statements[int(side.best_rows[qi, col])],
            float(side.scores[qi, col]),
            _EVIDENCE_LABEL[side.space],
        )
        for side in sides
        for qi, text in enumerate(side.texts)
        if int(side.best_rows[qi, col]) >= 0
    ]
    evidence.sort(key=lambda e: -e.score)
    if task is Task.ASK:  # a free question has no need of its own: one label for all
        return [
            Evidence(e.query_text, e.candidate_text, e.score, "question→offer") for e in evidence
        ]
    return evidence


def relation_phrase(
    taxonomy: Taxonomy, relation: ChainRelation, cand_seg: str | None, query_seg: str | None
) -> str:
    label = _RELATION_LABEL.get(relation)
    if label is None or cand_seg is None:
        return ""
    if relation is ChainRelation.SUPPLIES and query_seg:
        return f"{taxonomy.label(cand_seg)} → {taxonomy.label(query_seg)}（{label}）"
    if relation is ChainRelation.BUYS and query_seg:
        return f"{taxonomy.label(query_seg)} → {taxonomy.label(cand_seg)}（{label}）"
    return f"{taxonomy.label(cand_seg)}（{label}）"


def _evidence_phrase(e: Evidence) -> str:
    if e.direction == "need→offer":
        return f"需求「{e.query_text}」← 供给「{e.candidate_text}」({e.score:.2f})"
    if e.direction == "offer→need":
        return f"供给「{e.query_text}」→ 对方需求「{e.candidate_text}」({e.score:.2f})"
    if e.direction == "question→offer":
        return f"问题 ← 供给「{e.candidate_text}」({e.score:.2f})"
    return f"相同供给「{e.query_text}」≈「{e.candidate_text}」({e.score:.2f})"


def explain(
    *,
    task: Task,
    taxonomy: Taxonomy,
    candidate: Organisation,
    query: Organisation | None,
    evidence: tuple[Evidence, ...],
    relation: Relation,
    today: dt.date,
    bases: tuple[str, ...] = (),
) -> str:
    """One line of reasons: which statement met which, the chain link, qualifications, place.

    ``evidence`` holds the cited pairs only; without one the line opens with 探索性
    exploratory and the ``bases`` the result rests on instead."""
    # a second pair is shown only when it is nearly as strong as the first: a weak pair
    # would suggest a reason the ranking did not really rest on
    strong = [e for e in evidence[:2] if evidence and e.score >= evidence[0].score - 0.03]
    bits = [_evidence_phrase(e) for e in strong]
    chain = relation_phrase(
        taxonomy, relation.kind, relation.candidate_segment, relation.query_segment
    )
    if not evidence:
        # the chain relation is spelled out just after, with its segments
        shown = [b for b in bases if not (chain and b in RELATION_BASES)]
        basis = "、".join(basis_labels(shown)) if shown else "无 none"
        bits.append(f"{EXPLORATORY}（无达到阈值的语句证据）：依据 {basis}")
    if chain:
        bits.append(f"产业链：{chain}")
    valid = candidate.valid_qualifications(today)
    if task is Task.SUBSTITUTES and query is not None:
        wanted = {q.name.lower() for q in query.valid_qualifications(today)}
        shared = [q for q in valid if q.name.lower() in wanted]
        if shared:
            bits.append("共同资质：" + "、".join(q.name for q in shared[:3]))
    elif valid:
        shown = [
            q.name + (f"（有效至{q.valid_until.isoformat()}）" if q.valid_until else "")
            for q in valid[:2]
        ]
        bits.append("资质：" + "、".join(shown))
    expired = [q.name for q in candidate.qualifications if not q.is_valid_on(today)]
    if expired:
        bits.append("已过期：" + "、".join(expired[:2]))
    if query is not None and query.region.park and candidate.region.park == query.region.park:
        bits.append(f"同在{candidate.region.park}")
    elif candidate.region.park:
        bits.append(f"位于{candidate.region.park}")
    return "；".join(bits)


def build_match(
    *,
    task: Task,
    taxonomy: Taxonomy,
    candidate: Organisation,
    query: Organisation | None,
    sides: Sequence[SearchSide],
    col: int,
    statements: Sequence[str],
    score: float,
    parts: Mapping[str, float],
    relation: Relation,
    today: dt.date,
    gate: EvidenceGate | None = None,
) -> Match:
    """One result: its score and parts, its three strongest pieces of cited evidence (all
    of them feed the explanation), its chain relation, what it rests on. ``col``: the
    candidate's row; ``gate``: which pairs may be cited (None: every pair)."""
    found = collect_evidence(sides, col, statements, task)
    # ask's side holds plain cosines (`matcher.hybrid`): judged against plain references
    plain = task is Task.ASK
    cited, weak = gate.judge(found, plain=plain) if gate is not None else (found, [])
    evidence = tuple(cited)
    margins = [e.margin for e in (*cited, *weak) if e.margin is not None]
    bases = rests_on(
        task=task, parts=parts, relation=relation.kind, cited=bool(cited), weak=bool(weak)
    )
    return Match(
        org_id=candidate.id,
        name=candidate.name,
        score=score,
        parts=dict(parts),
        evidence=evidence[:3],
        relation=relation.kind,
        relation_segments=(relation.candidate_segment, relation.query_segment),
        explanation=explain(
            task=task,
            taxonomy=taxonomy,
            candidate=candidate,
            query=query,
            evidence=evidence,
            relation=relation,
            today=today,
            bases=bases,
        ),
        exploratory=not cited,
        rests_on=bases,
        evidence_margin=max(margins) if margins else None,
    )
