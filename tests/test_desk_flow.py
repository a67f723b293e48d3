"""The lifecycle rules of `catalog.desk.flow`, every state against every target."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from catalog.desk import (
    TRANSITIONS,
    Action,
    Actor,
    Clock,
    Entry,
    Extension,
    Move,
    Request,
    RequestKind,
    Role,
    State,
    Urgency,
    allowed_moves,
    check_decision,
    check_extension,
    check_move,
)
from catalog.errors import InvalidInputError, PermissionDeniedError, TransitionError

T0 = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)
STAFF = Actor.staff("王敏")
COMPANY = Actor("甲公司 张三", Role.COMPANY, org_id="co-1")


def request_in(state: State, rid: str = "dr-1", handler: str | None = None) -> Request:
    """A request whose log ends in ``state`` (the path itself does not matter here)."""
    log = [Entry(1, T0, "x", Role.STAFF, Action.FILED, None, State.NEW)]
    if state is not State.NEW:
        log.append(Entry(2, T0, "x", Role.STAFF, Action.MOVED, State.NEW, state, handler=handler))
    return Request(
        rid, "co-1", "找供应商", RequestKind.SUPPLY, Urgency.NORMAL, "x", T0, None, (), tuple(log)
    )


def _complete(to: State) -> Move:
    """A move to ``to`` carrying everything that target needs (so only the state decides)."""
    return Move(
        to,
        note="说明",
        handler="招商部 李工" if to is State.ASSIGNED else None,
        into="dr-2" if to is State.MERGED else None,
        callback=to in (State.CLOSED, State.WITHDRAWN),
    )


@pytest.mark.parametrize(
    ("state", "to"), list(itertools.product(State, State)), ids=lambda s: s.value
)
def test_every_pair_of_states_is_allowed_exactly_as_the_table_says(state: State, to: State) -> None:
    req = request_in(state, handler="旧处理人")
    target = request_in(State.ACCEPTED, rid="dr-2")
    if to in TRANSITIONS[state]:
        entry = check_move(req, _complete(to), STAFF, T0, target=target)
        assert (entry.seq, entry.from_state, entry.to_state) == (len(req.log) + 1, state, to)
        return
    with pytest.raises(TransitionError) as info:
        check_move(req, _complete(to), STAFF, T0, target=target)
    allowed = ", ".join(s.value for s in allowed_moves(state)) or "none (the request is finished)"
    assert str(info.value) == (
        f"request 'dr-1' is {state.value!r}: it cannot move to {to.value!r}; "
        f"allowed from {state.value!r}: {allowed}"
    )
    assert info.value.state == state.value and info.value.to == to.value


def test_the_main_path_and_what_each_step_must_carry() -> None:
    assert allowed_moves(State.NEW) == [
        State.ACCEPTED,
        State.RETURNED,
        State.WITHDRAWN,
        State.MERGED,
    ]
    assert allowed_moves(State.CLOSED) == [] and allowed_moves(State.MERGED) == []
    with pytest.raises(InvalidInputError, match="to: assigning needs the handler"):
        check_move(request_in(State.ACCEPTED), Move(State.ASSIGNED), STAFF, T0)
    with pytest.raises(InvalidInputError, match="note: moving to 'returned' needs a reason"):
        check_move(request_in(State.NEW), Move(State.RETURNED), STAFF, T0)
    with pytest.raises(InvalidInputError, match="note: moving to 'waiting_on_company' needs"):
        check_move(request_in(State.ACCEPTED), Move(State.WAITING_ON_COMPANY), STAFF, T0)
    with pytest.raises(InvalidInputError, match="note: moving to 'resolved' needs what was done"):
        check_move(request_in(State.IN_PROGRESS), Move(State.RESOLVED), STAFF, T0)
    with pytest.raises(InvalidInputError, match="already assigned to '李工'"):
        check_move(
            request_in(State.ASSIGNED, handler="李工"),
            Move(State.ASSIGNED, handler="李工"),
            STAFF,
            T0,
        )
    e = check_move(
        request_in(State.IN_PROGRESS),
        Move(State.RESOLVED, note="对接乙公司", solver="co-9"),
        STAFF,
        T0,
    )
    assert e.data == {"solver": "co-9"} and e.note == "对接乙公司"
    with pytest.raises(InvalidInputError, match="solver: the solver is named when"):
        check_move(request_in(State.NEW), Move(State.ACCEPTED, solver="co-9"), STAFF, T0)
    with pytest.raises(InvalidInputError, match="to: a handler is named when assigning"):
        check_move(request_in(State.NEW), Move(State.ACCEPTED, handler="李工"), STAFF, T0)


def test_closed_means_the_company_confirmed_or_a_callback_did() -> None:
    resolved = request_in(State.RESOLVED)
    with pytest.raises(InvalidInputError, match=r"callback: staff move a request to 'closed'"):
        check_move(resolved, Move(State.CLOSED, note="已解决"), STAFF, T0)
    with pytest.raises(InvalidInputError, match="callback: staff move a request to 'closed'"):
        check_move(resolved, Move(State.CLOSED, callback=True), STAFF, T0)  # no note
    by_call = check_move(
        resolved,
        Move(State.CLOSED, note="回访：企业确认已解决", callback=True, rating=4),
        STAFF,
        T0,
    )
    assert by_call.data == {"callback": True, "rating": 4}
    with pytest.raises(InvalidInputError, match="rating: the company's confirmation carries"):
        check_move(resolved, Move(State.CLOSED), COMPANY, T0)
    with pytest.raises(InvalidInputError, match="rating: expected 1 to 5, got 6"):
        check_move(resolved, Move(State.CLOSED, rating=6), COMPANY, T0)
    confirmed = check_move(resolved, Move(State.CLOSED, rating=5, note="满意"), COMPANY, T0)
    assert confirmed.role is Role.COMPANY and confirmed.data == {"rating": 5}
    with pytest.raises(InvalidInputError, match="rating: the company rates when it confirms"):
        check_move(resolved, Move(State.REOPENED, note="没解决", rating=2), COMPANY, T0)
    with pytest.raises(InvalidInputError, match="callback: staff make callbacks"):
        check_move(resolved, Move(State.CLOSED, rating=5, callback=True), COMPANY, T0)


def test_withdrawal_by_staff_is_audited_by_a_callback() -> None:
    with pytest.raises(InvalidInputError, match="callback: staff move a request to 'withdrawn'"):
        check_move(request_in(State.ACCEPTED), Move(State.WITHDRAWN, note="不需要了"), STAFF, T0)
    e = check_move(
        request_in(State.ACCEPTED),
        Move(State.WITHDRAWN, note="回访：企业已自行解决", callback=True),
        STAFF,
        T0,
    )
    assert e.data == {"callback": True}
    assert check_move(request_in(State.ACCEPTED), Move(State.WITHDRAWN), COMPANY, T0).data == {}


def test_a_company_confirms_reopens_or_withdraws_its_own_requests_only() -> None:
    with pytest.raises(
        PermissionDeniedError, match="a company may confirm .* not move it to 'accepted'"
    ):
        check_move(request_in(State.NEW), Move(State.ACCEPTED), COMPANY, T0)
    with pytest.raises(PermissionDeniedError, match="belongs to another organisation"):
        check_move(
            request_in(State.RESOLVED),
            Move(State.CLOSED, rating=5),
            Actor("乙", Role.COMPANY, org_id="co-2"),
            T0,
        )
    with pytest.raises(PermissionDeniedError, match="a company reopens a resolved request only"):
        check_move(request_in(State.RETURNED), Move(State.REOPENED, note="不服"), COMPANY, T0)
    assert allowed_moves(State.RESOLVED, Role.COMPANY) == [State.CLOSED, State.REOPENED]


def test_merges_name_an_open_other_request() -> None:
    req = request_in(State.ACCEPTED)
    with pytest.raises(InvalidInputError, match="into: merging needs the id"):
        check_move(req, Move(State.MERGED), STAFF, T0)
    with pytest.raises(InvalidInputError, match="cannot be merged into itself"):
        check_move(req, Move(State.MERGED, into="dr-1"), STAFF, T0, target=req)
    with pytest.raises(InvalidInputError, match="into: request 'dr-2' is 'closed'"):
        target = request_in(State.CLOSED, rid="dr-2")
        check_move(req, Move(State.MERGED, into="dr-2"), STAFF, T0, target=target)
    with pytest.raises(InvalidInputError, match="into: only a merge names"):
        check_move(req, Move(State.ASSIGNED, handler="x", into="dr-2"), STAFF, T0)
    ok = check_move(
        req,
        Move(State.MERGED, into="dr-2"),
        STAFF,
        T0,
        target=request_in(State.ASSIGNED, rid="dr-2"),
    )
    assert ok.data == {"into": "dr-2"}


def test_extensions_need_a_reason_a_running_clock_and_another_approver() -> None:
    req = request_in(State.IN_PROGRESS)
    with pytest.raises(InvalidInputError, match="reason: an extension needs a reason"):
        check_extension(req, Extension(Clock.RESOLVE, 8, " "), STAFF, T0)
    with pytest.raises(InvalidInputError, match="hours: expected more than 0"):
        check_extension(req, Extension(Clock.RESOLVE, 0, "等检测结果"), STAFF, T0)
    with pytest.raises(InvalidInputError, match="clock: the accept clock of request 'dr-1' has"):
        check_extension(req, Extension(Clock.ACCEPT, 8, "人手不足"), STAFF, T0)
    with pytest.raises(PermissionDeniedError, match="staff ask for extensions"):
        check_extension(req, Extension(Clock.RESOLVE, 8, "等"), COMPANY, T0)
    asked = check_extension(req, Extension(Clock.RESOLVE, 16, "等检测结果"), STAFF, T0)
    assert asked.action is Action.EXTENSION_REQUESTED and asked.to_state is State.IN_PROGRESS
    assert asked.data == {"clock": "resolve", "hours": 16.0}
    req = Request(**{**req.__dict__, "log": (*req.log, asked)})
    with pytest.raises(PermissionDeniedError, match="'王敏' asked for this extension"):
        check_decision(req, 3, True, STAFF, None, T0)
    with pytest.raises(InvalidInputError, match="ref: line 2 of request 'dr-1' asks no"):
        check_decision(req, 2, True, Actor.staff("主任"), None, T0)
    ok = check_decision(req, 3, True, Actor.staff("主任"), "同意", T0)
    assert ok.action is Action.EXTENSION_APPROVED
    assert ok.data == {"ref": 3, "clock": "resolve", "hours": 16.0, "notify_company": True}
    req = Request(**{**req.__dict__, "log": (*req.log, ok)})
    with pytest.raises(InvalidInputError, match="ref: the extension at line 3 is already decided"):
        check_decision(req, 3, False, Actor.staff("主任"), None, T0)
