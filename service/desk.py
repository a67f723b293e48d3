"""What the desk's CLI and HTTP routes share: the park's policy file, the catalog's chains,
and the few calls that combine a store with a policy and the clock.

Kept out of the routes and commands so both stay thin and cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from catalog.desk import Actor, Clock, DeskStore, Extension, Request, RequestKind
from catalog.desk.clocks import hours_until
from catalog.desk.policy import Policy, load_policy
from catalog.desk.queue import queue
from catalog.desk.stats import desk_stats
from catalog.errors import InvalidInputError
from catalog.paths import Paths
from catalog.store import CatalogStore

__all__ = [
    "POLICY_FILE",
    "ask_extension",
    "catalog_chains",
    "desk_policy",
    "queue_doc",
    "stats_doc",
    "utc_now",
]

POLICY_FILE = "desk_policy.toml"  # in the ChainMatch home: the park's own policy


def desk_policy(paths: Paths, override: Path | None = None) -> Policy:
    """``override``, else ``desk_policy.toml`` in the home, else the built-in "135"."""
    if override is not None:
        return load_policy(override)
    own = paths.home / POLICY_FILE
    return load_policy(own if own.exists() else None)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def catalog_chains(store: CatalogStore) -> dict[str, list[str]]:
    """Organisation id → its chain ids, for the stats by chain."""
    return {o.id: [p.chain for p in o.chains] for o in store.all()}


def ask_extension(
    desk: DeskStore,
    request_id: str,
    *,
    clock: Clock,
    reason: str,
    actor: Actor,
    policy: Policy,
    hours: float | None = None,
    until: dt.datetime | None = None,
) -> Request:
    """Ask for more working time on a clock, as hours or as a new deadline (``until``)."""
    if (hours is None) == (until is None):
        raise InvalidInputError("hours: give the extra working hours or a new deadline (until)")
    if until is not None:
        hours = hours_until(desk.get(request_id), clock, until, policy, utc_now())
    ext = Extension(clock, float(hours or 0), reason)
    return desk.request_extension(request_id, ext, actor=actor)


def queue_doc(
    requests: list[Request], policy: Policy, now: dt.datetime, **filters: Any
) -> dict[str, Any]:
    """The queue as JSON: ``{"as_of", "requests": [...], "overdue"}``."""
    rows = queue(requests, policy, now, **filters)
    zone = policy.calendar.zone
    return {
        "as_of": now.astimezone(zone).isoformat(),
        "requests": [r.to_json(zone) for r in rows],
        "overdue": sum(r.overdue for r in rows),
    }


def stats_doc(
    desk: DeskStore,
    store: CatalogStore,
    policy: Policy,
    now: dt.datetime,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    kind: RequestKind | None = None,
) -> dict[str, Any]:
    return desk_stats(
        desk.requests(),
        policy,
        now,
        chains=catalog_chains(store),
        since=since,
        until=until,
        kind=kind,
    )
