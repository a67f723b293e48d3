"""The questions the engine's verbs rank: which sides to search and which learned signals
to weigh, for a partner search (suppliers, customers, mutual) and a substitute search.

Kept apart from `matcher.engine`, which scores, orders and explains any question.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from catalog.errors import InvalidInputError
from catalog.models import Organisation
from embeddings.base import F32Array
from matcher.index import I64Array
from matcher.profiles import Space, profile_texts
from matcher.rank import Question, SearchSide
from matcher.types import Direction, Filters, Signal, Task

if TYPE_CHECKING:
    from matcher.engine import MatchEngine

__all__ = ["partner_question", "substitute_question"]


def partner_question(
    engine: MatchEngine,
    org_id: str,
    direction: Direction,
    filters: Filters | None,
    filter_items: Collection[str] | None,
    items: Collection[str] | None,
    statements: Sequence[str] | None,
    found: tuple[F32Array, tuple[F32Array, I64Array]] | None = None,
) -> Question:
    """The sides to search, and for suppliers the learned signals, of a partner search;
    ``found``: the needs' vectors and search, done for a batch (`find_partners_many`)."""
    org = engine.org(org_id)
    if statements is not None:
        texts = tuple(t.strip() for t in statements if t.strip())
        if not texts:
            raise InvalidInputError("statements must hold at least one non-empty text")
        if direction is Direction.MUTUAL:
            raise InvalidInputError("statements apply to suppliers or customers, not mutual")
        field = "needs" if direction is Direction.SUPPLIERS else "offers"
        org = org.model_copy(update={field: texts, "products": ()})
    allowed = engine.lookup.allowed(filters, org.id, filter_items, items)
    sides: list[SearchSide] = []
    signals: dict[Signal, F32Array] = {}
    later = None
    if direction in (Direction.SUPPLIERS, Direction.MUTUAL):
        needs = None  # encoded once: the search and the supplier signals share them
        if org.needs:
            needs, hits = found or (
                engine.vectors.encode(Space.NEEDS, profile_texts(org, Space.NEEDS)),
                None,
            )
            sides.append(engine.lookup.side(org, Space.NEEDS, Space.OFFERS, allowed, needs, hits))
        if direction is Direction.SUPPLIERS:
            learned = engine.learned()
            deferred = learned.deferred() & engine.ranker.signals if statements is None else set()
            signals = learned.supplier_signals(
                org,
                engine.row_of(org.id),
                stated=sides[0].scores if sides else None,
                needs=needs,
                infer=statements is None,
                limit=engine.inferred_needs,
                wanted=engine.ranker.signals - deferred,
            )
            later = learned.later(org, needs, deferred)
        if not sides and Signal.INFERRED not in signals:
            raise InvalidInputError(
                f"organisation {org.id!r} states no needs, so it has no suppliers to find; "
                "try direction 'customers'"
            )
    if direction in (Direction.CUSTOMERS, Direction.MUTUAL):
        if not org.offers and not org.products:
            raise InvalidInputError(
                f"organisation {org.id!r} states no offers, so it has no customers to find; "
                "try direction 'suppliers'"
            )
        sides.append(engine.lookup.side(org, Space.OFFERS, Space.NEEDS, allowed))
    return Question(Task.PARTNERS, direction, org, tuple(sides), signals, allowed, None, later)


def substitute_question(
    engine: MatchEngine,
    org: Organisation,
    filters: Filters | None,
    filter_items: Collection[str] | None,
    items: Collection[str] | None,
) -> Question:
    if not org.offers and not org.products:
        raise InvalidInputError(f"organisation {org.id!r} states no offers to substitute")
    allowed = engine.lookup.allowed(filters, org.id, filter_items, items)
    side = engine.lookup.side(org, Space.OFFERS_SYM, Space.OFFERS_SYM, allowed)
    # The query's segment group always names candidates (weighted or not): the chain
    # relation rewards same-segment peers whose offers the text search may not reach.
    wanted = {s for s in engine.ranker.signals if s.task is Task.SUBSTITUTES} | {Signal.GROUP}
    signals: dict[Signal, F32Array] = {}
    if engine.taxonomy.segments:
        row = engine.row_of(org.id)
        signals = engine.peer_signals().substitute_signals(org, row, side.scores, wanted)
    return Question(Task.SUBSTITUTES, None, org, (side,), signals, allowed)
