"""Meeting figures per unit in one SQL pass: counted meetings, attendance rates, visits."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import Period, Quarter
from bot.domain.enums import Level
from bot.domain.figures import Table, UnitRow
from storage.models import Meeting, MeetingFigure, MemberEvent, MemberTally, OrgUnit, RosterTotal
from storage.repositories.measures.members import COUNTING_EVENTS
from storage.repositories.measures.scope import Scope, fetch_rows, scatter
from storage.repositories.meetings import regular_meeting_in
from storage.repositories.member_counts import delta

MEETING_LEVELS = (Level.BRANCH, Level.GROUP)


@functools.lru_cache(maxsize=64)
def _meeting_statement(
    nq: int, has_base: bool, shape: str, has_roster: bool = False
) -> Select[Any]:
    """The meeting query of `meeting_rows`, built once per shape (its parameters bound at
    run time): building this many expressions costs more than a commune's whole SQL."""

    def scoped(unit_col: Any) -> ColumnElement[bool]:
        if shape == "ids":
            return cast(ColumnElement[bool], unit_col.in_(bindparam("unit_ids", expanding=True)))
        if shape == "all":
            return true()
        inside = select(OrgUnit.id).where(
            OrgUnit.path >= bindparam("path_lo"), OrgUnit.path < bindparam("path_hi")
        )
        return cast(ColumnElement[bool], unit_col.in_(inside))

    zero, one, fact = literal(0), literal(1), literal(-1)
    # One stream per unit, ordered by day: the tally on `base`, each event after it, each
    # meeting; a running sum then gives every meeting its unit's members at the end of its
    # day (events sort before meetings of the same day). One sort, no per-meeting lookups.
    # `what` is -1 for a member fact, else 1 (counted) + 2 (a leader came): narrow rows,
    # so the nation's ~700,000 sort in less memory.
    streams = []
    if has_base:
        streams.append(
            select(
                MemberTally.unit_id.label("unit_id"),
                bindparam("base", type_=Date).label("day"),
                fact.label("what"),
                MemberTally.members.label("n"),
                zero.label("present"),
                zero.label("stated"),
            ).where(
                MemberTally.on_day == bindparam("base", type_=Date), scoped(MemberTally.unit_id)
            )
        )
    events = select(
        MemberEvent.unit_id.label("unit_id"),
        MemberEvent.occurred_on.label("day"),
        fact.label("what"),
        delta().label("n"),
        zero.label("present"),
        zero.label("stated"),
    ).where(
        scoped(MemberEvent.unit_id),
        MemberEvent.occurred_on <= bindparam("as_of", type_=Date),
        # events that change no count (a migration, a return, ...) would add 0: skip them
        MemberEvent.kind.in_(COUNTING_EVENTS),
    )
    if has_base:
        events = events.where(MemberEvent.occurred_on > bindparam("base", type_=Date))
    first, as_of = bindparam("first", type_=Date), bindparam("as_of", type_=Date)
    counted_meeting = regular_meeting_in(first, as_of)  # rule 1: regular meetings count
    held = select(
        Meeting.unit_id,
        Meeting.held_on,
        case((counted_meeting, 1), else_=0) + case((Meeting.leader_present, 2), else_=0),
        zero,
        Meeting.present_count,
        zero,
    ).where(
        scoped(Meeting.unit_id),
        Meeting.superseded_by.is_(None),
        Meeting.held_on.between(first, as_of),
        # a meeting neither counted nor visited by a leader adds nothing to any figure
        or_(counted_meeting, Meeting.leader_present),
    )
    streams += [events, held]
    if has_roster:
        # A stated roster total (item 2 of issue 13) as the change from the unit's previous
        # one, so a running sum gives the latest stated total on each meeting's day.
        prev = func.lag(RosterTotal.total).over(
            partition_by=RosterTotal.unit_id, order_by=RosterTotal.as_of
        )
        changes = select(
            RosterTotal.unit_id.label("unit_id"),
            RosterTotal.as_of.label("day"),
            fact.label("what"),
            zero.label("n"),
            zero.label("present"),
            (RosterTotal.total - func.coalesce(prev, 0)).label("stated"),
        ).where(scoped(RosterTotal.unit_id), RosterTotal.as_of <= bindparam("as_of", type_=Date))
        streams.append(changes)
    stream = union_all(*streams).subquery("stream")
    c = stream.c
    entered = func.sum(c.n).over(partition_by=c.unit_id, order_by=(c.day, c.what), rows=(None, 0))
    if has_roster:
        # Rates use the larger of the entered members and the stated total (a stated total
        # retires once the roster reaches it: then the entered count is the larger).
        stated = func.sum(c.stated).over(
            partition_by=c.unit_id, order_by=(c.day, c.what), rows=(None, 0)
        )
        running = case((stated > entered, stated), else_=entered).label("members_then")
    else:
        running = entered.label("members_then")
    per_meeting = (select(c.unit_id, c.day, c.what, c.present, running)).subquery("m")
    m = per_meeting.c
    counted = m.what.in_((1, 3))
    rated = and_(counted, m.members_then > 0)
    rate = case(
        (m.present >= m.members_then, literal(1.0, Float)),
        else_=sql_cast(m.present, Float) / m.members_then,
    )
    quarter_of_day = [
        m.day.between(bindparam(f"q{i}_first", type_=Date), bindparam(f"q{i}_last", type_=Date))
        for i in range(nq)
    ]
    return (
        select(
            m.unit_id,
            func.sum(case((counted, one), else_=zero)),
            func.sum(case((rated, one), else_=zero)),
            func.sum(case((rated, rate), else_=None)),
            func.sum(case((and_(rated, 3 * m.present >= 2 * m.members_then), one), else_=zero)),
            *[func.max(case((and_(counted, in_q), one), else_=zero)) for in_q in quarter_of_day],
            *[
                func.max(case((and_(m.what >= 2, in_q), one), else_=zero))
                for in_q in quarter_of_day
            ],
        )
        .where(m.what >= 0)
        .group_by(m.unit_id)
    )


@functools.lru_cache(maxsize=16)
def _stored_statement(nq: int, shape: str) -> Select[Any]:
    """`meeting_rows` from the kept figures (meeting_figure): the same columns as the
    recount's, one row per unit, summed over the unit's counted meetings of the period."""
    f = MeetingFigure
    if shape == "ids":
        scoped: ColumnElement[bool] = f.unit_id.in_(bindparam("unit_ids", expanding=True))
    elif shape == "all":
        scoped = true()
    else:
        inside = select(OrgUnit.id).where(
            OrgUnit.path >= bindparam("path_lo"), OrgUnit.path < bindparam("path_hi")
        )
        scoped = f.unit_id.in_(inside)
    zero, one = literal(0), literal(1)
    # the rate base: the larger of the entered members and the stated roster total
    members = case((f.stated > f.entered, f.stated), else_=f.entered)
    counted = f.counted == 1
    rated = and_(counted, members > 0)
    rate = case(
        (f.present >= members, literal(1.0, Float)), else_=sql_cast(f.present, Float) / members
    )
    quarter_of_day = [
        f.held_on.between(bindparam(f"q{i}_first", type_=Date), bindparam(f"q{i}_last", type_=Date))
        for i in range(nq)
    ]
    return (
        select(
            f.unit_id,
            func.sum(f.counted),
            func.sum(case((rated, one), else_=zero)),
            func.sum(case((rated, rate), else_=None)),
            func.sum(case((and_(rated, 3 * f.present >= 2 * members), one), else_=zero)),
            *[func.max(case((and_(counted, in_q), one), else_=zero)) for in_q in quarter_of_day],
            *[
                func.max(case((and_(f.visited == 1, in_q), one), else_=zero))
                for in_q in quarter_of_day
            ],
        )
        .where(
            scoped,
            f.held_on.between(bindparam("first", type_=Date), bindparam("as_of", type_=Date)),
        )
        .group_by(f.unit_id)
    )


def meeting_duties(table: Table, quarters: Sequence[Quarter], as_of: dt.date) -> None:
    """The branches and groups that must meet each quarter (founded by its end)."""
    units = table.units
    pos = table.pos
    for i, q in enumerate(quarters):
        must_q, branches_q = table.quarter("meeting_units", i), table.quarter("branches", i)
        groups_q = table.quarter("groups", i)
        last = min(q.last_day, as_of)
        for uid, u in units.items():
            if u.level in MEETING_LEVELS and (u.founded_on is None or u.founded_on <= last):
                must_q[pos[uid]] = 1
                if u.level == Level.BRANCH:
                    branches_q[pos[uid]] = 1
                else:
                    groups_q[pos[uid]] = 1


async def meeting_rows(
    s: AsyncSession,
    scope: Scope,
    period: Period,
    as_of: dt.date,
    quarters: Sequence[Quarter],
    base: dt.date | None,
    has_roster: bool = False,
    stored: bool = False,
) -> Sequence[Any]:
    """Meeting figures aggregated per unit in SQL (one row per unit that met).

    `stored`: from the kept figures (meeting_figures.trusted), else recounted as follows.

    Each regular meeting's denominator (members of its unit at the end of its day) is the
    unit's tally on `base` (the tally day the period's start was counted from; none: from
    the first event) plus the unit's events after `base` through the meeting day.
    """
    if not quarters:
        return []
    params: dict[str, Any] = {"first": period.first_day, "as_of": as_of}
    if not stored:
        params["base"] = base
    if scope.ids is not None:
        params["unit_ids"] = list(scope.ids)
    elif not scope.everything:
        params["path_lo"], params["path_hi"] = scope.path, scope.path[:-1] + "0"
    for i, q in enumerate(quarters):
        params[f"q{i}_first"], params[f"q{i}_last"] = q.first_day, q.last_day
    if stored:
        stmt = _stored_statement(len(quarters), scope.shape)
    else:
        stmt = _meeting_statement(len(quarters), base is not None, scope.shape, has_roster)
    return await fetch_rows(s, stmt, params)


def add_meetings(table: Table, nq: int, rows: Sequence[Any]) -> None:
    """The rows of `meeting_rows` into the table (after `meeting_duties`).

    Column by column (the rows transposed in C), each a tight loop: ~110,000 rows for the
    nation, whose row-by-row loop with its inner loop over quarters took ~0.35 s."""
    pos = table.pos
    if not rows:
        return
    cols: list[Sequence[Any]] = list(zip(*rows, strict=True))
    found = list(map(pos.get, cols[0]))
    if None in found:  # units added since the units were read: left out
        keep = [i for i, k in enumerate(found) if k is not None]
        cols = [[col[i] for i in keep] for col in cols]
    ks: list[int] = [k for k in found if k is not None]
    # (sums of whole numbers: ints on both backends) stored by C loops: map over setitem
    for name, col in (("meetings", cols[1]), ("rated", cols[2]), ("two_thirds", cols[4])):
        scatter(table.col(name), ks, col)
    scatter(table.rate_sum, ks, [v or 0.0 for v in cols[3]])
    branch_at: dict[int, int | None] = {}  # position of a group -> of its branch
    branch = Level.BRANCH
    for qi in range(nq):
        met, must = table.quarter("met", qi), table.quarter("meeting_units", qi)
        groups_met, groups = table.quarter("groups_met", qi), table.quarter("groups", qi)
        hits = list(itertools.compress(ks, cols[5 + qi]))
        scatter(met, hits, map(must.__getitem__, hits))
        scatter(groups_met, hits, map(groups.__getitem__, hits))
        visited, branches = table.quarter("visited", qi), table.quarter("branches", qi)
        for k in itertools.compress(ks, cols[5 + nq + qi]):
            u = table.row(k)
            if u.level is branch:  # most visits: the branch's own meeting
                visited[k] = branches[k]
                continue
            if k not in branch_at:
                b = _branch_of(table.units, u.id)
                branch_at[k] = None if b is None else pos[b]
            if (at := branch_at[k]) is not None:
                visited[at] = branches[at]


def _branch_of(units: Mapping[int, UnitRow], uid: int) -> int | None:
    """The branch a unit belongs to (itself for a branch, the branch above for a group)."""
    u = units[uid]
    if u.level == Level.BRANCH:
        return uid
    if u.level == Level.GROUP:
        above = reversed(u.path_ids()[:-1])
        return next((a for a in above if a in units and units[a].level == Level.BRANCH), None)
    return None
