"""Technical challenges (揭榜挂帅): a company's problem posted for solvers, a review gate
before publishing, applications scored on a weighted rubric, award, signing and acceptance
— each challenge with an append-only log.

Storage is `catalog.challenge.store` (the ``challenge`` table family in the catalog's
SQLite file); the lifecycle rules are `catalog.challenge.flow`; who sees what is
`catalog.challenge.views`; rubric scoring is `catalog.challenge.rubric`; the park's figures
are `catalog.challenge.stats`. Ranking solvers from evidence is matching, so it lives in
`matcher.challenge`.

Example usage::

    from catalog.challenge import ChallengeMove, ChallengeState, ChallengeStore, NewChallenge

    with ChallengeStore(paths.db) as store:
        ch = store.open(NewChallenge(...), actor=Actor.staff("王敏"))
        store.move(ch.id, ChallengeMove(ChallengeState.IN_REVIEW), actor=Actor.staff("王敏"))
"""

from __future__ import annotations

from catalog.challenge.flow import (
    COMPANY_MOVES,
    TRANSITIONS,
    ChallengeMove,
    allowed_moves,
    check_application,
    check_move,
    check_review,
)
from catalog.challenge.model import (
    DEFAULT_RUBRIC,
    TERMINAL,
    Action,
    AwardKind,
    Challenge,
    ChallengeState,
    Confidentiality,
    Criterion,
    DeliverableLevel,
    Entry,
    Indicator,
    IpDeclaration,
    IpTerms,
    NewChallenge,
    Phase,
)
from catalog.challenge.rubric import (
    Application,
    NewApplication,
    RankedApplication,
    Review,
    rank_applications,
)
from catalog.challenge.store import CHALLENGE, ChallengeStore

__all__ = [
    "CHALLENGE",
    "COMPANY_MOVES",
    "DEFAULT_RUBRIC",
    "TERMINAL",
    "TRANSITIONS",
    "Action",
    "Application",
    "AwardKind",
    "Challenge",
    "ChallengeMove",
    "ChallengeState",
    "ChallengeStore",
    "Confidentiality",
    "Criterion",
    "DeliverableLevel",
    "Entry",
    "Indicator",
    "IpDeclaration",
    "IpTerms",
    "NewApplication",
    "NewChallenge",
    "Phase",
    "RankedApplication",
    "Review",
    "allowed_moves",
    "check_application",
    "check_move",
    "check_review",
    "rank_applications",
]
