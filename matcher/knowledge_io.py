"""The chain knowledge's fit on disk, beside the statement indexes, and the key that says
which catalog it belongs to.

Fitting `matcher.knowledge.ChainKnowledge` took 79–90 s on one core at 10⁵ generated
organisations (hashing encoder), paid again by every Ray batch actor and every service
start. Saved (6.3 s, 329 MB) it reads back in 2.5 s, the catalog's digest (1.3 s) and the
catalog's own product graph (0.7 s) included, and 200 ``find_partners(k=20)`` answer the
same to the bit. What is written, all in the index folder:

- ``knowledge.json``: the format version, the fit's key and its fingerprint, each part's
  settings and learned scalars, and the token naming the files below; written last;
- ``knowledge-<token>.npz``: every array (read with ``allow_pickle=False``);
- ``knowledge-<token>.json``: every list of strings;
- ``knowledge-<token>.<part>.ivf``: a part's FAISS IVF index (`FaissIVFIndex.save`), read
  into memory on load (not mapped: a later save removes the file, and saving a mapped
  index reads its file again).

A save writes new files under a fresh token, then the manifest, then removes other tokens'
files: a reader (or a crash) never pairs one save's manifest with another's arrays.

The **key** is what the fit read: the format version, the encoder's model, the statement
indexes' identity (their manifest and language means), ``approximate_above``, the product
graph when one was given, the parts' settings, and the catalog — every organisation's
``model_dump_json()`` in row order (1.3–1.8 s at 10⁵). A saved fit is used only when its key's
fingerprint equals the engine's; otherwise (or when a file is missing or unreadable) the
reason is logged at INFO and the engine fits as before. Bump `FORMAT` whenever a fit
computes anything differently.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from catalog.models import Organisation
from matcher.fitstate import FitState
from matcher.index_io import atomic_write, write_json_atomic
from matcher.inference import ProductGraph

__all__ = [
    "FORMAT",
    "MANIFEST",
    "catalog_digest",
    "fingerprint",
    "graph_digest",
    "read",
    "saved_fingerprint",
    "write",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

FORMAT = 1
MANIFEST = "knowledge.json"
_PREFIX = "knowledge-"


def graph_digest(graph: ProductGraph) -> str:
    """sha256 of a product graph: each product's inputs in order, families as sets."""
    doc = {
        "inputs": sorted((p, list(xs)) for p, xs in graph.inputs.items()),
        "families": sorted((p, sorted(f)) for p, f in graph.families.items()),
    }
    return hashlib.sha256(json.dumps(doc, ensure_ascii=False).encode()).hexdigest()


def catalog_digest(orgs: Iterable[Organisation]) -> str:
    """sha256 of every organisation's JSON, in row order (compact JSON holds no newline)."""
    h = hashlib.sha256()
    for org in orgs:
        h.update(org.model_dump_json().encode())
        h.update(b"\n")
    return h.hexdigest()


def fingerprint(key: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def _paths(folder: Path, token: str, parts: Iterable[str]) -> dict[str, Path]:
    out = {"arrays": folder / f"{_PREFIX}{token}.npz", "texts": folder / f"{_PREFIX}{token}.json"}
    out.update({part: folder / f"{_PREFIX}{token}.{part}.ivf" for part in parts})
    return out


def write(folder: Path, key: Mapping[str, Any], parts: Mapping[str, FitState]) -> None:
    """Write ``parts`` (name → state) under ``key`` into ``folder``, replacing any saved fit."""
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(6)
    paths = _paths(folder, token, [n for n, s in parts.items() if s.ivf is not None])
    arrays = {f"{n}:{a}": v for n, s in parts.items() for a, v in s.arrays.items()}
    atomic_write(paths["arrays"], lambda tmp: _save_npz(tmp, arrays))
    texts = {n: s.texts for n, s in parts.items()}
    atomic_write(
        paths["texts"],
        lambda tmp: Path(tmp).write_text(json.dumps(texts, ensure_ascii=False), "utf-8"),
    )
    for name, state in parts.items():
        if state.ivf is not None:
            state.ivf.save(paths[name])
    manifest = {
        "format": FORMAT,
        "fingerprint": fingerprint(key),
        "key": dict(key),
        "token": token,
        "parts": {
            n: {"settings": s.settings, "scalars": s.scalars, "ivf": s.ivf is not None}
            for n, s in parts.items()
        },
    }
    write_json_atomic(folder / MANIFEST, manifest)
    keep = {p.name for p in paths.values()}
    for old in folder.glob(f"{_PREFIX}*"):  # an earlier save's files (or a crashed one's)
        if old.name not in keep:
            old.unlink(missing_ok=True)


def _shown(name: str, saved: object, now: object) -> str:
    """A key part that differs, with both values when they are short."""
    if isinstance(saved, (int, float, str, type(None))) and len(repr(saved)) < 40:
        return f"{name}: {saved!r} saved, {now!r} now"
    return name


def _save_npz(tmp: str, arrays: Mapping[str, Any]) -> None:
    with open(tmp, "wb") as f:  # a file object: np.savez would append ".npz" to a name
        np.savez(f, **arrays)


def saved_fingerprint(folder: Path) -> str | None:
    """The fingerprint of the fit saved in ``folder`` (None: none readable)."""
    try:
        doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    got = doc.get("fingerprint") if isinstance(doc, dict) else None
    return got if isinstance(got, str) else None


def read(
    folder: Path,
    key: Mapping[str, Any],
    catalog: Iterable[Organisation],
    build: Callable[[dict[str, FitState]], T],
) -> tuple[T, str] | None:
    """``build`` of the parts saved in ``folder``, and their fingerprint, if their key
    equals ``key`` completed with the digest of ``catalog`` (hashed only when everything
    else matches); None, with the reason logged, otherwise."""
    try:
        found = _read(folder, key, catalog)
        return None if found is None else (build(found[0]), found[1])
    except Exception as exc:  # a saved fit is a cache: any fault in it means "fit instead"
        log.info("saved chain knowledge in %s is unreadable (%r); fitting", folder, exc)
        return None


def _read(
    folder: Path, key: Mapping[str, Any], catalog: Iterable[Organisation]
) -> tuple[dict[str, FitState], str] | None:
    path = folder / MANIFEST
    if not path.exists():
        log.info("no saved chain knowledge in %s; fitting", folder)
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("format") != FORMAT:
        why = f"format {doc.get('format')!r}, not {FORMAT}"
        log.info("saved chain knowledge in %s has %s; fitting", folder, why)
        return None
    saved = doc["key"]
    differs = [k for k in key if saved.get(k) != key[k]]
    full = dict(key)
    if not differs:
        full["catalog"] = catalog_digest(catalog)
        differs = [k for k in full if saved.get(k) != full[k]]
        if not differs and doc["fingerprint"] != fingerprint(full):
            differs = ["fingerprint"]
    if differs:
        why = ", ".join(_shown(k, saved.get(k), full.get(k)) for k in differs)
        log.info("saved chain knowledge in %s does not fit this catalog (%s); fitting", folder, why)
        return None
    token = doc["token"]
    if not isinstance(token, str) or not token.isalnum():
        raise ValueError(f"bad token {token!r}")
    specs: dict[str, Any] = doc["parts"]
    paths = _paths(folder, token, [n for n, s in specs.items() if s["ivf"]])
    with open(paths["arrays"], "rb") as f, np.load(f, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}  # closed even when it is bad
    texts = json.loads(paths["texts"].read_text(encoding="utf-8"))
    out: dict[str, FitState] = {}
    for name, spec in specs.items():
        own = {a.split(":", 1)[1]: v for a, v in arrays.items() if a.split(":", 1)[0] == name}
        out[name] = FitState(dict(spec["settings"]), dict(spec["scalars"]), own, texts[name])
        if spec["ivf"]:
            from matcher.ivf import FaissIVFIndex  # faiss: an approximate fit only

            out[name].ivf = FaissIVFIndex.load(paths[name], mmap=False)
    return out, doc["fingerprint"]
