"""Who may use a toolkit item: three outcomes with the trace of every condition.

Pure functions over one organisation's facts (`OrgFacts`, built from the catalog entry
and the toolkit's stored facts) and the items' condition trees. Logic is three-valued
(Kleene): a condition is met, missed, or unknown when the fact is missing — and a missing
fact never makes an item "not eligible" by itself: an ``all`` group is missed only if a
child is missed, unknown if none is missed but one is unknown; an ``any`` group is met if
one child is met.

"Nearly eligible" (差一点): not eligible, in effect, and every missed condition a
threshold (≥, >, ≤, <, between, before, after), with the normalised distance to the
thresholds summed over an ``all`` group and the smallest branch taken in an ``any``:

* numbers: ``|threshold − value| / max(|threshold|, 1)`` (revenue 1500 against ≥ 2000 is
  0.25; 1 patent against ≥ 2 is 0.5);
* dates: days past the threshold / 365.

Items within `NEARLY_MAX` are "nearly", closest first. Cost: O(items × conditions) per
organisation, no search.

Example usage::

    facts = org_facts(org, stored_facts, day=dt.date(2026, 12, 1))
    result = match_items(items, facts)
    [r.item_id for r in result.nearly]
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.models import Organisation
from catalog.toolkit.checks import interval_of, names_of, number_of
from catalog.toolkit.model import (
    FIELD_LABELS,
    FIELD_TYPES,
    FIELD_UNITS,
    THRESHOLD_OPS,
    AllOf,
    Condition,
    FactField,
    FieldType,
    Node,
    Op,
    OrgFact,
    ToolkitItem,
)

__all__ = [
    "NEARLY_MAX",
    "ItemResult",
    "LeafResult",
    "OrgFacts",
    "Outcome",
    "Status",
    "ToolkitMatch",
    "evaluate_item",
    "match_items",
    "org_facts",
]

NEARLY_MAX = 0.5  # summed normalised distance: within half of the thresholds


class Status(enum.StrEnum):
    MET = "met"
    MISSED = "missed"
    UNKNOWN = "unknown"


class Outcome(enum.StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"  # not enough data


@dataclass(frozen=True)
class OrgFacts:
    """What conditions can be checked against, for one organisation on one day."""

    org_id: str
    name: str
    day: dt.date
    numbers: Mapping[FactField, float] = field(default_factory=dict)
    dates: Mapping[FactField, dt.date] = field(default_factory=dict)
    choices: Mapping[FactField, str] = field(default_factory=dict)
    places: tuple[str, ...] = ()
    park_known: bool = True
    sets: Mapping[FactField, frozenset[str]] = field(default_factory=dict)
    qualifications: tuple[tuple[str, dt.date | None], ...] = ()


def _whole_years(start: dt.date, day: dt.date) -> int:
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day))


def org_facts(org: Organisation, stored: Mapping[FactField, OrgFact], day: dt.date) -> OrgFacts:
    """The organisation's catalog entry and stored facts as one `OrgFacts`; ``age_years``
    is the whole years from ``founded`` to ``day``. No size or no chain position recorded
    means unknown, not "none"."""
    numbers: dict[FactField, float] = {}
    dates: dict[FactField, dt.date] = {}
    for name, fact in stored.items():
        if isinstance(fact.value, dt.date):
            dates[name] = fact.value
        else:
            numbers[name] = float(fact.value)
    if FactField.FOUNDED in dates:
        numbers[FactField.AGE_YEARS] = float(_whole_years(dates[FactField.FOUNDED], day))
    choices = {FactField.KIND: org.kind.value}
    if org.size is not None:
        choices[FactField.SIZE] = org.size.value
    sets: dict[FactField, frozenset[str]] = {}
    if org.chains:
        sets[FactField.CHAIN] = frozenset(p.chain for p in org.chains)
        sets[FactField.SEGMENT] = frozenset(p.segment for p in org.chains)
    region = org.region
    return OrgFacts(
        org_id=org.id,
        name=org.name,
        day=day,
        numbers=numbers,
        dates=dates,
        choices=choices,
        places=tuple(p for p in (region.province, region.city, region.park) if p),
        park_known=region.park is not None,
        sets=sets,
        qualifications=tuple((q.name, q.valid_until) for q in org.qualifications),
    )


@dataclass(frozen=True)
class LeafResult:
    """One condition checked: met, missed or unknown, what was found, how far off."""

    path: str
    condition: Condition
    status: Status
    actual: Any = None
    distance: float = 0.0  # 0 when met or unknown; inf for a miss that is no threshold

    def to_dict(self) -> dict[str, Any]:
        c = self.condition
        doc: dict[str, Any] = {
            "path": self.path,
            "field": c.field.value,
            "field_label": FIELD_LABELS[c.field],
            "op": c.op.value,
            "value": c.value,
            "clause": c.clause,
            "label": c.label,
            "status": self.status.value,
            "actual": self.actual,
        }
        if self.status is Status.MISSED:
            doc["distance"] = None if math.isinf(self.distance) else round(self.distance, 4)
        return doc


def _threshold_distance(c: Condition, x: float) -> float:
    """Normalised distance from ``x`` to the interval the leaf admits (dates in years)."""
    span = interval_of(c)
    bound = span.lo if x <= span.lo else span.hi
    if FIELD_TYPES[c.field] is FieldType.DATE:
        return abs(bound - x) / 365.0
    return abs(bound - x) / max(abs(bound), 1.0)


def _number(c: Condition, x: float, actual: Any) -> LeafResult:
    """A number or date (``x``: its value or ordinal) against the leaf."""
    if c.op is Op.NE:
        ok = x != number_of(c.value)
        return LeafResult("", c, Status.MET if ok else Status.MISSED, actual, 0 if ok else math.inf)
    if interval_of(c).admits(x):
        return LeafResult("", c, Status.MET, actual)
    far = _threshold_distance(c, x) if c.op in THRESHOLD_OPS else math.inf
    return LeafResult("", c, Status.MISSED, actual, far)


def _words(ok: bool | None, actual: Any, c: Condition) -> LeafResult:
    if ok is None:
        return LeafResult("", c, Status.UNKNOWN, actual)
    return LeafResult("", c, Status.MET if ok else Status.MISSED, actual, 0 if ok else math.inf)


def _qualification(c: Condition, facts: OrgFacts) -> LeafResult:
    want = names_of(c.value)[0].lower()
    held = [(n, until) for n, until in facts.qualifications if want in n.lower()]
    valid = [(n, u) for n, u in held if u is None or u >= facts.day]
    shown = [f"{n} (valid until {u})" if u else n for n, u in held] or "none held"
    if c.op is Op.HAS:
        return _words(bool(held), shown, c)
    if c.op is Op.HAS_VALID:
        return _words(bool(valid), shown, c)
    return _words(not held, shown, c)  # not_has


def check_leaf(c: Condition, facts: OrgFacts) -> LeafResult:
    """One condition against the facts (path filled in by the caller)."""
    ftype = FIELD_TYPES[c.field]
    if ftype is FieldType.NUMBER:
        x = facts.numbers.get(c.field)
        return LeafResult("", c, Status.UNKNOWN) if x is None else _number(c, x, x)
    if ftype is FieldType.DATE:
        day = facts.dates.get(c.field)
        if day is None:
            return LeafResult("", c, Status.UNKNOWN)
        return _number(c, float(day.toordinal()), day.isoformat())
    if ftype is FieldType.QUALIFICATION:
        return _qualification(c, facts)
    names = set(names_of(c.value))
    if ftype is FieldType.CHOICE:
        have = facts.choices.get(c.field)
        if have is None:
            return LeafResult("", c, Status.UNKNOWN)
        inside = have in names
        return _words(inside if c.op in (Op.EQ, Op.IN) else not inside, have, c)
    if ftype is FieldType.PLACE:
        hit = bool(names & set(facts.places))
        # a place that is neither the province nor the city may be the unrecorded park
        unsure = not hit and not facts.park_known
        positive = c.op in (Op.EQ, Op.IN)
        return _words(None if unsure else (hit if positive else not hit), list(facts.places), c)
    held = facts.sets.get(c.field)  # chain, segment
    if held is None:
        return LeafResult("", c, Status.UNKNOWN)
    hit = bool(names & held)
    return _words(hit if c.op in (Op.HAS, Op.IN) else not hit, sorted(held), c)


@dataclass(frozen=True)
class _Eval:
    status: Status
    distance: float  # to "met": 0 when met; summed over all, least branch of any
    leaves: tuple[LeafResult, ...]  # every leaf, for the trace
    gaps: tuple[LeafResult, ...]  # the leaves that stand between the item and "met"


def _evaluate(node: Node, facts: OrgFacts, path: str) -> _Eval:
    if isinstance(node, Condition):
        r = check_leaf(node, facts)
        r = LeafResult(path, r.condition, r.status, r.actual, r.distance)
        return _Eval(r.status, r.distance, (r,), () if r.status is Status.MET else (r,))
    kids = [_evaluate(child, facts, f"{path}.items[{i}]") for i, child in enumerate(node.items)]
    leaves = tuple(x for k in kids for x in k.leaves)
    states = {k.status for k in kids}
    if isinstance(node, AllOf):
        status = (
            Status.MISSED
            if Status.MISSED in states
            else Status.UNKNOWN
            if Status.UNKNOWN in states
            else Status.MET
        )
        distance = sum(k.distance for k in kids if k.status is Status.MISSED)
        gaps = tuple(g for k in kids if k.status is not Status.MET for g in k.gaps)
        return _Eval(status, distance, leaves, gaps)
    if Status.MET in states:
        return _Eval(Status.MET, 0.0, leaves, ())
    if Status.UNKNOWN in states:
        open_ = [k for k in kids if k.status is Status.UNKNOWN]
        return _Eval(Status.UNKNOWN, 0.0, leaves, tuple(g for k in open_ for g in k.gaps))
    best = min(kids, key=lambda k: k.distance)
    return _Eval(Status.MISSED, best.distance, leaves, best.gaps)


@dataclass(frozen=True)
class ItemResult:
    item: ToolkitItem
    outcome: Outcome
    in_effect: bool
    distance: float | None  # None: eligible, unknown, or a miss with no distance
    trace: tuple[LeafResult, ...]
    gaps: tuple[LeafResult, ...]
    providers: tuple[dict[str, Any], ...] = ()

    @property
    def nearly(self) -> bool:
        return (
            self.outcome is Outcome.NOT_ELIGIBLE
            and self.in_effect
            and self.distance is not None
            and self.distance <= NEARLY_MAX
        )

    def to_dict(self) -> dict[str, Any]:
        it = self.item
        by = {s: [t.to_dict() for t in self.trace if t.status is s] for s in Status}
        doc: dict[str, Any] = {
            "id": it.id,
            "name": it.name,
            "kind": it.kind.value,
            "outcome": self.outcome.value,
            "benefit": it.benefit,
            "source": it.source,
            "department": it.department,
            "in_effect": self.in_effect,
            "effective_from": None if it.effective_from is None else it.effective_from.isoformat(),
            "effective_to": None if it.effective_to is None else it.effective_to.isoformat(),
            "distance": None if self.distance is None else round(self.distance, 4),
            "trace": {
                "met": by[Status.MET],
                "missed": by[Status.MISSED],
                "unknown": by[Status.UNKNOWN],
            },
            "fictional": it.fictional,
        }
        if self.outcome is not Outcome.ELIGIBLE:
            doc["gaps"] = [_gap(g) for g in self.gaps]
            doc["providers"] = list(self.providers)
        return doc


def _gap(r: LeafResult) -> dict[str, Any]:
    c = r.condition
    unit = FIELD_UNITS.get(c.field, "")
    need = f"{FIELD_LABELS[c.field]} {c.op.value} {c.value}{unit}"
    doc: dict[str, Any] = {
        "field": c.field.value,
        "need": need,
        "clause": c.clause,
        "status": r.status.value,
    }
    if r.status is Status.UNKNOWN:
        doc["action"] = f"declare {c.field.value} (not enough data)"
    else:
        doc["actual"] = r.actual
        doc["distance"] = None if math.isinf(r.distance) else round(r.distance, 4)
    return doc


def evaluate_item(item: ToolkitItem, facts: OrgFacts) -> ItemResult:
    """One item for one organisation: outcome, distance, trace and gaps."""
    ev = _evaluate(item.conditions, facts, "conditions")
    in_effect = item.in_effect(facts.day)
    outcome = {
        Status.MET: Outcome.ELIGIBLE,
        Status.MISSED: Outcome.NOT_ELIGIBLE,
        Status.UNKNOWN: Outcome.UNKNOWN,
    }[ev.status]
    if not in_effect:
        outcome = Outcome.NOT_ELIGIBLE
    distance = None
    if ev.status is Status.MISSED and not math.isinf(ev.distance):
        distance = ev.distance
    return ItemResult(item, outcome, in_effect, distance, ev.leaves, ev.gaps)


@dataclass(frozen=True)
class ToolkitMatch:
    """Every item's result for one organisation, in four lists."""

    facts: OrgFacts
    eligible: tuple[ItemResult, ...]
    nearly: tuple[ItemResult, ...]  # closest first
    not_eligible: tuple[ItemResult, ...]  # the rest of the misses (nearly ones not repeated)
    unknown: tuple[ItemResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "org_id": self.facts.org_id,
            "name": self.facts.name,
            "as_of": self.facts.day.isoformat(),
            "eligible": [r.to_dict() for r in self.eligible],
            "nearly": [r.to_dict() for r in self.nearly],
            "not_eligible": [r.to_dict() for r in self.not_eligible],
            "unknown": [r.to_dict() for r in self.unknown],
        }

    def all(self) -> tuple[ItemResult, ...]:
        return self.eligible + self.nearly + self.not_eligible + self.unknown


def match_items(items: Sequence[ToolkitItem], facts: OrgFacts) -> ToolkitMatch:
    """Sort every item into eligible, nearly (closest first), not eligible and unknown."""
    results = [evaluate_item(it, facts) for it in items]
    near = sorted((r for r in results if r.nearly), key=lambda r: (r.distance, r.item.id))
    return ToolkitMatch(
        facts=facts,
        eligible=tuple(r for r in results if r.outcome is Outcome.ELIGIBLE),
        nearly=tuple(near),
        not_eligible=tuple(
            r for r in results if r.outcome is Outcome.NOT_ELIGIBLE and not r.nearly
        ),
        unknown=tuple(r for r in results if r.outcome is Outcome.UNKNOWN),
    )
