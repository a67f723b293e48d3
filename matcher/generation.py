"""The next engine generation after a catalog write, without rebuilding the engine.

`next_generation` takes a live engine and a `CatalogChange` (organisations written,
organisations removed) and returns a *new* `MatchEngine`; the old one is not touched, so a
reader still searching it sees the catalog as it was, never half of a write. The new one:

- **organisations**: the old list without the changed and removed ones, plus the written
  ones, ordered by id (the store's order, so a full rebuild lists them the same way);
- **statements**: the old table's rows of unchanged organisations (vectorised: no pass
  over every statement in Python except one gather of the texts) plus the written
  organisations' statements; ids are stable hashes, so a statement that survives an
  update keeps its id and its vector;
- **vectors**: every index becomes an `OverlayIndex` over the same frozen base — only the
  statements that appeared are encoded and put in a small exact delta, the ones that
  vanished become tombstones; the sparse vectors of `ask` are gathered and appended;
- **fitted knowledge**: kept from the last fit through a row map (`matcher.stale`: what is
  stale and for how long); the substitute signals (`matcher.peers`) are carried exactly:
  the unchanged rows are gathered, the written ones computed.

`matcher.upkeep` refits the knowledge on a generation and compacts its overlays, in the
background.

Example usage::

    gen = next_generation(engine, CatalogChange(upserts=(new_org,), removed=("demo-x",)))
    gen.find_partners(new_org.id)        # the old engine never heard of new_org
"""

from __future__ import annotations

import copy
import gc
from dataclasses import dataclass

import numpy as np

from catalog.models import Organisation
from embeddings.base import Encoder, l2_normalise
from embeddings.cache import CachedEncoder
from matcher.carried import CarriedRows
from matcher.engine import MatchEngine
from matcher.evidence import EvidenceGate
from matcher.gentable import OrgIds, derive_edit, org_sources, space_change, spliced
from matcher.hybrid import AskEvidence
from matcher.index import I64Array, VectorIndex
from matcher.indexset import StatementIndex
from matcher.language import language_of
from matcher.lookup import CatalogLookup
from matcher.overlay import OverlayIndex
from matcher.peers import PeerSignals, _groups, effective_products, profile_vectors
from matcher.profiles import Space, StatementTable, profile_texts
from matcher.rowmap import RowMap
from matcher.sparserows import stacked
from matcher.sparseset import SparseStatements
from matcher.stale import Fitted, StaleKnowledge, StaleLexical
from matcher.tableedit import TableEdit

__all__ = ["CatalogChange", "attach", "carry", "fitted_of", "next_generation", "pending"]


# What a generation replaces; the rest of the engine's attributes are settings it shares.
_PER_CATALOG = {"orgs", "_row", "table", "vectors", "lookup", "evidence", "hybrid", "_saved_fit"}
_FITTED = {"_learned", "_peers"}
_SETTINGS = {
    "approximate", "taxonomy", "encoder", "ranker", "index_kind", "today",
    "hits_per_statement", "aggregation", "substitute_aggregation", "diversity",
    "product_graph", "inferred_needs",
}  # fmt: skip


@dataclass(frozen=True)
class CatalogChange:
    """Organisations written (created or updated) and ids removed, applied together."""

    upserts: tuple[Organisation, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.upserts or self.removed)


def _check_attributes(engine: MatchEngine) -> None:
    unknown = set(vars(engine)) - _PER_CATALOG - _FITTED - _SETTINGS
    if unknown:  # a new per-catalog structure would be shared by mistake: refuse
        raise RuntimeError(f"next_generation does not know engine attribute(s) {unknown}")


def fitted_of(engine: MatchEngine) -> Fitted:
    """The catalog-wide fits an engine answers with: an older catalog's (carried through a
    row map, `matcher.stale`) or its own (possibly none yet: fitted on first use)."""
    ask = engine.hybrid
    if isinstance(ask, _StaleAsk) and ask.fitted.row is not engine._row:
        return ask.fitted
    own = {k: v for k, v in ask._lexical.items() if not isinstance(v, StaleLexical)}
    return Fitted(engine._learned, own, engine._row, ask.documents)


class _StaleAsk(AskEvidence):
    """`AskEvidence` of a generation, remembering the fits it carries (`fitted_of`)."""

    fitted: Fitted


def pending(engine: MatchEngine) -> int:
    """Delta vectors plus tombstones over all of the engine's overlays (0: compact)."""
    indexes = [*engine.vectors.indexes.values(), engine.vectors.plain_]
    return sum(ix.pending() for ix in indexes if isinstance(ix, OverlayIndex))


def _overlay(index: VectorIndex) -> OverlayIndex:
    return index if isinstance(index, OverlayIndex) else OverlayIndex(index)


def _next_vectors(old: StatementIndex, edit: TableEdit) -> StatementIndex:
    table = edit.table
    new = StatementIndex(table, old.encoder, index_kind=old.index_kind, centering=0.0)
    new.centering = old.centering  # frozen means: old and new vectors agree
    changes = {space: space_change(old.table, edit, space) for space in Space}
    _encode_together(old.encoder, table, changes)
    for space in Space:
        gone, came = changes[space]
        texts = [table.texts[int(r)] for r in came]
        ids = table.ids[came]
        raw = old.encode_plain(space, texts) if len(texts) else None
        vecs = old.centering.transform(space.value, texts, raw) if raw is not None else None
        empty = np.zeros((0, old.encoder.dim), np.float32)
        new.indexes[space] = _overlay(old.indexes[space]).changed(
            remove=gone, ids=ids, vectors=empty if vecs is None else vecs
        )
        if space is Space.OFFERS and old.plain_ is not None:
            new.plain_ = _overlay(old.plain_).changed(
                remove=gone, ids=ids, vectors=empty if raw is None else raw
            )
    if old.sparse is not None:
        new.sparse = _next_sparse(old.sparse, edit)
    return new


def _encode_together(
    encoder: Encoder, table: StatementTable, changes: dict[Space, tuple[I64Array, I64Array]]
) -> None:
    """Every space's new statements in one model call, into the embedding cache the
    per-space reads below then hit: a write's three calls of a few texts cost about three
    times one call of them all (`CachedEncoder.encode_mixed`)."""
    if isinstance(encoder, CachedEncoder):
        items = [(s.prefix, table.texts[int(r)]) for s, (_, came) in changes.items() for r in came]
        if items:
            encoder.encode_mixed(items)


def _next_sparse(old: SparseStatements, edit: TableEdit) -> SparseStatements:
    """The sparse rows of the new table: the kept rows of the old matrices (shared, not
    copied: `matcher.sparserows`), then the written statements' rows, encoded now."""
    table = edit.table
    new = SparseStatements(table, old.encoder, old.spaces)
    if not old:
        return new
    for space in old.spaces:
        keep, mapped = edit.moved(old.rows_[space])
        fresh = edit.came[table._masks[space.holds_needs][edit.came]]
        enc = old.encode([table.texts[int(r)] for r in fresh]) if len(fresh) else None
        new.matrices_[space] = stacked(old.matrices_[space], keep, enc)
        new.rows_[space] = np.concatenate([mapped, fresh]).astype(np.int64, copy=False)
    return new


# ------------------------------------------------------------------- organisations
def next_generation(engine: MatchEngine, change: CatalogChange) -> MatchEngine:
    """A new engine for the catalog after ``change``; ``engine`` is left as it was.

    The cyclic garbage collector is paused meanwhile: the new lists and dicts (one entry
    per organisation or statement) would otherwise trigger full collections over the whole
    catalog's objects — most of the time at 10⁴ organisations (0.5 s of 1.5 s, profiled).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _next_generation(engine, change)
    finally:
        if enabled:
            gc.enable()


def _next_generation(engine: MatchEngine, change: CatalogChange) -> MatchEngine:
    _check_attributes(engine)
    if not engine.vectors:
        raise ValueError("the engine has no index yet; build() or load() it first")
    written = {o.id: o for o in change.upserts}
    old_row = engine._row if isinstance(engine._row, RowMap) else RowMap.of(engine._row)
    keep_old = np.ones(len(engine.orgs), dtype=bool)
    keep_old[[old_row[i] for i in {*change.removed, *written} if i in old_row]] = False
    new_ids = sorted(written)
    ids = OrgIds(engine.orgs)  # ids in row order, read where needed
    src = org_sources(ids, keep_old, new_ids, old_row.ids_sorted)  # new row -> old row
    orgs = spliced(engine.orgs, src, [written[i] for i in new_ids])
    inv = np.full(len(engine.orgs), -1, dtype=np.int64)
    inv[src[src >= 0]] = np.flatnonzero(src >= 0)
    came = dict(zip(new_ids, np.flatnonzero(src < 0).tolist(), strict=True))
    if old_row.ids_sorted:  # rows keep their order: carry the map (`matcher.rowmap`)
        row = old_row.moved(inv, came, len(orgs))
    else:
        row = RowMap.of(o.id for o in orgs)
    ups = list(written.values())
    fresh = StatementTable.from_orgs(ups)
    fresh_rows = np.asarray([row[o.id] for o in ups], dtype=np.int64)
    edit = derive_edit(engine.table, keep_old, inv, fresh, fresh_rows)
    new = copy.copy(engine)
    new.orgs, new._row, new.table = orgs, row, edit.table
    new._saved_fit = None  # a saved fit is another catalog's
    new.vectors = _next_vectors(engine.vectors, edit)
    attach(new, engine.lookup, engine.evidence)
    new.hybrid = _next_ask(engine.hybrid, new, src, edit)
    new._peers = _next_peers(engine._peers, new, src) if engine._peers is not None else None
    fitted = fitted_of(engine)
    carry(new, fitted, _fresh_docs(engine, inv, src), _fit_rows(engine, fitted, new, src))
    return new


def _fit_rows(
    engine: MatchEngine, fitted: Fitted, new: MatchEngine, src: I64Array
) -> I64Array | None:
    """Each new row's row in the fitted catalog (`Fitted.source_rows`), composed from the
    previous generation's map instead of a dict look-up per organisation (None: unknown)."""
    before: I64Array | None = None
    if fitted.row is engine._row:
        before = np.arange(len(engine.orgs), dtype=np.int64)
    elif isinstance(engine._learned, StaleKnowledge):
        before = engine._learned.src
    else:
        stale = [v for v in engine.hybrid._lexical.values() if isinstance(v, StaleLexical)]
        before = stale[0].src if stale else None
    if before is None or len(before) != len(engine.orgs):
        return None
    out = np.where(src >= 0, before[np.maximum(src, 0)], -1).astype(np.int64)
    for r in np.flatnonzero(src < 0).tolist():  # a changed organisation keeps its old row
        out[r] = fitted.row.get(new.orgs[r].id, -1)
    return out


def _fresh_docs(engine: MatchEngine, inv: I64Array, src: I64Array) -> I64Array:
    """Rows whose BM25 document the carried fit never saw: the previous generation's such
    rows, moved, plus the ones written now (no pass over the catalog)."""
    stale = [v for v in engine.hybrid._lexical.values() if isinstance(v, StaleLexical)]
    before = inv[stale[0].fresh] if stale else np.zeros(0, np.int64)
    return np.union1d(before[before >= 0], np.flatnonzero(src < 0)).astype(np.int64)


def attach(new: MatchEngine, lookup: CatalogLookup, gate: EvidenceGate) -> None:
    new.lookup = CatalogLookup(
        new.orgs, new._row, new.table, new.vectors, lookup.hits_per_statement, lookup.today
    )
    new.evidence = EvidenceGate(new.vectors, gate.threshold)
    new.evidence.plain_threshold = gate.plain_threshold


def carry(
    new: MatchEngine, fitted: Fitted, fresh: I64Array | None = None, src: I64Array | None = None
) -> None:
    """Answer with ``fitted`` through a row map (exact when it is this very catalog's);
    ``fresh``: the rows whose document it never saw, ``src``: each row's fitted row, when
    the caller knows them."""
    ask = new.hybrid
    if fitted.row is new._row or (fitted.knowledge is None and not fitted.lexical):
        new._learned = fitted.knowledge  # None: fitted on first use, on this catalog
        ask._lexical = dict(fitted.lexical)
        if isinstance(ask, _StaleAsk):
            ask.fitted = Fitted(fitted.knowledge, fitted.lexical, new._row, ask.documents)
        return
    if src is None:
        src = fitted.source_rows(new.orgs)
    new._learned = StaleKnowledge(fitted.knowledge, src) if fitted.knowledge else None
    if fresh is None:
        fresh = fitted.fresh_rows(src, ask.documents) if fitted.lexical else src[:0]
    ask._lexical = {
        k: StaleLexical(v, src, fresh, ask.documents) for k, v in fitted.lexical.items()
    }
    if isinstance(ask, _StaleAsk):
        ask.fitted = fitted


def _next_ask(old: AskEvidence, new: MatchEngine, src: I64Array, edit: TableEdit) -> AskEvidence:
    ask = _StaleAsk(new.vectors, (), old.recipe)
    ask.orgs, ask.n_orgs = new.orgs, len(new.orgs)
    rows = np.flatnonzero(src < 0).tolist()
    written = [" ".join(profile_texts(new.orgs[r], Space.OFFERS)) for r in rows]
    if len(old.documents):
        ask.documents = spliced(old.documents, src, written)
    else:
        docs = [""] * len(src)
        for r, doc in zip(rows, written, strict=True):
            docs[r] = doc
        ask.documents = docs
    came = np.asarray([language_of(new.table.texts[int(r)]) for r in edit.came], np.int64)
    ask._raw_langs = edit.take(old._raw_languages(), came)
    return ask


def _next_peers(old: PeerSignals, new: MatchEngine, src: I64Array) -> PeerSignals:
    """The substitute signals of the new catalog, exact: gathered for unchanged rows,
    computed for written ones."""
    peers = PeerSignals([], old.taxonomy, new.vectors, old.overlap_power)
    peers.orgs = new.orgs
    written = np.flatnonzero(src < 0)
    inv = np.full(len(old.orgs), -1, dtype=np.int64)
    inv[src[src >= 0]] = np.flatnonzero(src >= 0)
    members: dict[str, list[I64Array]] = {}
    for g, rows in old.members_.items():
        moved = inv[rows]
        members.setdefault(g, []).append(moved[moved >= 0])
    for r in written.tolist():
        for g in _groups(new.orgs[r], old.taxonomy):
            members.setdefault(g, []).append(np.asarray([r], dtype=np.int64))
    peers.members_ = {g: np.sort(np.concatenate(parts)) for g, parts in members.items()}
    changed = [new.orgs[int(r)] for r in written]
    carried = old.carried_profiles
    if old._profiles is not None and (carried is None or 20 * len(carried.fill) > len(src)):
        carried = CarriedRows.of(old._profiles)  # materialised: start a new carry from it
    if carried is not None:  # gathered on first use, not per write (10⁵ × dim floats)
        dim = carried.base.shape[1]
        vecs = np.zeros((0, dim), np.float32)
        if len(written):
            vecs = l2_normalise(profile_vectors(changed, new.vectors))
        peers.carried_profiles = carried.moved(src, written.astype(np.int64), vecs)
    if old._effective is not None:
        eff = np.zeros(len(new.orgs), dtype=np.float32)
        eff[src >= 0] = old._effective[src[src >= 0]]
        eff[written] = effective_products(changed)
        peers._effective = eff
    return peers
