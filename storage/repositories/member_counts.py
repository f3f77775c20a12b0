"""Member counts as of any date, from events alone (never from stored running totals)."""

# Each membership event counts +1 or -1 for the unit it names; a count on a day is the
# sum up to that day. Migrating for work or returning changes no count (DOMAIN rule 8).

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import EventKind
from storage.models import MemberEvent, OrgUnit

ENTERS = (EventKind.JOINED, EventKind.MOVED_IN)
LEAVES = (EventKind.MOVED_OUT, EventKind.LEFT, EventKind.DIED)


def delta() -> ColumnElement[int]:
    """+1 for an event that brings a member into the unit, -1 for one that takes her out."""
    return case(
        (MemberEvent.kind.in_(ENTERS), 1),
        (MemberEvent.kind.in_(LEAVES), -1),
        else_=0,
    )


def joined_weight() -> ColumnElement[int]:
    """1 for a `joined` event (a new member, not a move), else 0: summed for new members."""
    return case((MemberEvent.kind == EventKind.JOINED, 1), else_=0)


async def members_on(s: AsyncSession, unit_id: int, day: dt.date) -> int:
    """Members of one branch (or group) at the end of `day`."""
    stmt = select(func.coalesce(func.sum(delta()), 0)).where(
        MemberEvent.unit_id == unit_id, MemberEvent.occurred_on <= day
    )
    return int(await s.scalar(stmt) or 0)


async def members_in_subtree_on(s: AsyncSession, unit: OrgUnit, day: dt.date) -> int:
    """Members of every branch under `unit` (any depth) at the end of `day`."""
    stmt = (
        select(func.coalesce(func.sum(delta()), 0))
        .join(OrgUnit, OrgUnit.id == MemberEvent.unit_id)
        .where(OrgUnit.path.startswith(unit.path), MemberEvent.occurred_on <= day)
    )
    return int(await s.scalar(stmt) or 0)


async def joined_between(s: AsyncSession, unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    """New members (joined, not moved in) under `unit` between two days inclusive."""
    stmt = (
        select(func.count(MemberEvent.id))
        .join(OrgUnit, OrgUnit.id == MemberEvent.unit_id)
        .where(
            OrgUnit.path.startswith(unit.path),
            MemberEvent.kind == EventKind.JOINED,
            MemberEvent.occurred_on.between(first, last),
        )
    )
    return int(await s.scalar(stmt) or 0)
