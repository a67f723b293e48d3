"""Smoke test of the desk's solver suggestions on the demo requests (our own data).

Run: ``python -m eval.desk_routing [--encoder e5-small|hashing] [--k 5] [--tune]``. For every demo
request that was resolved with a named solver, the suggestions are made as of its
acceptance (handlers learned only from requests filed before it) and the solver's rank is
read. The demo requests were written before the suggestions existed; odd-numbered ones
(D01, D03 …) may be used to tune, even-numbered ones are held out — the table shows both.
It is a smoke test on fictional data the team wrote itself, not a quality claim.

``--tune`` reruns the choice of the fusion weights in `matcher.desk` (a grid over the
partner list's weight, the kind's own providers' weight and the RRF constant), choosing on
the odd-numbered requests only (hits in the top k, then MRR) and printing the held-out
figures of every choice beside it.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from catalog.demo import load_demo_organisations
from catalog.desk import DeskStore, Request
from catalog.desk.demo import load_demo_requests
from catalog.store import CatalogStore
from catalog.taxonomy import load_default_taxonomy
from embeddings.choice import EncoderKind, open_encoder, sparse_encoder_for
from eval.home import home_paths
from matcher.desk import OWN_LISTS, SOURCES, fuse, solver_lists, suggest_solvers
from matcher.engine import MatchEngine

__all__ = ["RoutingRow", "demo_desk", "routing_rows", "summary", "tune"]

console = Console(highlight=False, soft_wrap=True)


@dataclass(frozen=True)
class RoutingRow:
    ref: str
    request_id: str
    kind: str
    split: str  # "tune" (odd demo numbers) or "held-out" (even)
    solver: str
    rank: int | None  # the solver's rank among the suggestions (None: not in the top depth)


def demo_desk(folder: Path) -> tuple[list[Request], dict[str, str]]:
    """The demo park's requests replayed into a fresh file in ``folder``; with ref → id."""
    path = folder / "desk-demo.sqlite"
    with CatalogStore(path) as cat:
        cat.upsert(load_demo_organisations())
    with DeskStore(path) as desk:
        ids = load_demo_requests(desk)
        return desk.requests(), ids


def routing_rows(
    engine: MatchEngine, requests: Sequence[Request], refs: dict[str, str], *, depth: int = 50
) -> list[RoutingRow]:
    """The solver's rank for every resolved request that names one."""
    by_id = {r.id: r for r in requests}
    rows = []
    for ref, rid in sorted(refs.items()):
        req = by_id[rid]
        if req.solver is None:
            continue
        got = suggest_solvers(engine, req, requests, k=depth)
        ranked = [s.org_id for s in got.results]
        rank = ranked.index(req.solver) + 1 if req.solver in ranked else None
        split = "tune" if int(ref[1:]) % 2 else "held-out"
        rows.append(RoutingRow(ref, rid, req.kind.value, split, req.solver, rank))
    return rows


def summary(rows: Sequence[RoutingRow], k: int) -> dict[str, tuple[int, int]]:
    """(hits in the top k, requests) per split and in all."""
    out = {}
    for name in ("tune", "held-out", "all"):
        part = [r for r in rows if name == "all" or r.split == name]
        out[name] = (sum(r.rank is not None and r.rank <= k for r in part), len(part))
    return out


def tune(
    engine: MatchEngine, requests: Sequence[Request], refs: dict[str, str], *, k: int = 5
) -> list[tuple[float, float, int, int, float, int]]:
    """The weight grid, best on the tune split first: (partner, own, rrf, tune hits,
    tune MRR, held-out hits)."""
    by_id = {r.id: r for r in requests}
    cases = []
    for ref, rid in sorted(refs.items()):
        req = by_id[rid]
        if req.solver is not None:
            lists = solver_lists(engine, req, 50, SOURCES)
            cases.append((int(ref[1:]) % 2 == 1, req, lists))
    grid = []
    for wp, wo, rrf in itertools.product((0, 0.5, 1, 2, 3), (0, 0.25, 0.5, 1), (10, 30, 60)):
        hits = {True: 0, False: 0}
        rr = 0.0
        for is_tune, req, lists in cases:
            weights: Mapping[str, float] = {
                "ask": 1.0,
                "partner": wp,
                **dict.fromkeys(OWN_LISTS[req.kind], wo),
            }
            ranked = [o for o, *_ in fuse(lists, weights, exclude=req.org_id, k=100, rrf_k=rrf)]
            rank = ranked.index(req.solver) + 1 if req.solver in ranked else None
            hits[is_tune] += rank is not None and rank <= k
            rr += (1 / rank if rank else 0.0) if is_tune else 0.0
        n_tune = sum(t for t, *_ in cases) or 1
        grid.append((float(wp), float(wo), rrf, hits[True], round(rr / n_tune, 4), hits[False]))
    return sorted(grid, key=lambda g: (-g[3], -g[4], g))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--encoder", type=EncoderKind, default=EncoderKind.E5_SMALL)
    ap.add_argument("--k", type=int, default=5, help="cut-off (default 5)")
    ap.add_argument("--tune", action="store_true", help="rerun the weight grid (tune split)")
    args = ap.parse_args(argv)
    paths = home_paths()
    encoder = open_encoder(args.encoder, models=paths.models, cache=paths.cache, progress=False)
    engine = MatchEngine(
        load_demo_organisations(),
        load_default_taxonomy(),
        encoder,
        sparse_encoder=sparse_encoder_for(encoder),
    ).build()
    with tempfile.TemporaryDirectory() as tmp:
        requests, refs = demo_desk(Path(tmp))
    if args.tune:
        console.print("partner own rrf | tune hits, MRR | held-out hits")
        for wp, wo, rrf, hits, mrr, held in tune(engine, requests, refs, k=args.k)[:15]:
            console.print(f"{wp:7} {wo:4} {rrf:3} | {hits:9} {mrr:.4f} | {held:13}")
        return
    rows = routing_rows(engine, requests, refs)
    for r in rows:
        mark = "✓" if r.rank is not None and r.rank <= args.k else "✗"
        console.print(f"{mark} {r.ref} {r.split:<8} {r.kind:<10} {r.solver:<18} rank {r.rank}")
    for name, (hits, n) in summary(rows, args.k).items():
        share = hits / n if n else 0.0
        console.print(f"{name:<8}: solver in the top {args.k} for {hits}/{n} ({share:.0%})")
    console.print(f"encoder {encoder.model_id}; our own fictional data: a smoke test")


if __name__ == "__main__":
    main()
