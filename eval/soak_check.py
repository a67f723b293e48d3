"""The soak benchmark's final consistency check (`eval.bench_soak`): what the run wrote and
the server acknowledged is what the server holds, in the catalog, its count, the audit log
and the matching engine, and nothing answered 5xx or was logged as an error.

A write without a clear answer (timeout, transport error, 5xx) may or may not have landed:
it widens what is allowed, nothing more.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx

from catalog.paths import Paths
from eval.soak_load import Writes
from eval.soak_server import SOAK_ACTOR, Server

__all__ = ["audit_count", "check"]

CHECK_TIMEOUT_S = 60.0
PROBE_TRIES = 12  # fresh connections asking the matching engine of the probe's create


def audit_count(db: Path, actor: str) -> int:
    """How many audit entries ``actor`` wrote. Read-only SQL: ``GET /audit`` returns at
    most 10⁴ entries and a 10-minute run may write more."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        row = conn.execute("SELECT COUNT(*) FROM audit WHERE actor = ?", (actor,)).fetchone()
    return int(row[0])


def _probe_matching(base: str, token: str, writes: Writes) -> dict[str, Any]:
    """Create one more organisation, then ask ``/match/substitutes`` of it on fresh
    connections: a 404 means the worker that answered has not seen the write (a write is
    visible to every reader once acknowledged, or it is not)."""
    org_id = f"soak-probe-{writes.serial:06d}"
    offers = ["浸泡测试探针服务"]
    body = {
        "id": org_id,
        "name": "浸泡测试探针企业",
        "chains": [{"chain": "ic", "segment": "ic.materials"}],
        "offers": offers,
        "needs": ["寻找包装材料"],
    }
    auth = {"Authorization": f"Bearer {token}"}
    writes.attempted += 1
    writes.attempted_creates += 1
    r = httpx.post(f"{base}/orgs", json=body, headers=auth, timeout=CHECK_TIMEOUT_S)
    if r.status_code != 201:
        writes.uncertain[org_id] = [None, offers]
        return {"probes": 0, "unknown": 0, "other": 1, "write_status": r.status_code}
    writes.last[org_id] = offers
    writes.acknowledged += 1
    writes.created_ids.append(org_id)
    answers = []
    for _ in range(PROBE_TRIES):
        with httpx.Client(base_url=base, timeout=CHECK_TIMEOUT_S) as c:
            answers.append(c.post("/match/substitutes", json={"org_id": org_id}).status_code)
    return {
        "probes": len(answers),
        "unknown": answers.count(404),
        "other": sum(a not in (200, 404) for a in answers),
        "write_status": r.status_code,
    }


def check(
    server: Server, token: str, writes: Writes, start_total: int, audit_start: int, five: int
) -> dict[str, Any]:
    """The consistency checks (`problems` empty: all hold)."""
    problems: list[str] = []
    probe = _probe_matching(server.base, token, writes)
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base, timeout=CHECK_TIMEOUT_S, headers=auth) as c:

        def offers_of(org_id: str) -> list[str] | None:
            r = c.get(f"/orgs/{org_id}")
            return None if r.status_code == 404 else list(r.json()["offers"])

        checked = [i for i in writes.last if i not in writes.uncertain]
        visible = [i for i in checked if offers_of(i) == writes.last[i]]
        allowed = [i for i, maybe in writes.uncertain.items() if offers_of(i) in maybe]
        total = int(c.get("/orgs", params={"limit": 1}).json()["total"])
    wrong = [i for i in checked if i not in visible]
    wrong += [i for i in writes.uncertain if i not in allowed]
    if wrong:
        problems.append(f"{len(wrong)} organisation(s) not as written, e.g. {wrong[:3]}")
    low, high = start_total + writes.created, start_total + writes.attempted_creates
    if not low <= total <= high:
        problems.append(f"count {total} outside [{low}, {high}] (start + creates)")
    logged = audit_count(Paths(server.home).db, SOAK_ACTOR) - audit_start
    if not writes.acknowledged <= logged <= writes.attempted:
        problems.append(
            f"audit holds {logged} entries by the run; acknowledged {writes.acknowledged}, "
            f"attempted {writes.attempted}"
        )
    if probe["unknown"] or probe["other"]:
        problems.append(
            f"matching: {probe['unknown']} of {probe['probes']} probes of an acknowledged "
            "create answered 404 (a worker's engine has not seen another worker's write), "
            f"{probe['other']} another error"
        )
    if five:
        problems.append(f"{five} answer(s) with a 5xx status")
    logs = server.log_errors()
    if logs:
        problems.append(f"the server logged {len(logs)} error line(s), first: {logs[0][:200]}")
    return {
        "ok": not problems,
        "problems": problems,
        "writes": {
            "attempted": writes.attempted,
            "acknowledged": writes.acknowledged,
            "creates": writes.created,
            # organisations whose last write was acknowledged / read back as acknowledged
            "orgs_acknowledged": len(checked),
            "orgs_visible": len(visible),
            # organisations with a write without a clear answer / in one allowed state
            "orgs_uncertain": len(writes.uncertain),
            "orgs_uncertain_allowed": len(allowed),
            "organisations": {"start": start_total, "end": total},
            "audit_entries": logged,
        },
        "matching_probe": probe,
    }
