"""Invent the organisations of the demo park and word what they offer and need.

Each segment's enterprises offer a few concepts of its pool; institutes and service
providers are written by hand. Offers are worded from the concept's offer wordings, needs
from the need wordings of concepts that *other* organisations offer in segments supplying
the organisation's own. One seeded ``random.Random`` drives every choice, so the calls
below must keep their order for the committed park to stay byte-identical.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from catalog.demo.pools import Concept, DemoDataError, Pools, is_english
from catalog.demo.tables import HandWritten, Tables, syllables
from catalog.taxonomy import Taxonomy

__all__ = ["INDUSTRY_CHAINS", "Draft", "Generator", "need_wordings", "weighted"]

INDUSTRY_CHAINS = ("ic", "pv", "nev", "bio", "iot", "newmat")


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


def weighted(rng: random.Random, options: dict[int, float]) -> int:
    """Draw one key of ``options`` with the given weights."""
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]


def need_wordings(c: Concept, org: Draft) -> list[str]:
    """The wordings ``org`` may use for needing ``c``: its segments' own ones, else the rest."""
    mine = [t for only, t in c.needs if only and set(only) & set(org.positions)]
    return mine or [t for only, t in c.needs if not only]


class Generator:
    """Builds the drafts step by step; ``catalog.demo.generate`` runs the steps in order."""

    def __init__(self, tax: Taxonomy, pools: Pools, tables: Tables, seed: int) -> None:
        self.tax = tax
        self.pools = pools
        self.tables = tables
        self.rng = random.Random(seed)
        self.orgs: list[Draft] = []
        self.used_text: Counter[str] = Counter()
        self.variant_use: Counter[tuple[str, str]] = Counter()

    # ---------------------------------------------------------------- organisations
    def make_organisations(self) -> None:
        """Enterprises chain by chain, then the hand-written institutes and services."""
        self._brands = self._brand_pool()
        for chain in INDUSTRY_CHAINS:
            serial = 0
            for seg in self.tax.chains[chain].segments:
                serial = self._enterprises(chain, seg, serial)
        hand = self.tables.organisations
        self._hand_written(hand.institutes, "institute", "demo-inst")
        self._hand_written(hand.services, "service", "demo-svc")
        self._check_concept_coverage()

    def _brand_pool(self) -> list[tuple[str, str]]:
        names = self.tables.names
        hand = self.tables.organisations
        reserved = {row.name[:2] for spec in (hand.institutes, hand.services) for row in spec}
        brands = [
            (a + b, (pa + pb).capitalize())
            for a, pa in syllables(names.brand_first)
            for b, pb in syllables(names.brand_second)
            if a != b and a + b not in names.brand_exclude and a + b not in reserved
        ]
        self.rng.shuffle(brands)
        return brands

    def _enterprises(self, chain: str, seg: str, serial: int) -> int:
        layout = self.tables.layout
        pool = self.pools.concepts[seg]
        first: Draft | None = None
        substitute_seg = seg in {s.segment for s in self.tables.probes.substitute_segments}
        made: list[Draft] = []
        count = layout.enterprises_per_segment.get(seg, layout.default_enterprises)
        for i in range(count):
            serial += 1
            brand, brand_en = self._brands.pop()
            name = brand + self.rng.choice(self.pools.name_words[seg])
            name += self.rng.choice(self.tables.names.legal_forms)
            k = min(weighted(self.rng, {2: 0.2, 3: 0.35, 4: 0.3, 5: 0.15}), len(pool))
            concepts = self.rng.sample(pool, k)
            if substitute_seg and i == 1 and first is not None:
                # a close competitor of the first one: same core offers, own extras
                shared = first.concepts[: max(2, min(3, len(first.concepts)))]
                extra = [c for c in concepts if c not in shared][:1]
                concepts = list(shared) + extra
            positions = [seg]
            second = layout.second_position.get(seg)
            if second and self.rng.random() < 0.25 and not (substitute_seg and i < 2):
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

    def _hand_written(self, spec: Sequence[HandWritten], kind: str, prefix: str) -> None:
        by_key: dict[str, dict[str, Concept]] = {
            seg: {c.key: c for c in cs} for seg, cs in self.pools.concepts.items()
        }
        for n, row in enumerate(spec, 1):
            positions = list(row.positions)
            concepts: list[Concept] = []
            for key in row.offers:
                found = [by_key[p][key] for p in positions if key in by_key.get(p, {})]
                if not found:
                    raise DemoDataError(f"{row.name}: concept {key!r} is not in {positions}")
                concepts.append(found[0])
            en = 0.5 if self.rng.random() < 0.15 else 0.15
            self.orgs.append(
                Draft(
                    f"{prefix}-{n:04d}",
                    row.name,
                    kind,
                    positions,
                    concepts,
                    en,
                    row.size,
                    need_keys=row.needs,
                )
            )

    def _check_concept_coverage(self) -> None:
        offered = {c.id for o in self.orgs for c in o.concepts}
        missing = [c.id for c in self.pools.all() if c.id not in offered]
        if missing:
            raise DemoDataError(f"concepts nobody offers: {missing}")

    # ---------------------------------------------------------------- wording
    def _category(self, segment: str) -> str:
        tails = self.tables.tails
        if segment in tails.goods_segments:
            return "goods"
        return "service" if segment in tails.service_segments else "neutral"

    def _offer_tail(self, concept: Concept, english: bool) -> str:
        tails = self.tables.tails
        cat = self._category(concept.segment)
        chain = concept.segment.split(".")[0]
        options: tuple[str, ...]
        if english:
            options = tails.offer_en[cat]
        elif chain == "svc":
            options = tails.offer_zh[concept.segment]
        else:
            options = tails.offer_zh[cat] + (tails.offer_zh[chain] if cat == "goods" else ())
        return self.rng.choice(options)

    def _pick(self, concept_id: str, variants: Sequence[str], en: bool) -> str:
        same = [v for v in variants if is_english(v) == en] or list(variants)
        least = min(self.variant_use[(concept_id, v)] for v in same)
        pick = self.rng.choice([v for v in same if self.variant_use[(concept_id, v)] == least])
        self.variant_use[(concept_id, pick)] += 1
        return pick

    def word_offers(self) -> None:
        """Word every organisation's offers, varying wordings and adding tails."""
        for org in self.orgs:
            self._word_offers(org)

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

    def draw_needs(self) -> None:
        """Give every organisation needs that others in the park can meet."""
        for org in self.orgs:
            self._draw_needs(org)

    def _draw_needs(self, org: Draft) -> None:
        own = {c.id for c in org.concepts}
        offered_by = self._offered_by()
        industry: list[Concept] = []
        support: list[Concept] = []
        for c in self.pools.all():
            if c.id in own or not (c.consumers & set(org.positions)):
                continue
            if not need_wordings(c, org) or not offered_by[c.id] - {org.id}:
                continue
            (support if c.segment.startswith("svc.") else industry).append(c)
        n = weighted(self.rng, {1: 0.15, 2: 0.3, 3: 0.3, 4: 0.15, 5: 0.1})
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
            self._word_need(org, c)

    def _word_need(self, org: Draft, c: Concept) -> None:
        tails = self.tables.tails
        en = self.rng.random() < org.en
        text = self._pick(c.id + "/need", need_wordings(c, org), en)
        r = self.rng.random()
        goods = c.segment in tails.goods_segments
        if is_english(text):
            if r < 0.25:
                text = f"{text}, {self.rng.choice(tails.need_en)}"
        elif r < 0.35:
            options = tails.need_zh["any"] + (tails.need_zh["goods"] if goods else ())
            text = f"{text}，{self.rng.choice(options)}"
        org.needs.append((c, text))

    def _offered_by(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for o in self.orgs:
            for c in o.concepts:
                out[c.id].add(o.id)
        return out
