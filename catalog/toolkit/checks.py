"""What makes a toolkit item's conditions mean something: each leaf's operator fits its
field, its value has the right shape, and no ``all`` group asks for the impossible.

Why refuse contradictions at write time: an item whose conditions cannot all hold
("revenue ≥ 50 and revenue < 10") would answer "not eligible" to every company forever,
and nobody would notice. Every error names the item, the condition's path
(``conditions.items[1]``) and the field; nothing is stored.

The typed readers (`number_of`, `date_of`, `interval_of`, `names_of`) are what the
matcher uses too, so validation and evaluation read a value the same way.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from catalog.errors import InvalidInputError
from catalog.models import OrgKind, OrgSize
from catalog.taxonomy import Taxonomy, load_default_taxonomy
from catalog.toolkit.model import (
    FIELD_TYPES,
    OPS_BY_TYPE,
    AllOf,
    AnyOf,
    Condition,
    FactField,
    FieldType,
    Node,
    Op,
    ToolkitItem,
    describe_errors,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_LEAVES",
    "Interval",
    "check_item",
    "date_of",
    "interval_of",
    "leaves",
    "names_of",
    "number_of",
    "parse_item",
]

MAX_DEPTH = 5
MAX_LEAVES = 100
_CHOICES: dict[FactField, frozenset[str]] = {
    FactField.KIND: frozenset(k.value for k in OrgKind),
    FactField.SIZE: frozenset(s.value for s in OrgSize),
}


@dataclass(frozen=True)
class Interval:
    """The values a threshold leaf admits: ``lo``..``hi`` with open or closed ends (dates
    as ordinals)."""

    lo: float = -math.inf
    lo_closed: bool = False
    hi: float = math.inf
    hi_closed: bool = False

    def meet(self, other: Interval) -> Interval:
        lo, lo_c = max((self.lo, not self.lo_closed), (other.lo, not other.lo_closed))
        hi, hi_c = min((self.hi, self.hi_closed), (other.hi, other.hi_closed))
        return Interval(lo, not lo_c, hi, hi_c)

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))

    def admits(self, x: float) -> bool:
        above = x > self.lo or (self.lo_closed and x == self.lo)
        return above and (x < self.hi or (self.hi_closed and x == self.hi))


def leaves(node: Node, path: str = "conditions") -> Iterator[tuple[str, Condition]]:
    """Every leaf with its path, depth first."""
    if isinstance(node, Condition):
        yield path, node
        return
    for i, child in enumerate(node.items):
        yield from leaves(child, f"{path}.items[{i}]")


def number_of(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


def date_of(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"expected an ISO date like 2024-01-01, got {value!r}") from None


def names_of(value: Any) -> tuple[str, ...]:
    """A text or a non-empty list of texts (for in / not_in)."""
    items = value if isinstance(value, list | tuple) else [value]
    if not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise ValueError(f"expected a text or a non-empty list of texts, got {value!r}")
    return tuple(v.strip() for v in items)


def _pair(value: Any) -> tuple[Any, Any]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(f"between expects [low, high], got {value!r}")
    return value[0], value[1]


def interval_of(c: Condition) -> Interval:
    """The admitted interval of a number or date leaf with a threshold operator (or eq)."""
    ftype = FIELD_TYPES[c.field]

    def read(v: Any) -> float:
        return float(date_of(v).toordinal()) if ftype is FieldType.DATE else number_of(v)

    if c.op is Op.BETWEEN:
        low, high = (read(v) for v in _pair(c.value))
        if low > high:
            raise ValueError(f"between expects low ≤ high, got {c.value!r}")
        return Interval(low, True, high, True)
    x = read(c.value)
    return {
        Op.GE: Interval(lo=x, lo_closed=True),
        Op.GT: Interval(lo=x),
        Op.AFTER: Interval(lo=x),
        Op.LE: Interval(hi=x, hi_closed=True),
        Op.LT: Interval(hi=x),
        Op.BEFORE: Interval(hi=x),
        Op.EQ: Interval(x, True, x, True),
    }[c.op]


def _check_leaf(c: Condition, taxonomy: Taxonomy) -> None:
    """The operator fits the field and the value its shape; ValueError says what was expected."""
    ftype = FIELD_TYPES[c.field]
    if c.op not in OPS_BY_TYPE[ftype]:
        fits = ", ".join(sorted(o.value for o in OPS_BY_TYPE[ftype]))
        raise ValueError(
            f"operator {c.op.value!r} does not fit a {ftype.value} field; expected one of {fits}"
        )
    if ftype in (FieldType.NUMBER, FieldType.DATE):
        if c.op is Op.NE:
            number_of(c.value)
        else:
            interval_of(c)
        return
    names = names_of(c.value)
    if c.op in (Op.EQ, Op.NE, Op.HAS, Op.HAS_VALID, Op.NOT_HAS) and len(names) != 1:
        raise ValueError(f"operator {c.op.value!r} expects one value, got {c.value!r}")
    allowed = _CHOICES.get(c.field)
    if c.field is FactField.CHAIN:
        allowed = frozenset(taxonomy.chains)
    elif c.field is FactField.SEGMENT:
        allowed = frozenset(taxonomy.segments)
    if allowed is not None:
        bad = [n for n in names if n not in allowed]
        if bad:
            raise ValueError(
                f"{bad[0]!r} is not a known {c.field.value}; expected one of "
                f"{', '.join(sorted(allowed)[:20])}"
            )


def _conjunction(node: AllOf, path: str) -> list[tuple[str, Condition]]:
    """The leaves that must all hold in ``node`` (nested ``all`` groups flattened)."""
    out: list[tuple[str, Condition]] = []
    for i, child in enumerate(node.items):
        sub = f"{path}.items[{i}]"
        if isinstance(child, Condition):
            out.append((sub, child))
        elif isinstance(child, AllOf):
            out.extend(_conjunction(child, sub))
    return out


def _say(c: Condition) -> str:
    return f"{c.field.value} {c.op.value} {c.value!r}"


def _contradiction(conj: list[tuple[str, Condition]]) -> tuple[str, Condition, str] | None:
    """The first leaf that cannot hold together with the ones before it, and why."""
    bounds: dict[FactField, tuple[Interval, set[float], list[tuple[str, Condition]]]] = {}
    allowed: dict[FactField, tuple[set[str] | None, set[str], list[tuple[str, Condition]]]] = {}
    for path, c in conj:
        ftype = FIELD_TYPES[c.field]
        if ftype in (FieldType.NUMBER, FieldType.DATE):
            span, points, seen = bounds.get(c.field, (Interval(), set(), []))
            if c.op is Op.NE:
                points = points | {number_of(c.value)}
            else:
                span = span.meet(interval_of(c))
            if span.empty or (span.lo == span.hi and span.lo in points):
                others = "; ".join(f"{p} ({_say(o)})" for p, o in seen)
                return path, c, f"contradicts {others}: no value satisfies them all"
            bounds[c.field] = (span, points, [*seen, (path, c)])
            continue
        if ftype is FieldType.QUALIFICATION or ftype is FieldType.SET:
            held, banned, seen = allowed.get(c.field, (None, set(), []))
            names = set(names_of(c.value))
            if c.op in (Op.HAS, Op.HAS_VALID):
                clash = names & banned
            elif c.op in (Op.NOT_HAS, Op.NOT_IN):
                clash = names & (held or set())
            else:  # in: needs one of them; all banned is impossible
                clash = names if names <= banned else set()
            if clash:
                others = "; ".join(f"{p} ({_say(o)})" for p, o in seen)
                return (
                    path,
                    c,
                    f"contradicts {others}: {sorted(clash)[0]!r} both required and excluded",
                )
            if c.op in (Op.HAS, Op.HAS_VALID):
                held = (held or set()) | names
            elif c.op in (Op.NOT_HAS, Op.NOT_IN):
                banned = banned | names
            allowed[c.field] = (held, banned, [*seen, (path, c)])
            continue
        # choice and place: one value, which must be in every eq / in and in no ne / not_in
        possible, banned, seen = allowed.get(c.field, (None, set(), []))
        names = set(names_of(c.value))
        if c.op in (Op.EQ, Op.IN):
            possible = names if possible is None else possible & names
        else:
            banned = banned | names
        if possible is not None and not possible - banned:
            others = "; ".join(f"{p} ({_say(o)})" for p, o in seen)
            return path, c, f"contradicts {others}: no {c.field.value} satisfies them all"
        allowed[c.field] = (possible, banned, [*seen, (path, c)])
    return None


def _groups(node: Node, path: str, depth: int) -> Iterator[tuple[str, AllOf | AnyOf, int]]:
    if isinstance(node, Condition):
        return
    yield path, node, depth
    for i, child in enumerate(node.items):
        yield from _groups(child, f"{path}.items[{i}]", depth + 1)


def check_item(item: ToolkitItem, taxonomy: Taxonomy | None = None) -> None:
    """Raise InvalidInputError naming the item, the path and the field of the first problem."""
    tax = taxonomy or load_default_taxonomy()
    where = f"item {item.id!r}"
    if item.effective_from and item.effective_to and item.effective_from > item.effective_to:
        raise InvalidInputError(
            f"{where}: effective_to: {item.effective_to} is before effective_from "
            f"{item.effective_from}"
        )
    found = list(leaves(item.conditions))
    if len(found) > MAX_LEAVES:
        raise InvalidInputError(f"{where}: conditions: {len(found)} leaves, at most {MAX_LEAVES}")
    for path, c in found:
        try:
            _check_leaf(c, tax)
        except ValueError as exc:
            raise InvalidInputError(f"{where}: {path} (field {c.field.value!r}): {exc}") from None
    for path, group, depth in _groups(item.conditions, "conditions", 1):
        if depth > MAX_DEPTH:
            raise InvalidInputError(f"{where}: {path}: groups nest deeper than {MAX_DEPTH}")
        if isinstance(group, AllOf):
            bad = _contradiction(_conjunction(group, path))
            if bad is not None:
                p, c, why = bad
                raise InvalidInputError(f"{where}: {p} (field {c.field.value!r}): {why}")


def parse_item(doc: Any) -> ToolkitItem:
    """A validated item: its shape (pydantic), then its meaning (`checks.check_item`).

    Raises InvalidInputError naming the item, the path and the field; nothing is stored.
    """
    name = doc.get("id", "?") if isinstance(doc, dict) else "?"
    try:
        item = ToolkitItem.model_validate(doc)
    except ValidationError as exc:
        raise InvalidInputError(f"item {name!r}: {describe_errors(exc)}") from None
    check_item(item)
    return item
