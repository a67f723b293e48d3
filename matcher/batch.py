"""Batch jobs over the whole catalog: one pure function per chunk of organisation ids.

A batch runs the engine's own verbs — `MatchEngine.find_partners_many` (a chunk's needs
searched together, each answer its own `find_partners`), `find_substitutes`, the
cooperation map's `supplier_edges`, the event pairs' `one_way` matches — for every
organisation of a chunk and returns plain rows (str, int, float, bool, lists and dicts), so
an executor can run chunks anywhere (in-process or on Ray workers) and write them as it
likes (`eval.batch` writes Parquet). Rows are ordered by (org_id, rank); an organisation
the verb cannot ask for (no needs for suppliers, no offers for substitutes) is skipped
with the engine's reason.

Example usage::

    spec = BatchSpec(BatchJob.PARTNERS, k=20)
    chunk = run_chunk(engine, spec, ["demo-ic-0001", "demo-nev-0001"])
    chunk.rows[0]["candidate_id"], chunk.skipped
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from catalog.errors import InvalidInputError, NotFoundError
from catalog.events.results import Link
from catalog.models import Organisation
from matcher.batch_spec import BatchJob, BatchSpec
from matcher.coopmap import supplier_edges
from matcher.engine import MatchEngine
from matcher.events.pairs import OneWay, direction_for, one_way, pair_scores
from matcher.types import Filters, Match

__all__ = [
    "BatchJob",
    "BatchSpec",
    "ChunkRows",
    "chunk_ids",
    "member_ids",
    "pair_rows",
    "run_chunk",
    "select_members",
]

Row = dict[str, Any]


@dataclass
class ChunkRows:
    """A chunk's rows, ordered by (org_id, rank), and the organisations skipped, with why."""

    rows: list[Row] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def member_ids(engine: MatchEngine, members: Filters | None) -> list[str]:
    """The organisations a batch asks for, sorted by id: the catalog, or those ``members``
    admits (on the engine's day)."""
    return select_members(engine.orgs, members, engine.today or dt.date.today())


def select_members(
    orgs: Iterable[Organisation], members: Filters | None, day: dt.date
) -> list[str]:
    """`member_ids` over any organisations: what a driver without an engine computes."""
    if members is None:
        return sorted(o.id for o in orgs)
    return sorted(o.id for o in orgs if members.admits(o, day))


def chunk_ids(ids: Sequence[str], size: int) -> list[list[str]]:
    """Consecutive chunks of ``size`` ids: the unit of work and of output files."""
    if size < 1:
        raise InvalidInputError(f"chunk must be at least 1, got {size}")
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def run_chunk(
    engine: MatchEngine,
    spec: BatchSpec,
    ids: Sequence[str],
    *,
    items: Iterable[str] | None = None,
) -> ChunkRows:
    """The rows of ``spec``'s job for the organisations ``ids`` (every id must exist).

    ``items`` are the candidates of map and pairs jobs with members (`member_ids`; None:
    the whole catalog); an executor computes them once per engine, not per chunk.
    """
    missing = [i for i in ids if not _known(engine, i)]
    if missing:
        raise NotFoundError("organisation", ", ".join(missing[:10]))
    pool = None if items is None else set(items)
    out = ChunkRows()
    if spec.job is BatchJob.PARTNERS:  # the chunk's needs searched together
        ordered = sorted(ids)
        found = engine.find_partners_many(ordered, direction=spec.direction, k=spec.k)
        for org_id, res in zip(ordered, found, strict=True):
            if isinstance(res, InvalidInputError):
                out.skipped.append((org_id, str(res)))
            else:
                out.rows.extend(_match_row(org_id, r, m) for r, m in enumerate(res.matches, 1))
        return out
    for org_id in sorted(ids):
        try:
            out.rows.extend(_rows(engine, spec, org_id, pool))
        except InvalidInputError as exc:
            out.skipped.append((org_id, str(exc)))
    return out


def _known(engine: MatchEngine, org_id: str) -> bool:
    try:
        engine.org(org_id)
    except NotFoundError:
        return False
    return True


def _rows(engine: MatchEngine, spec: BatchSpec, org_id: str, pool: set[str] | None) -> list[Row]:
    if spec.job is BatchJob.SUBSTITUTES:
        res = engine.find_substitutes(org_id, k=spec.k)
        return [_match_row(org_id, r, m) for r, m in enumerate(res.matches, 1)]
    org = engine.org(org_id)
    if pool is not None and len(pool) < 2:
        return []  # nobody to meet
    if spec.job is BatchJob.MAP:
        if not org.needs:
            raise InvalidInputError(f"organisation {org_id!r} states no needs: no map edges")
        edges = supplier_edges(engine, org_id, per_org=spec.k, items=pool)
        return [{"org_id": org_id, "rank": r, **asdict(e)} for r, e in enumerate(edges, 1)]
    direction = direction_for(org)
    if direction is None:
        raise InvalidInputError(f"organisation {org_id!r} states neither needs nor offers")
    res = engine.find_partners(org_id, direction=direction, k=spec.k, items=pool)
    return [_one_way_row(engine, org_id, r, m) for r, m in enumerate(res.matches, 1)]


def _match_row(org_id: str, rank: int, m: Match) -> Row:
    return {
        "org_id": org_id,
        "rank": rank,
        "candidate_id": m.org_id,
        "score": m.score,
        "parts": dict(m.parts),
        "relation": m.relation.value,
        "exploratory": m.exploratory,
        "rests_on": list(m.rests_on),
        "explanation": m.explanation,
    }


def _one_way_row(engine: MatchEngine, org_id: str, rank: int, m: Match) -> Row:
    w = one_way(engine, org_id, m)
    return {
        "org_id": org_id,
        "rank": rank,
        "candidate_id": m.org_id,
        "raw": w.raw,
        "relation": w.relation,
        "exploratory": w.exploratory,
        "rests_on": list(w.rests_on),
        "links": [lk.model_dump() for lk in w.links],
    }


def pair_rows(one_way_rows: Iterable[Mapping[str, Any]]) -> list[Row]:
    """Reciprocal pair scores (`matcher.events.pairs.pair_score`) from the one-way rows of a
    pairs job, ordered by (a, b): a pair one side did not find in its top k scores 0."""
    seen: dict[tuple[str, str], OneWay] = {}
    for r in one_way_rows:
        links = tuple(Link.model_validate(lk) for lk in r["links"])
        w = OneWay(r["raw"], links, r["relation"], r["exploratory"], tuple(r["rests_on"]))
        seen[(r["org_id"], r["candidate_id"])] = w
    rows = []
    for p in sorted(pair_scores(seen), key=lambda p: (p.a, p.b)):
        row = asdict(p)
        row["links"] = [lk.model_dump() for lk in p.links]
        row["rests_on"] = list(p.rests_on)
        rows.append(row)
    return rows
