"""Multi-vector profiles: every statement of every organisation is its own row.

Statement ids are a hash of (organisation, role, text), so the same statement keeps its id
across rebuilds and an index can be synced by set difference instead of rebuilt.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from catalog.models import Organisation
from embeddings.base import Encoder, F32Array, Prefix
from matcher.scoring import spans

__all__ = [
    "Space",
    "StatementTable",
    "distinct_texts",
    "encode_for",
    "profile_texts",
    "statement_id",
]


class Space(enum.StrEnum):
    """Which statements a vector index holds, and with which e5 prefix they were encoded."""

    OFFERS = "offers"  # offers and products as passages: what needs are matched against
    NEEDS = "needs"  # needs as queries: what offers are matched against (customers)
    OFFERS_SYM = "offers_sym"  # offers as queries on both sides: symmetric, for substitutes

    @property
    def prefix(self) -> Prefix:
        return Prefix.PASSAGE if self is Space.OFFERS else Prefix.QUERY

    @property
    def holds_needs(self) -> bool:
        return self is Space.NEEDS


class Source(enum.StrEnum):
    OFFER = "offer"
    PRODUCT = "product"
    NEED = "need"


def statement_id(org_id: str, source: Source, text: str) -> int:
    digest = hashlib.blake2b(f"{org_id}\x1f{source.value}\x1f{text}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big") >> 1  # non-negative int64


@dataclass(frozen=True)
class StatementTable:
    """Column arrays over all statements; row order is stable (organisation, then position)."""

    ids: npt.NDArray[np.int64]
    org: npt.NDArray[np.int32]  # row → index into the organisation list
    source: Sequence[Source]  # a tuple, or a `matcher.rope.Rope` in a generation
    texts: Sequence[str]
    _order: npt.NDArray[np.int64]  # argsort of ids, for id → row lookups

    @classmethod
    def from_orgs(cls, orgs: Sequence[Organisation]) -> StatementTable:
        ids: list[int] = []
        org_rows: list[int] = []
        sources: list[Source] = []
        texts: list[str] = []
        for row, o in enumerate(orgs):
            seen: set[int] = set()
            items = [(Source.OFFER, t) for t in o.offers]
            items += [(Source.PRODUCT, p.name) for p in o.products]
            items += [(Source.NEED, t) for t in o.needs]
            for src, text in items:
                sid = statement_id(o.id, src, text)
                if sid in seen:
                    continue
                seen.add(sid)
                ids.append(sid)
                org_rows.append(row)
                sources.append(src)
                texts.append(text)
        id_arr = np.asarray(ids, dtype=np.int64)
        if len(np.unique(id_arr)) != len(id_arr):
            raise ValueError("statement id collision; two organisations share an id?")
        return cls(
            ids=id_arr,
            org=np.asarray(org_rows, dtype=np.int32),
            source=tuple(sources),
            texts=tuple(texts),
            _order=np.argsort(id_arr, kind="stable"),
        )

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def _need_rows(self) -> npt.NDArray[np.bool_]:
        return np.array([s is Source.NEED for s in self.source], dtype=bool)

    @cached_property
    def _masks(self) -> dict[bool, npt.NDArray[np.bool_]]:
        return {True: self._need_rows, False: ~self._need_rows}

    def mask(self, space: Space) -> npt.NDArray[np.bool_]:
        return self._masks[space.holds_needs].copy()

    @cached_property
    def _ids_ascending(self) -> npt.NDArray[np.int64]:
        """``ids[_order]`` (a generation carries it: `matcher.tableedit`)."""
        out: npt.NDArray[np.int64] = self.ids[self._order]
        return out

    def sorted_ids(self, space: Space) -> npt.NDArray[np.int64]:
        """The ids of ``space``'s statements, ascending (a gather, not a sort)."""
        order = self._order
        out: npt.NDArray[np.int64] = self.ids[order[self._masks[space.holds_needs][order]]]
        return out

    def rows_of(self, ids: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Row of each id; -1 for ids this table does not know (e.g. FAISS padding)."""
        want = np.asarray(ids, dtype=np.int64)
        if len(self.ids) == 0:
            return np.full(want.shape, -1, dtype=np.int64)
        pos = np.searchsorted(self._ids_ascending, want)  # (a sorter: 0.6 ms at 10⁵)
        pos = np.clip(pos, 0, len(self.ids) - 1)
        rows = self._order[pos]
        return np.where(self.ids[rows] == want, rows, -1).astype(np.int64)

    def rows_for_orgs(self, org_rows: npt.ArrayLike, space: Space) -> npt.NDArray[np.int64]:
        """Rows of ``space`` owned by the organisations ``org_rows``, ascending. Rows are
        grouped by organisation, so each one's rows are a slice: the cost grows with the
        answer, not with the catalog."""
        # in the column's own type: an int64 query converts the whole int32 column first
        # (0.47 ms a call at 10⁵ organisations, against 2 µs)
        want = np.unique(np.asarray(org_rows, dtype=np.int64)).astype(self.org.dtype)
        starts = np.searchsorted(self.org, want, side="left")
        lengths = np.searchsorted(self.org, want, side="right") - starts
        rows = spans(starts, lengths)
        out: npt.NDArray[np.int64] = rows[self._masks[space.holds_needs][rows]]
        return out


def distinct_texts(texts: Sequence[str]) -> tuple[list[str], npt.NDArray[np.int64]]:
    """The distinct texts in first-seen order, and each text's position among them: a build
    encodes each once (the generated 10⁵ catalog's 569,796 offers are 51,721 texts)."""
    first: dict[str, int] = {}
    of_row = np.fromiter((first.setdefault(t, len(first)) for t in texts), np.int64, len(texts))
    return list(first), of_row


def encode_for(encoder: Encoder, space: Space, texts: Sequence[str]) -> F32Array:
    """Encode texts the way statements of ``space`` are encoded (same prefix)."""
    if space.prefix is Prefix.PASSAGE:
        return encoder.encode_passages(texts)
    return encoder.encode_queries(texts)


def profile_texts(org: Organisation, space: Space) -> list[str]:
    """An organisation's statements that belong in ``space``, deduplicated, in order."""
    if space.holds_needs:
        return list(dict.fromkeys(org.needs))
    return list(dict.fromkeys([*org.offers, *(p.name for p in org.products)]))


def offer_makers(orgs: Sequence[Organisation]) -> dict[str, list[int]]:
    """Offer text → rows of the organisations offering it (each row once, in order)."""
    makers: dict[str, list[int]] = {}
    for r, o in enumerate(orgs):
        for text in profile_texts(o, Space.OFFERS):
            makers.setdefault(text, []).append(r)
    return makers
