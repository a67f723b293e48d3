"""Batch jobs (`matcher.batch`, `eval.batch`, `chainmatch batch`): rows equal the engine's
own verbs, Parquet schemas are fixed, Ray local writes the same bytes as in-process, and bad
requests fail before anything is written.

The catalog is the demo park's new-energy-vehicle chain plus ten services and one company
stating no needs (68 organisations), with the hashing encoder: Ray starts once per module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from catalog.demo import load_demo_organisations
from catalog.errors import ConflictError, InvalidInputError
from catalog.paths import Paths
from eval.batch import EngineRecipe, RayTarget, comparable, run_batch
from eval.batch_io import MANIFEST, PAIRS_FILE, SCHEMAS, SKIPPED_FILE, read_rows, sha256
from matcher import listmajor
from matcher.batch import BatchJob, BatchSpec, chunk_ids, run_chunk
from matcher.coopmap import cooperation_map
from matcher.engine import MatchEngine
from matcher.events.pairs import score_pairs
from matcher.index import IndexKind
from matcher.knowledge import ChainKnowledge
from matcher.types import Direction, Filters
from service.cli import app
from service.workspace import EncoderKind, Workspace

TODAY = dt.date(2026, 11, 21)
QUIET = "demo-quiet-0001"  # states offers but no needs


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """A small catalog with its index saved, as `chainmatch batch` leaves it for workers."""
    orgs = load_demo_organisations()
    keep = [o for o in orgs if any(p.chain == "nev" for p in o.chains)]
    keep += [o for o in orgs if o.chains and o.chains[0].chain == "svc"][:10]
    quiet = keep[0].model_copy(update={"id": QUIET, "name": "静默样例 Quiet Demo", "needs": ()})
    paths = Paths(tmp_path_factory.mktemp("batch-home"), tmp_path_factory.mktemp("models"))
    with Workspace(paths, encoder_kind=EncoderKind.HASHING, today=TODAY, progress=False) as ws:
        ws.store.upsert([*keep, quiet])
        ws.engine()  # builds and saves the index
    return paths


@pytest.fixture(scope="module")
def recipe(home: Paths) -> EngineRecipe:
    return EngineRecipe.for_paths(home, EncoderKind.HASHING, today=TODAY)


@pytest.fixture(scope="module")
def engine(recipe: EngineRecipe) -> MatchEngine:
    return recipe.build()


@pytest.fixture(scope="module")
def partners_run(
    recipe: EngineRecipe, engine: MatchEngine, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, object]]:
    out = tmp_path_factory.mktemp("partners") / "out"
    spec = BatchSpec(BatchJob.PARTNERS, k=5)
    return out, run_batch(recipe, spec, out, chunk=16, engine=engine)


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    """One local Ray instance of 2 CPUs for the module; skipped when Ray is not installed."""
    ray = pytest.importorskip("ray", reason="ray[data] not installed: pip install '.[batch]'")
    pytest.importorskip("ray.data", reason="ray[data] not installed: pip install '.[batch]'")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield
    ray.shutdown()


def _assert_own_matches(rows: list[dict[str, Any]], engine: MatchEngine, every: int) -> None:
    """Every ``every``-th organisation's rows are its own find_partners matches (k = 5)."""
    by_org: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_org.setdefault(str(r["org_id"]), []).append(r)
    for org_id in sorted(by_org)[::every]:
        direct = engine.find_partners(org_id, direction=Direction.SUPPLIERS, k=5).matches
        got = by_org[org_id]
        assert [r["candidate_id"] for r in got] == [m.org_id for m in direct]
        assert [r["score"] for r in got] == [m.score for m in direct]
        assert [r["parts"] for r in got] == [m.parts for m in direct]
        assert [r["explanation"] for r in got] == [m.explanation for m in direct]
        assert [r["relation"] for r in got] == [m.relation.value for m in direct]


def test_partner_rows_are_the_engines_own_matches(
    partners_run: tuple[Path, dict[str, object]], engine: MatchEngine
) -> None:
    out, manifest = partners_run
    rows = [r for f in sorted(out.glob("part-*.parquet")) for r in read_rows(f)]
    assert manifest["orgs"] == 68 and manifest["skipped"] == 1
    assert manifest["rows"] == len(rows) == 67 * 5
    assert [(r["org_id"], r["rank"]) for r in rows] == sorted(
        (r["org_id"], r["rank"]) for r in rows
    )
    _assert_own_matches(rows, engine, every=9)
    skipped = read_rows(out / SKIPPED_FILE)
    assert skipped == [
        {
            "org_id": QUIET,
            "reason": f"organisation {QUIET!r} states no needs, so it has no suppliers to "
            "find; try direction 'customers'",
        }
    ]


def test_files_have_the_fixed_schema_and_the_manifest_their_digests(
    partners_run: tuple[Path, dict[str, object]],
) -> None:
    out, manifest = partners_run
    files = manifest["files"]
    assert isinstance(files, list) and [f["file"] for f in files] == [
        f"part-{i:05d}.parquet" for i in range(5)
    ]  # 68 organisations in chunks of 16
    assert [f["orgs"] for f in files] == [16, 16, 16, 16, 4]
    for f in files:
        path = out / f["file"]
        assert pq.read_schema(path).equals(SCHEMAS[BatchJob.PARTNERS])
        assert f["sha256"] == sha256(path.read_bytes())
        assert f["rows"] == pq.read_metadata(path).num_rows
    on_disk = json.loads((out / MANIFEST).read_text())
    assert on_disk == manifest and on_disk["executor"] == "in-process"
    assert on_disk["spec"] == {"job": "partners", "k": 5, "direction": "suppliers", "members": None}


def test_ray_local_writes_the_same_bytes_as_in_process(
    ray_session: None,
    recipe: EngineRecipe,
    partners_run: tuple[Path, dict[str, object]],
    tmp_path: Path,
) -> None:
    ref_out, ref = partners_run
    got = run_batch(
        recipe, BatchSpec(BatchJob.PARTNERS, k=5), tmp_path / "ray", chunk=16, ray=RayTarget()
    )
    assert got["executor"] == "ray local"
    assert comparable(got) == comparable(ref)
    for f in ref["files"]:  # type: ignore[attr-defined]
        assert (tmp_path / "ray" / f["file"]).read_bytes() == (ref_out / f["file"]).read_bytes()


def test_ray_local_equals_in_process_on_an_ivf_engine(
    ray_session: None, recipe: EngineRecipe, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An IVF engine shares each chunk's statement search (`find_partners_many`), and a
    chunk of 40 organisations asks enough queries for the list-by-list search
    (`matcher.listmajor`): Ray's actors still write the in-process bytes, and each row is
    the organisation's own `find_partners` match."""
    ivf = dataclasses.replace(recipe, index=tmp_path / "ivf-index", index_kind=IndexKind.FAISS_IVF)
    engine = ivf.build(save=True)
    assert engine.is_approximate()
    used: list[int] = []
    real = listmajor.list_major_search

    def counted(*args: Any) -> tuple[Any, Any]:
        used.append(len(args[1]))
        return real(*args)

    monkeypatch.setattr(listmajor, "list_major_search", counted)
    spec = BatchSpec(BatchJob.PARTNERS, k=5)
    ref = run_batch(ivf, spec, tmp_path / "local", chunk=40, engine=engine)
    assert used and min(used) >= listmajor.MIN_QUERIES
    on_ray = run_batch(ivf, spec, tmp_path / "ray", chunk=40, ray=RayTarget())
    assert comparable(on_ray) == comparable(ref)
    assert on_ray["rows"] == ref["rows"] > 0
    rows = [r for f in sorted((tmp_path / "ray").glob("part-*.parquet")) for r in read_rows(f)]
    assert len({r["org_id"] for r in rows}) == 67
    _assert_own_matches(rows, engine, every=5)


def test_a_ray_driver_fits_once_for_its_actors(
    recipe: EngineRecipe, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a saved fit the driver fits and saves one; then it does not fit again, and an
    actor's engine reads that fit instead of fitting."""
    index = tmp_path / "index"
    shutil.copytree(recipe.index, index)
    for f in index.glob("knowledge*"):
        f.unlink()
    mine = dataclasses.replace(recipe, index=index)
    assert mine.ensure_fit() is True
    assert (index / "knowledge.json").exists()

    def refit(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("fitted although a fit was saved")

    monkeypatch.setattr(ChainKnowledge, "fit", refit)
    assert mine.ensure_fit() is False
    worker = mine.build()
    assert worker.learned().inference.products_  # read from the saved fit


def test_pairs_on_ray_equal_the_event_planners_scores(
    ray_session: None, recipe: EngineRecipe, engine: MatchEngine, tmp_path: Path
) -> None:
    members = Filters(segment="nev.battery-pack")
    spec = BatchSpec(BatchJob.PAIRS, k=100, members=members)  # k past the pool: every pair
    ray_m = run_batch(recipe, spec, tmp_path / "ray", chunk=4, ray=RayTarget())
    local = run_batch(recipe, spec, tmp_path / "local", chunk=4, engine=engine)
    assert comparable(ray_m) == comparable(local)
    ids = sorted(o.id for o in engine.orgs if members.admits(o, TODAY))
    assert ray_m["orgs"] == len(ids) >= 4
    want = sorted(score_pairs(engine, ids), key=lambda p: (p.a, p.b))
    got = read_rows(tmp_path / "ray" / PAIRS_FILE)
    assert [(r["a"], r["b"]) for r in got] == [(p.a, p.b) for p in want]
    assert [r["score"] for r in got] == [p.score for p in want]
    assert [r["relation"] for r in got] == [p.relation for p in want]
    assert [[lk["need"] for lk in r["links"]] for r in got] == [
        [lk.need for lk in p.links] for p in want
    ]
    pairs = ray_m["pairs"]
    assert isinstance(pairs, dict) and pairs["rows"] == len(want) == len(ids) * (len(ids) - 1) // 2
    assert sum(r["score"] > 0 for r in got) >= 1


def test_map_edges_equal_the_cooperation_map(
    recipe: EngineRecipe, engine: MatchEngine, tmp_path: Path
) -> None:
    spec = BatchSpec(BatchJob.MAP, k=3, members=Filters(chain="nev"))
    manifest = run_batch(recipe, spec, tmp_path, chunk=10, engine=engine)
    rows = [r for f in sorted(tmp_path.glob("part-*.parquet")) for r in read_rows(f)]
    cmap = cooperation_map(engine, chain="nev", per_org=3)
    want = sorted((e.target, e.source, e.score, e.evidence, e.exploratory) for e in cmap.edges)
    assert (
        sorted(
            (r["target"], r["source"], r["score"], r["evidence"], r["exploratory"]) for r in rows
        )
        == want
    )
    assert manifest["orgs"] == len(cmap.nodes) and manifest["rows"] == len(want)


def test_substitute_chunk_equals_find_substitutes(engine: MatchEngine) -> None:
    ids = sorted(o.id for o in engine.orgs)[:3]
    got = run_chunk(engine, BatchSpec(BatchJob.SUBSTITUTES, k=4), ids)
    assert got.skipped == []
    for org_id in ids:
        want = engine.find_substitutes(org_id, k=4).matches
        mine = [r for r in got.rows if r["org_id"] == org_id]
        assert [(r["rank"], r["candidate_id"], r["score"]) for r in mine] == [
            (i, m.org_id, m.score) for i, m in enumerate(want, 1)
        ]


def test_bad_requests_fail_before_anything_is_written(
    recipe: EngineRecipe, engine: MatchEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ConflictError, match=r"is not empty \(notes.txt\); .*--overwrite"):
        run_batch(recipe, BatchSpec(BatchJob.PARTNERS, k=2), tmp_path, engine=engine)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    with pytest.raises(InvalidInputError, match="member filters apply to the map and pairs"):
        BatchSpec(BatchJob.PARTNERS, members=Filters(chain="nev"))
    with pytest.raises(InvalidInputError, match="chunk must be at least 1, got 0"):
        chunk_ids(["a"], 0)
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    with pytest.raises(
        InvalidInputError, match=r"not installed: pip install 'chainmatch\[batch\]'"
    ):
        run_batch(recipe, BatchSpec(BatchJob.PARTNERS), tmp_path / "new", ray=RayTarget())
    assert not (tmp_path / "new").exists()


def test_overwrite_replaces_only_batch_files(
    recipe: EngineRecipe, engine: MatchEngine, tmp_path: Path
) -> None:
    spec = BatchSpec(BatchJob.SUBSTITUTES, k=2)
    first = run_batch(recipe, spec, tmp_path, chunk=40, engine=engine)
    (tmp_path / "notes.txt").write_text("mine")
    again = run_batch(recipe, spec, tmp_path, chunk=100, engine=engine, overwrite=True)
    assert first["sha256"] != again["sha256"]  # other chunking, other files
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [MANIFEST, "notes.txt", "part-00000.parquet", SKIPPED_FILE]


def test_cli_batch_json_summary_and_errors(home: Paths, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--home", str(home.home), "--encoder", "hashing", "batch"]
    res = runner.invoke(app, [*base, "substitutes", "--out", str(tmp_path / "o"), "--k", "3",
                              "--chunk", "30", "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    manifest = json.loads((tmp_path / "o" / MANIFEST).read_text())
    assert summary == {
        "job": "substitutes",
        "out": str(tmp_path / "o"),
        "orgs": 68,
        "rows": 68 * 3,
        "skipped": 0,
        "files": 3,
        "sha256": manifest["sha256"],
        "executor": "in-process",
        "seconds": manifest["seconds"],
    }
    res = runner.invoke(app, [*base, "substitutes", "--out", str(tmp_path / "o")])
    assert res.exit_code == 4 and "is not empty" in res.stderr and "--overwrite" in res.stderr
    res = runner.invoke(
        app,
        [
            *base,
            "partners",
            "--out",
            str(tmp_path / "p"),
            "--ray-local",
            "--ray-address",
            "ray://x:1",
        ],  # fmt: skip
    )
    assert res.exit_code == 2
    assert "give --ray-address or --ray-local, not both" in res.stderr
    res = runner.invoke(app, [*base, "map", "--out", str(tmp_path / "m"), "--chain", "nope"])
    assert res.exit_code == 2 and "chain: unknown chain 'nope'" in res.stderr
    assert not (tmp_path / "p").exists() and not (tmp_path / "m").exists()
