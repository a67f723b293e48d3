"""Write the fictional demo park shipped with the package: ``catalog/data/demo_park.json``.

Every organisation in it is invented demo data. The script is deterministic (seeded): the
same seed and the same phrase pools (``demo_phrases.py``) give byte-identical output. It
also writes ``tests/data/demo_probes.json``: hand-picked need → offer pairs and
find-substitute triples that the end-to-end tests use as known answers.

Usage (from the repository root)::

    .venv/bin/python catalog/data/make_demo_park.py            # write both files
    .venv/bin/python catalog/data/make_demo_park.py --check    # build and validate only

How it works: each segment of the taxonomy has a pool of *concepts* (things organisations
of that segment offer), each with several offer wordings and several need wordings. An
organisation offers a few concepts of its own segment(s); its needs are concepts offered by
*other* organisations in segments that supply its own (taxonomy edges) or in support
segments, worded the way a customer would ask for them. Everything is validated with
``catalog.models.Organisation`` and against the taxonomy; any inconsistency fails loudly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from catalog.data import demo_phrases as P  # noqa: E402
from catalog.models import Organisation  # noqa: E402
from catalog.taxonomy import Taxonomy, load_taxonomy  # noqa: E402

SEED = 20261121
TAXONOMY_PATH = HERE / "taxonomy.json"
OUT_PATH = HERE / "demo_park.json"
PROBES_PATH = ROOT / "tests" / "data" / "demo_probes.json"
DESCRIPTION = "Fictional demo park 演示园区 — all organisations are invented demo data"
INDUSTRY_CHAINS = ("ic", "pv", "nev", "bio", "iot", "newmat")
TZ = dt.timezone(dt.timedelta(hours=8))

# enterprises per segment (default 5)
SEGMENT_COUNTS = {
    "ic.design": 8,
    "ic.pcb": 6,
    "ic.power-devices": 6,
    "ic.packaging": 6,
    "ic.eda": 4,
    "pv.polysilicon": 3,
    "pv.om": 4,
    "pv.module": 6,
    "nev.battery-materials": 6,
    "nev.vehicle": 4,
    "nev.battery-pack": 6,
    "bio.distribution": 4,
    "bio.cdmo": 6,
    "bio.raw-materials": 6,
    "iot.smart-city": 4,
    "iot.modules": 6,
    "iot.devices": 6,
    "newmat.precursors": 4,
    "newmat.thermal": 6,
}
# plausible second positions (taken by about a quarter of the enterprises)
SECONDARY = {
    "ic.design": "ic.sensors",
    "ic.power-devices": "ic.packaging",
    "ic.sensors": "ic.design",
    "ic.packaging": "ic.power-devices",
    "ic.pcb": "ic.distribution",
    "ic.materials": "newmat.chemicals",
    "pv.wafer": "pv.cell",
    "pv.cell": "pv.module",
    "pv.module": "pv.epc",
    "pv.inverter": "pv.storage",
    "pv.storage": "nev.battery-pack",
    "pv.epc": "pv.om",
    "pv.bos": "pv.epc",
    "nev.battery-cell": "pv.storage",
    "nev.battery-pack": "pv.storage",
    "nev.motor": "nev.electronics",
    "nev.electronics": "iot.devices",
    "nev.recycling": "nev.battery-materials",
    "nev.charging": "pv.storage",
    "bio.cro": "bio.cdmo",
    "bio.cdmo": "bio.cro",
    "bio.api": "bio.formulation",
    "bio.innovative-drug": "bio.biologics",
    "bio.ivd": "bio.devices",
    "iot.modules": "iot.devices",
    "iot.edge": "iot.platform",
    "iot.platform": "iot.smart-city",
    "iot.sensing": "iot.smart-city",
    "iot.industrial": "iot.platform",
    "iot.os": "iot.platform",
    "newmat.wide-bandgap": "ic.materials",
    "newmat.chemicals": "ic.materials",
    "newmat.medical": "bio.devices",
    "newmat.polymers": "pv.aux-materials",
    "newmat.metals": "nev.lightweight",
    "newmat.composites": "nev.lightweight",
    "newmat.thermal": "newmat.coatings",
    "newmat.precursors": "nev.battery-materials",
}
_CJK = re.compile(r"[\u3400-\u9fff]")


class DemoDataError(ValueError):
    """The phrase pools, the taxonomy or the generated catalog are inconsistent."""


@dataclass
class Concept:
    """One thing organisations of a segment offer, with offer and need wordings."""

    segment: str
    key: str
    product: str
    who: tuple[str, ...]
    offers: list[str] = field(default_factory=list)
    needs: list[tuple[tuple[str, ...], str]] = field(default_factory=list)  # (only-for, text)
    consumers: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return f"{self.segment}/{self.key}"


@dataclass
class Pools:
    concepts: dict[str, list[Concept]]  # by segment
    name_words: dict[str, list[str]]
    en_word: dict[str, str]

    def by_id(self) -> dict[str, Concept]:
        return {c.id: c for cs in self.concepts.values() for c in cs}


@dataclass
class Draft:
    """An organisation while it is being generated."""

    id: str
    name: str
    kind: str
    positions: list[str]
    concepts: list[Concept]
    en: float
    size: str
    brand: tuple[str, str] | None = None
    need_keys: tuple[str, ...] = ()  # hand-written organisations list what they need
    offers: list[tuple[Concept, str]] = field(default_factory=list)
    needs: list[tuple[Concept, str]] = field(default_factory=list)

    @property
    def chain(self) -> str:
        return self.positions[0].split(".")[0]


def is_english(text: str) -> bool:
    return _CJK.search(text) is None


def _expand(tokens: Iterable[str], tax: Taxonomy) -> set[str]:
    out: set[str] = set()
    for tok in tokens:
        if tok in tax.segments:
            out.add(tok)
        elif tok in tax.chains:
            out.update(tax.chains[tok].segments)
        else:
            raise DemoDataError(f"unknown segment or chain {tok!r} in phrase pools")
    return out


def parse_pools(text: str, tax: Taxonomy) -> Pools:
    concepts: dict[str, list[Concept]] = defaultdict(list)
    words: dict[str, list[str]] = {}
    en_word: dict[str, str] = {}
    seg: str | None = None
    cur: Concept | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        where = f"demo_phrases.SEGMENTS line {n}"
        if line.startswith("## "):
            parts = [p.strip() for p in line[3:].split("|")]
            seg, cur = parts[0], None
            if seg not in tax.segments:
                raise DemoDataError(f"{where}: segment {seg!r} is not in taxonomy.json")
            if seg in words:
                raise DemoDataError(f"{where}: segment {seg!r} appears twice")
            words[seg] = parts[1].split()
            en_word[seg] = parts[2]
        elif line.startswith("# "):
            if seg is None:
                raise DemoDataError(f"{where}: concept outside a segment")
            parts = [p.strip() for p in line[2:].split("|")]
            who = tuple(parts[2].split()) if len(parts) > 2 else ()
            cur = Concept(segment=seg, key=parts[0], product=parts[1], who=who)
            if any(c.key == cur.key for c in concepts[seg]):
                raise DemoDataError(f"{where}: concept {cur.id} defined twice")
            concepts[seg].append(cur)
        elif line.startswith("> "):
            if cur is None:
                raise DemoDataError(f"{where}: customer list outside a concept")
            cur.who += tuple(line[2:].split())
        elif line[:2] in ("+ ", "- "):
            if cur is None:
                raise DemoDataError(f"{where}: statement outside a concept")
            body = line[2:].strip()
            if line[0] == "+":
                cur.offers.append(body)
                continue
            only: tuple[str, ...] = ()
            if body.startswith("["):
                close = body.index("]")
                only, body = tuple(body[1:close].split()), body[close + 1 :].strip()
            cur.needs.append((only, body))
        else:
            raise DemoDataError(f"{where}: cannot parse {line!r}")
    pools = Pools(dict(concepts), words, en_word)
    _check_pools(pools, tax)
    return pools


def _check_pools(pools: Pools, tax: Taxonomy) -> None:
    offers_seen: dict[str, str] = {}
    for seg in tax.segments:
        if seg not in pools.concepts:
            raise DemoDataError(f"segment {seg} has no phrase pool")
    for c in (c for cs in pools.concepts.values() for c in cs):
        if not c.offers:
            raise DemoDataError(f"concept {c.id} has no offer wording")
        customers = set(tax.customers_of(c.segment))
        if c.who:
            allowed = _expand(c.who, tax)
            if not allowed & customers:
                raise DemoDataError(f"concept {c.id}: none of {c.who} buys from {c.segment}")
            customers &= allowed
        c.consumers = frozenset(customers)
        for only, _ in c.needs:
            if only and not set(only) <= customers:
                raise DemoDataError(f"concept {c.id}: need wording for {only} outside customers")
        if c.needs and not customers:
            raise DemoDataError(f"concept {c.id} has need wordings but no customer segment")
        for text in c.offers:
            if text in offers_seen:
                raise DemoDataError(f"offer {text!r} is in {offers_seen[text]} and {c.id}")
            offers_seen[text] = c.id
        for _, text in c.needs:
            if text in offers_seen:
                raise DemoDataError(f"need {text!r} of {c.id} copies an offer wording")


def _weighted(rng: random.Random, options: dict[int, float]) -> int:
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]


def _pairs(spec: str) -> list[tuple[str, str]]:
    """'星xing 澄cheng' → [('星', 'xing'), ('澄', 'cheng')]."""
    return [(tok[0], tok[1:]) for tok in spec.split()]


class Generator:
    def __init__(self, tax: Taxonomy, pools: Pools, seed: int) -> None:
        self.tax = tax
        self.pools = pools
        self.rng = random.Random(seed)
        self.orgs: list[Draft] = []
        self.used_text: Counter[str] = Counter()
        self.variant_use: Counter[tuple[str, str]] = Counter()
        self.probe_rows: list[dict[str, Any]] = []
        self.substitutes: list[dict[str, str]] = []

    # ---------------------------------------------------------------- organisations
    def build(self) -> list[Draft]:
        self._brands = self._brand_pool()
        for chain in INDUSTRY_CHAINS:
            serial = 0
            for seg in self.tax.chains[chain].segments:
                serial = self._enterprises(chain, seg, serial)
        self._hand_written(P.INSTITUTES, "institute", "demo-inst")
        self._hand_written(P.SERVICES, "service", "demo-svc")
        self._check_concept_coverage()
        for org in self.orgs:
            self._word_offers(org)
        self._plant_probe_offers()
        for org in self.orgs:
            self._draw_needs(org)
        self._plant_probe_needs()
        self._pick_substitutes()
        return self.orgs

    def _brand_pool(self) -> list[tuple[str, str]]:
        reserved = {row[0][:2] for spec in (P.INSTITUTES, P.SERVICES) for row in spec}
        brands = [
            (a + b, (pa + pb).capitalize())
            for a, pa in _pairs(P.BRAND_FIRST)
            for b, pb in _pairs(P.BRAND_SECOND)
            if a != b and a + b not in P.BRAND_EXCLUDE and a + b not in reserved
        ]
        self.rng.shuffle(brands)
        return brands

    def _enterprises(self, chain: str, seg: str, serial: int) -> int:
        pool = self.pools.concepts[seg]
        first: Draft | None = None
        substitute_seg = seg in {s for s, _ in P.SUBSTITUTE_SEGMENTS}
        made: list[Draft] = []
        for i in range(SEGMENT_COUNTS.get(seg, 5)):
            serial += 1
            brand, brand_en = self._brands.pop()
            name = brand + self.rng.choice(self.pools.name_words[seg])
            name += self.rng.choice(P.LEGAL_FORMS)
            k = min(_weighted(self.rng, {2: 0.2, 3: 0.35, 4: 0.3, 5: 0.15}), len(pool))
            concepts = self.rng.sample(pool, k)
            if substitute_seg and i == 1 and first is not None:
                # a close competitor of the first one: same core offers, own extras
                shared = first.concepts[: max(2, min(3, len(first.concepts)))]
                extra = [c for c in concepts if c not in shared][:1]
                concepts = list(shared) + extra
            positions = [seg]
            if seg in SECONDARY and self.rng.random() < 0.25 and not (substitute_seg and i < 2):
                second = SECONDARY[seg]
                positions.append(second)
                concepts.append(self.rng.choice(self.pools.concepts[second]))
            en = 0.8 if self.rng.random() < 0.09 else 0.13
            size = self.rng.choices(["micro", "small", "medium", "large"], [12, 38, 33, 17])[0]
            org = Draft(
                f"demo-{chain}-{serial:04d}",
                name,
                "enterprise",
                positions,
                concepts[:6],
                en,
                size,
                brand=(brand, brand_en),
            )
            made.append(org)
            first = first or org
        # every concept of the segment is offered by somebody in the park
        offered = {c.id for o in made for c in o.concepts}
        for j, c in enumerate(c for c in pool if c.id not in offered):
            target = min(made[2:] or made, key=lambda o: (len(o.concepts), (j + len(o.id)) % 3))
            target.concepts.append(c)
        self.orgs.extend(made)
        return serial

    def _hand_written(
        self, spec: Sequence[tuple[str, str, str, str, str]], kind: str, prefix: str
    ) -> None:
        by_key: dict[str, dict[str, Concept]] = {
            seg: {c.key: c for c in cs} for seg, cs in self.pools.concepts.items()
        }
        for n, (name, positions_s, keys_s, size, needs_s) in enumerate(spec, 1):
            positions = positions_s.split()
            concepts: list[Concept] = []
            for key in keys_s.split():
                found = [by_key[p][key] for p in positions if key in by_key.get(p, {})]
                if not found:
                    raise DemoDataError(f"{name}: concept {key!r} is not in {positions}")
                concepts.append(found[0])
            en = 0.5 if self.rng.random() < 0.15 else 0.15
            self.orgs.append(
                Draft(
                    f"{prefix}-{n:04d}",
                    name,
                    kind,
                    positions,
                    concepts,
                    en,
                    size,
                    need_keys=tuple(needs_s.split()),
                )
            )

    def _check_concept_coverage(self) -> None:
        offered = {c.id for o in self.orgs for c in o.concepts}
        missing = [c.id for cs in self.pools.concepts.values() for c in cs if c.id not in offered]
        if missing:
            raise DemoDataError(f"concepts nobody offers: {missing}")

    # ---------------------------------------------------------------- wording
    @staticmethod
    def _category(segment: str) -> str:
        if segment in P.GOODS_SEGMENTS:
            return "goods"
        return "service" if segment in P.SERVICE_SEGMENTS else "neutral"

    def _offer_tail(self, concept: Concept, english: bool) -> str:
        cat = self._category(concept.segment)
        chain = concept.segment.split(".")[0]
        options: tuple[str, ...]
        if english:
            options = P.OFFER_TAILS_EN[cat]
        elif chain == "svc":
            options = P.OFFER_TAILS_ZH[concept.segment]
        else:
            options = P.OFFER_TAILS_ZH[cat] + (P.OFFER_TAILS_ZH[chain] if cat == "goods" else ())
        return self.rng.choice(options)

    def _pick(self, concept_id: str, variants: Sequence[str], en: bool) -> str:
        same = [v for v in variants if is_english(v) == en] or list(variants)
        least = min(self.variant_use[(concept_id, v)] for v in same)
        pick = self.rng.choice([v for v in same if self.variant_use[(concept_id, v)] == least])
        self.variant_use[(concept_id, pick)] += 1
        return pick

    def _word_offers(self, org: Draft) -> None:
        taken: set[str] = set()
        tails: set[str] = set()
        for c in org.concepts:
            en = self.rng.random() < org.en
            options = [v for v in c.offers if v not in taken] or c.offers
            base = self._pick(c.id, options, en)
            taken.add(base)
            text = base
            if self.rng.random() < 0.3 or self.used_text[base]:
                for _ in range(8):
                    tail = self._offer_tail(c, is_english(base))
                    text = base + (", " if is_english(base) else "，") + tail
                    if not self.used_text[text] and tail not in tails:
                        break
                tails.add(tail)
            self.used_text[text] += 1
            org.offers.append((c, text))

    def _need_wordings(self, c: Concept, org: Draft) -> list[str]:
        mine = [t for only, t in c.needs if only and set(only) & set(org.positions)]
        return mine or [t for only, t in c.needs if not only]

    def _draw_needs(self, org: Draft) -> None:
        own = {c.id for c in org.concepts}
        offered_by: dict[str, set[str]] = self._offered_by()
        industry: list[Concept] = []
        support: list[Concept] = []
        for c in (c for cs in self.pools.concepts.values() for c in cs):
            if c.id in own or not (c.consumers & set(org.positions)):
                continue
            if not self._need_wordings(c, org) or not offered_by[c.id] - {org.id}:
                continue
            (support if c.segment.startswith("svc.") else industry).append(c)
        n = _weighted(self.rng, {1: 0.15, 2: 0.3, 3: 0.3, 4: 0.15, 5: 0.1})
        picked: list[Concept] = []
        if org.need_keys:
            for key in org.need_keys:
                found = [c for c in industry + support if c.key == key]
                if len(found) != 1:
                    raise DemoDataError(f"{org.name}: cannot need {key!r} ({len(found)} matches)")
                picked.append(found[0])
            industry = support = []
        while len(picked) < n and (industry or support):
            src = industry if industry and (not support or self.rng.random() < 0.65) else support
            picked.append(src.pop(self.rng.randrange(len(src))))
        if not picked:
            raise DemoDataError(f"{org.id} ({org.positions}) has nothing it could need")
        for c in picked:
            en = self.rng.random() < org.en
            text = self._pick(c.id + "/need", self._need_wordings(c, org), en)
            r = self.rng.random()
            goods = c.segment in P.GOODS_SEGMENTS
            if is_english(text):
                if r < 0.25:
                    text = f"{text}, {self.rng.choice(P.NEED_TAILS_EN)}"
            elif r < 0.35:
                tails = P.NEED_TAILS_ZH["any"] + (P.NEED_TAILS_ZH["goods"] if goods else ())
                text = f"{text}，{self.rng.choice(tails)}"
            org.needs.append((c, text))

    def _offered_by(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for o in self.orgs:
            for c in o.concepts:
                out[c.id].add(o.id)
        return out

    # ---------------------------------------------------------------- probes
    def _probe_concepts(self) -> list[tuple[Concept, str, str, str]]:
        out = []
        for need, offer, note in P.PROBES:
            cs = [c for cs in self.pools.concepts.values() for c in cs if offer in c.offers]
            if len(cs) != 1:
                raise DemoDataError(f"probe offer {offer!r} is not a pool wording")
            if need not in {t for _, t in cs[0].needs}:
                raise DemoDataError(f"probe need {need!r} is not a need wording of {cs[0].id}")
            out.append((cs[0], need, offer, note))
        return out

    def _plant_probe_offers(self) -> None:
        used: Counter[str] = Counter()
        self._probe_suppliers: list[Draft] = []
        for c, _need, offer, _ in self._probe_concepts():
            cands = [o for o in self.orgs if c in o.concepts]
            cands.sort(key=lambda o: (used[o.id], o.kind == "institute", o.id))
            org = cands[0]
            used[org.id] += 1
            i = next(i for i, (cc, _) in enumerate(org.offers) if cc is c)
            if all(t != offer for _, t in org.offers):
                org.offers[i] = (c, offer)
            self._probe_suppliers.append(org)

    def _plant_probe_needs(self) -> None:
        used: Counter[str] = Counter()
        for (c, need, offer, note), supplier in zip(
            self._probe_concepts(), self._probe_suppliers, strict=True
        ):
            cands = [
                o
                for o in self.orgs
                if o is not supplier
                and c not in o.concepts
                and c.consumers & set(o.positions)
                and need in self._need_wordings(c, o)
            ]
            if not cands:
                raise DemoDataError(f"no organisation could have the probe need {need!r}")
            # the organisation states this need alone, so that the known answer is what its
            # partner list is about (about one in six organisations states a single need anyway)
            cands.sort(key=lambda o: (used[o.id], o.kind != "enterprise", len(o.needs), o.id))
            org = cands[0]
            used[org.id] += 1
            org.needs = [(c, need)]
            others = sorted(
                o.id for o in self.orgs if c in o.concepts and o is not supplier and o is not org
            )
            self.probe_rows.append(
                {
                    "need_org": org.id,
                    "need": need,
                    "supplier_org": supplier.id,
                    "offer": offer,
                    "note": note,
                    "other_suppliers": others,
                }
            )

    def _pick_substitutes(self) -> None:
        for seg, other_chain in P.SUBSTITUTE_SEGMENTS:
            ents = [o for o in self.orgs if o.positions[0] == seg and o.kind == "enterprise"]
            a, b = ents[0], ents[1]
            shared = {c.id for c in a.concepts} & {c.id for c in b.concepts}
            if len(shared) < 2:
                raise DemoDataError(f"substitute pair {a.id}/{b.id} shares {len(shared)} offers")
            far = [o for o in self.orgs if o.chain == other_chain and o.kind == "enterprise"]
            unrelated = far[(len(self.substitutes) * 7) % len(far)]
            self.substitutes.append({"org": a.id, "substitute": b.id, "unrelated": unrelated.id})
        for seg, pair in (
            ("svc.finance", ("demo-svc-0001", "demo-svc-0007")),
            ("svc.testing", ("demo-svc-0013", "demo-svc-0019")),
        ):
            byid = {o.id: o for o in self.orgs}
            a, b = byid[pair[0]], byid[pair[1]]
            if a.positions[0] != seg or b.positions[0] != seg:
                raise DemoDataError(f"substitute services {pair} are not both in {seg}")
            self.substitutes.append(
                {
                    "org": a.id,
                    "substitute": b.id,
                    "unrelated": self.substitutes[len(self.substitutes) % 5]["unrelated"],
                }
            )

    # ---------------------------------------------------------------- records
    def record(self, org: Draft) -> dict[str, Any]:
        rng = self.rng
        chain = org.chain
        park = rng.choices(P.PARKS, weights=P.PARK_WEIGHTS[chain])[0]
        products = self._products(org)
        surname, sur_py = rng.choice(_pairs(P.SURNAMES))
        role_key = org.kind if org.kind != "service" else org.positions[0]
        contact = {
            "name": surname + rng.choice(P.GIVEN_NAMES.split()),
            "role": rng.choice(P.ROLES[role_key]),
            "phone": f"0571-8{rng.randrange(10**7):07d}",
            "email": f"{sur_py}.{org.id.removeprefix('demo-').replace('-', '')}@example.com",
        }
        aliases: list[str] = []
        if org.brand is not None and rng.random() < 0.45:
            brand, brand_en = org.brand
            en_word = self.pools.en_word[org.positions[0]]
            aliases.append(f"{brand_en} {en_word}" if rng.random() < 0.6 else brand)
        start = dt.datetime(2025, 3, 1, 9, 0, tzinfo=TZ)
        updated = start + dt.timedelta(minutes=rng.randrange(620 * 24 * 60))
        rec: dict[str, Any] = {
            "id": org.id,
            "name": org.name,
            "aliases": aliases,
            "kind": org.kind,
            "region": {"province": "浙江省", "city": "杭州市", "park": park},
            "chains": [{"chain": s.split(".")[0], "segment": s} for s in org.positions],
            "offers": [t for _, t in org.offers],
            "needs": [t for _, t in org.needs],
            "products": products,
            "qualifications": self._qualifications(org),
            "size": org.size,
            "contacts": [contact],
            "updated_at": updated.isoformat(),
        }
        return Organisation.model_validate(rec).model_dump(mode="json", exclude_none=True)

    def _products(self, org: Draft) -> list[dict[str, Any]]:
        names = list(dict.fromkeys(c.product for c in org.concepts))
        k = min(len(names), _weighted(self.rng, {1: 0.2, 2: 0.35, 3: 0.3, 4: 0.15}))
        chosen = names[:k]
        weights = [self.rng.uniform(0.5, 1.5) for _ in chosen]
        total = self.rng.uniform(0.55, 0.97)
        shares = [int(w / sum(weights) * total * 100) / 100 for w in weights]
        shares.sort(reverse=True)
        return [{"name": n, "share": s} for n, s in zip(chosen, shares, strict=True)]

    def _qualifications(self, org: Draft) -> list[dict[str, str]]:
        rng = self.rng
        picks: list[tuple[str, str]] = []
        if org.kind == "enterprise":
            if rng.random() < 0.85:
                picks.append(("ISO 9001", "*"))
            if rng.random() < 0.45:
                picks.append(("ISO 14001", "*"))
            seg = org.positions[0]
            extra = P.SEGMENT_QUALS.get(seg) or P.CHAIN_QUALS[org.chain]
            picks += rng.sample(list(extra), min(len(extra), rng.randint(1, 2)))
            if rng.random() < 0.6:
                picks.append(P.HIGH_TECH)
            if rng.random() < 0.2:
                picks.append(P.SPECIALISED)
        else:
            for seg in org.positions:
                picks += list(P.SVC_QUALS[seg])
            picks += [P.CONCEPT_QUALS[c.key] for c in org.concepts if c.key in P.CONCEPT_QUALS]
            if org.kind == "service" and rng.random() < 0.5:
                picks.append(("ISO 9001", "*"))
        out: list[dict[str, str]] = []
        for name, issuer in dict.fromkeys(picks):
            if rng.random() < 0.12:
                day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(600))
            else:
                day = dt.date(2027, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
            who = rng.choice(P.CERT_BODIES) if issuer == "*" else issuer
            out.append({"name": name, "issuer": who, "valid_until": day.isoformat()})
        return out


# -------------------------------------------------------------------- checks and stats
def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[\s\W_]+", "", text.lower())
    return {t[i : i + 2] for i in range(len(t) - 1)}


def check_catalog(records: list[dict[str, Any]], orgs: list[Draft], tax: Taxonomy) -> None:
    problems: list[str] = []
    ids = Counter(r["id"] for r in records)
    names = Counter(r["name"] for r in records)
    problems += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    problems += [f"duplicate name {i}" for i, n in names.items() if n > 1]
    all_offers = {t for r in records for t in r["offers"]}
    offered_by: dict[str, set[str]] = defaultdict(set)
    for o in orgs:
        for c, _ in o.offers:
            offered_by[c.id].add(o.id)
    for r, o in zip(records, orgs, strict=True):
        Organisation.model_validate(r)
        for pos in r["chains"]:
            seg = tax.segments.get(pos["segment"])
            if seg is None or seg.chain != pos["chain"]:
                problems.append(f"{r['id']}: chain position {pos} is not in the taxonomy")
        if not 2 <= len(r["offers"]) <= 6:
            problems.append(f"{r['id']}: {len(r['offers'])} offers")
        if not 1 <= len(r["needs"]) <= 5:
            problems.append(f"{r['id']}: {len(r['needs'])} needs")
        if not 1 <= len(r["products"]) <= 4:
            problems.append(f"{r['id']}: {len(r['products'])} products")
        if len(set(r["offers"])) != len(r["offers"]) or len(set(r["needs"])) != len(r["needs"]):
            problems.append(f"{r['id']}: repeated statement")
        for c, text in o.needs:
            if text in all_offers:
                problems.append(f"{r['id']}: need {text!r} copies an offer")
            if not offered_by[c.id] - {o.id}:
                problems.append(f"{r['id']}: nobody else offers what {text!r} asks for")
            if not c.consumers & set(o.positions):
                problems.append(f"{r['id']}: need {text!r} does not follow the taxonomy")
    kinds = Counter(r["kind"] for r in records)
    if len(records) < 320 or kinds["institute"] < 24 or kinds["service"] < 24:
        problems.append(f"too few organisations: {len(records)} {dict(kinds)}")
    if problems:
        raise DemoDataError("demo park is inconsistent:\n  " + "\n  ".join(problems[:40]))


def stats(records: list[dict[str, Any]], orgs: list[Draft]) -> dict[str, Any]:
    statements = [t for r in records for t in (*r["offers"], *r["needs"])]
    offers_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for o in orgs:
        for c, t in o.offers:
            offers_of[c.id].append((o.id, t))
    overlaps: list[float] = []
    for o in orgs:
        for c, t in o.needs:
            grams = _bigrams(t)
            overlaps.append(
                max(
                    len(grams & _bigrams(x)) / max(1, len(grams | _bigrams(x)))
                    for oid, x in offers_of[c.id]
                    if oid != o.id
                )
            )
    total = len(overlaps)
    return {
        "organisations": len(records),
        "by_kind": dict(Counter(r["kind"] for r in records)),
        "by_chain": dict(Counter(r["chains"][0]["chain"] for r in records)),
        "offers": sum(len(r["offers"]) for r in records),
        "needs": total,
        "english_share": round(sum(map(is_english, statements)) / len(statements), 3),
        # best character-bigram Jaccard between a need and any offer that meets it
        "needs_sharing_almost_no_wording(<0.05)": round(sum(x < 0.05 for x in overlaps) / total, 3),
        "needs_sharing_little_wording(<0.10)": round(sum(x < 0.1 for x in overlaps) / total, 3),
        "distinct_offer_texts": len({t for r in records for t in r["offers"]}),
    }


# What `chainmatch demo` shows: two partner searches, one substitute search, two questions.
TOUR = {
    "partners": ["demo-nev-0019", "demo-ic-0029"],
    "substitutes": ["demo-ic-0034"],
    "ask": ["需要PCB可靠性测试和失效分析服务", "Looking for a bank loan secured by our patents"],
}


def generate(seed: int = SEED) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    tax = load_taxonomy(TAXONOMY_PATH)
    pools = parse_pools(P.SEGMENTS, tax)
    gen = Generator(tax, pools, seed)
    orgs = gen.build()
    records = [gen.record(o) for o in orgs]
    check_catalog(records, orgs, tax)
    park = {"description": DESCRIPTION, "tour": TOUR, "organisations": records}
    probes = {
        "description": "Known answers in demo_park.json for end-to-end tests: each probe's need "
        "is met by the supplier's offer although the wording differs (other_suppliers offer the "
        "same capability in other words); each substitute shares its segment and core offers "
        "with org, while unrelated is in another chain.",
        "probes": gen.probe_rows,
        "substitutes": gen.substitutes,
    }
    return park, probes, stats(records, orgs)


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--check", action="store_true", help="build and validate, write nothing")
    args = parser.parse_args(argv)
    try:
        park, probes, summary = generate(args.seed)
    except DemoDataError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    if not args.check:
        OUT_PATH.write_text(_dump(park), encoding="utf-8")
        PROBES_PATH.parent.mkdir(parents=True, exist_ok=True)
        PROBES_PATH.write_text(_dump(probes), encoding="utf-8")
    sys.stderr.write(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
