"""The challenges for people: one XLSX workbook — the challenges, the applications ranked
by the rubric, every review, every log line and the figures by chain.

Challenge and proposal text comes from companies: every cell is typed, and text that starts
like a formula stays text (as in the desk and event workbooks). The workbook is for park
staff, so confidential challenges appear in full.

Example usage::

    write_challenges_xlsx(Path("challenges.xlsx"), store, stats_doc(store, catalog))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from catalog.challenge import ChallengeStore, rank_applications
from service.exports.formats import Cell, write_sheets, xlsx_cell

__all__ = ["CHALLENGE_HEADER", "STATS_HEADER", "write_challenges_xlsx"]

CHALLENGE_HEADER = [
    "id",
    "org_id",
    "title",
    "state",
    "deliverable_level",
    "award_kind",
    "amount_wan",
    "deadline",
    "apply_by",
    "confidentiality",
    "ip_terms",
    "applications",
    "shortlist",
    "winners",
    "signed_amount_wan",
    "source_request_id",
    "indicators",
    "phases",
    "problem",
]
STATS_HEADER = [
    "group",
    "opened",
    "published",
    "applications",
    "matched",
    "signed",
    "amount_signed_wan",
    "accepted",
    "match_rate",
    "sign_rate",
]


def _sheets(store: ChallengeStore, stats: dict[str, Any]) -> list[tuple[str, list[list[Cell]]]]:
    zone = store.zone
    challenges = store.challenges()
    apps = store.applications()
    rows: list[list[Cell]] = [list(CHALLENGE_HEADER)]
    ranked: list[list[Cell]] = [
        ["challenge", "rank", "org_id", "total_100", "reviews", "budget_wan", "ip_declaration",
         "applied_at", "team", "proposal"]
    ]  # fmt: skip
    reviews: list[list[Cell]] = [["challenge", "org_id", "reviewer", "at", "criterion", "score"]]
    log: list[list[Cell]] = [["challenge", "seq", "at", "actor", "role", "action", "from", "to",
                              "note", "data"]]  # fmt: skip
    for ch in challenges:
        mine = [a for a in apps if a.challenge_id == ch.id]
        doc = ch.to_json()
        doc["applications"] = len(mine)
        doc["shortlist"] = ", ".join(ch.shortlist)
        doc["winners"] = ", ".join(ch.winners)
        doc["indicators"] = "；".join(i.text() for i in ch.spec.indicators)
        doc["phases"] = "；".join(f"{p.name} {p.due.isoformat()}" for p in ch.spec.phases)
        rows.append([xlsx_cell(doc[k]) for k in CHALLENGE_HEADER])
        marks = store.reviews(ch.id)
        for r in rank_applications(ch.spec.rubric, mine, marks):
            j = r.to_json()
            spec = r.application.spec
            ranked.append(
                [ch.id, r.rank, j["org_id"], j["total_100"], j["reviews"], spec.budget_wan,
                 spec.ip_declaration.value, j["applied_at"], ", ".join(spec.team), spec.proposal]
            )  # fmt: skip
        for m in marks:
            for name, value in m.scores.items():
                reviews.append([ch.id, m.org_id, m.reviewer, m.at.astimezone(zone).isoformat(),
                                name, value])  # fmt: skip
        for e in ch.log:
            data = ", ".join(f"{k}={v}" for k, v in e.data.items())
            log.append(
                [ch.id, e.seq, e.at.astimezone(zone).isoformat(), e.actor, e.role.value,
                 e.action.value, "" if e.from_state is None else e.from_state.value,
                 e.to_state.value, e.note or "", data]
            )  # fmt: skip
    table: list[list[Cell]] = [
        list(STATS_HEADER),
        ["total", *(xlsx_cell(stats[k]) for k in STATS_HEADER[1:])],
    ]
    for chain, f in stats["by"]["chain"].items():
        table.append([chain, *(xlsx_cell(f[k]) for k in STATS_HEADER[1:])])
    return [
        ("Challenges", rows),
        ("Applications", ranked),
        ("Reviews", reviews),
        ("Stats", table),
        ("Log", log),
    ]


def write_challenges_xlsx(path: Path, store: ChallengeStore, stats: dict[str, Any]) -> Path:
    """Challenges, Applications (ranked), Reviews, Stats (total and by chain), Log."""
    return write_sheets(_sheets(store, stats), path)
