"""Working time: which days are working days (public holidays off, make-up workdays 调休 on),
the working hours of a day, the park's time zone — and sums and offsets in that time.

Why not plain weekdays: the "135" limits count working days, and a Chinese year moves
some Saturdays and Sundays into the week (2026-02-14, a Saturday, is a working day so that
the Spring Festival holiday runs nine days). A limit that ignored them would be a day
wrong around every holiday.

The calendar is data (`data/calendar_cn.json`, from the State Council's notices): a park
can give its own file (same format) in its policy. Years the file does not cover fall back
to Monday–Friday, with one warning per year.

Example usage::

    cal = load_calendar()                       # China, Asia/Shanghai, 09–12 and 13–18
    cal.working_seconds(filed_at, accepted_at)  # seconds of working time between the two
    cal.add(filed_at, 8 * 3600)                 # the instant one working day later
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from catalog.errors import InvalidInputError

__all__ = ["BUILTIN_CALENDARS", "WorkCalendar", "load_calendar", "parse_calendar"]

log = logging.getLogger(__name__)

BUILTIN_CALENDARS = {"cn": "calendar_cn.json"}
_MAX_DAYS = 3700  # ten years: an offset further than that is a mistake, not a deadline
_warned: set[tuple[str, int]] = set()


@dataclass(frozen=True)
class WorkCalendar:
    """Working days and hours in one time zone; every method takes and returns aware times."""

    name: str
    zone: ZoneInfo
    periods: tuple[tuple[dt.time, dt.time], ...]  # working periods of a working day, in order
    holidays: Mapping[dt.date, str]  # days off that would be working days
    workdays: Mapping[dt.date, str]  # make-up working days (调休) on a weekend
    years: frozenset[int]  # the years the holiday data covers

    @property
    def day_seconds(self) -> float:
        """Working seconds in one working day (8 h for 09–12 and 13–18)."""
        return float(sum(_seconds(b) - _seconds(a) for a, b in self.periods))

    def is_workday(self, day: dt.date) -> bool:
        if day.year not in self.years and (self.name, day.year) not in _warned:
            _warned.add((self.name, day.year))
            log.warning(
                "calendar %s has no holidays for %d: counting Monday to Friday as working days",
                self.name,
                day.year,
            )
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def _spans(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        if not self.is_workday(day):
            return []
        return [
            (dt.datetime.combine(day, a, self.zone), dt.datetime.combine(day, b, self.zone))
            for a, b in self.periods
        ]

    def working_seconds(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working seconds between two instants (0 if ``end`` is not after ``start``)."""
        if end <= start:
            return 0.0
        a, b = start.astimezone(self.zone), end.astimezone(self.zone)
        if (b.date() - a.date()).days > _MAX_DAYS:
            raise InvalidInputError(f"a span of more than {_MAX_DAYS} days is not a working time")
        total = 0.0
        day = a.date()
        while day <= b.date():
            for s, e in self._spans(day):
                lo, hi = max(s, a), min(e, b)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += dt.timedelta(days=1)
        return total

    def add(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """The instant when ``seconds`` of working time have passed since ``start``.

        Zero seconds from outside working hours is ``start`` itself; a deadline that falls
        on the end of a working period stays there (18:00, not 09:00 the next day).
        """
        at = start.astimezone(self.zone)
        left = float(seconds)
        if left <= 0:
            return start
        day = at.date()
        for _ in range(_MAX_DAYS):
            for s, e in self._spans(day):
                lo = max(s, at)
                if e <= lo:
                    continue
                room = (e - lo).total_seconds()
                if left <= room:
                    return (lo + dt.timedelta(seconds=left)).astimezone(start.tzinfo)
                left -= room
            day += dt.timedelta(days=1)
        raise InvalidInputError(f"{seconds / 3600:.1f} working hours lie more than ten years ahead")


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _time(value: Any, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise InvalidInputError(f"{where}: expected a time like 09:00, got {value!r}") from None


def _days(doc: Mapping[str, Any], key: str, label: str) -> dict[dt.date, str]:
    raw = doc.get(key, {})
    if not isinstance(raw, Mapping):
        raise InvalidInputError(f"{label}: {key}: expected an object of date → name")
    out = {}
    for day, name in raw.items():
        try:
            out[dt.date.fromisoformat(day)] = str(name)
        except ValueError:
            raise InvalidInputError(f"{label}: {key}: {day!r} is not a date (YYYY-MM-DD)") from None
    return out


def parse_calendar(doc: Mapping[str, Any], *, label: str = "calendar") -> WorkCalendar:
    """A calendar from its JSON document (format of `data/calendar_cn.json`)."""
    unknown = set(doc) - {"name", "source", "timezone", "hours", "years", "holidays", "workdays"}
    if unknown:
        raise InvalidInputError(f"{label}: unknown field(s) {', '.join(sorted(unknown))}")
    try:
        zone = ZoneInfo(str(doc.get("timezone", "Asia/Shanghai")))
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInputError(
            f"{label}: timezone: unknown zone {doc.get('timezone')!r}"
        ) from None
    hours = doc.get("hours", [["09:00", "12:00"], ["13:00", "18:00"]])
    periods: list[tuple[dt.time, dt.time]] = []
    for i, pair in enumerate(hours):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise InvalidInputError(f"{label}: hours[{i}]: expected [start, end], got {pair!r}")
        a, b = _time(pair[0], f"{label}: hours[{i}]"), _time(pair[1], f"{label}: hours[{i}]")
        if b <= a or (periods and a < periods[-1][1]):
            raise InvalidInputError(
                f"{label}: hours[{i}]: periods must be in order, each ending after it starts"
            )
        periods.append((a, b))
    if not periods:
        raise InvalidInputError(f"{label}: hours: a working day needs at least one period")
    holidays, workdays = _days(doc, "holidays", label), _days(doc, "workdays", label)
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise InvalidInputError(f"{label}: {both[0]} is both a holiday and a make-up workday")
    years = doc.get("years") or sorted({d.year for d in [*holidays, *workdays]})
    return WorkCalendar(
        name=str(doc.get("name", label)),
        zone=zone,
        periods=tuple(periods),
        holidays=holidays,
        workdays=workdays,
        years=frozenset(int(y) for y in years),
    )


def load_calendar(source: str | Path = "cn") -> WorkCalendar:
    """A built-in calendar by name (``cn``) or a park's own JSON file."""
    if isinstance(source, str) and source in BUILTIN_CALENDARS:
        text = (resources.files("catalog.desk") / "data" / BUILTIN_CALENDARS[source]).read_text(
            "utf-8"
        )
        return parse_calendar(json.loads(text), label=source)
    path = Path(source)
    try:
        doc = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InvalidInputError(f"calendar: {path}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"calendar: {path}: not valid JSON: {exc}") from None
    if not isinstance(doc, Mapping):
        raise InvalidInputError(f"calendar: {path}: expected a JSON object")
    return parse_calendar(doc, label=str(path))
