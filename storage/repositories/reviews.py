"""Semi-annual member reviews: when a unit confirmed, what changed, recording one, and the
members away long enough to be asked about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import EventKind, MemberStatus, Residence
from storage.db import dialect_insert
from storage.models import Member, MemberEvent, Review
from storage.repositories.members import record_event


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


async def away_members(
    s: AsyncSession, branch_id: int, away_by: dt.date
) -> list[tuple[int, str, dt.date]]:
    """(id, name, away since) of the branch's members away since `away_by` or earlier, to
    be asked about at the review (004 §II.1.2 footnote 1)."""
    stmt = (
        select(Member.id, Member.full_name, Member.away_since)
        .where(
            Member.branch_id == branch_id,
            Member.residence == Residence.AWAY,
            Member.away_since <= away_by,
            Member.status.in_([MemberStatus.ACTIVE, MemberStatus.MIGRANT]),
            Member.full_name.is_not(None),
        )
        .order_by(Member.away_since, Member.id)
    )
    return [(i, str(n), d) for i, n, d in (await s.execute(stmt)).all()]


async def came_back(s: AsyncSession, member_id: int) -> Member | None:
    """She lives here again: permanent residence, no longer away."""
    member = await s.get(Member, member_id)
    if member is None or member.residence != Residence.AWAY:
        return None
    member.residence = Residence.PERMANENT
    member.away_since = None
    return member


async def residence_moved_away(
    s: AsyncSession, member_id: int, on: dt.date, now: dt.datetime, by: int | None
) -> Member | None:
    """Her permanent residence is no longer here: she leaves the branch's count (a
    moved-out event to no branch) and is marked moved away (004 §II.1.2 (1))."""
    member = await s.get(Member, member_id)
    if member is None or member.residence != Residence.AWAY:
        return None
    await record_event(s, member, EventKind.MOVED_OUT, on, now, by, detail={"reason": "residence"})
    member.status = MemberStatus.MOVED_AWAY
    return member
