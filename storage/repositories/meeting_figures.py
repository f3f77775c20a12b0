"""Meeting figures kept beside the meetings (migration 0012): built, rebuilt, checked.

Each current meeting a report counts has a meeting_figure row holding its unit's members at
the end of its day; the triggers of migration 0012 keep the rows exact in the writing
transaction. The rebuild recomputes them in batches of units, one transaction each, and
records where it got to, so a killed rebuild resumes there; until it ends, reports recount
(`trusted` is False). storage/repositories/measures/figure_check.py compares them with the
recount.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    Insert,
    Integer,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.domain.enums import MeetingKind
from storage.models import FigureRebuild, Meeting, MeetingFigure, MemberEvent, OrgUnit, RosterTotal
from storage.repositories import tally
from storage.repositories.member_counts import ENTERS, LEAVES, delta

MEETINGS = "meetings"
BATCH_UNITS = 2000  # units per rebuild transaction (~1.5% of the nation)
# Tables whose writes move the figures: a batch locks them against writers while it counts.
_SOURCES = ("member_event", "meeting", "roster_total")


def _in_range(col: Any, lo: int | None, hi: int | None) -> Any:
    conds = []
    if lo is not None:
        conds.append(col >= lo)
    if hi is not None:
        conds.append(col < hi)
    return and_(*conds) if conds else literal(True)


def build_statement(lo: int | None, hi: int | None) -> Insert:
    """INSERT the figures of the meetings of units with lo <= id < hi (None: unbounded).

    One stream per unit ordered by day: its counting events, its roster totals as changes
    from the previous one, its meetings; running sums give each meeting its members and
    the stated total at the end of its day (events sort before meetings of the same day).
    One sort, no per-meeting lookups: the way the recount does it (measures/meetings.py).
    """
    fact, one, zero = literal(-1), literal(1), literal(0)
    no_meeting = cast(null(), Integer)  # typed: a bare NULL is text to PostgreSQL's UNION
    events = select(
        MemberEvent.unit_id.label("unit_id"),
        MemberEvent.occurred_on.label("day"),
        fact.label("what"),
        no_meeting.label("mid"),
        delta().label("n"),
        zero.label("stated"),
        zero.label("present"),
        zero.label("counted"),
        zero.label("visited"),
    ).where(
        _in_range(MemberEvent.unit_id, lo, hi),
        MemberEvent.kind.in_((*ENTERS, *LEAVES)),
    )
    prev = func.lag(RosterTotal.total).over(
        partition_by=RosterTotal.unit_id, order_by=RosterTotal.as_of
    )
    rosters = select(
        RosterTotal.unit_id,
        RosterTotal.as_of,
        fact,
        no_meeting,
        zero,
        RosterTotal.total - func.coalesce(prev, 0),
        zero,
        zero,
        zero,
    ).where(_in_range(RosterTotal.unit_id, lo, hi))
    regular = Meeting.kind == MeetingKind.REGULAR
    meetings = select(
        Meeting.unit_id,
        Meeting.held_on,
        one,
        Meeting.id,
        zero,
        zero,
        Meeting.present_count,
        case((regular, 1), else_=0),
        case((Meeting.leader_present, 1), else_=0),
    ).where(
        _in_range(Meeting.unit_id, lo, hi),
        Meeting.superseded_by.is_(None),
        regular | Meeting.leader_present,
    )
    stream = union_all(events, rosters, meetings).subquery("stream")
    c = stream.c
    order = (c.day, c.what)
    running = select(
        c.mid,
        c.unit_id,
        c.day,
        c.counted,
        c.visited,
        c.present,
        func.sum(c.n).over(partition_by=c.unit_id, order_by=order, rows=(None, 0)).label("e"),
        func.sum(c.stated).over(partition_by=c.unit_id, order_by=order, rows=(None, 0)).label("s"),
        c.what,
    ).subquery("running")
    r = running.c
    rows = select(r.mid, r.unit_id, r.day, r.counted, r.visited, r.present, r.e, r.s).where(
        r.what == 1
    )
    cols = [
        "meeting_id",
        "unit_id",
        "held_on",
        "counted",
        "visited",
        "present",
        "entered",
        "stated",
    ]
    return insert(MeetingFigure).from_select(cols, rows)


async def trusted(s: AsyncSession) -> bool:
    """Whether the figures are built (no rebuild pending): reports read them, else recount."""
    conn = await s.connection()
    stmt = select(FigureRebuild.name).where(FigureRebuild.name == MEETINGS)
    return (await conn.execute(stmt)).first() is None


async def mark_pending(s: AsyncSession, now: dt.datetime) -> None:
    """Reports recount until a rebuild ends (a load that bypassed the triggers calls this)."""
    if await s.get(FigureRebuild, MEETINGS) is None:
        s.add(FigureRebuild(name=MEETINGS, next_unit=None, started_at=now))
        await s.flush()


async def _lock_sources(s: AsyncSession) -> None:
    if s.bind.dialect.name == "postgresql":
        await s.execute(text(f"LOCK TABLE {', '.join(_SOURCES)} IN SHARE MODE"))


async def rebuild_range(s: AsyncSession, lo: int | None, hi: int | None) -> None:
    """Recount the figures of the units with lo <= id < hi, writers held off meanwhile."""
    await _lock_sources(s)
    await s.execute(delete(MeetingFigure).where(_in_range(MeetingFigure.unit_id, lo, hi)))
    await s.execute(build_statement(lo, hi))


def _batches(ids: Sequence[int], size: int) -> list[tuple[int, int | None]]:
    """[lo, hi) ranges of unit ids, `size` units each; the last one open-ended."""
    out: list[tuple[int, int | None]] = []
    for k in range(0, len(ids), size):
        hi = ids[k + size] if k + size < len(ids) else None
        out.append((ids[k], hi))
    return out


Progress = Callable[[str, int, int], None]  # (step, done, total)


async def rebuild(
    engine: AsyncEngine,
    now: dt.datetime,
    progress: Progress = lambda _step, _done, _total: None,
    batch_units: int = BATCH_UNITS,
    members: bool = True,
) -> bool:
    """Rebuild the member tallies (unless not `members`), then the meeting figures in
    batches of units, each batch its own transaction that also records where the next one
    starts. A rebuild that was killed resumes there (returns True then). Reports recount
    until the last batch."""
    async with AsyncSession(engine) as s, s.begin():
        state = await s.get(FigureRebuild, MEETINGS)
        resumed = state is not None and state.next_unit is not None
        if state is None:
            s.add(FigureRebuild(name=MEETINGS, next_unit=None, started_at=now))
    async with AsyncSession(engine) as s, s.begin():
        state = await s.get(FigureRebuild, MEETINGS)
        assert state is not None
        if state.next_unit is None:
            if members:
                progress("member tallies", 0, 1)
                await tally.build_days(s, await tally.registered_days(s), now)
                progress("member tallies", 1, 1)
            state.next_unit = await s.scalar(select(func.min(OrgUnit.id))) or 0
        start = state.next_unit
    async with AsyncSession(engine) as s:
        ids = list((await s.scalars(select(OrgUnit.id).order_by(OrgUnit.id))).all())
    batches = _batches(ids, batch_units)
    done = sum(1 for lo, _hi in batches if lo < start)
    progress("meeting figures", done, len(batches))
    for lo, hi in batches[done:]:
        # the first batch also takes any unit below the lowest id (none: ids are sorted)
        async with AsyncSession(engine) as s, s.begin():
            await rebuild_range(s, None if lo == ids[0] else lo, hi)
            await s.execute(
                update(FigureRebuild)
                .where(FigureRebuild.name == MEETINGS)
                .values(next_unit=hi if hi is not None else ids[-1] + 1)
            )
        done += 1
        progress("meeting figures", done, len(batches))
    async with AsyncSession(engine) as s, s.begin():
        await s.execute(delete(FigureRebuild).where(FigureRebuild.name == MEETINGS))
    return resumed
