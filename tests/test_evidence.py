"""Honest evidence: the threshold is chosen on labelled margins, a weak pair is never cited,
and a result without a cited pair is exploratory and says what it rests on."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace

import pytest
from rich.console import Console

from catalog.errors import InvalidInputError
from catalog.taxonomy import ChainRelation
from embeddings.rebuild import DEFAULT_MODEL_ID
from eval.askset import AskSet
from eval.evidence_threshold import ask_pairs, choose_threshold, figures_at
from eval.metrics import Qrels
from matcher.engine import MatchEngine
from matcher.evidence import (
    EVIDENCE_THRESHOLD,
    MEASURED,
    QUESTION_OFFER,
    EvidenceGate,
    measured_threshold,
    rests_on,
)
from matcher.types import Evidence, Task
from service.cli_context import show_result
from tests.synthetic import WORDS, checkerboard, fake_encoder, tiny_taxonomy

TODAY = dt.date(2026, 11, 21)

RELEVANT = [0.30, 0.20, 0.10, -0.05]
OTHER = [0.15, 0.0, -0.1, -0.2, -0.3]


def engine_at(threshold: float) -> MatchEngine:
    return MatchEngine(
        checkerboard(), tiny_taxonomy(), fake_encoder(), today=TODAY, evidence_threshold=threshold
    ).build()


def test_best_f1_threshold_on_inline_margins() -> None:
    f = choose_threshold(RELEVANT, OTHER)
    # -0.05 cites all 4 relevant pairs and 2 of 5 others: F1 0.8, the best of every cut
    assert (f.threshold, f.precision, f.recall, f.f1, f.other_cited) == (
        -0.05,
        0.6667,
        1.0,
        0.8,
        0.4,
    )
    assert (f.auc, f.relevant, f.other) == (0.85, 4, 5)  # 17 of 20 pairs ordered right
    at = figures_at(RELEVANT, OTHER, 0.1)
    assert (at.precision, at.recall, at.f1, at.other_cited) == (0.75, 0.75, 0.75, 0.2)
    # equal F1: the stricter threshold; values are floored, so each is cited at its own cut
    assert choose_threshold([0.5, 0.1], [0.3, 0.2]).threshold == 0.5  # F1 2/3 at 0.5 and 0.1
    assert choose_threshold([0.1237], [0.0]).threshold == 0.123
    with pytest.raises(InvalidInputError, match="no relevant pairs"):
        figures_at([], OTHER, 0.0)


def test_threshold_chosen_on_fake_encoder_margins_splits_what_the_engine_cites() -> None:
    engine = engine_at(-math.inf)  # cite every pair, record every margin
    asks = AskSet(
        {f"q{g}": f"looking for {w}" for g, w in enumerate(WORDS)},
        Qrels({f"q{g}": {f"s{g}": 1, f"t{g}": 1} for g in range(len(WORDS))}),
        {f"q{g}": set() for g in range(len(WORDS))},
    )
    labelled = ask_pairs(engine, asks, depth=4)
    assert (len(labelled.relevant), len(labelled.other)) == (2 * len(WORDS), 2 * len(WORDS))
    # the makers of the asked word sit far above the question's reference, the rest below
    assert min(labelled.relevant) > 0.4 and max(labelled.other) < 0
    f = choose_threshold(labelled.relevant, labelled.other)
    assert (f.precision, f.recall, f.f1, f.auc) == (1.0, 1.0, 1.0, 1.0)
    assert max(labelled.other) < f.threshold <= min(labelled.relevant)
    # the chosen value in the engine: the makers cite their offer, the others are exploratory
    engine.evidence.threshold = f.threshold
    res = engine.ask("looking for glass", k=4)
    assert [(m.org_id in ("s1", "t1"), m.exploratory) for m in res.matches] == [
        (True, False),
        (True, False),
        (False, True),
        (False, True),
    ]
    # ask rewards breadth (best + 0.25 × second best offer): t1's two glass offers lead
    cites = [(m.org_id, [e.candidate_text for e in m.evidence]) for m in res.matches[:2]]
    assert cites == [("t1", ["glass samples"]), ("s1", ["we supply glass in volume"])]


def test_a_weak_pair_is_not_cited_and_the_match_says_what_it_rests_on() -> None:
    engine = engine_at(0.0)
    # b0 needs "looking for wafer"; s0 supplies wafer, s1 glass — both upstream of b0
    strong, weak = engine.find_partners("b0", k=2, items=["s0", "s1"]).matches
    assert (strong.org_id, strong.exploratory, strong.rests_on) == (
        "s0",
        False,
        ("statements", "chain_link"),
    )
    assert [(e.query_text, e.candidate_text) for e in strong.evidence] == [
        ("looking for wafer", "we supply wafer in volume")
    ]
    assert strong.evidence_margin is not None and strong.evidence_margin > 0.4
    assert strong.explanation.startswith("需求「looking for wafer」← 供给「we supply wafer")

    assert weak.org_id == "s1" and weak.exploratory and weak.evidence == ()
    assert weak.rests_on == ("chain_link", "weak_statements")
    assert weak.evidence_margin is not None and weak.evidence_margin < 0.0
    assert weak.explanation.startswith(
        "探索性 exploratory（无达到阈值的语句证据）：依据 较弱的语句相似 weak text similarity；"
        "产业链：测试链/材料 → 测试链/制造（上游供应 upstream supplier）"
    )
    assert "需求「" not in weak.explanation  # the glass offer is never cited for wafer
    body = weak.to_dict()
    assert (body["exploratory"], body["rests_on"], body["evidence"]) == (
        True,
        ["chain_link", "weak_statements"],
        [],
    )
    assert body["evidence_margin"] == round(weak.evidence_margin, 4)
    assert strong.to_dict()["evidence"][0]["margin"] == round(strong.evidence_margin, 4)


def test_rests_on_names_every_part_that_added_to_the_score() -> None:
    parts = {"semantic": 0.7, "chain": 0.04, "inferred": 0.3, "exact": 0.04, "peers": 0.1}
    parts |= {"sparse": 0.02, "region": 0.01, "demand": 0.0, "diversity": -0.02}
    got = rests_on(
        task=Task.PARTNERS, parts=parts, relation=ChainRelation.SUPPLIES, cited=False, weak=True
    )
    assert got == ("chain_link", "inferred_needs", "peer_suppliers", "sparse", "weak_statements")
    # a same-segment peer is a reason for a substitute, a penalty for a supplier
    peer = {"semantic": 0.9, "chain": -0.02}
    assert rests_on(
        task=Task.PARTNERS, parts=peer, relation=ChainRelation.PEER, cited=True, weak=True
    ) == ("statements",)
    assert rests_on(
        task=Task.SUBSTITUTES,
        parts={"semantic": 0.9},
        relation=ChainRelation.PEER,
        cited=True,
        weak=False,
    ) == ("statements", "same_segment")


def test_the_threshold_applies_to_the_encoder_it_was_measured_for() -> None:
    assert MEASURED[(DEFAULT_MODEL_ID, 0.5)] == EVIDENCE_THRESHOLD
    assert measured_threshold(DEFAULT_MODEL_ID, 0.5) == EVIDENCE_THRESHOLD
    assert measured_threshold(f"{DEFAULT_MODEL_ID}@openvino-f32", 0.5) == EVIDENCE_THRESHOLD
    assert measured_threshold(DEFAULT_MODEL_ID, 0.4) == EVIDENCE_THRESHOLD  # nearest measured
    assert measured_threshold(DEFAULT_MODEL_ID, 0.1) == MEASURED[(DEFAULT_MODEL_ID, 0.0)]
    assert measured_threshold("hashing-bigrams-256", 0.5) is None
    # an encoder nobody measured cites its pairs as before: the gate is off
    plain = MatchEngine(checkerboard(), tiny_taxonomy(), fake_encoder(), today=TODAY).build()
    assert plain.evidence.threshold is None
    weak = plain.find_partners("b0", k=2, items=["s0", "s1"]).matches[1]
    assert not weak.exploratory and weak.evidence and weak.evidence_margin is None


def test_the_cli_marks_exploratory_matches() -> None:
    console = Console(record=True, width=300)
    result = engine_at(0.0).find_partners("b0", k=2, items=["s0", "s1"])
    show_result(SimpleNamespace(out=console), result, False, "suppliers of b0")  # type: ignore[arg-type]
    lines = console.export_text().splitlines()
    heads = [line for line in lines if line.strip().startswith(("1.", "2."))]
    assert "(s0)" in heads[0] and "探索性" not in heads[0]
    assert "(s1)" in heads[1] and "探索性 exploratory" in heads[1]
    assert lines[lines.index(heads[1]) + 1].strip().startswith("探索性 exploratory（")


def test_ask_pairs_are_judged_as_plain_cosines_against_plain_references() -> None:
    engine = MatchEngine(
        checkerboard(), tiny_taxonomy(), fake_encoder(), today=TODAY, language_centering=0.5
    ).build()
    assert engine.vectors.plain_ is not None  # centering on: plain offers kept beside
    gate = EvidenceGate(engine.vectors, threshold=10.0, plain_threshold=-math.inf)
    pair = Evidence("looking for glass", "we supply glass in volume", 0.9, QUESTION_OFFER)
    cited_centered, weak_centered = gate.judge([pair])
    assert cited_centered == [] and len(weak_centered) == 1  # 10.0: nothing reaches it
    plain_ref = gate.reference(["looking for glass"], plain=True)["looking for glass"]
    centered_ref = gate.reference(["looking for glass"])["looking for glass"]
    assert plain_ref != pytest.approx(centered_ref, abs=1e-4)  # two spaces, two yardsticks
    (cited,), _ = gate.judge([pair], plain=True)
    assert cited.margin == pytest.approx(0.9 - plain_ref, abs=1e-6)
    assert weak_centered[0].margin == pytest.approx(0.9 - centered_ref, abs=1e-6)
    gate.threshold = 0.0  # one explicit value applies to both spaces
    assert gate.plain_threshold == 0.0
