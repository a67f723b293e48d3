"""Working-time clocks pinned by hand-computed values on the 2026 China calendar.

The working day is 09:00–12:00 and 13:00–18:00 (8 h) in Asia/Shanghai. The "135"
defaults: accept 8 h, respond 24 h, resolve 40 h; urgent 4 h / 8 h / 24 h.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from catalog.desk import Actor, Clock, DeskStore, Extension, Move, NewRequest, Role, State
from catalog.desk.calendar import load_calendar, parse_calendar
from catalog.desk.clocks import ClockStatus, request_clocks
from catalog.desk.policy import Level, load_policy, parse_policy
from catalog.errors import InvalidInputError
from catalog.models import Organisation
from catalog.store import CatalogStore

SH = ZoneInfo("Asia/Shanghai")
STAFF = Actor.staff("王敏")
BOSS = Actor.staff("主任")
COMPANY = Actor("甲公司", Role.COMPANY, org_id="co-1")
POLICY = load_policy()
CAL = POLICY.calendar


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


def test_the_2026_calendar_knows_holidays_and_make_up_saturdays() -> None:
    assert CAL.is_workday(dt.date(2026, 10, 10))  # Saturday, 国庆节调休上班
    assert CAL.is_workday(dt.date(2026, 2, 14)) and CAL.is_workday(dt.date(2026, 9, 20))
    assert not CAL.is_workday(dt.date(2026, 10, 8 - 1))  # 国庆节
    assert not CAL.is_workday(dt.date(2026, 2, 23))  # a Monday in the Spring Festival
    assert not CAL.is_workday(dt.date(2026, 12, 5))  # a plain Saturday
    assert CAL.day_seconds == 8 * 3600
    # 16:00 Friday → 16:00 Monday is 2 h + 3 h + 3 h of working time
    assert CAL.working_seconds(at(12, 4, 16), at(12, 7, 16)) == 8 * 3600
    assert CAL.add(at(12, 4, 16), 8 * 3600) == at(12, 7, 16)
    assert CAL.add(at(12, 7, 10), 8 * 3600) == at(12, 8, 10)
    assert CAL.add(at(12, 7, 9), 8 * 3600) == at(12, 7, 18)  # ends on 18:00, not next 09:00
    assert CAL.add(at(12, 5, 10), 1) == at(12, 7, 9, 0) + dt.timedelta(seconds=1)  # Saturday
    assert CAL.working_seconds(at(12, 7, 12), at(12, 7, 13)) == 0  # lunch


def test_calendar_files_are_checked_by_field(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="hours\\[0\\]: expected a time like 09:00"):
        parse_calendar({"hours": [["9h", "12:00"]]})
    with pytest.raises(InvalidInputError, match="2026-10-10 is both a holiday and a make-up"):
        parse_calendar({"holidays": {"2026-10-10": "x"}, "workdays": {"2026-10-10": "y"}})
    with pytest.raises(InvalidInputError, match="timezone: unknown zone 'Mars/Olympus'"):
        parse_calendar({"timezone": "Mars/Olympus"})
    with pytest.raises(InvalidInputError, match="calendar: .*nope.json: no such file"):
        load_calendar(tmp_path / "nope.json")


@pytest.fixture
def desk(tmp_path: Path) -> DeskStore:
    path = tmp_path / "park.sqlite"
    with CatalogStore(path) as cat:
        cat.upsert([Organisation(id="co-1", name="甲公司")])
    return DeskStore(path)


def _file(desk: DeskStore, when: dt.datetime, urgency: str = "normal") -> str:
    new = NewRequest(org_id="co-1", text="找检测服务", kind="technology", urgency=urgency)
    return desk.file(new, actor=STAFF, at=when).id


def test_across_a_weekend(desk: DeskStore) -> None:
    """Filed Friday 16:00: accept is due Monday 16:00 (2 h Friday + 6 h Monday)."""
    rid = _file(desk, at(12, 4, 16))
    clocks = request_clocks(desk.get(rid), POLICY, at(12, 5, 11))
    acc = clocks[Clock.ACCEPT]
    assert (acc.status, acc.due_at, acc.elapsed_hours) == (ClockStatus.RUNNING, at(12, 7, 16), 2)
    assert clocks[Clock.RESPOND].due_at == at(12, 9, 16)  # 2 + 8 + 8 + 6 h
    assert clocks[Clock.RESOLVE].due_at == at(12, 11, 16)  # 2 + 4 × 8 + 6 h
    desk.move(rid, Move(State.ACCEPTED), actor=STAFF, at=at(12, 7, 15))
    acc = request_clocks(desk.get(rid), POLICY, at(12, 7, 17))[Clock.ACCEPT]
    assert (acc.status, acc.elapsed_hours, acc.stopped_at) == (ClockStatus.MET, 7, at(12, 7, 15))


def test_a_request_read_in_the_second_it_was_filed_already_has_its_deadlines(
    desk: DeskStore,
) -> None:
    """Times are kept to the second, so a queue read right after filing can see "now" equal
    to the filing time: the clocks run from that instant, deadlines as a second later (the
    console's queue once put such a request last, without a deadline)."""
    rid = _file(desk, at(12, 4, 16))
    now = request_clocks(desk.get(rid), POLICY, at(12, 4, 16))
    later = request_clocks(desk.get(rid), POLICY, at(12, 4, 16) + dt.timedelta(seconds=1))
    for clock in Clock:
        assert now[clock].status is ClockStatus.RUNNING
        assert now[clock].due_at == later[clock].due_at is not None
        assert now[clock].elapsed_hours == 0
    assert now[Clock.ACCEPT].due_at == at(12, 7, 16)
    # the same for a move: accepted at 15:00 Monday, read at 15:00 sharp
    desk.move(rid, Move(State.ACCEPTED), actor=STAFF, at=at(12, 7, 15))
    moved = request_clocks(desk.get(rid), POLICY, at(12, 7, 15))
    assert moved[Clock.ACCEPT].status is ClockStatus.MET
    assert moved[Clock.RESPOND].status is ClockStatus.RUNNING
    assert moved[Clock.RESPOND].due_at == at(12, 9, 16)
    # filed 10:00 Monday and read at 10:00: accept is due 10:00 Tuesday (8 working hours)
    rid2 = _file(desk, at(12, 7, 10))
    assert request_clocks(desk.get(rid2), POLICY, at(12, 7, 10))[Clock.ACCEPT].due_at == at(
        12, 8, 10
    )


def test_across_a_public_holiday_and_a_make_up_saturday(desk: DeskStore) -> None:
    """Filed Wednesday 2026-09-30 14:00, the eve of the National Day holiday (Oct 1–7).

    accept: 4 h on Sep 30 + 4 h on Thursday Oct 8 → Oct 8 14:00.
    resolve: 4 h Sep 30, 8 h Oct 8, 8 h Oct 9, 8 h Saturday Oct 10 (调休), 8 h Monday Oct 12,
    4 h Tuesday Oct 13 → Oct 13 14:00 (without the make-up Saturday: Wednesday Oct 14).
    """
    rid = _file(desk, at(9, 30, 14))
    clocks = request_clocks(desk.get(rid), POLICY, at(10, 3, 12))
    assert clocks[Clock.ACCEPT].due_at == at(10, 8, 14)
    assert clocks[Clock.ACCEPT].elapsed_hours == 4  # the holiday does not count
    assert clocks[Clock.RESOLVE].due_at == at(10, 13, 14)
    desk.move(rid, Move(State.ACCEPTED), actor=STAFF, at=at(10, 8, 15))  # one hour late
    acc = request_clocks(desk.get(rid), POLICY, at(10, 8, 16))[Clock.ACCEPT]
    assert (acc.status, acc.elapsed_hours, acc.due_at) == (ClockStatus.BREACHED, 9, at(10, 8, 14))
    # worked through the make-up Saturday: 4 + 8 + 8 + 8 h by Saturday 18:00
    res = request_clocks(desk.get(rid), POLICY, at(10, 11, 12))[Clock.RESOLVE]
    assert (res.status, res.elapsed_hours) == (ClockStatus.RUNNING, 28)


def test_a_pause_waiting_on_the_company(desk: DeskStore) -> None:
    """Mon 12-07 09:00 filed; waiting on the company Tue 10:00 → Thu 15:00 is not counted.

    resolve: Mon 8 h + Tue 1 h, paused, Thu 3 h + Fri 8 h + Mon 3 h = 23 h at resolution.
    respond stops when the company is asked (Tue 10:00): 9 h.
    """
    rid = _file(desk, at(12, 7, 9))
    desk.move(rid, Move(State.ACCEPTED), actor=STAFF, at=at(12, 7, 10))
    desk.move(rid, Move(State.ASSIGNED, handler="科技局 李工"), actor=STAFF, at=at(12, 7, 11))
    desk.move(
        rid, Move(State.WAITING_ON_COMPANY, note="请补充样品规格"), actor=STAFF, at=at(12, 8, 10)
    )
    paused = request_clocks(desk.get(rid), POLICY, at(12, 9, 12))
    res = paused[Clock.RESOLVE]
    assert (res.status, res.elapsed_hours, res.due_at) == (ClockStatus.PAUSED, 9, None)
    assert paused[Clock.RESPOND].status is ClockStatus.MET
    assert paused[Clock.RESPOND].elapsed_hours == 9
    desk.move(rid, Move(State.IN_PROGRESS), actor=STAFF, at=at(12, 10, 15))
    running = request_clocks(desk.get(rid), POLICY, at(12, 10, 16))[Clock.RESOLVE]
    # 31 h left from Thu 15:00: Thu 3, Fri 8, Mon 8, Tue 8, Wed 4 → Wed 12-16 14:00
    assert (running.elapsed_hours, running.due_at) == (10, at(12, 16, 14))
    desk.move(rid, Move(State.RESOLVED, note="已对接检测机构"), actor=STAFF, at=at(12, 14, 12))
    done = request_clocks(desk.get(rid), POLICY, at(12, 20, 12))[Clock.RESOLVE]
    assert (done.status, done.elapsed_hours, done.stopped_at) == (
        ClockStatus.MET,
        23,
        at(12, 14, 12),
    )
    # reopened: the clock runs on from 23 h
    desk.move(rid, Move(State.REOPENED, note="报告不全"), actor=COMPANY, at=at(12, 15, 9))
    again = request_clocks(desk.get(rid), POLICY, at(12, 15, 12))[Clock.RESOLVE]
    assert (again.status, again.elapsed_hours) == (ClockStatus.RUNNING, 26)


def test_escalation_before_and_after_the_deadline(desk: DeskStore) -> None:
    """Urgent: accept within 4 h. Filed Tue 12-01 09:00, due 14:00. flag at −4 h (at once),
    supervisor at the deadline, notify 8 working hours after it."""
    rid = _file(desk, at(12, 1, 9), urgency="urgent")
    levels = [
        request_clocks(desk.get(rid), POLICY, now)[Clock.ACCEPT]
        for now in (at(12, 1, 11), at(12, 1, 14, 30), at(12, 2, 15))
    ]
    assert [c.escalation for c in levels] == [Level.FLAG, Level.SUPERVISOR, Level.NOTIFY]
    assert [c.elapsed_hours for c in levels] == [2, 4.5, 13]
    assert [c.overdue for c in levels] == [False, True, True]
    assert {c.due_at for c in levels} == {at(12, 1, 14)}


def test_an_approved_extension_moves_the_deadline(desk: DeskStore) -> None:
    rid = _file(desk, at(12, 7, 9))
    desk.move(rid, Move(State.ACCEPTED), actor=STAFF, at=at(12, 7, 9, 30))
    ext = Extension(Clock.RESOLVE, 8, "等第三方检测报告")
    desk.request_extension(rid, ext, actor=STAFF, at=at(12, 9, 9))
    asked = request_clocks(desk.get(rid), POLICY, at(12, 9, 10))[Clock.RESOLVE]
    assert (asked.target_hours, asked.due_at) == (40, at(12, 11, 18))  # not approved yet
    desk.decide_extension(rid, 3, approve=True, actor=BOSS, at=at(12, 9, 11))
    got = request_clocks(desk.get(rid), POLICY, at(12, 9, 12))[Clock.RESOLVE]
    assert (got.target_hours, got.extension_hours, got.due_at) == (48, 8, at(12, 14, 18))
    assert desk.get(rid).log[-1].data["notify_company"] is True


def test_policies_per_kind_and_urgency_and_bad_files() -> None:
    custom = parse_policy(
        {
            "targets": {
                "normal": {"accept": "1d", "respond": "3d", "resolve": "5d"},
                "urgent": {"accept": "2h", "respond": "4h", "resolve": "1d"},
                "finance": {"normal": {"resolve": "10d"}},
            },
            "escalation": [{"level": "supervisor", "at": "0h"}],
        }
    )
    from catalog.desk import RequestKind, Urgency

    assert custom.target(RequestKind.FINANCE, Urgency.NORMAL, Clock.RESOLVE) == 80 * 3600
    assert custom.target(RequestKind.FINANCE, Urgency.NORMAL, Clock.ACCEPT) == 8 * 3600
    assert custom.target(RequestKind.TALENT, Urgency.URGENT, Clock.RESPOND) == 4 * 3600
    bad = [
        ({"targets": {"normal": {"accept": "soon"}}}, "targets.normal.accept: expected a dur"),
        ({"targets": {"normal": {"accept": "1d"}}}, "targets.normal: missing respond, resolve"),
        ({"targets": {"money": {}}}, "targets.money: neither an urgency"),
        ({"colour": "red"}, "policy: unknown key\\(s\\) colour"),
        (
            {
                "targets": {
                    "normal": {"accept": "1d", "respond": "3d", "resolve": "5d"},
                    "urgent": {"accept": "1d", "respond": "3d", "resolve": "5d"},
                },
                "escalation": [{"level": "notify", "at": "0h"}, {"level": "flag", "at": "1h"}],
            },
            "escalation: each level once, in the order",
        ),
    ]
    for doc, message in bad:
        with pytest.raises(InvalidInputError, match=message):
            parse_policy(doc)
