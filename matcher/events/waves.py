"""Invitation waves for a themed event: first the chain leaders (链主) and their suppliers,
then the rest.

Parks build events around a chain's leading enterprises: the leader comes, and the
companies that can supply it are invited with it, before the seats left go to everyone
else. A *leader* is an organisation the organiser names, or else a large enterprise of the
theme's chains in a midstream or downstream segment — the ``max_leaders`` (default 3) of
them with the most suppliers in the pool. A *supplier* of a leader is a pool organisation
whose segment supplies the leader's segment in the taxonomy. (An offer meeting one of the
leader's needs is no test: on the demo park nearly every organisation of a chain has one
such link to a leader, and the first wave would be everybody.)

Example usage::

    w = chain_waves(engine.orgs, engine.taxonomy, pool, ("nev",))
    w.tier("demo-nev-0003"), w.role("demo-nev-0003", names)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from catalog.errors import InvalidInputError
from catalog.models import Organisation, OrgKind, OrgSize
from catalog.taxonomy import Stage, Taxonomy

__all__ = ["Waves", "chain_waves"]

LEADER, SUPPLIER, REST = 0, 1, 2


@dataclass(frozen=True)
class Waves:
    leaders: tuple[str, ...]
    suppliers: Mapping[str, str]  # supplier → the (first) leader it supplies

    def tier(self, org_id: str) -> int:
        """0 a leader, 1 a leader's supplier, 2 the rest: the shortlist fills in this order."""
        if org_id in self.leaders:
            return LEADER
        return SUPPLIER if org_id in self.suppliers else REST

    def wave(self, org_id: str) -> int:
        return 1 if self.tier(org_id) < REST else 2

    def role(self, org_id: str, names: Mapping[str, str]) -> str:
        tier = self.tier(org_id)
        if tier == LEADER:
            return "第一批 wave 1 · 链主 chain leader"
        if tier == SUPPLIER:
            leader = self.suppliers[org_id]
            return f"第一批 wave 1 · 链主{names.get(leader, leader)}的供应商 supplier of a leader"
        return "第二批 wave 2"


def chain_waves(
    orgs: Iterable[Organisation],
    taxonomy: Taxonomy,
    pool: Sequence[str],
    chains: Sequence[str],
    *,
    leaders: Sequence[str] = (),
    max_leaders: int = 3,
) -> Waves:
    """Leaders and their suppliers among ``pool`` (the theme's organisations)."""
    inside = set(pool)
    by_id = {o.id: o for o in orgs if o.id in inside}
    outside = [x for x in leaders if x not in by_id]
    if outside:
        raise InvalidInputError(
            f"leaders: {', '.join(outside[:5])} not among the theme's organisations"
        )
    if leaders:
        chosen = list(dict.fromkeys(leaders))
    else:
        middle = (Stage.MIDSTREAM, Stage.DOWNSTREAM)
        candidates = [
            o.id
            for o in by_id.values()
            if o.kind is OrgKind.ENTERPRISE
            and o.size is OrgSize.LARGE
            and any(
                (not chains or p.chain in chains)
                and p.segment in taxonomy.segments
                and taxonomy.segments[p.segment].stage in middle
                for p in o.chains
            )
        ]
        found = {x: _suppliers(by_id, taxonomy, pool, [x]) for x in candidates}
        ranked = sorted(candidates, key=lambda x: (-len(found[x]), x))
        chosen = ranked[:max_leaders]
    return Waves(tuple(chosen), _suppliers(by_id, taxonomy, pool, chosen))


def _suppliers(
    by_id: Mapping[str, Organisation],
    taxonomy: Taxonomy,
    pool: Sequence[str],
    leaders: Sequence[str],
) -> dict[str, str]:
    """Pool organisations that can supply one of ``leaders`` → the first such leader."""
    lead_segments = {x: {p.segment for p in by_id[x].chains} for x in leaders}
    suppliers: dict[str, str] = {}
    for x in pool:
        if x in lead_segments or x not in by_id:
            continue
        mine = {p.segment for p in by_id[x].chains}
        for leader, segs in lead_segments.items():
            if any((s, t) in taxonomy.edges for s in mine for t in segs):
                suppliers[x] = leader
                break
    return suppliers
