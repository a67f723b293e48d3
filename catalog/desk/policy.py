"""A park's time limits: targets per clock, kind and urgency, escalation levels, calendar.

The default is the "135" standard (`data/policy_135.toml`): accept within 1 working day,
a plan within 3, resolved within 5 (urgent: 4 h, 1 d, 3 d). A park writes its own TOML (or
JSON) file of the same shape; every unknown key or bad duration is refused by its path.

Example usage::

    policy = load_policy()                     # the 135 standard on the China calendar
    policy.target(RequestKind.FINANCE, Urgency.NORMAL, Clock.RESOLVE)   # 144000.0 seconds
"""

from __future__ import annotations

import enum
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from catalog.desk.calendar import BUILTIN_CALENDARS, WorkCalendar, load_calendar
from catalog.desk.model import Clock, RequestKind, Urgency
from catalog.errors import InvalidInputError

__all__ = ["Level", "Policy", "load_policy", "parse_duration", "parse_policy"]

_DURATION = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*([dhm])\s*$")
_KEYS = {"name", "calendar", "supervisor", "targets", "escalation"}


class Level(enum.StrEnum):
    """Escalation levels, in the order they fire around a deadline."""

    FLAG = "flag"  # shown as at risk in the queue
    SUPERVISOR = "supervisor"  # the policy's supervisor joins the request
    NOTIFY = "notify"  # the coordination mechanism is notified (吹哨)


@dataclass(frozen=True)
class Policy:
    """Targets in working seconds by (kind or ``*``, urgency) and clock; escalation offsets
    in working seconds from the deadline, in firing order."""

    name: str
    calendar: WorkCalendar
    targets: Mapping[tuple[str, Urgency], Mapping[Clock, float]]
    escalation: tuple[tuple[Level, float], ...]
    supervisor: str

    def target(self, kind: RequestKind, urgency: Urgency, clock: Clock) -> float:
        """The kind's own target if it sets one, else the urgency's."""
        own = self.targets.get((kind.value, urgency), {})
        return own.get(clock, self.targets[("*", urgency)][clock])

    def describe(self) -> dict[str, Any]:
        hours = self.calendar.day_seconds
        return {
            "name": self.name,
            "calendar": self.calendar.name,
            "timezone": str(self.calendar.zone),
            "working_day_hours": hours / 3600,
            "targets_hours": {
                f"{kind}.{urgency.value}": {c.value: s / 3600 for c, s in t.items()}
                for (kind, urgency), t in self.targets.items()
            },
            "escalation_hours": {lvl.value: s / 3600 for lvl, s in self.escalation},
            "supervisor": self.supervisor,
        }


def parse_duration(value: Any, calendar: WorkCalendar, where: str) -> float:
    """``"1d"`` (a working day of the calendar), ``"4h"``, ``"30m"``, signed → seconds."""
    match = _DURATION.match(str(value))
    if match is None:
        raise InvalidInputError(f"{where}: expected a duration like 1d, 4h or 30m, got {value!r}")
    n, unit = float(match.group(1)), match.group(2)
    per = {"d": calendar.day_seconds, "h": 3600.0, "m": 60.0}[unit]
    return n * per


def _clocks(doc: Any, calendar: WorkCalendar, where: str) -> dict[Clock, float]:
    if not isinstance(doc, Mapping):
        raise InvalidInputError(f"{where}: expected a table of accept / respond / resolve")
    out = {}
    for key, value in doc.items():
        try:
            clock = Clock(key)
        except ValueError:
            names = ", ".join(c.value for c in Clock)
            raise InvalidInputError(f"{where}.{key}: not a clock; expected {names}") from None
        seconds = parse_duration(value, calendar, f"{where}.{key}")
        if seconds <= 0:
            raise InvalidInputError(f"{where}.{key}: a target must be longer than 0, got {value}")
        out[clock] = seconds
    return out


def _targets(doc: Any, calendar: WorkCalendar) -> dict[tuple[str, Urgency], Mapping[Clock, float]]:
    if not isinstance(doc, Mapping):
        raise InvalidInputError("targets: expected a table")
    out: dict[tuple[str, Urgency], Mapping[Clock, float]] = {}
    urgencies = {u.value for u in Urgency}
    for key, value in doc.items():
        if key in urgencies:
            clocks = _clocks(value, calendar, f"targets.{key}")
            missing = [c.value for c in Clock if c not in clocks]
            if missing:
                raise InvalidInputError(f"targets.{key}: missing {', '.join(missing)}")
            out[("*", Urgency(key))] = clocks
            continue
        try:
            kind = RequestKind(key)
        except ValueError:
            raise InvalidInputError(
                f"targets.{key}: neither an urgency ({', '.join(sorted(urgencies))}) "
                "nor a request kind"
            ) from None
        if not isinstance(value, Mapping):
            raise InvalidInputError(f"targets.{key}: expected tables per urgency")
        for urgency, clocks in value.items():
            if urgency not in urgencies:
                raise InvalidInputError(f"targets.{key}.{urgency}: not an urgency")
            out[(kind.value, Urgency(urgency))] = _clocks(
                clocks, calendar, f"targets.{key}.{urgency}"
            )
    missing = [u.value for u in Urgency if ("*", u) not in out]
    if missing:
        raise InvalidInputError(f"targets: give targets for {', '.join(missing)}")
    return out


def _escalation(doc: Any, calendar: WorkCalendar) -> tuple[tuple[Level, float], ...]:
    if not isinstance(doc, list):
        raise InvalidInputError("escalation: expected a list of {level, at}")
    out = []
    for i, item in enumerate(doc):
        if not isinstance(item, Mapping) or set(item) != {"level", "at"}:
            raise InvalidInputError(f"escalation[{i}]: expected exactly level and at")
        try:
            level = Level(item["level"])
        except ValueError:
            names = ", ".join(lv.value for lv in Level)
            raise InvalidInputError(f"escalation[{i}].level: expected one of {names}") from None
        out.append((level, parse_duration(item["at"], calendar, f"escalation[{i}].at")))
    order = [lv for lv, _ in out]
    if order != sorted(order, key=list(Level).index) or len(set(order)) != len(order):
        raise InvalidInputError(
            "escalation: each level once, in the order flag, supervisor, notify"
        )
    if any(b[1] < a[1] for a, b in zip(out, out[1:], strict=False)):
        raise InvalidInputError("escalation: a later level cannot fire before an earlier one")
    return tuple(out)


def parse_policy(doc: Mapping[str, Any], *, base: Path | None = None) -> Policy:
    """A policy from its parsed TOML/JSON document; ``base`` resolves a calendar file."""
    unknown = set(doc) - _KEYS
    if unknown:
        raise InvalidInputError(f"policy: unknown key(s) {', '.join(sorted(unknown))}")
    source = str(doc.get("calendar", "cn"))
    if source not in BUILTIN_CALENDARS and base is not None:
        source = str(base / source)
    calendar = load_calendar(source)
    return Policy(
        name=str(doc.get("name", "policy")),
        calendar=calendar,
        targets=_targets(doc.get("targets", {}), calendar),
        escalation=_escalation(doc.get("escalation", []), calendar),
        supervisor=str(doc.get("supervisor", "desk supervisor")),
    )


def load_policy(path: Path | None = None) -> Policy:
    """A park's policy file (.toml or .json); None: the built-in "135" standard."""
    if path is None:
        text = (resources.files("catalog.desk") / "data" / "policy_135.toml").read_text("utf-8")
        return parse_policy(tomllib.loads(text))
    try:
        text = Path(path).read_text("utf-8")
        doc = json.loads(text) if Path(path).suffix == ".json" else tomllib.loads(text)
    except FileNotFoundError:
        raise InvalidInputError(f"policy: {path}: no such file") from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"policy: {path}: cannot read it: {exc}") from None
    return parse_policy(doc, base=Path(path).parent)
