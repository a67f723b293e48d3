"""The chain knowledge saved beside the index (`matcher.knowledge_io`): read back, it answers
bit for bit as the fit it came from, without fitting; any other catalog, index or a damaged
file makes the engine fit as before and say why; a generation's stale fit is never saved.

A generated catalog of 200 organisations with the hashing encoder, an approximate engine
(IVF statements, IVF peers, IVF need inference) and an exact one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import matcher.engine
from catalog.models import Organisation
from catalog.paths import Paths
from catalog.taxonomy import load_default_taxonomy
from embeddings.hashing import HashingEncoder
from eval.batch import EngineRecipe
from eval.scale_catalog import ScaleSources, iter_organisations
from matcher.engine import MatchEngine
from matcher.fitstate import FitState
from matcher.generation import CatalogChange, next_generation
from matcher.index import IndexKind
from matcher.knowledge import ChainKnowledge
from matcher.knowledge_io import MANIFEST
from matcher.stale import StaleKnowledge
from matcher.types import Direction
from matcher.upkeep import refit
from service.api.state import EngineHolder
from service.workspace import EncoderKind, Workspace

TODAY = dt.date(2026, 6, 1)
KINDS = {"approximate": (IndexKind.FAISS_IVF, True), "exact": (IndexKind.EXACT, False)}


@pytest.fixture(scope="module")
def orgs() -> list[Organisation]:
    src = ScaleSources.load(use_ashare=False)
    return [Organisation.model_validate(r) for r in iter_organisations(src, 200, seed=3)]


@pytest.fixture(autouse=True)
def ivf_peers(monkeypatch: pytest.MonkeyPatch) -> None:
    """An approximate engine finds peers by IVF from 100 organisations on (not 20,000)."""
    monkeypatch.setattr(matcher.engine, "APPROXIMATE_PEERS", 100)


def _engine(orgs: list[Organisation], kind: str) -> MatchEngine:
    index_kind, approximate = KINDS[kind]
    return MatchEngine(
        orgs,
        load_default_taxonomy(),
        HashingEncoder(dim=64),
        index_kind=index_kind,
        today=TODAY,
        approximate=approximate,
    )


def _no_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> ChainKnowledge:
        raise AssertionError("ChainKnowledge.fit was called")

    monkeypatch.setattr(ChainKnowledge, "fit", refuse)


def _counting_fits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = ChainKnowledge.fit

    def counted(*args: Any, **kwargs: Any) -> ChainKnowledge:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(ChainKnowledge, "fit", counted)
    return calls


def _answers(engine: MatchEngine, ids: list[str]) -> list[dict[str, Any]]:
    """Every match of several searches, with scores, score parts and explanations."""
    out = []
    for org_id in ids:
        for direction in (Direction.SUPPLIERS, Direction.MUTUAL):
            out.append(engine.find_partners(org_id, direction=direction, k=10).to_dict())
        out.append(engine.find_substitutes(org_id, k=10).to_dict())
    many = engine.find_partners_many(ids, k=10)
    out.extend(r.to_dict() if not isinstance(r, Exception) else {"error": str(r)} for r in many)
    return out


def _queries(orgs: list[Organisation]) -> list[str]:
    return [o.id for o in orgs[::17] if o.needs and o.offers]


def _same_state(a: FitState, b: FitState) -> None:
    assert a.settings == b.settings and a.scalars == b.scalars and a.texts == b.texts
    assert sorted(a.arrays) == sorted(b.arrays)
    for name, value in a.arrays.items():
        assert b.arrays[name].dtype == value.dtype, name
        assert np.array_equal(b.arrays[name], value), name
    assert (a.ivf is None) == (b.ivf is None)
    if a.ivf is not None and b.ivf is not None:
        assert a.ivf.lists == b.ivf.lists and np.array_equal(a.ivf.ids(), b.ivf.ids())


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_saved_fit_answers_bit_for_bit_without_fitting(
    orgs: list[Organisation], kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fitted = _engine(orgs, kind).build()
    ids = _queries(orgs)
    want = _answers(fitted, ids)
    fitted.save(tmp_path)
    assert (tmp_path / MANIFEST).exists()
    _no_fit(monkeypatch)
    loaded = _engine(orgs, kind)
    assert loaded.load(tmp_path) == {"added": 0, "removed": 0}
    a, b = fitted.learned(), loaded.learned()
    assert type(b) is ChainKnowledge
    for part in ("signals", "inference", "supply"):
        _same_state(getattr(a, part).state(), getattr(b, part).state())
    # the live references are the new engine's; the caches start empty, as after a fit
    assert b.supply.index is loaded.vectors and b.inference.encoder is loaded.encoder
    assert b.signals.lexical_ is None and b.inference._co_cache == {}
    assert b.supply._need_hub == {}
    assert b.inference.graph.inputs == a.inference.graph.inputs
    assert (b.signals.peer_index_ is not None) is (kind == "approximate")
    assert (b.inference.index_ is not None) is (kind == "approximate")
    assert b.supply.on_candidates is (kind == "approximate")
    assert _answers(loaded, ids) == want


def test_an_edited_catalog_refits_and_says_why(
    orgs: list[Organisation],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = _engine(orgs, "approximate").build()
    first.learned()
    first.save(tmp_path)
    at = next(i for i, o in enumerate(orgs) if len(o.needs) > 1)
    edited = list(orgs)
    edited[at] = orgs[at].model_copy(update={"needs": (orgs[at].needs[1], orgs[at].needs[0])})
    fresh = _engine(edited, "approximate").build()
    fresh.learned()
    fits = _counting_fits(monkeypatch)
    engine = _engine(edited, "approximate")
    engine.load(tmp_path)
    with caplog.at_level(logging.INFO, logger="matcher.knowledge_io"):
        knowledge = engine.learned()
    assert fits == [1]
    assert "does not fit this catalog (catalog)" in caplog.text
    ids = [edited[at].id, *_queries(edited)[:3]]
    assert _answers(engine, ids) == _answers(fresh, ids)
    assert knowledge.supply.n_orgs == len(edited)
    caplog.clear()
    fewer = _engine(orgs[:-1], "approximate")
    fewer.load(tmp_path)
    with caplog.at_level(logging.INFO, logger="matcher.knowledge_io"):
        fewer.learned()
    assert "orgs: 200 saved, 199 now" in caplog.text
    assert fits == [1, 1]


def test_another_index_refits(
    orgs: list[Organisation], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The exact engine's fit is no approximate engine's, nor the other way round."""
    exact = _engine(orgs, "exact").build()
    exact.learned()
    exact.save(tmp_path)
    other = _engine(orgs, "approximate")
    other.load(tmp_path)  # the exact index is not the approximate one's: built anew
    with caplog.at_level(logging.INFO, logger="matcher.knowledge_io"):
        assert other.learned().signals.peer_index_ is not None
    assert "index" in caplog.text and "approximate_above: None saved, 100 now" in caplog.text


def _damage(folder: Path, how: str) -> None:
    doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    arrays = folder / f"knowledge-{doc['token']}.npz"
    if how == "manifest missing":
        (folder / MANIFEST).unlink()
    elif how == "manifest garbage":
        (folder / MANIFEST).write_text("{not json", encoding="utf-8")
    elif how == "arrays missing":
        arrays.unlink()
    elif how == "arrays truncated":
        arrays.write_bytes(arrays.read_bytes()[:1000])
    elif how == "ivf garbage":
        (folder / f"knowledge-{doc['token']}.signals.ivf").write_bytes(b"\0" * 64)
    elif how == "array dropped":
        with np.load(arrays, allow_pickle=False) as data:
            kept = {k: data[k] for k in data.files if k != "supply:hub"}
        with open(arrays, "wb") as f:
            np.savez(f, **kept)
    elif how == "format":
        doc["format"] = 0
        (folder / MANIFEST).write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ("manifest missing", "no saved chain knowledge"),
        ("manifest garbage", "unreadable"),
        ("arrays missing", "unreadable"),
        ("arrays truncated", "unreadable"),
        ("ivf garbage", "unreadable"),
        ("array dropped", "missing array 'hub'"),
        ("format", "format 0, not 1"),
    ],
)
def test_a_damaged_or_missing_fit_falls_back_to_fitting(
    orgs: list[Organisation],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    how: str,
    said: str,
) -> None:
    fitted = _engine(orgs, "approximate").build()
    ids = _queries(orgs)[:3]
    want = _answers(fitted, ids)
    fitted.save(tmp_path)
    _damage(tmp_path, how)
    fits = _counting_fits(monkeypatch)
    engine = _engine(orgs, "approximate")
    engine.load(tmp_path)
    with caplog.at_level(logging.INFO, logger="matcher.knowledge_io"):
        assert _answers(engine, ids) == want
    assert fits == [1]
    assert said in caplog.text


def test_saved_arrays_load_without_pickle(orgs: list[Organisation], tmp_path: Path) -> None:
    engine = _engine(orgs, "approximate").build()
    engine.learned()
    engine.save(tmp_path)
    doc = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert doc["format"] == 1 and len(doc["fingerprint"]) == 64
    assert doc["key"]["orgs"] == len(orgs) and doc["key"]["approximate_above"] == 100
    with np.load(tmp_path / f"knowledge-{doc['token']}.npz", allow_pickle=False) as data:
        dtypes = {data[name].dtype.kind for name in data.files}
        assert "supply:vectors" in data.files and "signals:suppliers.flat" in data.files
    assert dtypes <= {"f", "i", "b"}  # numbers and flags only: no object arrays
    texts = json.loads((tmp_path / f"knowledge-{doc['token']}.json").read_text("utf-8"))
    assert len(texts["signals"]["documents"]) == len(orgs)


def test_saving_again_keeps_one_fit(
    orgs: list[Organisation], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fit read from a folder is not written back to it; a new fit replaces the old
    files (no stale token left behind)."""
    engine = _engine(orgs, "exact").build()
    engine.learned()
    engine.save(tmp_path)
    before = sorted(p.name for p in tmp_path.glob("knowledge*"))
    loaded = _engine(orgs, "exact")
    loaded.load(tmp_path)
    loaded.learned()
    with monkeypatch.context() as m:
        m.setattr("matcher.knowledge_io.write", _refuse_write)
        loaded.save_knowledge(tmp_path)
    assert sorted(p.name for p in tmp_path.glob("knowledge*")) == before
    engine.learned().saved_ = None  # forget it was written: the next save writes anew
    engine.save(tmp_path)
    after = sorted(p.name for p in tmp_path.glob("knowledge*"))
    assert len(after) == len(before) and after != before


def _refuse_write(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("knowledge_io.write was called")


def test_a_generation_never_saves_a_fit_from_before_a_write(
    orgs: list[Organisation], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write publishes a generation answering with the old fit (`StaleKnowledge`): saved,
    it would answer for the catalog after the write. It is not; a refit of the generation
    is, and a fresh engine over that catalog reads it."""
    base = _engine(orgs[:-1], "exact").build()
    base.learned()
    gen = next_generation(base, CatalogChange(upserts=(orgs[-1],)))
    assert isinstance(gen._learned, StaleKnowledge)
    gen.save(tmp_path)
    assert not (tmp_path / MANIFEST).exists()
    refitted = refit(gen)
    refitted.save(tmp_path)
    ids = [orgs[-1].id, *_queries(orgs)[:3]]
    want = _answers(refitted, ids)
    _no_fit(monkeypatch)
    fresh = _engine(list(refitted.orgs), "exact")
    fresh.load(tmp_path)
    assert _answers(fresh, ids) == want


def test_the_service_saves_its_fit_and_the_next_start_reads_it(
    orgs: list[Organisation], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = Paths(tmp_path / "home", tmp_path / "models")
    with Workspace(paths, encoder_kind=EncoderKind.HASHING, today=TODAY, progress=False) as ws:
        ws.store.upsert(orgs[:80])
        holder = EngineHolder(ws, background=False)
        ids = _queries(orgs[:80])[:3]
        want = _answers(holder.engine, ids)
        holder.close()
    assert (paths.index / MANIFEST).exists()
    _no_fit(monkeypatch)
    with Workspace(paths, encoder_kind=EncoderKind.HASHING, today=TODAY, progress=False) as ws:
        holder = EngineHolder(ws, background=False)
        assert _answers(holder.engine, ids) == want
        holder.close()


def test_batch_workers_read_the_drivers_fit(
    orgs: list[Organisation], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `eval.bench_batch` does: the driver fits and saves; each worker's engine, built
    from the same recipe (as a Ray actor builds it), reads the fit instead of fitting."""
    paths = Paths(tmp_path / "home", tmp_path / "models")
    with Workspace(paths, encoder_kind=EncoderKind.HASHING, today=TODAY, progress=False) as ws:
        ws.store.upsert(orgs[:60])
    recipe = EngineRecipe.for_paths(paths, EncoderKind.HASHING, today=TODAY)
    driver = recipe.build(save=True)
    driver.learned()
    driver.save_knowledge(recipe.index)
    ids = _queries(orgs[:60])[:3]
    want = _answers(driver, ids)
    _no_fit(monkeypatch)
    assert _answers(recipe.build(), ids) == want
