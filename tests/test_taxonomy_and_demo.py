"""The shipped taxonomy and demo park: what the product owner asked for, checked."""

from __future__ import annotations

import collections

import pytest

from catalog import ChainRelation, OrgKind, Stage, load_default_taxonomy
from catalog.demo import DEMO_LABEL, demo_document, load_demo_organisations
from catalog.taxonomy import _parse
from tests.synthetic import tiny_taxonomy

REQUIRED_CHAINS = {"ic", "pv", "nev", "bio", "iot", "newmat"}


def test_default_taxonomy_covers_six_chains_in_two_languages() -> None:
    tax = load_default_taxonomy()
    assert REQUIRED_CHAINS <= set(tax.chains)
    for chain in tax.chains.values():
        assert chain.name and chain.name_en and chain.name != chain.name_en
        assert len(chain.segments) >= 5
    stages = collections.Counter(s.stage for s in tax.segments.values())
    assert all(stages[s] > 0 for s in Stage)
    # the textbook chains hold: polysilicon feeds wafers, cells feed battery packs
    pairs = {(tax.segment(a).name_en, tax.segment(b).name_en) for a, b in tax.edges}
    assert len(pairs) >= 100
    cross = [(a, b) for a, b in tax.edges if tax.segment(a).chain != tax.segment(b).chain]
    assert any(tax.segment(a).chain == "newmat" for a, _ in cross)


def test_relation_reads_supply_edges_both_ways() -> None:
    tax = tiny_taxonomy()
    assert tax.relation("t.up", "t.mid") is ChainRelation.SUPPLIES
    assert tax.relation("t.mid", "t.up") is ChainRelation.BUYS
    assert tax.relation("t.mid", "t.mid") is ChainRelation.PEER
    assert tax.relation("t.up", "t.down") is ChainRelation.SAME_CHAIN
    assert tax.relation("s.lab", "t.down") is ChainRelation.SUPPORT
    assert tax.label("t.up") == "测试链/材料"
    prefer = [ChainRelation.SUPPLIES, ChainRelation.PEER]
    assert tax.best_relation(["t.mid", "t.up"], ["t.mid"], prefer) == (
        ChainRelation.SUPPLIES,
        "t.up",
        "t.mid",
    )


def test_bad_taxonomy_names_the_problem() -> None:
    with pytest.raises(ValueError, match="unknown segment 'x.nope'"):
        _parse({"chains": [], "edges": [{"from": "x.nope", "to": "y"}]})
    with pytest.raises(ValueError, match="missing field 'name_en'"):
        _parse({"chains": [{"id": "c", "name": "链", "segments": []}]})


def test_demo_park_is_big_varied_and_labelled() -> None:
    doc = demo_document()
    assert "fictional" in doc["description"].lower() and "fictional" in DEMO_LABEL
    orgs = load_demo_organisations()
    tax = load_default_taxonomy()
    kinds = collections.Counter(o.kind for o in orgs)
    assert len(orgs) >= 300
    assert kinds[OrgKind.INSTITUTE] >= 20 and kinds[OrgKind.SERVICE] >= 20
    chains = {p.chain for o in orgs for p in o.chains}
    assert REQUIRED_CHAINS <= chains
    for o in orgs:
        assert 2 <= len(o.offers) <= 6, o.id
        assert 1 <= len(o.needs) <= 5, o.id
        assert o.products and o.qualifications and o.region.park and o.chains, o.id
        for p in o.chains:
            assert tax.segment(p.segment).chain == p.chain
    texts = [t for o in orgs for t in (*o.offers, *o.needs)]
    english = sum(t.isascii() for t in texts) / len(texts)
    assert 0.05 <= english <= 0.4  # mostly Chinese, some English
    tour = doc["tour"]
    ids = {o.id for o in orgs}
    assert set(tour["partners"]) | set(tour["substitutes"]) <= ids and len(tour["ask"]) == 2
