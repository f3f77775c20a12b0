"""What the reminder sweep reads: the unit tree, reviews done, the week's activity, snoozes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import EventKind, Level
from bot.domain.paths import path_ids
from bot.domain.rules import Week
from storage.models import Meeting, MemberEvent, OrgUnit, Review, Snooze

# A meeting logged this week was held at most this long before (bounds the scan).
_LOGGED_LOOKBACK = dt.timedelta(days=120)


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    level: Level
    name: str
    path: str
    founded_on: dt.date | None

    def ids(self) -> list[int]:
        """Ids from the root down to this unit (the materialised path)."""
        return path_ids(self.path)

    def expected(self, first_day: dt.date) -> bool:
        """Chased for a period that began on `first_day`: not if founded after it began."""
        return self.founded_on is None or self.founded_on <= first_day


async def units(
    s: AsyncSession, ids: Collection[int] | None = None, levels: Collection[Level] | None = None
) -> dict[int, Unit]:
    """Every unit of the tree (or those of `ids`, or of `levels`), by id."""
    stmt = select(OrgUnit.id, OrgUnit.level, OrgUnit.name, OrgUnit.path, OrgUnit.founded_on)
    if levels is not None:
        stmt = stmt.where(OrgUnit.level.in_(list(levels)))
    # Core, not the ORM session's execute: a national tree is 100,000 rows, and the ORM's
    # result machinery doubled the time to read them.
    conn = await s.connection()
    if ids is None:
        rows = list((await conn.execute(stmt)).all())
    else:
        wanted, rows = sorted(set(ids)), []
        for start in range(0, len(wanted), 5000):  # asyncpg takes 32,767 parameters at most
            chunk = wanted[start : start + 5000]
            rows += (await conn.execute(stmt.where(OrgUnit.id.in_(chunk)))).all()
    return {r[0]: Unit(*r) for r in rows}


async def units_by_id(s: AsyncSession, ids: Collection[int]) -> dict[int, OrgUnit]:
    stmt = select(OrgUnit).where(OrgUnit.id.in_(set(ids)))
    return {u.id: u for u in (await s.scalars(stmt)).all()}


async def reviewed(s: AsyncSession, period: str, units: Collection[int] | None = None) -> set[int]:
    """Units with a review for `period` (of `units`, if given)."""
    stmt = select(Review.unit_id).where(Review.period == period)
    if units is not None:
        stmt = stmt.where(Review.unit_id.in_(list(units)))
    return set((await s.scalars(stmt)).all())


async def meetings_logged(
    s: AsyncSession, week: Week, start: dt.datetime, end: dt.datetime
) -> list[tuple[int, int]]:
    """(unit id, meetings logged in [start, end)) for the week's digest."""
    stmt = (
        select(Meeting.unit_id, func.count(Meeting.id))
        .where(
            Meeting.superseded_by.is_(None),
            # held_on bounds the scan to an index range; logged_at decides.
            Meeting.held_on.between(week.first_day - _LOGGED_LOOKBACK, week.last_day),
            Meeting.logged_at >= start,
            Meeting.logged_at < end,
        )
        .group_by(Meeting.unit_id)
    )
    return [(uid, int(n)) for uid, n in (await s.execute(stmt)).all()]


async def members_joined(s: AsyncSession, week: Week) -> list[tuple[int, int]]:
    """(unit id, members who joined during the week)."""
    stmt = (
        select(MemberEvent.unit_id, func.count(MemberEvent.id))
        .where(
            MemberEvent.kind == EventKind.JOINED,
            MemberEvent.occurred_on.between(week.first_day, week.last_day),
        )
        .group_by(MemberEvent.unit_id)
    )
    return [(uid, int(n)) for uid, n in (await s.execute(stmt)).all()]


async def snoozes(s: AsyncSession, since: dt.datetime) -> dict[tuple[int, str, str], dt.datetime]:
    """(person, kind, period) -> until, for snoozes ending at or after `since`."""
    rows = await s.execute(
        select(Snooze.person_id, Snooze.kind, Snooze.period, Snooze.until).where(
            Snooze.until >= since
        )
    )
    return {(p, k, period): until for p, k, period, until in rows.all()}
