"""member_tally equals a recount from events after inserts, edits and deletes (both backends)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.calendar import HalfYear
from bot.domain.enums import EventKind
from bot.domain.rules import Rules
from storage.db import transaction
from storage.models import MemberEvent, MemberTally, MemberTallyDay
from storage.repositories import measures, tally
from tests.reports.tree import NOW, build

DAYS = [dt.date(2025, 12, 31), dt.date(2026, 6, 30), dt.date(2026, 12, 31)]


async def _figures(s: AsyncSession, root_code: str) -> dict[int, object]:
    from storage.repositories import org

    root = await org.by_code(s, root_code)
    assert root is not None
    r = await measures.measure(s, root, HalfYear(2026, 1), dt.date(2026, 6, 30), Rules())
    return {uid: r.of(uid) for uid in r.units}


async def test_triggers_keep_every_tally_day_equal_to_a_recount(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(maker) as s:
        tree = await build(s)
        await tally.ensure_days(s, DAYS, NOW)
    b1, b2, b3 = tree["B1"], tree["B2"], tree["B3"]
    async with transaction(maker) as s:
        member_id = (
            await s.scalars(select(MemberEvent.member_id).where(MemberEvent.unit_id == b1.id))
        ).first()
        # several rows in one statement (one trigger call per statement on PostgreSQL)
        await s.execute(
            insert(MemberEvent),
            [
                dict(
                    member_id=member_id,
                    kind=EventKind.JOINED,
                    occurred_on=dt.date(2025, 3, 1),
                    unit_id=b2.id,
                    detail={},
                    recorded_at=NOW,
                ),
                dict(
                    member_id=member_id,
                    kind=EventKind.LEFT,
                    occurred_on=dt.date(2026, 8, 1),
                    unit_id=b2.id,
                    detail={},
                    recorded_at=NOW,
                ),
                dict(
                    member_id=member_id,
                    kind=EventKind.MIGRATED,
                    occurred_on=dt.date(2026, 1, 3),
                    unit_id=b3.id,
                    detail={},
                    recorded_at=NOW,
                ),
            ],
        )
    async with transaction(maker) as s:
        # a correction moves a join across a tally day, another changes the kind and unit
        first = (
            await s.scalars(
                select(MemberEvent.id)
                .where(MemberEvent.unit_id == b3.id, MemberEvent.kind == EventKind.JOINED)
                .order_by(MemberEvent.id)
            )
        ).first()
        await s.execute(
            update(MemberEvent)
            .where(MemberEvent.id == first)
            .values(occurred_on=dt.date(2026, 7, 5))
        )
        second = (
            await s.scalars(
                select(MemberEvent.id).where(MemberEvent.unit_id == b1.id).order_by(MemberEvent.id)
            )
        ).first()
        await s.execute(
            update(MemberEvent)
            .where(MemberEvent.id == second)
            .values(kind=EventKind.MOVED_IN, unit_id=b2.id)
        )
        last = (
            await s.scalars(
                select(MemberEvent.id)
                .where(MemberEvent.unit_id == b2.id)
                .order_by(MemberEvent.id.desc())
            )
        ).first()
        await s.execute(delete(MemberEvent).where(MemberEvent.id == last))
    async with maker() as s:
        assert await tally.recount_differences(s) == []
        rows = (
            await s.execute(
                select(MemberTally.unit_id, MemberTally.members).where(
                    MemberTally.on_day == dt.date(2025, 12, 31), MemberTally.unit_id == b3.id
                )
            )
        ).one()
        assert rows.members == 19  # one of the 20 July-2025 joins now dated July 2026
        with_tally = await _figures(s, "P")
    async with transaction(maker) as s:
        await s.execute(delete(MemberTally))
        await s.execute(delete(MemberTallyDay))
    async with maker() as s:
        assert await _figures(s, "P") == with_tally  # from events alone


async def test_ensure_current_builds_the_two_half_year_ends_once(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(maker) as s:
        await build(s)
        first = await tally.ensure_current(s, dt.date(2026, 11, 26), NOW)
        again = await tally.ensure_current(s, dt.date(2026, 11, 27), NOW)
    assert first == [dt.date(2026, 6, 30), dt.date(2026, 12, 31)] and again == []
