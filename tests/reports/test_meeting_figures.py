"""meeting_figure equals a recount after any writes, is rebuilt (resuming after a kill), and
feeds the same report figures as the recount (both backends)."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

import pytest
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.domain.calendar import HalfYear
from bot.domain.enums import EventKind, Level, MeetingKind
from bot.domain.rules import Rules
from storage.db import transaction
from storage.models import FigureRebuild, Meeting, MeetingFigure, MemberEvent, RosterTotal
from storage.repositories import measures, meeting_figures, meetings, org, unit_figures
from storage.repositories.measures import figure_check
from tests.reports.tree import NOW, Tree, build

D = dt.date
KINDS = [EventKind.JOINED, EventKind.LEFT, EventKind.MOVED_IN, EventKind.DIED, EventKind.MIGRATED]


async def _figure(s: AsyncSession, meeting_id: int) -> tuple[int, int] | None:
    row = (
        await s.execute(
            select(MeetingFigure.entered, MeetingFigure.stated).where(
                MeetingFigure.meeting_id == meeting_id
            )
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def test_a_meeting_keeps_its_members_through_late_events_and_stated_totals(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(maker) as s:
        tree = await build(s)
        b3 = tree["B3"]
        m = await meetings.add_meeting(
            s,
            unit_id=b3.id,
            held_on=D(2026, 3, 10),
            kind=MeetingKind.REGULAR,
            present_count=10,
            now=NOW,
        )
        themed = await meetings.add_meeting(
            s,
            unit_id=b3.id,
            held_on=D(2026, 3, 11),
            kind=MeetingKind.THEMED,
            present_count=3,
            now=NOW,
        )
    async with transaction(maker) as s:
        # B3 on 10/3/2026: 20 joined 1/7/2025, one moved in 20/1/2026
        assert await _figure(s, m.id) == (21, 0)
        assert await _figure(s, themed.id) is None  # neither regular nor visited
        member_id = await s.scalar(select(MemberEvent.member_id).limit(1))
        # entered late: one left on 1/3 (before the meeting), one joined on 11/3 (after)
        s.add_all(
            [
                MemberEvent(
                    member_id=member_id,
                    kind=kind,
                    occurred_on=on,
                    unit_id=b3.id,
                    detail={},
                    recorded_at=NOW,
                )
                for kind, on in [
                    (EventKind.LEFT, D(2026, 3, 1)),
                    (EventKind.JOINED, D(2026, 3, 11)),
                ]
            ]
        )
        await s.flush()
        assert await _figure(s, m.id) == (20, 0)
        await unit_figures.state_total(s, b3.id, D(2026, 2, 1), 40, None, NOW)
        await s.flush()
        assert await _figure(s, m.id) == (20, 40)
        await unit_figures.state_total(s, b3.id, D(2026, 3, 10), 30, None, NOW)
        await s.flush()
        assert await _figure(s, m.id) == (20, 30)  # the latest stated on or before the day
        await s.execute(delete(RosterTotal).where(RosterTotal.as_of == D(2026, 3, 10)))
        assert await _figure(s, m.id) == (20, 40)
        # an edit: the correction counts, the original leaves
        fixed = await meetings.add_meeting(
            s,
            unit_id=b3.id,
            held_on=D(2026, 3, 12),
            kind=MeetingKind.REGULAR,
            present_count=30,
            now=NOW,
        )
        original = await s.get(Meeting, m.id)
        assert original is not None
        await meetings.supersede(s, original, fixed)
        assert await _figure(s, m.id) is None
        assert await _figure(s, fixed.id) == (21, 40)  # the join of 11/3 counts now
    async with transaction(maker) as s:
        r = await measures.measure(s, tree["P"], HalfYear(2026, 1), D(2026, 6, 30), Rules())
        # B3's regular meetings of the half: 25/1 (14 of 21: exactly two thirds), 12/3
        # (30 of 40 stated), 20/6 (24 of 40 stated: under two thirds) and 30/6 (30 of 40)
        f = r.of(b3.id)
        assert (f.meetings, f.rated, f.two_thirds) == (4, 4, 3)
        assert f.attendance == pytest.approx((14 / 21 + 30 / 40 + 24 / 40 + 30 / 40) / 4)
        assert await figure_check.differences(s) == []


async def _random_writes(s: AsyncSession, tree: Tree, rng: random.Random) -> None:
    """A few writes of every kind a deployment makes, in one transaction."""
    units = [tree[c] for c in ("B1", "B2", "B3", "B4", "G1")]
    members = list((await s.scalars(select(MemberEvent.member_id).distinct())).all())
    for _ in range(rng.randint(1, 6)):
        action = rng.choice(
            ["meeting", "meeting", "edit", "delete", "event", "events", "move", "drop", "roster"]
        )
        unit = rng.choice(units)
        day = D(2025, 10, 1) + dt.timedelta(days=rng.randint(0, 450))
        if action == "meeting":
            await meetings.add_meeting(
                s,
                unit_id=unit.id,
                held_on=day,
                kind=rng.choice([MeetingKind.REGULAR, MeetingKind.REGULAR, MeetingKind.THEMED]),
                present_count=rng.randint(0, 40),
                leader_present=rng.random() < 0.3,
                now=NOW,
            )
        elif action in ("edit", "delete"):
            current = list(
                (await s.scalars(select(Meeting).where(Meeting.superseded_by.is_(None)))).all()
            )
            if not current:
                continue
            old = rng.choice(current)
            if action == "edit":
                new = await meetings.add_meeting(
                    s,
                    unit_id=old.unit_id,
                    held_on=day,
                    kind=old.kind,
                    present_count=rng.randint(0, 40),
                    leader_present=rng.random() < 0.5,
                    now=NOW,
                )
                await meetings.supersede(s, old, new)
            else:
                referenced = await s.scalar(
                    select(func.count()).where(Meeting.superseded_by == old.id)
                )
                if not referenced:
                    await s.delete(old)
                    await s.flush()
        elif action in ("event", "events"):
            n = 1 if action == "event" else rng.randint(2, 5)
            await s.execute(
                insert(MemberEvent),
                [
                    dict(
                        member_id=rng.choice(members),
                        kind=rng.choice(KINDS),
                        occurred_on=D(2025, 10, 1) + dt.timedelta(days=rng.randint(0, 450)),
                        unit_id=rng.choice(units).id,
                        detail={},
                        recorded_at=NOW,
                    )
                    for _ in range(n)
                ],
            )
        elif action in ("move", "drop"):
            ids = list((await s.scalars(select(MemberEvent.id))).all())
            target = rng.choice(ids)
            if action == "move":
                await s.execute(
                    update(MemberEvent)
                    .where(MemberEvent.id == target)
                    .values(occurred_on=day, unit_id=unit.id, kind=rng.choice(KINDS))
                )
            else:
                await s.execute(delete(MemberEvent).where(MemberEvent.id == target))
        else:
            rosters = list((await s.scalars(select(RosterTotal))).all())
            if rosters and rng.random() < 0.3:
                await s.delete(rng.choice(rosters))
                await s.flush()
            else:
                await unit_figures.state_total(s, unit.id, day, rng.randint(0, 60), None, NOW)
                await s.flush()


@pytest.mark.parametrize("seed", [1, 2])
async def test_random_writes_leave_the_figures_equal_to_a_recount(
    maker: async_sessionmaker[AsyncSession], seed: int
) -> None:
    async with transaction(maker) as s:
        tree = await build(s)
    rng = random.Random(seed)
    for _ in range(12):
        async with transaction(maker) as s:
            await _random_writes(s, tree, rng)
        async with transaction(maker) as s:
            assert await figure_check.differences(s) == []
    async with transaction(maker) as s:
        kept = await measures.measure(s, tree["P"], HalfYear(2026, 1), D(2026, 5, 20), Rules())
        await meeting_figures.mark_pending(s, NOW)
        recount = await measures.measure(s, tree["P"], HalfYear(2026, 1), D(2026, 5, 20), Rules())
    for uid in kept.units:
        a, b = kept.of(uid), recount.of(uid)
        assert (a.meetings, a.rated, a.two_thirds, a.met, a.visited) == (
            b.meetings,
            b.rated,
            b.two_thirds,
            b.met,
            b.visited,
        )
        assert a.attendance == pytest.approx(b.attendance)


async def test_the_check_finds_a_wrong_figure_and_the_rebuild_resumes_after_a_kill(
    engine: AsyncEngine, maker: async_sessionmaker[AsyncSession]
) -> None:
    async with transaction(maker) as s:
        tree = await build(s)
        # a figure gone wrong (as a load with the triggers off would leave it)
        await s.execute(
            update(MeetingFigure)
            .where(MeetingFigure.unit_id == tree["B3"].id)
            .values(entered=MeetingFigure.entered + 5)
        )
    async with transaction(maker) as s:
        wrong = await figure_check.differences(s)
    assert len(wrong) == 1 and f"2026 unit {tree['B3'].id}:" in wrong[0]

    class Killed(Exception):
        pass

    def kill_after_one_batch(step: str, done: int, total: int) -> None:
        if step == "meeting figures" and done == 1:
            raise Killed

    with pytest.raises(Killed):
        await meeting_figures.rebuild(engine, NOW, kill_after_one_batch, batch_units=3)
    async with transaction(maker) as s:
        state = await s.get(FigureRebuild, meeting_figures.MEETINGS)
        assert state is not None and state.next_unit is not None
        assert not await meeting_figures.trusted(s)  # reports recount meanwhile
    steps: list[tuple[str, int, int]] = []
    resumed = await meeting_figures.rebuild(engine, NOW, lambda *a: steps.append(a), batch_units=3)
    assert resumed
    assert steps[0] == ("meeting figures", 1, 4)  # 10 units in batches of 3: one was done
    assert steps[-1] == ("meeting figures", 4, 4)
    async with transaction(maker) as s:
        assert await meeting_figures.trusted(s)
        assert await figure_check.differences(s) == []


async def test_a_seeded_commune_has_its_figures_built_whichever_way_it_was_loaded(
    engine: AsyncEngine, maker: async_sessionmaker[AsyncSession]
) -> None:
    # PostgreSQL loads fast (triggers off, figures rebuilt after); SQLite through the triggers
    from bot.seeding import scale

    await scale.seed(engine, "commune", D(2026, 12, 3), NOW, random.Random(5), fast_load=True)
    async with transaction(maker) as s:
        assert await meeting_figures.trusted(s)
        assert await s.scalar(select(func.count()).select_from(MeetingFigure))
        assert await figure_check.differences(s) == []


def test_rate_sums_added_in_another_order_are_equal_and_counts_are_not() -> None:
    # 4.0 kept, 3.9999999999999996 recounted: the same five full meetings, summed apart
    kept = (7, 5, 5, 4.0, 5, 1, 0)
    assert figure_check._close(kept, (7, 5, 5, 3.9999999999999996, 5, 1, 0))
    assert not figure_check._close(kept, (7, 5, 5, 4.0, 4, 1, 0))
    assert not figure_check._close(kept, (7, 5, 5, 3.99, 5, 1, 0))


async def _waiting_for_the_unit_lock(s: AsyncSession) -> bool:
    n = await s.scalar(
        text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event = 'advisory'"
        )
    )
    return bool(n)


@pytest.mark.parametrize("first", ["meeting", "event"])
async def test_a_meeting_and_an_earlier_event_written_at_once_both_count(
    maker: async_sessionmaker[AsyncSession], db_url: str, first: str
) -> None:
    """Two transactions: one logs B3's meeting of 10/3, the other enters a join of 1/3 in
    B3, neither seeing the other's rows when it starts. The second to write waits for the
    first (the unit's lock) and then counts its row: the meeting's base has the join."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writer at a time: nothing is written concurrently")
    async with transaction(maker) as s:
        tree = await build(s)
        member_id = await s.scalar(select(MemberEvent.member_id).limit(1))
    b3 = tree["B3"]

    async def log_meeting(s: AsyncSession) -> int:
        m = await meetings.add_meeting(
            s,
            unit_id=b3.id,
            held_on=D(2026, 3, 10),
            kind=MeetingKind.REGULAR,
            present_count=10,
            now=NOW,
        )
        return m.id

    async def enter_join(s: AsyncSession) -> None:
        s.add(
            MemberEvent(
                member_id=member_id,
                kind=EventKind.JOINED,
                occurred_on=D(2026, 3, 1),
                unit_id=b3.id,
                detail={},
                recorded_at=NOW,
            )
        )
        await s.flush()

    a = maker()
    await a.begin()
    task: asyncio.Task[int | None] | None = None
    try:
        meeting_id = await log_meeting(a) if first == "meeting" else await enter_join(a)

        async def second() -> int | None:
            async with transaction(maker) as b:
                return await enter_join(b) if first == "meeting" else await log_meeting(b)

        task = asyncio.create_task(second())
        async with maker() as watcher:
            for _ in range(3000):  # the second reaches the lock within a few polls
                if await _waiting_for_the_unit_lock(watcher):
                    break
                await asyncio.sleep(0.01)
            else:
                pytest.fail("the second writer never waited for the unit's lock")
        await a.commit()
    finally:
        await a.close()  # rolls back if not committed, so the second is not left waiting
    later = await task
    meeting_id = meeting_id if first == "meeting" else later
    assert meeting_id is not None
    async with transaction(maker) as s:
        assert await _figure(s, meeting_id) == (22, 0)  # 20 + moved in 20/1 + the join
        assert await figure_check.differences(s) == []


async def test_the_nation_counts_its_meetings(maker: async_sessionmaker[AsyncSession]) -> None:
    # a national root starts reading its kept meetings before its units (PostgreSQL)
    async with transaction(maker) as s:
        nation = await org.add_unit(s, "TW", "Trung ương Hội", Level.CENTRAL, None)
        province = await org.add_unit(s, "T1", "Tỉnh Một", Level.PROVINCE, nation)
        commune = await org.add_unit(s, "T1-X", "Xã Một", Level.COMMUNE, province)
        branches = [
            await org.add_unit(s, f"T1-X-{i}", f"Chi hội {i}", Level.BRANCH, commune)
            for i in range(3)
        ]
        for b in branches[:2]:
            await meetings.add_meeting(
                s,
                unit_id=b.id,
                held_on=D(2026, 2, 2),
                kind=MeetingKind.REGULAR,
                present_count=5,
                now=NOW,
            )
    async with transaction(maker) as s:  # (the second connection reads what is committed)
        r = await measures.measure(s, nation, HalfYear(2026, 1), D(2026, 6, 30), Rules())
    assert r.of(nation.id).meetings == 2
    assert r.of(nation.id).met[0] == 2 and r.of(nation.id).meeting_units[0] == 3
