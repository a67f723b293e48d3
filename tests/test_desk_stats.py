"""Desk figures pinned by hand: seven requests of December 2026 (no holidays in it), one of
November; the "135" policy, working day 09–12 and 13–18.

R1 supply   co-1  Mon 12-07 09:00 → accepted 10:00 → A 11:00 → in_progress Tue 09:00 →
                  resolved Wed 18:00 (solver co-3) → confirmed Thu 10:00, rating 5.
                  accept 1 h, respond 8 h, resolve 24 h: all met; 25 working hours to close.
R2 finance  co-2  Mon 12-07 09:00 → accepted Tue 11:00 (10 h: late) → B → waiting Tue 14:00
                  (respond 12 h, met) → in_progress Mon 12-14 09:00 → resolved Fri 12-18
                  18:00 (12 + 40 = 52 h) → reopened by the company Mon 12-21 09:00 →
                  in_progress 10:00 → resolved 12:00 (55 h: late) → closed after a callback
                  Tue 12-22 09:00, rating 3; 88 working hours to close.
R3 policy   co-2  Tue 12-08 09:00 → returned 15:00 (accept and respond 5 h, met; resolve void).
R4 other    co-2  Wed 12-09 09:00 → accepted 10:00 → withdrawn by the company 11:00.
R5 supply   co-1  Wed 12-09 09:00 → merged into R1 10:00 (every clock void).
R6 supply   co-1  Thu 12-10 09:00 → accepted 09:30 → A 10:00, nothing since: at Wed 12-23
                  18:00 respond and resolve have run 80 h, both late.
R7 tech     co-2  Mon 11-30 09:00 → accepted 11:00 → C 13:00 → in_progress 14:00 →
                  resolved Tue 12-01 18:00 (16 h) → confirmed Wed 12-02 09:30, rating 4 (16.5 h).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from catalog.desk import Actor, DeskStore, Move, NewRequest, Request, Role, State
from catalog.desk.policy import load_policy
from catalog.desk.stats import desk_gold_lines, desk_stats
from catalog.models import Organisation
from catalog.store import CatalogStore

SH = ZoneInfo("Asia/Shanghai")
STAFF = Actor.staff("王敏")
NOW = dt.datetime(2026, 12, 23, 18, 0, tzinfo=SH)
CHAINS = {"co-1": ["ic"], "co-2": ["nev"]}


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


def _co(org: str) -> Actor:
    return Actor(f"{org} 联系人", Role.COMPANY, org_id=org)


@pytest.fixture(scope="module")
def requests(tmp_path_factory: pytest.TempPathFactory) -> list[Request]:
    path: Path = tmp_path_factory.mktemp("stats") / "park.sqlite"
    with CatalogStore(path) as cat:
        cat.upsert([Organisation(id=f"co-{i}", name=f"公司{i}") for i in (1, 2, 3)])
    desk = DeskStore(path)

    def file(org: str, kind: str, when: dt.datetime) -> str:
        new = NewRequest(org_id=org, text=f"{kind} 诉求", kind=kind)
        return desk.file(new, actor=STAFF, at=when).id

    def go(rid: str, when: dt.datetime, to: State, who: Actor = STAFF, **kw: object) -> None:
        desk.move(rid, Move(to, **kw), actor=who, at=when)  # type: ignore[arg-type]

    r7 = file("co-2", "technology", at(11, 30, 9))
    go(r7, at(11, 30, 11), State.ACCEPTED)
    go(r7, at(11, 30, 13), State.ASSIGNED, handler="经信局 王五")
    go(r7, at(11, 30, 14), State.IN_PROGRESS)
    go(r7, at(12, 1, 18), State.RESOLVED, note="done", solver="co-3")
    go(r7, at(12, 2, 9, 30), State.CLOSED, _co("co-2"), rating=4)
    r1 = file("co-1", "supply", at(12, 7, 9))
    r2 = file("co-2", "finance", at(12, 7, 9))
    go(r1, at(12, 7, 10), State.ACCEPTED)
    go(r1, at(12, 7, 11), State.ASSIGNED, handler="经信局 张三")
    go(r1, at(12, 8, 9), State.IN_PROGRESS)
    go(r2, at(12, 8, 11), State.ACCEPTED)
    go(r2, at(12, 8, 11), State.ASSIGNED, handler="金融办 融资服务科 李四")
    go(r2, at(12, 8, 14), State.WAITING_ON_COMPANY, note="缺材料")
    r3 = file("co-2", "policy", at(12, 8, 9))
    go(r3, at(12, 8, 15), State.RETURNED, note="不属园区事项")
    r4 = file("co-2", "other", at(12, 9, 9))
    go(r4, at(12, 9, 10), State.ACCEPTED)
    go(r4, at(12, 9, 11), State.WITHDRAWN, _co("co-2"))
    r5 = file("co-1", "supply", at(12, 9, 9))
    go(r5, at(12, 9, 10), State.MERGED, into=r1)
    go(r1, at(12, 9, 18), State.RESOLVED, note="对接co-3", solver="co-3")
    go(r1, at(12, 10, 10), State.CLOSED, _co("co-1"), rating=5)
    r6 = file("co-1", "supply", at(12, 10, 9))
    go(r6, at(12, 10, 9, 30), State.ACCEPTED)
    go(r6, at(12, 10, 10), State.ASSIGNED, handler="经信局 张三")
    go(r2, at(12, 14, 9), State.IN_PROGRESS)
    go(r2, at(12, 18, 18), State.RESOLVED, note="放款")
    go(r2, at(12, 21, 9), State.REOPENED, _co("co-2"), note="额度不够")
    go(r2, at(12, 21, 10), State.IN_PROGRESS)
    go(r2, at(12, 21, 12), State.RESOLVED, note="追加额度")
    go(r2, at(12, 22, 9), State.CLOSED, note="回访：企业确认", callback=True, rating=3)
    got = desk.requests()
    desk.close()
    return got


def test_totals(requests: list[Request]) -> None:
    doc = desk_stats(requests, load_policy(), NOW, chains=CHAINS)
    top = {k: v for k, v in doc.items() if k != "by"}
    assert top == {
        "requests": 7,
        "withdrawn": 1,
        "merged": 1,
        "denominator": 5,
        "closed": 3,
        "closed_by_company": 2,
        "closed_by_callback": 1,
        "closure_rate": 0.6,
        "returned": 1,
        "returned_share": 0.2,
        "resolved_unconfirmed": 0,
        "open": 1,
        "on_time_rate": 0.5,
        "on_time": {"accept": 0.8333, "respond": 0.8, "resolve": 0.5},
        "late": {"accept": 1, "respond": 1, "resolve": 2},
        "median_hours_to_close": 25.0,
        "reopen_rate": 0.3333,
        "satisfaction": 4.0,
        "ratings": 3,
        "as_of": "2026-12-23T18:00:00+08:00",
        "policy": "135",
        "since": None,
        "until": None,
    }


def test_by_period_chain_kind_handler_and_department(requests: list[Request]) -> None:
    by = desk_stats(requests, load_policy(), NOW, chains=CHAINS)["by"]

    def pick(dim: str, *fields: str) -> dict[str, tuple[object, ...]]:
        return {k: tuple(v[f] for f in fields) for k, v in by[dim].items()}

    assert pick("period", "requests", "denominator", "closed", "closure_rate") == {
        "2026-11": (1, 1, 1, 1.0),
        "2026-12": (6, 4, 2, 0.5),
    }
    assert pick("chain", "requests", "withdrawn", "merged", "closure_rate") == {
        "ic": (3, 0, 1, 0.5),
        "nev": (4, 1, 0, 0.6667),
    }
    assert pick("kind", "requests", "closure_rate", "on_time_rate") == {
        "finance": (1, 1.0, 0.0),
        "other": (1, None, None),
        "policy": (1, 0.0, None),
        "supply": (3, 0.5, 0.5),
        "technology": (1, 1.0, 1.0),
    }
    assert pick("handler", "requests", "denominator", "closed", "median_hours_to_close") == {
        "经信局 张三": (2, 2, 1, 25.0),
        "金融办 融资服务科 李四": (1, 1, 1, 88.0),
        "经信局 王五": (1, 1, 1, 16.5),
        "unassigned": (3, 1, 0, None),
    }
    # 经信局 = 张三's r1 (closed, 25 h) and r6 (open) + 王五's r7 (closed, 16.5 h):
    # 2 of 3 closed, median (25 + 16.5) / 2 = 20.75 h
    assert pick("department", "requests", "denominator", "closed", "closure_rate",
                "median_hours_to_close") == {
        "经信局": (3, 3, 2, 0.6667, 20.75),
        "金融办": (1, 1, 1, 1.0, 88.0),
        "unassigned": (3, 1, 0, 0.0, None),
    }  # fmt: skip
    assert by["kind"]["policy"]["returned_share"] == 1.0


def test_by_iso_week(requests: list[Request]) -> None:
    """Golden: week 49 (Mon 30 Nov – Sun 6 Dec) holds r7 alone, closed after 16.5 working
    hours; week 50 (7–13 Dec) r1–r6: 6 filed, r4 withdrawn and r5 merged leave 4, of which
    r1 (25 h) and r2 (88 h) closed: rate 2 / 4, median (25 + 88) / 2 = 56.5 h."""
    by = desk_stats(requests, load_policy(), NOW, chains=CHAINS)["by"]
    fields = ("requests", "denominator", "closed", "closure_rate", "median_hours_to_close")
    assert {k: tuple(v[f] for f in fields) for k, v in by["week"].items()} == {
        "2026-W49": (1, 1, 1, 1.0, 16.5),
        "2026-W50": (6, 4, 2, 0.5, 56.5),
    }
    assert list(by) == ["period", "week", "chain", "kind", "handler", "department"]


def test_a_cohort_is_chosen_by_filing_day(requests: list[Request]) -> None:
    doc = desk_stats(
        requests, load_policy(), NOW, since=dt.date(2026, 12, 1), until=dt.date(2026, 12, 8)
    )
    assert (doc["requests"], doc["denominator"], doc["closed"]) == (3, 3, 2)
    assert doc["median_hours_to_close"] == 56.5  # R1 25 h and R2 88 h


def test_gold_lines_from_resolved_supply_requests(requests: list[Request]) -> None:
    lines = desk_gold_lines(requests, SH)
    assert lines == [
        {
            "query": "co-1",
            "supplier": "co-3",
            "query_need": "supply 诉求",
            "request": "dr-20261207-1",
            "date": "2026-12-07",
        }
    ]
