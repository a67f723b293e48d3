"""What park staff define for a matchmaking event (供需对接会): time, theme, who, and wishes.

Pydantic models so a JSON file, the CLI flags and (later) the HTTP API validate the same way
and name the same fields. Slot numbers that a person sees are 1-based everywhere: in the
JSON (``unavailable: [1, 2]``), in the schedule and in the agendas.

Example usage::

    event = parse_event({
        "name": "新能源汽车红链相亲会", "date": "2026-12-01",
        "slots": ["09:00", "09:20", "09:40"], "meeting_minutes": 20, "tables": 10,
        "participants": ["demo-nev-0001", {"org_id": "demo-nev-0002", "unavailable": ["09:00"]}],
    })
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from catalog.errors import InvalidInputError
from catalog.models import Organisation

__all__ = [
    "MAX_PARTICIPANTS",
    "MAX_SLOTS",
    "Event",
    "Participant",
    "PairRequest",
    "Preference",
    "Theme",
    "load_event",
    "pair_key",
    "parse_event",
    "regular_slots",
]

MAX_SLOTS = 48
MAX_PARTICIPANTS = 2000
# Validation context of definitions read back from the event store (`Event._local_times`).
STORED_CONTEXT: Final[Mapping[str, bool]] = MappingProxyType({"stored": True})

OrgId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"),
]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _bad_zone(value: str) -> str:
    return f"unknown time zone {value!r}: expected an IANA time zone name such as 'Asia/Shanghai'"


def pair_key(a: str, b: str) -> tuple[str, str]:
    """A meeting has no direction: (a, b) and (b, a) are the same pair."""
    return (a, b) if a <= b else (b, a)


class Preference(enum.StrEnum):
    """What the organiser (or the companies) asked for one pair."""

    MUST_MEET = "must_meet"  # scheduled whatever else happens, or the plan is infeasible
    MEET = "meet"  # a wish: worth a bonus in the objective
    NO_THANKS = "no_thanks"  # never scheduled


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Theme(_Model):
    """Which organisations fit the event: any listed chain, segment and region (empty = all)."""

    chains: tuple[ShortText, ...] = Field(default=(), max_length=20)
    segments: tuple[ShortText, ...] = Field(default=(), max_length=50)
    regions: tuple[ShortText, ...] = Field(default=(), max_length=20)

    def admits(self, org: Organisation) -> bool:
        if self.chains and not any(p.chain in self.chains for p in org.chains):
            return False
        if self.segments and not any(p.segment in self.segments for p in org.chains):
            return False
        if self.regions:
            places = (org.region.province, org.region.city, org.region.park or "")
            if not any(r in p for r in self.regions for p in places):
                return False
        return True

    def describe(self) -> str:
        bits = [*self.chains, *self.segments, *self.regions]
        return ", ".join(bits) if bits else "all organisations"


class Participant(_Model):
    """One company at the event, with its limits; ``unavailable`` holds 1-based slot numbers."""

    org_id: OrgId
    min_meetings: int = Field(default=0, ge=0, le=MAX_SLOTS)
    max_meetings: int | None = Field(default=None, ge=0, le=MAX_SLOTS)
    unavailable: tuple[Annotated[int, Field(ge=1, le=MAX_SLOTS)], ...] = ()


class PairRequest(_Model):
    a: OrgId
    b: OrgId
    preference: Preference


class Event(_Model):
    """A themed 1:1 matchmaking event on one day; see README "Matchmaking events"."""

    id: OrgId | None = None
    name: ShortText
    date: dt.date
    timezone: ShortText = "Asia/Shanghai"
    theme: Theme = Theme()
    slots: tuple[dt.time, ...] = Field(min_length=1, max_length=MAX_SLOTS)
    meeting_minutes: int = Field(default=20, ge=5, le=240)
    tables: int = Field(ge=0, le=1000)
    participants: tuple[Participant, ...] = Field(default=(), max_length=MAX_PARTICIPANTS)
    pairs: tuple[PairRequest, ...] = Field(default=(), max_length=20_000)
    met_before: tuple[tuple[OrgId, OrgId], ...] = Field(default=(), max_length=100_000)

    @model_validator(mode="before")
    @classmethod
    def _friendly_input(cls, data: Any) -> Any:
        """Participants may be bare ids; unavailable slots may be start times like "09:20"."""
        if not isinstance(data, dict):
            return data
        if isinstance(data.get("slots"), list | tuple):  # "9:00" means "09:00"
            data = dict(data, slots=[_padded(s) for s in data["slots"]])
        if not isinstance(data.get("participants"), list | tuple):
            return data
        starts = [str(s)[:5] for s in data.get("slots") or ()]
        people = []
        for k, p in enumerate(data["participants"]):
            if isinstance(p, str):
                p = {"org_id": p}
            if isinstance(p, dict) and isinstance(p.get("unavailable"), list | tuple):
                p = dict(p, unavailable=[_slot_number(u, starts, k) for u in p["unavailable"]])
            people.append(p)
        return dict(data, participants=people)

    @field_validator("timezone", mode="before")
    @classmethod
    def _iana_zone(cls, value: Any) -> Any:
        """A zone name such as "Asia/Shanghai"; not a folder of the database ("America")."""
        if isinstance(value, str) and not _is_zone(value.strip()):
            raise ValueError(_bad_zone(value))
        return value

    @field_validator("timezone")
    @classmethod
    def _stored_zone(cls, value: str) -> str:
        """Again as stored: `ShortText`'s strip keeps "\x1f" where `str.strip` drops it,
        and `slot_start` opens exactly the stored name."""
        if not _is_zone(value):
            raise ValueError(_bad_zone(value))
        return value

    @field_validator("slots")
    @classmethod
    def _local_times(cls, slots: tuple[dt.time, ...], info: ValidationInfo) -> tuple[dt.time, ...]:
        """Slot times are wall-clock times in ``timezone``: an offset ("09:00Z") is refused.

        Definitions stored before this check keep their meaning: `slot_start` always read
        the wall-clock time and ignored the offset, so the store (`STORED_CONTEXT`) drops it.
        """
        aware = [k for k, t in enumerate(slots, 1) if t.tzinfo is not None]
        if not aware:
            return slots
        if info.context and info.context.get("stored"):
            return tuple(t.replace(tzinfo=None) for t in slots)
        k = aware[0]
        naive = [j for j, t in enumerate(slots, 1) if t.tzinfo is None]
        mixed = f" but slot {naive[0]} ({_hhmm(slots[naive[0] - 1])}) has none" if naive else ""
        zone = info.data.get("timezone")
        where = f"the event's timezone ({zone})" if zone else "the event's timezone"
        raise ValueError(
            f"slot {k} ({_hhmm(slots[k - 1])}) has a UTC offset{mixed}; slot times are local "
            f"to {where}: leave out the offset"
        )

    @model_validator(mode="after")
    def _consistent(self) -> Event:
        self._check_slots()
        n = len(self.slots)
        ids = [p.org_id for p in self.participants]
        twice = sorted(i for i, c in Counter(ids).items() if c > 1)
        if twice:
            raise ValueError(f"participants: listed twice: {', '.join(twice)}")
        for p in self.participants:
            if p.max_meetings is not None and p.min_meetings > p.max_meetings:
                raise ValueError(
                    f"participants: {p.org_id} has min_meetings {p.min_meetings} "
                    f"> max_meetings {p.max_meetings}"
                )
            bad = [u for u in p.unavailable if u > n]
            if bad:
                raise ValueError(
                    f"participants: {p.org_id} is unavailable in slot {bad[0]}, "
                    f"but the event has {n} slot(s) (numbered from 1)"
                )
        self._check_pairs(set(ids))
        return self

    def _check_slots(self) -> None:
        day = dt.date(2000, 1, 1)
        for k in range(1, len(self.slots)):
            prev = dt.datetime.combine(day, self.slots[k - 1])
            if dt.datetime.combine(day, self.slots[k]) < prev + self.meeting_length:
                raise ValueError(
                    f"slots: slot {k + 1} ({self.slots[k]:%H:%M}) starts before slot {k} "
                    f"({self.slots[k - 1]:%H:%M}) plus {self.meeting_minutes} minutes has ended; "
                    "slots must be in order and must not overlap"
                )
        last = dt.datetime.combine(day, self.slots[-1]) + self.meeting_length
        if last.date() != day:
            raise ValueError("slots: the last meeting would end after midnight")

    def _check_pairs(self, ids: set[str]) -> None:
        seen: dict[tuple[str, str], Preference] = {}
        for r in self.pairs:
            if r.a == r.b:
                raise ValueError(f"pairs: {r.a} is paired with itself")
            for who in (r.a, r.b):
                if ids and who not in ids:
                    raise ValueError(f"pairs: {who} ({r.preference.value}) is not a participant")
            key = pair_key(r.a, r.b)
            if key in seen and seen[key] is not r.preference:
                raise ValueError(
                    f"pairs: {key[0]}–{key[1]} is both {seen[key].value} and {r.preference.value}"
                )
            seen[key] = r.preference
        for a, b in self.met_before:
            if a == b:
                raise ValueError(f"met_before: {a} is paired with itself")
            pref = seen.get(pair_key(a, b))
            if pref in (Preference.MUST_MEET, Preference.MEET):
                raise ValueError(
                    f"met_before: {a}–{b} met before, which excludes the pair, but pairs asks "
                    f"for {pref.value}; remove one of the two"
                )

    # ----------------------------------------------------------------- derived
    @property
    def meeting_length(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.meeting_minutes)

    @property
    def participant_ids(self) -> tuple[str, ...]:
        return tuple(p.org_id for p in self.participants)

    def slot_start(self, number: int) -> dt.datetime:
        """Start of slot ``number`` (1-based) as an aware date-time in the event's zone."""
        if not 1 <= number <= len(self.slots):
            raise InvalidInputError(f"slot {number} is outside 1..{len(self.slots)}")
        when = dt.datetime.combine(self.date, self.slots[number - 1])
        return when.replace(tzinfo=ZoneInfo(self.timezone))

    def slot_end(self, number: int) -> dt.datetime:
        return self.slot_start(number) + self.meeting_length

    def preferences(self) -> dict[tuple[str, str], Preference]:
        """Requested pairs by pair key; pairs met before count as no-thanks."""
        out = {pair_key(a, b): Preference.NO_THANKS for a, b in self.met_before}
        out.update({pair_key(r.a, r.b): r.preference for r in self.pairs})
        return out

    def requested_ids(self) -> tuple[str, ...]:
        """Organisations named in must-meet or meet requests, in order of first mention."""
        wanted = (r for r in self.pairs if r.preference is not Preference.NO_THANKS)
        return tuple(dict.fromkeys(x for r in wanted for x in (r.a, r.b)))

    def with_participants(
        self, org_ids: list[str], *, min_meetings: int = 0, max_meetings: int | None = None
    ) -> Event:
        """The same event with these participants; newcomers get the limits given here."""
        known = {p.org_id: p for p in self.participants}
        people = [
            known.get(i)
            or Participant(org_id=i, min_meetings=min_meetings, max_meetings=max_meetings)
            for i in org_ids
        ]
        return parse_event(
            {
                **self.model_dump(mode="json"),
                "participants": [p.model_dump(mode="json") for p in people],
            }
        )

    def with_id(self, event_id: str) -> Event:
        return parse_event({**self.model_dump(mode="json"), "id": event_id})


def _is_zone(name: str) -> bool:
    """Whether ``name`` is a zone of the time zone database (not a region folder or a path)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "America" is a folder: OSError
        return False
    return True


def _hhmm(value: dt.time) -> str:
    """09:30, or 09:30+08:00 with an offset."""
    return value.isoformat(timespec="minutes")


def _padded(value: Any) -> Any:
    if isinstance(value, str) and len(value.strip()) >= 4 and value.strip()[1] == ":":
        return "0" + value.strip()
    return value


def _slot_number(value: Any, starts: list[str], participant: int) -> Any:
    if not isinstance(value, str):
        return value
    text = _padded(value).strip()
    if text.isdigit():
        return int(text)
    if text[:5] in starts:
        return starts.index(text[:5]) + 1
    raise ValueError(
        f"participants.{participant}.unavailable: {value!r} is neither a slot number nor a slot "
        f"start; slots start at {', '.join(starts) or '(none)'}"
    )


def regular_slots(
    start: dt.time, count: int, minutes: int, break_minutes: int = 0
) -> tuple[dt.time, ...]:
    """``count`` back-to-back slots of ``minutes`` each, ``break_minutes`` apart."""
    if not 1 <= count <= MAX_SLOTS:
        raise InvalidInputError(f"slots: expected 1..{MAX_SLOTS} slots, got {count}")
    if minutes < 5 or break_minutes < 0:
        raise InvalidInputError(
            f"slots: meetings last at least 5 minutes and breaks are not negative; "
            f"got {minutes} and {break_minutes}"
        )
    day = dt.datetime.combine(dt.date(2000, 1, 1), start)
    step = dt.timedelta(minutes=minutes + break_minutes)
    out = [day + k * step for k in range(count)]
    if (out[-1] + dt.timedelta(minutes=minutes)).date() != day.date():
        raise InvalidInputError(f"slots: {count} slots from {start:%H:%M} run past midnight")
    return tuple(t.time() for t in out)


def parse_event(doc: Any) -> Event:
    """Validate an event definition; every problem names its field and participants."""
    try:
        return Event.model_validate(doc)
    except ValidationError as exc:
        raise InvalidInputError(f"invalid event definition: {describe(exc)}") from None


def describe(exc: ValidationError) -> str:
    """Pydantic's errors on one line, each as ``field.path: message``."""
    problems = []
    for e in exc.errors():
        where = ".".join(str(x) for x in e["loc"])
        msg = str(e["msg"]).removeprefix("Value error, ")
        problems.append(f"{where}: {msg}" if where else msg)
    return "; ".join(problems)


def load_event(path: Path) -> Event:
    """Read an event definition from a JSON file (schema in README, "Matchmaking events")."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError(f"{path}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path}: not valid JSON: {exc}") from None
    return parse_event(doc)
