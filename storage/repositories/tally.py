"""Member tallies at half-year ends: built once from events, then kept exact by triggers."""

# A tally day, once registered, is maintained by the member_event triggers of migration
# 0002 for every later insert, update or delete, so it always equals a recount. Building one
# reads every event once; it takes a share lock on member_event (PostgreSQL) so no event
# committed meanwhile is counted twice or missed.

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, delete, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import HalfYear, half_of
from storage.bulk import Loader
from storage.models import MemberEvent, MemberTally, MemberTallyDay
from storage.repositories.member_counts import delta, joined_weight


async def registered_days(s: AsyncSession) -> list[dt.date]:
    stmt = select(MemberTallyDay.on_day).order_by(MemberTallyDay.on_day)
    return list((await s.scalars(stmt)).all())


async def build_days(s: AsyncSession, days: list[dt.date], now: dt.datetime) -> None:
    """(Re)count every unit's members and joins at the end of each day, in one pass.

    Each event falls in the first day on or after it; a running sum over the days then
    gives each day's figure. Reads the events once however many days are built.
    """
    days = sorted(set(days))
    if not days:
        return
    if s.bind.dialect.name == "postgresql":
        await s.execute(text("LOCK TABLE member_event IN SHARE MODE"))
    await s.execute(delete(MemberTally).where(MemberTally.on_day.in_(days)))
    await s.execute(delete(MemberTallyDay).where(MemberTallyDay.on_day.in_(days)))
    # Literal days (not parameters) so GROUP BY sees the same expression as SELECT.
    bucket = case(
        *[
            (MemberEvent.occurred_on <= literal_column(f"'{d.isoformat()}'"), d.isoformat())
            for d in days
        ]
    )
    stmt = (
        select(MemberEvent.unit_id, bucket, func.sum(delta()), func.sum(joined_weight()))
        .where(MemberEvent.occurred_on <= days[-1])
        .group_by(MemberEvent.unit_id, bucket)
    )
    per_unit: dict[int, dict[str, tuple[int, int]]] = {}
    for uid, day, n, j in (await s.execute(stmt)).all():
        per_unit.setdefault(uid, {})[str(day)] = (int(n or 0), int(j or 0))
    rows = []
    for uid, by_day in per_unit.items():
        members = joined = 0
        for d in days:
            n, j = by_day.get(d.isoformat(), (0, 0))
            members, joined = members + n, joined + j
            rows.append((d, uid, members, joined))
    conn = await s.connection()
    await Loader(conn).write("member_tally", ("on_day", "unit_id", "members", "joined"), rows)
    s.add_all(MemberTallyDay(on_day=d, built_at=now) for d in days)
    await s.flush()


def half_year_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Last days of the half-years from the one holding `first` through the one holding `last`."""
    out, h = [], half_of(first)
    end = half_of(last)
    while h <= end:
        out.append(h.last_day)
        h = h.next()
    return out


async def ensure_days(s: AsyncSession, days: list[dt.date], now: dt.datetime) -> list[dt.date]:
    """Build the tally days not yet registered; returns those built."""
    have = set(await registered_days(s))
    built = sorted({d for d in days if d not in have})
    await build_days(s, built, now)
    return built


async def ensure_current(s: AsyncSession, today: dt.date, now: dt.datetime) -> list[dt.date]:
    """Make sure the previous and the current half-year ends are tally days.

    A future day is fine: triggers add each event as it is recorded. Called by the
    report pushes (daily sweep), so a report never re-adds years of events.
    """
    current: HalfYear = half_of(today)
    return await ensure_days(s, [current.previous().last_day, current.last_day], now)


async def recount_differences(s: AsyncSession) -> list[tuple[dt.date, int, int, int]]:
    """(day, unit, tally members, recount members) wherever a tally disagrees with events.

    Empty when the triggers did their job; tests and `chihoi report tally --check` use it.
    """
    out = []
    for day in await registered_days(s):
        stored = {
            uid: (m, j)
            for uid, m, j in (
                await s.execute(
                    select(MemberTally.unit_id, MemberTally.members, MemberTally.joined).where(
                        MemberTally.on_day == day
                    )
                )
            ).all()
        }
        fresh = {
            uid: (int(m or 0), int(j or 0))
            for uid, m, j in (
                await s.execute(
                    select(MemberEvent.unit_id, func.sum(delta()), func.sum(joined_weight()))
                    .where(MemberEvent.occurred_on <= day)
                    .group_by(MemberEvent.unit_id)
                )
            ).all()
        }
        for uid in set(stored) | set(fresh):
            a, b = stored.get(uid, (0, 0)), fresh.get(uid, (0, 0))
            if a != b:
                out.append((day, uid, a[0], b[0]))
    return out
