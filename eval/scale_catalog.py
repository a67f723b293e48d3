"""Province-sized fictional catalogs: N organisations recombined from the demo park.

Each generated organisation starts from one demo-park organisation drawn at random (its
*template*), so kinds, chains, segments, parks, qualification names and the number of
offers, products and needs follow the demo park's proportions. Every statement is then
reworded: the template's statement is traced back to its concept in the phrase pools
(`catalog.demo.pools`), another wording of that concept is drawn, a common verb is
swapped for a synonym and a tail may be added. With the A-share data present
(`eval.ashare.default_data_dir`, read at run time, never copied), about a third of the
enterprises in a mapped chain (``ASHARE_CHAINS``) offer one real listed-company product
of that chain instead of one of their offers, and ask for one of its known inputs instead
of one of their needs, so the catalog holds thousands of product names beyond the demo
phrases. Counts per organisation never change, so the proportions hold either way.

Deterministic by seed: organisation ``i`` draws from its own ``random.Random`` seeded with
``(seed, i)``, so any slice can be generated without the rest — 10⁶ organisations stream
in chunks through `iter_organisations` without holding the catalog in memory.

Example usage::

    sources = ScaleSources.load()                 # demo phrases (+ A-share when present)
    for rec in iter_organisations(sources, 10_000, seed=7):
        ...                                       # Organisation-valid JSON records
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.demo import demo_document
from catalog.demo.pools import Concept, is_english, packaged_pool_sources, parse_pools
from catalog.demo.tables import Tables, load_tables, syllables
from catalog.models import Organisation
from catalog.taxonomy import load_default_taxonomy
from eval.ashare import default_data_dir, read_jsonl

__all__ = [
    "ASHARE_CHAINS",
    "ScaleSources",
    "iter_organisations",
    "scale_label",
    "scale_tour",
    "write_catalog",
]

log = logging.getLogger(__name__)

# Shenwan L1 (or L2, which wins) industry → the demo chain whose enterprises may carry
# that industry's products. Industries not listed are not used.
ASHARE_CHAINS = {
    "电子": "ic",
    "光伏设备": "pv",
    "电池": "nev",
    "汽车": "nev",
    "医药生物": "bio",
    "计算机": "iot",
    "通信": "iot",
    "基础化工": "newmat",
    "有色金属": "newmat",
    "钢铁": "newmat",
    "建筑材料": "newmat",
}
ASHARE_SHARE = 0.35  # enterprises of a mapped chain that carry one A-share product
_NOISE = ("业务", "其他", "收入", "服务费", "合计", "分部", "补充", "行业")

# Paraphrase by substitution: one of these words of a statement, if present, is replaced
# by one of its alternatives (the first match in a random order of the table).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "提供": ("供应", "可提供", "专业提供", "对外提供"),
    "需要": ("急需", "亟需", "有需求：", "希望"),
    "寻找": ("求购", "希望对接", "征集", "物色"),
    "采购": ("求购", "批量采购", "集中采购", "购买"),
    "支持": ("可支持", "兼容", "满足"),
    "希望": ("期望", "计划", "有意"),
    "具备": ("拥有", "已具备", "形成"),
    "覆盖": ("涵盖", "包括", "面向"),
    "Looking for": ("Seeking", "In search of", "Sourcing"),
    "Need": ("Require", "Looking for", "Seeking"),
    "supply": ("provide", "deliver", "offer"),
}
_OFFER_FORMS = ("供应{p}", "生产销售{p}", "{p}的研发与制造", "批量供应{p}，质量稳定", "主营{p}")
_NEED_FORMS = ("采购{p}", "寻找稳定的{p}供应商", "长期求购{p}", "需要{p}，年用量较大")
_SPLIT = ("，", ", ")
_PREFIX_ZH = ("", "", "本公司", "我司", "公司", "我们")  # how a statement may open
_PREFIX_NEED_ZH = ("", "", "我司", "公司", "我们", "本企业")


def scale_label(n: int, seed: int) -> str:
    """The catalog's source label: says it is generated, fictional, and how."""
    return f"scale demo ({n} fictional organisations recombined from the demo park, seed {seed})"


def scale_tour(orgs: Sequence[Organisation], demo_tour: Mapping[str, Any]) -> dict[str, Any]:
    """What `chainmatch demo --scale` shows: the first two enterprises with needs, the
    first with offers, and the demo park's own two questions."""
    firms = [o for o in orgs if o.kind.value == "enterprise"]
    return {
        "partners": [o.id for o in firms if o.needs][:2],
        "substitutes": [o.id for o in firms if o.offers][:1],
        "ask": list(demo_tour.get("ask", []))[:2],
    }


@dataclass(frozen=True)
class AshareProduct:
    name: str
    inputs: tuple[str, ...]


@dataclass(frozen=True)
class ScaleSources:
    """Everything the generator draws from, loaded once."""

    templates: tuple[dict[str, Any], ...]
    offer_concept: dict[str, Concept]  # an offer wording → its concept
    need_concept: dict[str, Concept]
    tables: Tables
    ashare: dict[str, tuple[AshareProduct, ...]]  # chain → products (empty: demo only)

    @classmethod
    def load(cls, ashare_dir: Path | None = None, *, use_ashare: bool = True) -> ScaleSources:
        """The demo park and its phrase pools, plus A-share products when the folder is
        there (``ashare_dir``, default `default_data_dir`); without it the catalog is made
        of demo phrases only, and the log says so."""
        tax = load_default_taxonomy()
        pools = parse_pools(packaged_pool_sources(tax), tax)
        offer_concept: dict[str, Concept] = {}
        need_concept: dict[str, Concept] = {}
        for c in pools.all():
            offer_concept.update(dict.fromkeys(c.offers, c))
            need_concept.update({t: c for _, t in c.needs})
        templates = tuple(demo_document()["organisations"])
        ashare: dict[str, tuple[AshareProduct, ...]] = {}
        if use_ashare:
            folder = ashare_dir or default_data_dir()
            if (folder / "company_products.jsonl").is_file():
                ashare = _ashare_products(folder)
                log.info(
                    "A-share products from %s: %s",
                    folder,
                    ", ".join(f"{k} {len(v)}" for k, v in sorted(ashare.items())),
                )
            else:
                log.warning("no A-share data at %s: demo phrases only", folder)
        return cls(templates, offer_concept, need_concept, load_tables(), ashare)

    @property
    def with_ashare(self) -> bool:
        return bool(self.ashare)


def _ashare_products(folder: Path) -> dict[str, tuple[AshareProduct, ...]]:
    chain_of: dict[str, str] = {}
    for row in read_jsonl(folder / "companies.jsonl", ("code",)):
        l2 = str(row.get("sw_l2") or "").rstrip("Ⅱ")
        chain = ASHARE_CHAINS.get(l2) or ASHARE_CHAINS.get(str(row.get("sw_l1") or ""))
        if chain:
            chain_of[str(row["code"])] = chain
    inputs: dict[str, list[str]] = defaultdict(list)
    for row in read_jsonl(folder / "product_inputs.jsonl", ("product", "input")):
        need = _clean(str(row["input"]))
        if need:
            inputs[str(row["product"]).lstrip("#")].append(need)
    by_chain: dict[str, dict[str, None]] = defaultdict(dict)
    for row in read_jsonl(folder / "company_products.jsonl", ("code", "product")):
        chain = chain_of.get(str(row["code"]))
        name = _clean(str(row["product"]))
        if chain and name:
            by_chain[chain][name] = None
    return {
        chain: tuple(AshareProduct(p, tuple(dict.fromkeys(inputs[p]))) for p in sorted(names))
        for chain, names in sorted(by_chain.items())
    }


def _clean(name: str) -> str | None:
    name = name.lstrip("#").strip()
    if not 2 <= len(name) <= 24 or any(w in name for w in _NOISE):
        return None
    return name


def _base(text: str, known: dict[str, Concept]) -> Concept | None:
    """The concept a demo statement was worded from (its wording, minus any tail)."""
    if text in known:
        return known[text]
    for sep in _SPLIT:
        head = text.rsplit(sep, 1)[0]
        if head in known:
            return known[head]
    return None


class _Org:
    """One organisation being generated, with its own random stream."""

    def __init__(self, src: ScaleSources, seed: int, i: int) -> None:
        self.src = src
        self.i = i
        self.rng = random.Random(seed * 1_000_003 + i)
        self.t = src.templates[self.rng.randrange(len(src.templates))]
        self.positions = [c["segment"] for c in self.t["chains"]]
        self.chain = self.t["chains"][0]["chain"] if self.t["chains"] else "svc"

    def paraphrase(self, text: str) -> str:
        words = list(SYNONYMS)
        self.rng.shuffle(words)
        for w in words:
            if w in text:
                return text.replace(w, self.rng.choice(SYNONYMS[w]), 1)
        return text

    def tail(self, english: bool, need: bool) -> str:
        tails = self.src.tables.tails
        if need:
            zh = tails.need_zh["any"] + tails.need_zh.get("goods", ())
            return self.rng.choice(tails.need_en if english else zh)
        if english:
            return self.rng.choice([t for ts in tails.offer_en.values() for t in ts])
        options = tails.offer_zh.get(self.positions[0] if self.positions else "", ())
        options = options or tails.offer_zh.get(self.chain, ()) + tails.offer_zh["neutral"]
        return self.rng.choice(options)

    def reword(self, text: str, need: bool) -> str:
        known = self.src.need_concept if need else self.src.offer_concept
        concept = _base(text, known)
        if concept is not None:
            if need:
                mine = [t for only, t in concept.needs if only and set(only) & set(self.positions)]
                variants = mine or [t for only, t in concept.needs if not only]
            else:
                variants = list(concept.offers)
            same = [v for v in variants if is_english(v) == is_english(text)]
            english = self.rng.random() < 0.1
            pick = [v for v in variants if is_english(v) == english] or same or variants
            text = self.rng.choice(pick)
        text = self.paraphrase(text)
        if not is_english(text):
            text = self.rng.choice(_PREFIX_NEED_ZH if need else _PREFIX_ZH) + text
        if self.rng.random() < 0.6:
            english = is_english(text)
            text += (", " if english else "，") + self.tail(english, need)
        return text[:480]

    def record(self) -> dict[str, Any]:
        t, rng = self.t, self.rng
        offers = _distinct([self.reword(x, need=False) for x in t["offers"]])
        needs = _distinct([self.reword(x, need=True) for x in t["needs"]])
        products = [p["name"] for p in t.get("products", [])]
        pool = self.src.ashare.get(self.chain, ())
        if pool and t["kind"] == "enterprise" and rng.random() < ASHARE_SHARE:
            item = pool[rng.randrange(len(pool))]
            if offers:
                offers[rng.randrange(len(offers))] = rng.choice(_OFFER_FORMS).format(p=item.name)
            if products:
                products[rng.randrange(len(products))] = item.name
            if needs and item.inputs:
                need = rng.choice(item.inputs)
                needs[rng.randrange(len(needs))] = rng.choice(_NEED_FORMS).format(p=need)
            offers, needs = _distinct(offers), _distinct(needs)
        rec: dict[str, Any] = {
            "id": f"scale-{self.chain}-{self.i:07d}",
            "name": self.name(),
            "kind": t["kind"],
            "region": t["region"],
            "chains": t["chains"],
            "offers": offers,
            "needs": needs,
            "products": self.shares(list(dict.fromkeys(products))),
            "qualifications": [self.requalify(q) for q in t.get("qualifications", [])],
            "size": t.get("size"),
            "contacts": [self.contact()],
            "updated_at": (
                dt.datetime(2025, 3, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
                + dt.timedelta(minutes=rng.randrange(620 * 24 * 60))
            ).isoformat(),
        }
        return {k: v for k, v in rec.items() if v is not None}

    def name(self) -> str:
        names, rng = self.src.tables.names, self.rng
        first = syllables(names.brand_first)
        second = syllables(names.brand_second)
        brand = rng.choice(first)[0] + rng.choice(second)[0] + rng.choice(second)[0]
        base = str(self.t["name"])
        for legal in sorted(names.legal_forms, key=len, reverse=True):
            if base.endswith(legal):
                base = base[: -len(legal)]
                break
        if self.t["kind"] != "enterprise":  # a hand-written institute or service name
            return brand[:2] + base[2:]
        word = base[2:] or base  # the template's name word (after its two-syllable brand)
        return brand + word + rng.choice(names.legal_forms)

    def shares(self, products: list[str]) -> list[dict[str, Any]]:
        weights = [self.rng.uniform(0.5, 1.5) for _ in products]
        total = self.rng.uniform(0.55, 0.97)
        shares = sorted((int(w / sum(weights) * total * 100) / 100 for w in weights), reverse=True)
        return [{"name": n, "share": s} for n, s in zip(products, shares, strict=True)]

    def requalify(self, q: dict[str, Any]) -> dict[str, Any]:
        if self.rng.random() < 0.12:
            day = dt.date(2025, 1, 1) + dt.timedelta(days=self.rng.randrange(600))
        else:
            day = dt.date(2027, 1, 1) + dt.timedelta(days=self.rng.randrange(3 * 365))
        return {**q, "valid_until": day.isoformat()}

    def contact(self) -> dict[str, str]:
        names, rng = self.src.tables.names, self.rng
        surname, pinyin = rng.choice(syllables(names.surnames))
        roles = next(iter(names.roles.values()))
        return {
            "name": surname + rng.choice(names.given_names),
            "role": rng.choice(roles),
            "phone": f"0571-8{rng.randrange(10**7):07d}",
            "email": f"{pinyin}.s{self.i}@example.com",
        }


def _distinct(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def iter_organisations(
    src: ScaleSources, n: int, *, seed: int = 0, start: int = 0, validate: bool = True
) -> Iterator[dict[str, Any]]:
    """Records ``start`` … ``n − 1`` of the catalog of ``n`` organisations for ``seed``,
    one at a time (each validated as an `Organisation` unless ``validate`` is off)."""
    if n < 0 or start < 0:
        raise ValueError(f"n and start must be non-negative, got n={n}, start={start}")
    for i in range(start, n):
        rec = _Org(src, seed, i).record()
        if validate:
            rec = Organisation.model_validate(rec).model_dump(mode="json", exclude_none=True)
        yield rec


def write_catalog(
    path: Path, n: int, *, seed: int = 0, src: ScaleSources | None = None
) -> ScaleSources:
    """Write the catalog as one JSON document ``{"description", "organisations": [...]}``
    (what `chainmatch import` reads), streaming: one organisation in memory at a time."""
    src = src or ScaleSources.load()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write('{"description": ' + json.dumps(scale_label(n, seed), ensure_ascii=False))
        fh.write(', "organisations": [\n')
        for i, rec in enumerate(iter_organisations(src, n, seed=seed)):
            fh.write((",\n" if i else "") + json.dumps(rec, ensure_ascii=False))
        fh.write("\n]}\n")
    tmp.replace(path)
    return src
