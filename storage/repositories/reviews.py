"""Semi-annual member reviews: when a branch confirmed, what changed, and recording one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import dialect_insert
from storage.models import MemberEvent, Review


async def confirmed_at(s: AsyncSession, unit_id: int, period: str) -> dt.datetime | None:
    """When the unit confirmed the review of `period`, or None."""
    stmt = select(Review.confirmed_at).where(Review.unit_id == unit_id, Review.period == period)
    return (await s.scalars(stmt)).first()


async def last_confirmed_at(s: AsyncSession, unit_id: int) -> dt.datetime | None:
    """When the unit last confirmed any review, or None."""
    stmt = (
        select(Review.confirmed_at)
        .where(Review.unit_id == unit_id)
        .order_by(Review.confirmed_at.desc())
    )
    return (await s.scalars(stmt)).first()


async def confirmed(
    s: AsyncSession, unit_ids: Sequence[int], period: str
) -> dict[int, dt.datetime]:
    """Of these units, those that confirmed `period`, with when."""
    if not unit_ids:
        return {}
    stmt = select(Review.unit_id, Review.confirmed_at).where(
        Review.period == period, Review.unit_id.in_(unit_ids)
    )
    return {uid: at for uid, at in (await s.execute(stmt)).all()}


async def event_counts(
    s: AsyncSession, unit_id: int, after: dt.date, until: dt.date
) -> dict[str, int]:
    """Member events of the unit in (after, until], counted by kind."""
    stmt = (
        select(MemberEvent.kind, func.count(MemberEvent.id))
        .where(
            MemberEvent.unit_id == unit_id,
            MemberEvent.occurred_on > after,
            MemberEvent.occurred_on <= until,
        )
        .group_by(MemberEvent.kind)
    )
    return {str(kind.value): int(n) for kind, n in (await s.execute(stmt)).all()}


async def save(
    s: AsyncSession,
    unit_id: int,
    period: str,
    by: int | None,
    at: dt.datetime,
    changes: dict[str, Any],
) -> None:
    """Record the review; confirming the same period again updates its row."""
    insert = dialect_insert(s)
    stmt = insert(Review).values(
        unit_id=unit_id, period=period, confirmed_by=by, confirmed_at=at, changes=changes
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["unit_id", "period"],
        set_={"confirmed_by": by, "confirmed_at": at, "changes": changes},
    )
    await s.execute(stmt)
