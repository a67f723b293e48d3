"""Synthetic catalogs with a known answer, shared by the contract tests."""

from __future__ import annotations

from catalog.models import ChainPosition, Organisation, OrgKind, Qualification, Region
from catalog.taxonomy import Taxonomy, _parse
from embeddings.fake import FakeEncoder

WORDS = ("wafer", "glass", "resin", "sensor", "battery", "enzyme")


def tiny_taxonomy() -> Taxonomy:
    return _parse(
        {
            "chains": [
                {
                    "id": "t",
                    "name": "测试链",
                    "name_en": "Test chain",
                    "segments": [
                        {"id": "t.up", "name": "材料", "name_en": "Materials", "stage": "upstream"},
                        {"id": "t.mid", "name": "制造", "name_en": "Making", "stage": "midstream"},
                        {"id": "t.down", "name": "应用", "name_en": "Use", "stage": "downstream"},
                    ],
                },
                {
                    "id": "s",
                    "name": "服务",
                    "name_en": "Services",
                    "segments": [
                        {"id": "s.lab", "name": "检测", "name_en": "Testing", "stage": "support"}
                    ],
                },
            ],
            "edges": [{"from": "t.up", "to": "t.mid"}, {"from": "t.mid", "to": "t.down"}],
        }
    )


def _org(oid: str, segment: str, offers: list[str], needs: list[str], park: str) -> Organisation:
    return Organisation(
        id=oid,
        name=f"示例{oid}",
        kind=OrgKind.ENTERPRISE,
        region=Region(park=park),
        chains=(ChainPosition(chain=segment.split(".")[0], segment=segment),),
        offers=tuple(offers),
        needs=tuple(needs),
        qualifications=(Qualification(name="ISO 9001"),),
    )


def checkerboard() -> list[Organisation]:
    """For each word g: supplier s<g> and its twin t<g> offer it, buyer b<g> needs it.

    Known answers: the top-2 suppliers of b<g> are {s<g>, t<g>}; the top substitute of s<g>
    is t<g>.
    """
    orgs: list[Organisation] = []
    for g, word in enumerate(WORDS):
        orgs.append(
            _org(f"s{g}", "t.up", [f"we supply {word} in volume"], [f"need tools {g}"], "A")
        )
        orgs.append(
            _org(f"t{g}", "t.up", [f"{word} made to order", f"{word} samples"], ["need power"], "B")
        )
        orgs.append(
            _org(f"b{g}", "t.mid", [f"finished goods line {g}"], [f"looking for {word}"], "A")
        )
    return orgs


def fake_encoder() -> FakeEncoder:
    return FakeEncoder(keywords=WORDS, dim=48)
