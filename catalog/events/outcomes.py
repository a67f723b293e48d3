"""What came of the meetings: held, no-show, cooperation signed, follow-up — and the stats.

Signed cooperations are also the best gold data the park has: `gold_lines` writes them in
the JSONL format of the A-share gold files (``query`` = the buyer, ``supplier``), so
``chainmatch eval --gold`` can measure the engine on the park's own successes.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from catalog.errors import InvalidInputError
from catalog.events.model import OrgId, describe
from catalog.events.results import Plan

__all__ = [
    "EventStats",
    "Outcome",
    "OutcomeStatus",
    "Totals",
    "event_stats",
    "gold_lines",
    "load_outcomes",
    "parse_outcome",
    "totals",
    "write_gold",
]


class OutcomeStatus(enum.StrEnum):
    HELD = "held"  # the meeting took place, nothing agreed yet
    NO_SHOW = "no_show"  # one side (or both) did not come
    SIGNED = "signed"  # a cooperation agreement was signed
    FOLLOW_UP = "follow_up"  # held, and both sides agreed to talk again

    @property
    def held(self) -> bool:
        return self is not OutcomeStatus.NO_SHOW


class Outcome(BaseModel):
    """The outcome of one meeting; recording again replaces the previous outcome."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    a: OrgId
    b: OrgId
    status: OutcomeStatus
    supplier: OrgId | None = None  # who supplies whom in a signed cooperation
    note: str | None = Field(default=None, max_length=1000)
    recorded_at: dt.datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _pair_in_order(cls, data: Any) -> Any:
        """(a, b) and (b, a) are the same meeting: store the smaller id first."""
        if isinstance(data, dict) and isinstance(data.get("a"), str):
            b = data.get("b")
            if isinstance(b, str) and b.strip() < data["a"].strip():
                return dict(data, a=b, b=data["a"])
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Outcome:
        if self.a == self.b:
            raise ValueError(f"a meeting needs two organisations, got {self.a} twice")
        if self.supplier is not None and self.supplier not in (self.a, self.b):
            raise ValueError(
                f"supplier: {self.supplier} is neither {self.a} nor {self.b} of this meeting"
            )
        return self

    @property
    def buyer(self) -> str | None:
        if self.supplier is None:
            return None
        return self.b if self.supplier == self.a else self.a


class EventStats(BaseModel):
    """Per-event figures the park reports: meetings held, no-show and cooperation rates."""

    model_config = ConfigDict(frozen=True)

    event_id: str
    name: str
    date: dt.date
    participants: int
    meetings: int
    recorded: int
    pending: int
    held: int
    no_show: int
    follow_up: int
    signed: int
    no_show_rate: float | None  # no-shows / meetings with an outcome
    cooperation_rate: float | None  # signed / meetings held
    companies_with_partner: int  # organisations with at least one signed cooperation


class Totals(BaseModel):
    """Across events: the park's yearly figures (events, companies, found partners)."""

    model_config = ConfigDict(frozen=True)

    events: int
    companies: int
    meetings: int
    held: int
    signed: int
    companies_with_partner: int
    no_show_rate: float | None
    cooperation_rate: float | None


def _rate(num: int, den: int) -> float | None:
    return None if den == 0 else round(num / den, 4)


def event_stats(plan: Plan, outcomes: Iterable[Outcome]) -> EventStats:
    """Figures of one event; outcomes for pairs that are not meetings are ignored."""
    meetings = {(m.a, m.b) for m in plan.meetings}
    got = [o for o in outcomes if (o.a, o.b) in meetings]
    count = {s: sum(o.status is s for o in got) for s in OutcomeStatus}
    held = sum(o.status.held for o in got)
    partnered = {x for o in got if o.status is OutcomeStatus.SIGNED for x in (o.a, o.b)}
    return EventStats(
        event_id=plan.event.id or "",
        name=plan.event.name,
        date=plan.event.date,
        participants=len(plan.event.participants),
        meetings=len(meetings),
        recorded=len(got),
        pending=len(meetings) - len(got),
        held=held,
        no_show=count[OutcomeStatus.NO_SHOW],
        follow_up=count[OutcomeStatus.FOLLOW_UP],
        signed=count[OutcomeStatus.SIGNED],
        no_show_rate=_rate(count[OutcomeStatus.NO_SHOW], len(got)),
        cooperation_rate=_rate(count[OutcomeStatus.SIGNED], held),
        companies_with_partner=len(partnered),
    )


def totals(plans: Sequence[tuple[Plan, Sequence[Outcome]]]) -> Totals:
    """The yearly report: how many events, companies, and companies that found partners."""
    companies: set[str] = set()
    partnered: set[str] = set()
    meetings = held = signed = no_show = recorded = 0
    for plan, outs in plans:
        s = event_stats(plan, outs)
        companies.update(plan.event.participant_ids)
        partnered.update(x for o in outs if o.status is OutcomeStatus.SIGNED for x in (o.a, o.b))
        meetings += s.meetings
        held += s.held
        signed += s.signed
        no_show += s.no_show
        recorded += s.recorded
    return Totals(
        events=len(plans),
        companies=len(companies),
        meetings=meetings,
        held=held,
        signed=signed,
        companies_with_partner=len(partnered),
        no_show_rate=_rate(no_show, recorded),
        cooperation_rate=_rate(signed, held),
    )


def gold_lines(plan: Plan, outcomes: Iterable[Outcome]) -> list[dict[str, Any]]:
    """One line per signed cooperation: {"query": buyer, "supplier": …, plus context}."""
    lines = []
    for o in sorted(outcomes, key=lambda o: (o.a, o.b)):
        if o.status is not OutcomeStatus.SIGNED or o.supplier is None or o.buyer is None:
            continue
        meeting = plan.meeting(o.a, o.b)
        link = next(
            (x for x in (meeting.links if meeting else ()) if x.offerer == o.supplier), None
        )
        lines.append(
            {
                "query": o.buyer,
                "supplier": o.supplier,
                "query_need": link.need if link else None,
                "supplier_offer": link.offer if link else None,
                "event": plan.event.id,
                "date": plan.event.date.isoformat(),
            }
        )
    return lines


def write_gold(path: Path, lines: Iterable[dict[str, Any]]) -> int:
    """Write gold lines as JSON Lines (UTF-8, one object per line); returns the count."""
    rows = [json.dumps(line, ensure_ascii=False) for line in lines]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("".join(r + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def parse_outcome(doc: Any) -> Outcome:
    """Validate one outcome; problems name the field."""
    try:
        return Outcome.model_validate(doc)
    except ValidationError as exc:
        raise InvalidInputError(f"invalid outcome: {describe(exc)}") from None


def load_outcomes(path: Path) -> list[Outcome]:
    """Outcomes from a CSV file with columns a, b, status (and optional supplier, note).

    Every row is checked first; one bad row rejects the file, naming each bad row.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        raise InvalidInputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path}: not UTF-8 text: {exc}") from None
    out, bad = [], []
    for n, row in enumerate(rows, start=2):  # row 1 is the header
        doc = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        doc = {k: v for k, v in doc.items() if v or k in ("a", "b", "status")}
        try:
            out.append(parse_outcome(doc))
        except InvalidInputError as exc:
            bad.append(f"row {n}: {str(exc).removeprefix('invalid outcome: ')}")
    if bad:
        raise InvalidInputError(
            f"{path}: {len(bad)} invalid row(s), nothing recorded: " + "; ".join(bad)
        )
    return out
