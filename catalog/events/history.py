"""A park's meeting history as data: every meeting scheduled at a stored event.

`EventStore.past_meetings` reads them; `matcher.events.history` decides from them which
pairs a new plan leaves out and which become follow-up wishes.

Example usage::

    with EventStore(paths.db) as store:
        past = store.past_meetings(org_ids=pool, exclude_event="ev-20261201-1")
    [m for m in past if m.met]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from catalog.events.outcomes import OutcomeStatus

__all__ = ["PastMeeting"]


@dataclass(frozen=True)
class PastMeeting:
    """One meeting scheduled at a stored event and what came of it (None: not recorded)."""

    event_id: str
    date: dt.date
    a: str  # a < b
    b: str
    status: OutcomeStatus | None

    @property
    def met(self) -> bool:
        """Whether it counts as a meeting: everything but a recorded no-show (a meeting not
        recorded yet was scheduled, and seating the pair again would repeat it)."""
        return self.status is not OutcomeStatus.NO_SHOW
