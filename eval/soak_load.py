"""The soak benchmark's load (`eval.bench_soak`): the request mix, the writes it tracks for
the final check, a *bounded* open loop for the mixed run and a closed loop for each route's
capacity.

The open loop sends at fixed times whether or not earlier requests have answered (a closed
loop slows down with the server and hides its queue), but never holds more than
``max_in_flight`` requests: one that finds the cap reached is *shed* — counted for its
route, never sent. Without the cap an overloaded server's queue, and every request's
latency, grows for the whole run. Every request has a total deadline (``timeout_s``), so a
run ends at most ``timeout_s`` after its last send.
"""

from __future__ import annotations

import asyncio
import enum
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from catalog.demo import load_demo_organisations
from catalog.taxonomy import load_default_taxonomy

__all__ = [
    "MIX",
    "Calls",
    "LoadRun",
    "Route",
    "RouteStats",
    "Writes",
    "closed_loop",
    "mix_shares",
    "open_loop",
]


class Route(enum.StrEnum):
    PARTNERS = "partners"  # POST /match/partners
    SUBSTITUTES = "substitutes"  # POST /match/substitutes
    ASK = "ask"  # POST /ask
    ORGS = "orgs"  # GET /orgs (a page) or /orgs/{id}
    MAP = "map"  # GET /map?chain=…
    WRITE = "write"  # POST /orgs (create) or PUT /orgs/{id} (new offers)


MIX: tuple[tuple[Route, float], ...] = (
    (Route.PARTNERS, 0.40),
    (Route.SUBSTITUTES, 0.15),
    (Route.ASK, 0.15),
    (Route.ORGS, 0.10),
    (Route.MAP, 0.10),
    (Route.WRITE, 0.10),
)
CHAINS = ("ic", "pv", "nev", "bio", "iot", "newmat")


def mix_shares(writes: float) -> dict[Route, float]:
    """MIX with the write share set to ``writes`` and the others scaled to the rest."""
    if not 0 <= writes <= 1:
        raise ValueError(f"--writes must be between 0 and 1; got {writes}")
    scale = (1 - writes) / sum(s for r, s in MIX if r is not Route.WRITE)
    return {r: writes if r is Route.WRITE else s * scale for r, s in MIX}


def _choose(rng: random.Random, shares: dict[Route, float]) -> Route:
    x, acc = rng.random(), 0.0
    for route, share in shares.items():
        acc += share
        if x < acc:
            return route
    return list(shares)[-1]


@dataclass
class Writes:
    """What the run wrote and the server acknowledged, for the final check."""

    last: dict[str, list[str]] = field(default_factory=dict)  # org id → offers acknowledged
    created_ids: list[str] = field(default_factory=list)  # acknowledged creates, in order
    acknowledged: int = 0
    attempted: int = 0
    attempted_creates: int = 0
    # a write without a clear answer (timeout, transport error, cancelled, 5xx) may or may
    # not have landed: what the organisation may hold now (None: not created)
    uncertain: dict[str, list[list[str] | None]] = field(default_factory=dict)
    busy: set[str] = field(default_factory=set)  # one write per organisation at a time
    serial: int = 0

    @property
    def created(self) -> int:
        return len(self.created_ids)


@dataclass
class RouteStats:
    """One route's answers. Latencies hold answered requests and timed-out ones (at the
    time they were given up: a lower bound); transport errors have none."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    timeouts: int = 0
    transport: Counter[str] = field(default_factory=Counter)  # exception name → count
    shed: int = 0  # not sent: the client already had max_in_flight requests out
    ok_in_window: int = 0  # 2xx answers that arrived before the send window closed

    @property
    def ok(self) -> int:
        return sum(n for code, n in self.statuses.items() if 200 <= code < 300)

    @property
    def errors(self) -> int:
        bad = sum(n for code, n in self.statuses.items() if code >= 300)
        return bad + self.timeouts + sum(self.transport.values())

    @property
    def sent(self) -> int:
        return sum(self.statuses.values()) + self.timeouts + sum(self.transport.values())


@dataclass
class LoadRun:
    routes: dict[Route, RouteStats]
    lag: list[float]  # per sent request: how late the client sent it, seconds
    seconds: float  # the send window asked for; answers within it make the achieved rate
    sent_s: float  # first due time to the last send (longer than seconds: the client lagged)
    drain_s: float  # after the last send, until the last in-flight request ended
    unfinished: int  # still in flight after the drain (cancelled; should be 0)
    client_cpu_s: float  # this process's CPU time over window + drain


class Calls:
    """The requests of each route, over the demo park's organisations."""

    def __init__(self, rng: random.Random, writes: Writes, token: str, *, max_creates: int) -> None:
        demo = load_demo_organisations()
        tax = load_default_taxonomy()
        self.rng, self.writes, self.max_creates = rng, writes, max_creates
        self.auth = {"Authorization": f"Bearer {token}"}
        self.with_needs = [o.id for o in demo if o.needs]
        self.ids = [o.id for o in demo]
        self.questions = [s for o in demo[::7] for s in o.needs[:1]]
        self.segments = [tax.chains[c].segments[1] for c in CHAINS]

    async def send(self, route: Route, c: httpx.AsyncClient) -> httpx.Response:
        rng = self.rng
        match route:
            case Route.PARTNERS:
                body = {"org_id": rng.choice(self.with_needs), "k": 10}
                return await c.post("/match/partners", json=body)
            case Route.SUBSTITUTES:
                return await c.post("/match/substitutes", json={"org_id": rng.choice(self.ids)})
            case Route.ASK:
                return await c.post("/ask", json={"text": rng.choice(self.questions), "k": 10})
            case Route.ORGS:
                if rng.random() < 0.5:
                    return await c.get(f"/orgs/{rng.choice(self.ids)}")
                return await c.get("/orgs", params={"limit": 20, "offset": rng.randrange(300)})
            case Route.MAP:
                return await c.get("/map", params={"chain": rng.choice(CHAINS)})
            case Route.WRITE:
                return await self._write(c)
        raise ValueError(f"unknown route {route!r}")

    def _target(self) -> tuple[str, bool]:
        """(organisation, create?): an update of one the run created and is not writing now
        (half the time, always once ``max_creates`` are made), else a new one."""
        w = self.writes
        free = [i for i in w.last if i not in w.busy and i not in w.uncertain]
        if free and (w.attempted_creates >= self.max_creates or self.rng.random() < 0.5):
            return self.rng.choice(free), False
        w.attempted_creates += 1
        return f"soak-{w.serial:06d}", True

    async def _write(self, c: httpx.AsyncClient) -> httpx.Response:
        w = self.writes
        w.serial += 1
        w.attempted += 1
        offers = [f"浸泡测试服务 soak offer {w.serial}", "精密结构件加工"]
        org_id, create = self._target()
        w.busy.add(org_id)
        try:
            if create:
                body = {
                    "id": org_id,
                    "name": f"浸泡测试企业{w.serial}",
                    "chains": [self._position(w.serial)],
                    "offers": offers,
                    "needs": ["寻找包装材料"],
                }
                r = await c.post("/orgs", json=body, headers=self.auth)
            else:
                r = await c.put(f"/orgs/{org_id}", json={"offers": offers}, headers=self.auth)
        except (Exception, asyncio.CancelledError):
            w.uncertain[org_id] = [w.last.get(org_id), offers]
            raise
        finally:
            w.busy.discard(org_id)
        if r.status_code in (200, 201):
            w.last[org_id] = offers
            w.acknowledged += 1
            if create:
                w.created_ids.append(org_id)
        elif r.status_code >= 500:
            w.uncertain[org_id] = [w.last.get(org_id), offers]
        return r

    def _position(self, serial: int) -> dict[str, str]:
        """Creates go round the chains, so that no chain's map outgrows the others."""
        i = serial % len(CHAINS)
        return {"chain": CHAINS[i], "segment": self.segments[i]}


async def _timed(
    calls: Calls, route: Route, client: httpx.AsyncClient, st: RouteStats, timeout_s: float
) -> float | None:
    """Send one request and record it; returns when a 2xx answer arrived (else None)."""
    t0 = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            r = await calls.send(route, client)
    except (TimeoutError, httpx.TimeoutException):
        st.timeouts += 1
        st.latencies.append(time.perf_counter() - t0)
        return None
    except httpx.HTTPError as exc:
        st.transport[type(exc).__name__] += 1
        return None
    end = time.perf_counter()
    st.latencies.append(end - t0)
    st.statuses[r.status_code] += 1
    return end if 200 <= r.status_code < 300 else None


async def open_loop(
    base: str,
    calls: Calls,
    shares: dict[Route, float],
    *,
    rate: float,
    seconds: float,
    max_in_flight: int,
    timeout_s: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> LoadRun:
    """``rate`` requests a second for ``seconds``, each route by its share, at most
    ``max_in_flight`` at once (the rest shed); then wait for the last ones, at most
    ``timeout_s``."""
    if rate <= 0 or seconds <= 0 or max_in_flight < 1 or timeout_s <= 0:
        raise ValueError("rate, seconds, timeout must be > 0 and max_in_flight >= 1")
    stats = {r: RouteStats() for r in shares}
    lag: list[float] = []
    limits = httpx.Limits(max_connections=max_in_flight, max_keepalive_connections=max_in_flight)
    cpu0 = time.process_time()
    async with httpx.AsyncClient(
        base_url=base, timeout=timeout_s, limits=limits, transport=transport
    ) as client:
        in_flight: set[asyncio.Task[None]] = set()
        start = time.perf_counter()
        window_end = start + seconds

        async def one(route: Route, due: float) -> None:
            lag.append(time.perf_counter() - due)
            st = stats[route]
            ok_at = await _timed(calls, route, client, st, timeout_s)
            st.ok_in_window += ok_at is not None and ok_at <= window_end

        for i in range(int(rate * seconds)):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            route = _choose(calls.rng, shares)
            if len(in_flight) >= max_in_flight:
                stats[route].shed += 1
                continue
            task = asyncio.create_task(one(route, due))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        sent_until = time.perf_counter()
        pending: set[asyncio.Task[None]] = set()
        if in_flight:
            _, pending = await asyncio.wait(set(in_flight), timeout=timeout_s + 1.0)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        ended = time.perf_counter()
    return LoadRun(
        stats,
        lag,
        seconds,
        sent_until - start,
        ended - sent_until,
        len(pending),
        time.process_time() - cpu0,
    )


async def closed_loop(
    base: str,
    calls: Calls,
    route: Route,
    *,
    clients: int,
    seconds: float,
    timeout_s: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[RouteStats, float]:
    """``clients`` loops each sending ``route`` as soon as the last answer came, for
    ``seconds``; returns the stats and the time until the last answer. Each request opens
    its own connection, so that with several server workers the kernel spreads them."""
    st = RouteStats()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=0)
    async with httpx.AsyncClient(
        base_url=base, timeout=timeout_s, limits=limits, transport=transport
    ) as client:
        start = time.perf_counter()
        deadline = start + seconds

        async def loop() -> None:
            while time.perf_counter() < deadline:
                await _timed(calls, route, client, st, timeout_s)

        await asyncio.gather(*(loop() for _ in range(clients)))
        return st, time.perf_counter() - start
