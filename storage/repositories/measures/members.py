"""Member counts per unit on any days: the nearest tally day plus or minus the events."""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Sequence

from sqlalchemy import case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import Period
from bot.domain.figures import Table
from storage.models import MemberEvent, MemberTally, MemberTallyDay
from storage.repositories.measures.scope import Scope, fetch_rows, scatter
from storage.repositories.member_counts import ENTERS, LEAVES, delta, joined_weight

# The events `delta` or `joined_weight` count (JOINED is one of ENTERS); others add 0.
COUNTING_EVENTS = (*ENTERS, *LEAVES)


async def tally_days(s: AsyncSession) -> list[dt.date]:
    """The registered tally days, oldest first (two a year: a short list)."""
    conn = await s.connection()
    stmt = select(MemberTallyDay.on_day).order_by(MemberTallyDay.on_day)
    return list((await conn.execute(stmt)).scalars().all())


_first = operator.itemgetter(0)


def _on_or_before(days: Sequence[dt.date], day: dt.date) -> dt.date | None:
    i = bisect.bisect_right(days, day)
    return days[i - 1] if i else None


def _on_or_after(days: Sequence[dt.date], day: dt.date) -> dt.date | None:
    i = bisect.bisect_left(days, day)
    return days[i] if i < len(days) else None


async def events_between(
    s: AsyncSession, scope: Scope, after: dt.date | None, through: dt.date
) -> dict[int, tuple[int, int]]:
    """Per unit: (net members, joined) from events after `after` through `through`."""
    stmt = (
        select(MemberEvent.unit_id, func.sum(delta()), func.sum(joined_weight()))
        .where(
            scope.filter(MemberEvent.unit_id),
            MemberEvent.occurred_on <= through,
            MemberEvent.kind.in_(COUNTING_EVENTS),
        )
        .group_by(MemberEvent.unit_id)
    )
    if after is not None:
        stmt = stmt.where(MemberEvent.occurred_on > after)
    return {uid: (int(n or 0), int(j or 0)) for uid, n, j in await fetch_rows(s, stmt)}


async def count_columns(
    s: AsyncSession,
    scope: Scope,
    days: Sequence[dt.date],
    registered: Sequence[dt.date] | None = None,
) -> tuple[list[int], list[list[int]]]:
    """Units and, per column, their [members, joined events ever] at the end of each of
    `days` (columns m0, j0, m1, j1, ...; row i of every column is units[i]). Units with no
    events are absent (all zero).

    Each day comes from the nearer tally day: the one on or before it plus the events
    after it, or the one after it minus the events up to it (a report for today reads the
    current half-year's tally and the few events dated after today, usually none); with
    no tally day, from the events alone. All tally days are read in one row per unit, and
    turned into columns in C (a national report: ~94,000 rows).
    """
    if registered is None:
        registered = await tally_days(s)
    plans: list[tuple[dt.date | None, int, dt.date | None, dt.date]] = []
    for day in days:
        base = _on_or_before(registered, day)
        above = None if base == day else _on_or_after(registered, day)
        if above is not None and (base is None or (above - day) < (day - base)):
            plans.append((above, -1, day, above))  # tally, sign of events, after, through
        else:
            plans.append((base, 1, base, day))
    read = sorted({t for t, *_ in plans if t is not None})
    width = 2 * len(days)
    units: list[int] = []
    cols: list[list[int]] = [[] for _ in range(width)]
    if read:
        sums = []
        for d in read:
            on = MemberTally.on_day == d
            sums += [
                func.sum(case((on, MemberTally.members), else_=0)),
                func.sum(case((on, MemberTally.joined), else_=0)),
            ]
        stmt = (
            select(MemberTally.unit_id, *sums)
            .where(MemberTally.on_day.in_(read), scope.filter(MemberTally.unit_id))
            .group_by(MemberTally.unit_id)
        )
        # each day's (members, joined) columns, or a zero column past the row's end
        zero_col = 1 + 2 * len(read)
        picks: list[int] = []
        for t, *_ in plans:
            a = zero_col if t is None else 1 + 2 * read.index(t)
            picks += [a, a + 1 if t is not None else zero_col]
        rows = await fetch_rows(s, stmt.add_columns(literal(0)))
        # (sums of integers: ints on both backends)
        units = list(map(_first, rows))
        cols = [list(map(operator.itemgetter(p), rows)) for p in picks]
    row_of: dict[int, int] | None = None
    for k, (_tally_day, sign, after, through) in enumerate(plans):
        if after == through:
            continue
        for uid, (n, j) in (await events_between(s, scope, after, through)).items():
            if row_of is None:
                row_of = {uid: i for i, uid in enumerate(units)}
            if (i := row_of.get(uid)) is None:
                i = row_of[uid] = len(units)
                units.append(uid)
                for col in cols:
                    col.append(0)
            cols[2 * k][i] += sign * n
            cols[2 * k + 1][i] += sign * j
    return units, cols


async def counts_on(
    s: AsyncSession,
    scope: Scope,
    days: Sequence[dt.date],
    registered: Sequence[dt.date] | None = None,
) -> dict[int, list[int]]:
    """Per unit: [members, joined events ever] at the end of each of `days`, flattened
    ([m0, j0, m1, j1, ...]), as `count_columns` counts them. Units with no events are
    absent (all zero)."""
    units, cols = await count_columns(s, scope, days, registered)
    return dict(zip(units, map(list, zip(*cols, strict=True)), strict=True))


async def period_base(s: AsyncSession, period: Period) -> dt.date | None:
    """The tally day `member_facts` counts the period's start from (None: events alone)."""
    return _on_or_before(await tally_days(s), period.first_day - dt.timedelta(days=1))


Counted = tuple[list[int], list[list[int]]]


async def member_columns(
    s: AsyncSession, scope: Scope, period: Period, as_of: dt.date
) -> tuple[dt.date | None, Counted]:
    """What `member_facts` counts, before it is laid into a table: the tally day the
    period's start was counted from (None: from events alone) and `count_columns` of the
    period's start, `as_of` and the year's start."""
    before = period.first_day - dt.timedelta(days=1)
    registered = await tally_days(s)
    base = _on_or_before(registered, before)
    year_start = dt.date(as_of.year, 1, 1) - dt.timedelta(days=1)  # a term: its last year
    return base, await count_columns(s, scope, [before, as_of, year_start], registered)


def add_members(table: Table, counted: Counted) -> None:
    """Members at the start and end, joins in the period and year to date, into the table."""
    units, (m0, j0, m, j, _my, jy) = counted
    found = list(map(table.pos.get, units))
    if None in found:  # units added since the units were read: left out
        keep = [i for i, k in enumerate(found) if k is not None]
        m0, j0, m, j, jy = ([col[i] for i in keep] for col in (m0, j0, m, j, jy))
    ks = [k for k in found if k is not None]
    scatter(table.col("members_start"), ks, m0)
    scatter(table.col("members"), ks, m)
    scatter(table.col("joined"), ks, map(operator.sub, j, j0))
    scatter(table.col("joined_ytd"), ks, map(operator.sub, j, jy))


async def member_facts(
    s: AsyncSession, scope: Scope, period: Period, as_of: dt.date, table: Table
) -> dt.date | None:
    """Members at the start and end, joins in the period and year to date; returns the
    tally day the period's start was counted from (None: from events alone)."""
    base, counted = await member_columns(s, scope, period, as_of)
    add_members(table, counted)
    return base
