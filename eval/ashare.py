"""The A-share benchmark catalog, built through the product's own catalog model.

``../shared/data/ashare`` (see its README) holds real facts about Chinese listed companies.
This module reads those files where they are — it never copies them — and turns them into
the same objects a park's import produces: `Organisation` (validated by
``Organisation.model_validate``, the importers' path), a `Taxonomy` (Shenwan L1 as chains,
L3 as segments, supply edges learned from the visible product → input links) and a
`ProductGraph` (product → input links and the product subclass taxonomy). The engine that
serves the demo park ranks these with no benchmark-only code path.

Example usage::

    data = load_ashare()                      # CHAINMATCH_ASHARE or ../shared/data/ashare
    orgs = build_organisations(data)
    taxonomy = build_taxonomy(data)
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.errors import InvalidInputError
from catalog.models import Organisation
from catalog.taxonomy import Chain, Segment, Stage, Taxonomy
from matcher.inference import ProductGraph

__all__ = [
    "ENV_VAR",
    "HUB_LIMIT",
    "AshareData",
    "build_organisations",
    "build_product_graph",
    "build_taxonomy",
    "default_data_dir",
    "load_ashare",
    "need_text",
    "read_jsonl",
]

ENV_VAR = "CHAINMATCH_ASHARE"
_PRODUCT = ("code", "product", "weight")
HUB_LIMIT = 20  # inputs made by more companies are generic hubs (README: power, water …)
_FILES = (
    "companies.jsonl",
    "company_products.jsonl",
    "product_inputs.jsonl",
    "product_subclasses.jsonl",
    "industries.jsonl",
)


def default_data_dir() -> Path:
    """``$CHAINMATCH_ASHARE``, else ``../shared/data/ashare`` beside the repository."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ashare"


def read_jsonl(path: Path, require: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
    """JSON objects, one per non-empty line, each holding the ``require``d fields; a bad
    line is named by file and line number."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidInputError(f"{path}:{n}: not valid JSON: {exc.msg}") from None
            if not isinstance(row, dict):
                raise InvalidInputError(f"{path}:{n}: expected a JSON object per line")
            if any(f not in row for f in require):
                fields = " and ".join(repr(f) for f in require)
                raise InvalidInputError(f"{path}:{n}: expected fields {fields}")
            yield row


@dataclass
class AshareData:
    """The raw tables, indexed for the questions the loader and the protocol ask."""

    folder: Path
    companies: dict[str, dict[str, Any]]
    products: dict[str, dict[str, float]]  # company code → product → revenue weight
    inputs: dict[str, tuple[str, ...]]  # product → visible inputs
    subclasses: list[tuple[str, str]]  # (parent, child)
    industries: dict[str, dict[str, Any]]  # Shenwan code → {code, name, parent}
    makers: dict[str, set[str]] = field(init=False)

    def __post_init__(self) -> None:
        makers: dict[str, set[str]] = defaultdict(set)
        for code, prods in self.products.items():
            for p in prods:
                makers[p].add(code)
        self.makers = dict(makers)

    def needs_of(self, code: str) -> list[str]:
        """Visible inputs of the company's products, in product order, deduplicated."""
        seen: dict[str, None] = {}
        for p in self.products.get(code, {}):
            for x in self.inputs.get(p, ()):
                seen.setdefault(x, None)
        return list(seen)

    def known_suppliers(self, code: str) -> set[str]:
        """Makers of a visible input of the company's products (hubs excluded): README."""
        out: set[str] = set()
        for x in self.needs_of(code):
            made_by = self.makers.get(x, set())
            if len(made_by) <= HUB_LIMIT:
                out |= made_by
        out.discard(code)
        return out


def load_ashare(folder: Path | None = None) -> AshareData:
    """Read the benchmark files in place; a missing folder or file is named in the error."""
    folder = folder or default_data_dir()
    missing = [f for f in _FILES if not (folder / f).is_file()]
    if missing:
        raise InvalidInputError(
            f"A-share data not found in {folder} (missing {', '.join(missing)}); "
            f"set {ENV_VAR} or pass --data"
        )
    companies = {r["code"]: r for r in read_jsonl(folder / "companies.jsonl", ("code",))}
    products: dict[str, dict[str, float]] = defaultdict(dict)
    for r in read_jsonl(folder / "company_products.jsonl", _PRODUCT):
        prods = products[r["code"]]
        prods[r["product"]] = max(float(r["weight"]), prods.get(r["product"], 0.0))
    inputs: dict[str, dict[str, None]] = defaultdict(dict)
    for r in read_jsonl(folder / "product_inputs.jsonl", ("product", "input")):
        inputs[r["product"]][r["input"]] = None
    subclass_rows = read_jsonl(folder / "product_subclasses.jsonl", ("parent", "child"))
    subclasses = [(r["parent"], r["child"]) for r in subclass_rows]
    industries = {r["code"]: r for r in read_jsonl(folder / "industries.jsonl", ("code", "name"))}
    return AshareData(
        folder=folder,
        companies=companies,
        products=dict(products),
        inputs={p: tuple(xs) for p, xs in inputs.items()},
        subclasses=subclasses,
        industries=industries,
    )


# ------------------------------------------------------------------------ taxonomy
def _chain_id(code: str) -> str:
    return f"sw{code}"


def _l1_of(data: AshareData, code: str) -> str | None:
    """The Shenwan L1 ancestor of an industry code (itself when it has no parent)."""
    seen = 0
    while code in data.industries and data.industries[code].get("parent") and seen < 5:
        code, seen = str(data.industries[code]["parent"]), seen + 1
    return code if code in data.industries else None


def segment_of(data: AshareData, company: str) -> tuple[str, str] | None:
    """(chain id, segment id) of a company: Shenwan L1 and L3; None when unclassified."""
    l3 = data.companies.get(company, {}).get("sw_l3_code")
    if not l3 or l3 not in data.industries:
        return None
    l1 = _l1_of(data, str(l3))
    return (_chain_id(l1), _chain_id(str(l3))) if l1 else None


def supply_counts(data: AshareData) -> dict[tuple[str, str], float]:
    """(supplier segment, buyer segment) → visible product → input links between them.

    Each link counts once per (maker of the input, maker of the product) pair, divided by the
    number of such pairs, so one widely made product does not dominate the counts.
    """
    counts: dict[tuple[str, str], float] = defaultdict(float)
    for product, xs in data.inputs.items():
        buyers = [seg[1] for c in data.makers.get(product, ()) if (seg := segment_of(data, c))]
        for x in xs:
            sellers = [seg[1] for c in data.makers.get(x, ()) if (seg := segment_of(data, c))]
            if not buyers or not sellers or len(sellers) > HUB_LIMIT:
                continue
            share = 1.0 / (len(buyers) * len(sellers))
            for b in buyers:
                for s in sellers:
                    counts[(s, b)] += share
    return counts


def build_taxonomy(data: AshareData, *, min_links: float = 1.0) -> Taxonomy:
    """Shenwan as chains (L1) → segments (L3), grouped by L2; supply edges where visible
    links reach ``min_links``. A segment's stage says whether it mostly supplies (upstream)
    or mostly buys (downstream) along those edges.
    """
    counts = supply_counts(data)
    edges = frozenset(pair for pair, n in counts.items() if n >= min_links and pair[0] != pair[1])
    out_deg: Counter[str] = Counter(s for s, _ in edges)
    in_deg: Counter[str] = Counter(b for _, b in edges)
    chains: dict[str, list[str]] = defaultdict(list)
    segments: dict[str, Segment] = {}
    for code, row in sorted(data.industries.items()):
        parent = row.get("parent")
        if not parent or data.industries.get(str(parent), {}).get("parent") is None:
            continue  # L1 and L2 rows are not segments
        l1 = _l1_of(data, code)
        if l1 is None:
            continue
        sid = _chain_id(code)
        o, i = out_deg[sid], in_deg[sid]
        stage = Stage.UPSTREAM if o > 2 * i else Stage.DOWNSTREAM if i > 2 * o else Stage.MIDSTREAM
        name, group = str(row["name"]), _chain_id(str(parent))
        segments[sid] = Segment(sid, _chain_id(l1), name, f"Shenwan {code}", stage, group)
        chains[_chain_id(l1)].append(sid)
    chain_objs = {
        cid: Chain(cid, str(data.industries[cid[2:]]["name"]), f"Shenwan {cid[2:]}", tuple(segs))
        for cid, segs in chains.items()
    }
    edges = frozenset(e for e in edges if e[0] in segments and e[1] in segments)
    return Taxonomy(chains=chain_objs, segments=segments, edges=edges)


# ---------------------------------------------------------------------- organisations
def need_text(name: str) -> str:
    """A need statement for an input; statements need two characters, so 煤 → 煤（原料）."""
    return name if len(name.strip()) >= 2 else f"{name.strip()}（原料）"


def _shares(prods: dict[str, float]) -> list[dict[str, Any]]:
    """Revenue weights as shares. The source lists overlapping breakdowns (by product, by
    industry …) whose weights can add up to more than 1; those are scaled to sum to 1,
    keeping their proportions, because the catalog model holds shares of one whole."""
    total = sum(prods.values())
    scale = 1.0 / total if total > 1.0 else 1.0
    return [{"name": p, "share": min(1.0, w * scale)} for p, w in prods.items()]


def company_document(data: AshareData, code: str) -> dict[str, Any]:
    """One company as the catalog's JSON import format (what ``write_organisations`` writes)."""
    row = data.companies[code]
    prods = data.products.get(code, {})
    doc: dict[str, Any] = {
        "id": code,
        "name": row.get("name") or code,
        "kind": "enterprise",
        "region": {"province": "中国", "city": "未知"},
        "products": _shares(prods),
        "needs": list(dict.fromkeys(need_text(x) for x in data.needs_of(code))),
    }
    if row.get("fullname") and row["fullname"] != row.get("name"):
        doc["aliases"] = [row["fullname"]]
    seg = segment_of(data, code)
    if seg is not None:
        doc["chains"] = [{"chain": seg[0], "segment": seg[1]}]
    return doc


def build_organisations(data: AshareData) -> list[Organisation]:
    """Every company, validated by the catalog model exactly as an import validates it."""
    return [Organisation.model_validate(company_document(data, c)) for c in sorted(data.companies)]


def build_product_graph(data: AshareData) -> ProductGraph:
    """The visible product → input links and the product subclass taxonomy.

    Inputs keep their own names (not `need_text`): an inferred need is looked up among the
    catalog's products, which carry those names.
    """
    links = [(p, x) for p, xs in data.inputs.items() for x in xs]
    return ProductGraph.from_links(links, subclasses=data.subclasses)
