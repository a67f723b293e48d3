"""The figures the park reports on its challenges (揭榜挂帅), read from the logs.

Definitions (each a count of challenges opened in the period, so every figure has the
same population):

* ``opened`` — challenges opened (drafts included);
* ``published`` — ever published (passed the review gate);
* ``matched`` — at least one application shortlisted or awarded;
* ``signed`` — a contract signed; ``amount_signed_wan`` the sum of the signed amounts;
* ``accepted`` — the delivered work accepted (验收);
* ``applications`` — applications received; ``match_rate`` = matched ÷ published,
  ``sign_rate`` = signed ÷ published (None when nothing was published).

In total, by chain (of the owner's positions; a company in two chains counts in both) and
by state (where each challenge is now).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from catalog.challenge.model import Challenge, ChallengeState
from catalog.challenge.rubric import Application

__all__ = ["challenge_stats", "figures"]


def figures(challenges: Sequence[Challenge], applications: Sequence[Application]) -> dict[str, Any]:
    """The figures of one group of challenges."""
    ids = {c.id for c in challenges}
    published = sum(c.ever(ChallengeState.PUBLISHED) for c in challenges)
    matched = sum(c.matched for c in challenges)
    signed = [c for c in challenges if c.ever(ChallengeState.SIGNED)]
    amount = sum(c.signed_amount or 0.0 for c in signed)
    return {
        "opened": len(challenges),
        "published": published,
        "applications": sum(a.challenge_id in ids for a in applications),
        "matched": matched,
        "signed": len(signed),
        "amount_signed_wan": round(amount, 2),
        "accepted": sum(c.ever(ChallengeState.ACCEPTED) for c in challenges),
        "match_rate": round(matched / published, 4) if published else None,
        "sign_rate": round(len(signed) / published, 4) if published else None,
    }


def challenge_stats(
    challenges: Sequence[Challenge],
    applications: Sequence[Application],
    *,
    chains: Mapping[str, Sequence[str]],
    zone: ZoneInfo,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[str, Any]:
    """Totals and groups for the challenges opened from ``since`` to ``until`` (park days,
    both included); ``chains`` maps an organisation id to its chain ids."""
    if since is not None and until is not None and until < since:
        raise ValueError(f"until: {until.isoformat()} is before since {since.isoformat()}")

    def inside(c: Challenge) -> bool:
        day = c.opened_at.astimezone(zone).date()
        return (since is None or day >= since) and (until is None or day <= until)

    chosen = [c for c in challenges if inside(c)]
    by_chain: dict[str, list[Challenge]] = {}
    by_state: dict[str, list[Challenge]] = {}
    for c in chosen:
        for chain in sorted(set(chains.get(c.org_id, ()))) or ["(none)"]:
            by_chain.setdefault(chain, []).append(c)
        by_state.setdefault(c.state.value, []).append(c)
    return {
        "since": None if since is None else since.isoformat(),
        "until": None if until is None else until.isoformat(),
        **figures(chosen, applications),
        "by": {
            "chain": {k: figures(v, applications) for k, v in sorted(by_chain.items())},
            "state": {k: len(v) for k, v in sorted(by_state.items())},
        },
    }
