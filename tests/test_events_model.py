"""Event definitions: friendly input, errors that name the field and the participants."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.errors import InvalidInputError
from catalog.events import Event, Preference, load_event, parse_event, regular_slots

BASE: dict[str, Any] = {
    "name": "新能源汽车红链相亲会",
    "date": "2026-12-01",
    "slots": ["09:00", "09:20", "09:40"],
    "tables": 4,
    "participants": ["a", "b", "c"],
}


def event(**extra: Any) -> Event:
    return parse_event(BASE | extra)


def test_bare_ids_and_slot_times_are_accepted() -> None:
    ev = event(participants=["a", {"org_id": "b", "unavailable": ["9:20", 3]}])
    assert ev.participant_ids == ("a", "b")
    assert ev.participants[1].unavailable == (2, 3)
    assert ev.slot_start(1) == dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)
    assert ev.slot_end(3).strftime("%H:%M") == "10:00"
    with pytest.raises(InvalidInputError, match="slot 4 is outside 1..3"):
        ev.slot_start(4)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"slots": ["09:00", "09:10"]}, "slots: slot 2 (09:10) starts before slot 1 (09:00)"),
        ({"slots": ["23:50"]}, "after midnight"),
        ({"slots": []}, "slots: Tuple should have at least 1 item"),
        ({"tables": -1}, "tables: Input should be greater than or equal to 0"),
        ({"participants": ["a", "b", "a"]}, "participants: listed twice: a"),
        (
            {"participants": [{"org_id": "a", "min_meetings": 3, "max_meetings": 2}]},
            "a has min_meetings 3 > max_meetings 2",
        ),
        (
            {"participants": [{"org_id": "a", "unavailable": [4]}]},
            "a is unavailable in slot 4, but the event has 3 slot(s)",
        ),
        (
            {"participants": [{"org_id": "a", "unavailable": ["11:00"]}]},
            "participants.0.unavailable: '11:00' is neither a slot number nor a slot start",
        ),
        ({"pairs": [{"a": "a", "b": "z", "preference": "meet"}]}, "z (meet) is not a participant"),
        ({"pairs": [{"a": "a", "b": "a", "preference": "meet"}]}, "a is paired with itself"),
        (
            {
                "pairs": [
                    {"a": "a", "b": "b", "preference": "must_meet"},
                    {"a": "b", "b": "a", "preference": "no_thanks"},
                ]
            },
            "a–b is both must_meet and no_thanks",
        ),
        (
            {
                "pairs": [{"a": "a", "b": "b", "preference": "must_meet"}],
                "met_before": [["b", "a"]],
            },
            "met_before: b–a met before",
        ),
        ({"pairs": [{"a": "a", "b": "b", "preference": "maybe"}]}, "pairs.0.preference"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
        ({"participants": ["bad id!"]}, "participants.0.org_id"),
    ],
)
def test_errors_name_the_field_and_who(extra: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        event(**extra)
    assert message in str(info.value)
    assert str(info.value).startswith("invalid event definition: ")


def test_preferences_merge_met_before_as_no_thanks() -> None:
    ev = event(pairs=[{"a": "c", "b": "a", "preference": "must_meet"}], met_before=[["b", "c"]])
    assert ev.preferences() == {("a", "c"): Preference.MUST_MEET, ("b", "c"): Preference.NO_THANKS}
    assert ev.requested_ids() == ("c", "a")


def test_pairs_may_name_anyone_while_participants_are_still_open() -> None:
    ev = parse_event(
        BASE | {"participants": [], "pairs": [{"a": "x", "b": "y", "preference": "meet"}]}
    )
    assert ev.requested_ids() == ("x", "y")
    assert ev.with_participants(["x", "y", "z"]).participant_ids == ("x", "y", "z")


def test_load_event_reports_file_problems(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no such file"):
        load_event(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        load_event(bad)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(BASE, ensure_ascii=False), encoding="utf-8")
    assert load_event(good).name == BASE["name"]


def test_regular_slots() -> None:
    assert regular_slots(dt.time(9), 3, 20, 5) == (dt.time(9), dt.time(9, 25), dt.time(9, 50))
    with pytest.raises(InvalidInputError, match="run past midnight"):
        regular_slots(dt.time(23), 4, 20)
    with pytest.raises(InvalidInputError, match="expected 1..48 slots"):
        regular_slots(dt.time(9), 0, 20)


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    n_slots = draw(st.integers(1, 6))
    ids = draw(
        st.lists(
            st.from_regex(r"[a-z][a-z0-9\-]{0,8}", fullmatch=True),
            min_size=2,
            max_size=6,
            unique=True,
        )
    )
    people = [
        {
            "org_id": i,
            "min_meetings": draw(st.integers(0, 1)),
            "max_meetings": draw(st.none() | st.integers(1, n_slots)),
            "unavailable": draw(st.lists(st.integers(1, n_slots), unique=True)),
        }
        for i in ids
    ]
    return {
        "name": draw(st.text(min_size=1, max_size=30).filter(str.strip)),
        "date": draw(st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31))).isoformat(),
        "slots": [f"{8 + k}:00" for k in range(n_slots)],  # 8:00 is read as 08:00
        "tables": draw(st.integers(0, 50)),
        "participants": people,
        "pairs": [{"a": ids[0], "b": ids[1], "preference": draw(st.sampled_from(Preference))}],
        "theme": {"chains": draw(st.lists(st.sampled_from(["ic", "nev", "pv"]), unique=True))},
    }


@settings(max_examples=60, deadline=None)
@given(doc=events())
def test_json_round_trip(doc: dict[str, Any]) -> None:
    ev = parse_event(doc)
    assert Event.model_validate_json(ev.model_dump_json()) == ev
    assert parse_event(json.loads(ev.model_dump_json())) == ev


def test_public_surface_is_explicit() -> None:
    module = importlib.import_module("catalog.events")
    for name in module.__all__:
        assert hasattr(module, name), name
    public = {
        k
        for k, v in vars(module).items()
        if not k.startswith("_") and not isinstance(v, type(importlib)) and k != "annotations"
    }
    assert public == set(module.__all__), public ^ set(module.__all__)


# Regression: a zoneinfo directory ("America") used to escape as IsADirectoryError, and
# mixed naive/aware slot times as TypeError; both must be validation errors naming the field.
ZONE_HINT = "expected an IANA time zone name such as 'Asia/Shanghai'"


@pytest.mark.parametrize(
    "zone",
    [
        "America",
        "America/",
        "",
        "   ",
        "../etc",
        "/etc/localtime",
        "Not/AZone",
        "zone.tab",
        "\x1fAsia/Shanghai",  # str.strip would drop \x1f, the stored value keeps it
    ],
)
def test_a_bad_time_zone_is_a_validation_error(zone: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        event(timezone=zone)
    assert str(info.value) == (
        f"invalid event definition: timezone: unknown time zone {zone!r}: {ZONE_HINT}"
    )


def test_a_time_zone_is_read_without_surrounding_spaces() -> None:
    ev = event(timezone=" Asia/Tokyo ")
    assert ev.timezone == "Asia/Tokyo"
    assert ev.slot_start(1) == dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("slots", "message"),
    [
        (
            ["09:00", "09:30Z"],
            "slots: slot 2 (09:30+00:00) has a UTC offset but slot 1 (09:00) has none; "
            "slot times are local to the event's timezone (Asia/Shanghai): leave out the offset",
        ),
        (
            ["09:00+08:00", "9:30", "10:00"],
            "slots: slot 1 (09:00+08:00) has a UTC offset but slot 2 (09:30) has none; ",
        ),
        (
            ["09:00Z", "09:30Z"],
            "slots: slot 1 (09:00+00:00) has a UTC offset; slot times are local to the event's "
            "timezone (Asia/Shanghai): leave out the offset",
        ),
    ],
)
def test_slot_times_with_an_offset_are_a_validation_error(slots: list[str], message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        event(slots=slots, participants=["a", {"org_id": "b", "unavailable": ["09:30"]}])
    assert str(info.value).startswith(f"invalid event definition: {message}")


def test_offset_and_zone_errors_are_reported_together() -> None:
    with pytest.raises(InvalidInputError) as info:
        event(timezone="America", slots=["09:00", "09:30+08:00"])
    text = str(info.value)
    assert f"timezone: unknown time zone 'America': {ZONE_HINT}" in text
    assert "slots: slot 2 (09:30+08:00) has a UTC offset but slot 1 (09:00) has none; " in text
    assert "local to the event's timezone: leave out the offset" in text


def test_aware_time_objects_are_refused_too() -> None:
    with pytest.raises(InvalidInputError, match=r"slots: slot 2 \(09:30\+00:00\) has a UTC offset"):
        event(slots=[dt.time(9), dt.time(9, 30, tzinfo=dt.UTC)])
