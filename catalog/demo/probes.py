"""Plant known answers in the demo park for the end-to-end tests.

Each probe of ``phrases/probes.json`` is a need and an offer wording of the same concept;
one organisation gets the offer and another states the need alone, so that the test knows
which partner must be found. Substitute triples name two enterprises built to share their
core offers and one unrelated organisation. None of this draws from the random generator.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from catalog.demo.organisations import Draft, need_wordings
from catalog.demo.pools import Concept, DemoDataError, Pools
from catalog.demo.tables import ProbeFile

__all__ = ["PlantedProbe", "pick_substitutes", "plant_probe_needs", "plant_probe_offers"]


@dataclass(frozen=True)
class PlantedProbe:
    """A probe whose offer wording is now an offer of ``supplier``."""

    concept: Concept
    need: str
    offer: str
    note: str
    supplier: Draft


def _probe_concepts(pools: Pools, probes: ProbeFile) -> list[tuple[Concept, str, str, str]]:
    out = []
    for p in probes.probes:
        cs = [c for c in pools.all() if p.offer in c.offers]
        if len(cs) != 1:
            raise DemoDataError(f"probe offer {p.offer!r} is not a pool wording")
        if p.need not in {t for _, t in cs[0].needs}:
            raise DemoDataError(f"probe need {p.need!r} is not a need wording of {cs[0].id}")
        out.append((cs[0], p.need, p.offer, p.note))
    return out


def plant_probe_offers(orgs: list[Draft], pools: Pools, probes: ProbeFile) -> list[PlantedProbe]:
    """Give each probe's offer wording to the least used organisation offering its concept."""
    used: Counter[str] = Counter()
    planted: list[PlantedProbe] = []
    for c, need, offer, note in _probe_concepts(pools, probes):
        cands = [o for o in orgs if c in o.concepts]
        cands.sort(key=lambda o: (used[o.id], o.kind == "institute", o.id))
        org = cands[0]
        used[org.id] += 1
        i = next(i for i, (cc, _) in enumerate(org.offers) if cc is c)
        if all(t != offer for _, t in org.offers):
            org.offers[i] = (c, offer)
        planted.append(PlantedProbe(c, need, offer, note, org))
    return planted


def plant_probe_needs(orgs: list[Draft], planted: list[PlantedProbe]) -> list[dict[str, Any]]:
    """Make one customer state each probe's need alone; return the rows of the probes file."""
    used: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    for p in planted:
        c, supplier = p.concept, p.supplier
        cands = [
            o
            for o in orgs
            if o is not supplier
            and c not in o.concepts
            and c.consumers & set(o.positions)
            and p.need in need_wordings(c, o)
        ]
        if not cands:
            raise DemoDataError(f"no organisation could have the probe need {p.need!r}")
        # the organisation states this need alone, so that the known answer is what its
        # partner list is about (about one in six organisations states a single need anyway)
        cands.sort(key=lambda o: (used[o.id], o.kind != "enterprise", len(o.needs), o.id))
        org = cands[0]
        used[org.id] += 1
        org.needs = [(c, p.need)]
        others = sorted(
            o.id for o in orgs if c in o.concepts and o is not supplier and o is not org
        )
        rows.append(
            {
                "need_org": org.id,
                "need": p.need,
                "supplier_org": supplier.id,
                "offer": p.offer,
                "note": p.note,
                "other_suppliers": others,
            }
        )
    return rows


def pick_substitutes(orgs: list[Draft], probes: ProbeFile) -> list[dict[str, str]]:
    """The find-substitute triples: org, its planted substitute, and an unrelated one."""
    out: list[dict[str, str]] = []
    for spec in probes.substitute_segments:
        ents = [o for o in orgs if o.positions[0] == spec.segment and o.kind == "enterprise"]
        a, b = ents[0], ents[1]
        shared = {c.id for c in a.concepts} & {c.id for c in b.concepts}
        if len(shared) < 2:
            raise DemoDataError(f"substitute pair {a.id}/{b.id} shares {len(shared)} offers")
        far = [o for o in orgs if o.chain == spec.unrelated_chain and o.kind == "enterprise"]
        unrelated = far[(len(out) * 7) % len(far)]
        out.append({"org": a.id, "substitute": b.id, "unrelated": unrelated.id})
    byid = {o.id: o for o in orgs}
    for svc in probes.substitute_services:
        pair = (svc.org, svc.substitute)
        if any(i not in byid for i in pair):
            raise DemoDataError(f"substitute services {pair}: unknown organisation")
        a, b = byid[svc.org], byid[svc.substitute]
        if a.positions[0] != svc.segment or b.positions[0] != svc.segment:
            raise DemoDataError(f"substitute services {pair} are not both in {svc.segment}")
        out.append({"org": a.id, "substitute": b.id, "unrelated": out[len(out) % 5]["unrelated"]})
    return out
