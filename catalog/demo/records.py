"""Turn a finished draft into the catalog record written to ``demo_park.json``.

Contacts, park districts, products, qualifications and update times are drawn here from the
same seeded ``random.Random`` as the organisations, after all of them are built; the record
is validated with :class:`catalog.models.Organisation` before it is returned.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from catalog.demo.organisations import Draft, weighted
from catalog.demo.pools import Pools
from catalog.demo.tables import Tables, syllables
from catalog.models import Organisation

__all__ = ["record"]

TZ = dt.timezone(dt.timedelta(hours=8))


def record(org: Draft, rng: random.Random, pools: Pools, tables: Tables) -> dict[str, Any]:
    """The JSON record of ``org``, with the details a real catalog entry would have."""
    names = tables.names
    chain = org.chain
    park = rng.choices(names.parks, weights=names.park_weights[chain])[0]
    products = _products(org, rng)
    surname, sur_py = rng.choice(syllables(names.surnames))
    role_key = org.kind if org.kind != "service" else org.positions[0]
    contact = {
        "name": surname + rng.choice(names.given_names),
        "role": rng.choice(names.roles[role_key]),
        "phone": f"0571-8{rng.randrange(10**7):07d}",
        "email": f"{sur_py}.{org.id.removeprefix('demo-').replace('-', '')}@example.com",
    }
    aliases: list[str] = []
    if org.brand is not None and rng.random() < 0.45:
        brand, brand_en = org.brand
        en_word = pools.en_word[org.positions[0]]
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
        "qualifications": _qualifications(org, rng, tables),
        "size": org.size,
        "contacts": [contact],
        "updated_at": updated.isoformat(),
    }
    return Organisation.model_validate(rec).model_dump(mode="json", exclude_none=True)


def _products(org: Draft, rng: random.Random) -> list[dict[str, Any]]:
    names = list(dict.fromkeys(c.product for c in org.concepts))
    k = min(len(names), weighted(rng, {1: 0.2, 2: 0.35, 3: 0.3, 4: 0.15}))
    chosen = names[:k]
    weights = [rng.uniform(0.5, 1.5) for _ in chosen]
    total = rng.uniform(0.55, 0.97)
    shares = [int(w / sum(weights) * total * 100) / 100 for w in weights]
    shares.sort(reverse=True)
    return [{"name": n, "share": s} for n, s in zip(chosen, shares, strict=True)]


def _qualifications(org: Draft, rng: random.Random, tables: Tables) -> list[dict[str, str]]:
    quals = tables.qualifications
    picks: list[tuple[str, str]] = []
    if org.kind == "enterprise":
        if rng.random() < 0.85:
            picks.append(("ISO 9001", "*"))
        if rng.random() < 0.45:
            picks.append(("ISO 14001", "*"))
        seg = org.positions[0]
        extra = quals.by_segment.get(seg) or quals.by_chain[org.chain]
        picks += rng.sample(list(extra), min(len(extra), rng.randint(1, 2)))
        if rng.random() < 0.6:
            picks.append(quals.high_tech)
        if rng.random() < 0.2:
            picks.append(quals.specialised)
    else:
        for seg in org.positions:
            picks += list(quals.by_service_segment[seg])
        picks += [quals.by_concept[c.key] for c in org.concepts if c.key in quals.by_concept]
        if org.kind == "service" and rng.random() < 0.5:
            picks.append(("ISO 9001", "*"))
    out: list[dict[str, str]] = []
    for name, issuer in dict.fromkeys(picks):
        if rng.random() < 0.12:
            day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(600))
        else:
            day = dt.date(2027, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
        who = rng.choice(quals.cert_bodies) if issuer == "*" else issuer
        out.append({"name": name, "issuer": who, "valid_until": day.isoformat()})
    return out
