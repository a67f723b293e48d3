"""Fair shortlists: history's pairs are never a reason to invite, the unserved can be
favoured (with the weight in the reason), and invitations can go out in waves."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from catalog.errors import InvalidInputError
from catalog.events import Link, pair_key
from catalog.models import ChainPosition, Organisation, OrgKind, OrgSize
from catalog.taxonomy import load_default_taxonomy
from matcher.events import (
    PairScore,
    PairScores,
    Service,
    chain_waves,
    shortlist_from_scores,
    unserved_factors,
)

# every positive pair is strong with strong_share 1.0
VALUES = {("p", "q"): 0.9, ("p", "r"): 0.8, ("r", "s"): 0.7}


def scores(
    values: Mapping[tuple[str, str], float],
    ids: list[str],
    links: Mapping[tuple[str, str], tuple[Link, ...]] | None = None,
) -> PairScores:
    got = links or {}
    pairs = [
        PairScore(*pair_key(a, b), s, s, s, got.get(pair_key(a, b), ()), "")
        for (a, b), s in values.items()
    ]
    return PairScores(pairs, {i: f"名称{i}" for i in ids})


def test_plain_greedy_then_history_and_favour_change_who_comes() -> None:
    pool = scores(VALUES, ["p", "q", "r", "s"])
    # overall strength p 1.7, r 1.5: p first; then q gains 0.9 from p, r 0.8
    assert shortlist_from_scores(pool, 2, strong_share=1.0).ids == ["p", "q"]
    # p-q met recently: p is left 0.8, q nothing, so r (1.5) comes first and brings p (0.8)
    out = shortlist_from_scores(pool, 2, strong_share=1.0, excluded=frozenset({("p", "q")}))
    assert out.ids == ["r", "p"]
    assert "q" not in out.entries[1].reason  # an excluded pair is no reason to invite

    # p met 3 times and signed (×1.125), q once and signed (×1.25), r and s never (×2):
    # overall ×factor: p 1.9125, q 1.125, r 3.0, s 1.4 → r; then p 0.8 × 1.125 = 0.9 against
    # s 0.7 × 2 = 1.4 → s
    record = {"p": Service(3, True), "q": Service(1, True)}
    favour = unserved_factors(record, pool.ids, 1.0)
    fair = shortlist_from_scores(pool, 2, strong_share=1.0, favour=favour)
    assert fair.ids == ["r", "s"]
    assert [e.favour for e in fair.entries] == [2.0, 2.0]
    assert fair.entries[0].reason.endswith(
        "；优先未服务 favour-unserved ×2.00 (weight 1: 0 past meeting(s), no partner yet)"
    )
    assert shortlist_from_scores(pool, 2, strong_share=1.0).entries[0].favour == 1.0


def org(
    org_id: str, segment: str, size: OrgSize, kind: OrgKind = OrgKind.ENTERPRISE
) -> Organisation:
    return Organisation(
        id=org_id,
        name=f"名称{org_id}",
        kind=kind,
        size=size,
        chains=(ChainPosition(chain="nev", segment=segment),),
        offers=("供应产品",),
        needs=("需要采购",),
    )


def test_waves_put_chain_leaders_and_their_suppliers_first() -> None:
    orgs = [
        org("L", "nev.vehicle", OrgSize.LARGE),  # leader: large, downstream
        org("U", "nev.battery-materials", OrgSize.LARGE),  # large but upstream: not a leader
        org("S", "nev.motor", OrgSize.SMALL),  # motor → vehicle in the taxonomy
        org("E", "nev.electronics", OrgSize.SMALL),  # electronics → vehicle too
        org("R", "nev.charging", OrgSize.MEDIUM),  # neither
    ]
    ids = [o.id for o in orgs]
    values = {("U", "R"): 0.95, ("L", "S"): 0.5, ("E", "L"): 0.4, ("R", "S"): 0.3}
    pool = scores(values, ids)
    tax = load_default_taxonomy()
    waves = chain_waves(orgs, tax, ids, ("nev",))
    assert waves.leaders == ("L",) and dict(waves.suppliers) == {"S": "L", "E": "L"}
    assert [waves.wave(x) for x in ids] == [1, 2, 1, 1, 2]

    plain = shortlist_from_scores(pool, 4, strong_share=1.0)
    assert plain.ids[:2] == ["R", "U"]  # the strongest pair (R 1.25 overall), without waves
    out = shortlist_from_scores(pool, 4, strong_share=1.0, waves=waves)
    # leader first, then its suppliers (S gains 0.5 from L, E 0.4), then the best of the rest
    assert out.ids == ["L", "S", "E", "R"]
    assert [e.wave for e in out.entries] == [1, 1, 1, 2]
    assert out.entries[0].reason.startswith("第一批 wave 1 · 链主 chain leader：")
    assert out.entries[1].reason.startswith(
        "第一批 wave 1 · 链主名称L的供应商 supplier of a leader"
    )
    assert out.entries[3].reason.startswith("第二批 wave 2：")

    named = chain_waves(orgs, tax, ids, ("nev",), leaders=["R"])
    # electronics → charging in the taxonomy (battery packs too, but none is here)
    assert named.leaders == ("R",) and dict(named.suppliers) == {"E": "R"}
    with pytest.raises(InvalidInputError, match="leaders: nobody not among the theme"):
        chain_waves(orgs, tax, ids, ("nev",), leaders=["nobody"])
