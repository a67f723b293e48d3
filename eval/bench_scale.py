"""Benchmark (not a test): the engine on a province-sized generated catalog.

Run: ``python -m eval.bench_scale --orgs 100000 [--encoder hashing|e5-small] [--json]``.
One run measures, on ``eval.scale_catalog``'s catalog of N organisations (seed 0):

- **build**: encode every statement (embedding cache permitting) and index it with the
  default index kind (`IndexKind.AUTO`), beside the raw encode of the distinct texts in
  the same run (``build_over_encode``); the chain knowledge fit (first query) apart;
- **RSS**: the process's peak resident memory once the default engine is built and fitted
  (before the exact reference is built);
- **latency** of find_partners (suppliers), find_substitutes and ask (a need of another
  organisation as the question) on one FAISS thread, as the service runs: p50 and p99 over
  the query set, each the median of ``--repeats`` runs;
- **recall@10**: the default path's final top-10 (after the ranker) against the exact
  path's (FAISS flat, every signal over the whole catalog) on the same queries. A flat
  engine holds every statement's vector (≈ 23 GB at 10⁶ organisations), so past
  ``--flat-reference-max`` organisations (default 200,000) the reference is the default
  engine itself with every list of its statement indexes probed (``"reference":
  "every-list"``): the statement search exact, the fitted knowledge shared. The IVF
  statement search is the only lossy step measured at 10⁵ (peers, need inference and
  coverage alone each kept 1.000 against an exhaustive reference), and there flat and
  every-list agree on the whole top-10.

With ``--json`` it prints one object: ``{"orgs", "vectors", "index", "build_s", "rss_gb",
"find_partners": {"p50_ms", "p99_ms"}, "find_substitutes": {…}, "ask": {…},
"recall_at_10": …}`` plus the details (``fit_s``, ``encode_s``, per-verb recall …).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from rich.console import Console

from catalog.models import Organisation
from catalog.taxonomy import load_default_taxonomy
from embeddings.base import Encoder
from embeddings.choice import EncoderKind, open_encoder, sparse_encoder_for
from eval.home import home_paths
from eval.scale_catalog import ScaleSources, iter_organisations
from matcher.coopmap import cooperation_map
from matcher.distinct import DistinctIndex
from matcher.engine import MatchEngine
from matcher.index import FaissIVFIndex, IndexKind, set_faiss_threads
from matcher.profiles import Space, encode_for
from matcher.types import MatchResult

__all__ = ["main"]

log = logging.getLogger(__name__)
console = Console(highlight=False, soft_wrap=True, stderr=True)
TODAY = dt.date(2026, 6, 1)
FLAT_REFERENCE_MAX = 200_000  # organisations; a flat engine past it needs > 16 GB
Call = Callable[[], MatchResult]


def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # kB on Linux


def _orgs(n: int, seed: int) -> list[Organisation]:
    src = ScaleSources.load()
    return [Organisation.model_validate(r) for r in iter_organisations(src, n, seed=seed)]


def _engine(
    orgs: Sequence[Organisation], encoder: Encoder, kind: IndexKind, *, exact: bool
) -> MatchEngine:
    return MatchEngine(
        orgs,
        load_default_taxonomy(),
        encoder,
        index_kind=kind,
        today=TODAY,
        sparse_encoder=sparse_encoder_for(encoder),
        approximate=not exact,
    )


def _percentiles(xs: list[float]) -> tuple[float, float]:
    ms = np.asarray(xs) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def _timed(calls: Sequence[Call], repeats: int) -> tuple[dict[str, float], list[list[str]]]:
    runs: list[tuple[float, float]] = []
    tops: list[list[str]] = []
    for rep in range(repeats):
        lat = []
        for call in calls:
            t = time.perf_counter()
            res = call()
            lat.append(time.perf_counter() - t)
            if rep == 0:
                tops.append([m.org_id for m in res.matches])
        runs.append(_percentiles(lat))
    p50 = statistics.median(r[0] for r in runs)
    p99 = statistics.median(r[1] for r in runs)
    return {"p50_ms": round(p50, 2), "p99_ms": round(p99, 2)}, tops


def _map(engine: MatchEngine) -> dict[str, Any]:
    """The cooperation map of one segment in one park (the first with 50–600 members):
    each member's suppliers among the members, so its cost is members × one query."""
    groups: dict[tuple[str, str], int] = {}
    for o in engine.orgs:
        if o.chains and o.region.park:
            key = (o.chains[0].segment, o.region.park)
            groups[key] = groups.get(key, 0) + 1
    fits = sorted(k for k, v in groups.items() if 50 <= v <= 600)
    if not fits:
        return {}
    segment, park = fits[0]
    t = time.perf_counter()
    cmap = cooperation_map(engine, segment=segment, region=park, max_nodes=600)
    return {"map_nodes": len(cmap.nodes), "map_s": round(time.perf_counter() - t, 2)}


def _recall(got: list[list[str]], want: list[list[str]]) -> float:
    hits = [len(set(g) & set(w)) / len(w) for g, w in zip(got, want, strict=True) if w]
    return round(float(np.mean(hits)), 4) if hits else 1.0


def _verbs(engine: MatchEngine, picks: dict[str, list[str]]) -> dict[str, list[Call]]:
    def partners(o: str) -> Call:
        return lambda: engine.find_partners(o, k=10)

    def substitutes(o: str) -> Call:
        return lambda: engine.find_substitutes(o, k=10)

    def ask(q: str) -> Call:
        return lambda: engine.ask(q, k=10)

    return {
        "find_partners": [partners(o) for o in picks["partners"]],
        "find_substitutes": [substitutes(o) for o in picks["substitutes"]],
        "ask": [ask(q) for q in picks["ask"]],
    }


def _probe_every_list(engine: MatchEngine) -> int:
    """Make every IVF statement index of ``engine`` probe all its lists (an exhaustive
    search over the same vectors); returns how many indexes it changed."""
    changed = 0
    for index in [*engine.indexes.values(), engine.vectors.plain_]:
        inner = index.inner if isinstance(index, DistinctIndex) else index
        if isinstance(inner, FaissIVFIndex):
            inner.probe_share, changed = 1.0, changed + 1
    return changed


def run(
    n: int,
    encoder_kind: EncoderKind,
    queries: int,
    repeats: int,
    seed: int,
    flat_max: int = FLAT_REFERENCE_MAX,
) -> dict[str, Any]:
    set_faiss_threads(1)  # as the service runs: one OpenMP thread per worker
    paths = home_paths()
    encoder = open_encoder(encoder_kind, models=paths.models, cache=paths.cache, progress=False)
    t = time.perf_counter()
    orgs = _orgs(n, seed)
    generate_s = time.perf_counter() - t
    rng = random.Random(seed)
    sample = rng.sample(range(n), min(queries, n))
    picks = {
        "partners": [orgs[i].id for i in sample if orgs[i].needs],
        "substitutes": [orgs[i].id for i in sample if orgs[i].offers or orgs[i].products],
        "ask": [orgs[(i * 7919) % n].needs[0] for i in sample if orgs[(i * 7919) % n].needs],
    }
    engine = _engine(orgs, encoder, IndexKind.AUTO, exact=False)
    t = time.perf_counter()
    engine.build()
    build_s = time.perf_counter() - t
    texts = {
        s: list(dict.fromkeys(engine.table.texts[int(r)] for r in engine.vectors.rows(s)))
        for s in Space
    }
    t = time.perf_counter()
    for space, ts in texts.items():
        encode_for(encoder.inner, space, ts)
    encode_s = time.perf_counter() - t
    t = time.perf_counter()
    engine.learned()
    fit_s = time.perf_counter() - t
    kinds = sorted({type(ix).__name__ for ix in engine.indexes.values()})
    out: dict[str, Any] = {
        "orgs": n,
        "vectors": int(sum(len(ix) for ix in engine.indexes.values()))
        + (len(engine.vectors.plain_) if engine.vectors.plain_ is not None else 0),
        "index": "+".join(kinds),
        "build_s": round(build_s, 1),
        "rss_gb": 0.0,
        "encoder": encoder.model_id,
        "generate_s": round(generate_s, 1),
        "encode_s": round(encode_s, 1),
        "build_over_encode": round(build_s / max(encode_s, 1e-9), 2),
        "fit_s": round(fit_s, 1),
        "queries": {k: len(v) for k, v in picks.items()},
    }
    verbs = _verbs(engine, picks)
    for call in [c for cs in verbs.values() for c in cs[:3]]:
        call()  # warm-up: lazily built state (peers, lexical index) is not a query's cost
    tops: dict[str, list[list[str]]] = {}
    for name, calls in verbs.items():
        out[name], tops[name] = _timed(calls, repeats)
    out["rss_gb"] = round(_rss_gb(), 2)
    out.update(_map(engine))
    if n <= flat_max:
        del engine  # the flat engine needs the memory
        reference = _engine(orgs, encoder, IndexKind.FAISS_FLAT, exact=True).build()
        out["reference"] = "flat"
    else:
        reference, out["reference"] = engine, "every-list"
        out["every_list_indexes"] = _probe_every_list(engine)
    ref_verbs = _verbs(reference, picks)
    recalls = {}
    for name, calls in ref_verbs.items():
        want = [[m.org_id for m in call().matches] for call in calls]
        recalls[name] = _recall(tops[name], want)
    out["recall_at_10"] = recalls["find_partners"]
    out["recall_by_verb"] = recalls
    encoder.cache.close()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_scale", description=__doc__)
    ap.add_argument("--orgs", type=int, required=True, help="organisations to generate")
    ap.add_argument(
        "--encoder",
        type=EncoderKind,
        default=EncoderKind.HASHING,
        choices=list(EncoderKind),
        help="embedding model (default hashing: no model, fast)",
    )
    ap.add_argument("--queries", type=int, default=100, help="queries per verb (default 100)")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs (median; default 3)")
    ap.add_argument("--seed", type=int, default=0, help="catalog seed (default 0)")
    ap.add_argument(
        "--flat-reference-max",
        type=int,
        default=FLAT_REFERENCE_MAX,
        help="largest catalog whose recall reference is a flat engine; past it, the "
        f"engine itself with every list probed (default {FLAT_REFERENCE_MAX:,})",
    )
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if args.orgs < 10:
        console.print("[red]error:[/red] --orgs must be at least 10")
        return 2
    out = run(
        args.orgs, args.encoder, args.queries, args.repeats, args.seed, args.flat_reference_max
    )
    if args.json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return 0
    for key, value in out.items():
        console.print(f"{key:<18} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
