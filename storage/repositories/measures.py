"""Every report figure, for any unit, period and day, from member events and meetings.

Counts come from member_event (via member_tally days that triggers keep equal to a
recount, plus the events after the day) and from meeting rows that were not superseded by
an edit: never from stored running totals. Each query returns per-unit facts for a whole
subtree, found by materialised path; storage/rollup.py adds them up at any depth.

Decisions (DOMAIN rules 1-3, 5-7):
- compliance counts `regular` meetings only (rule 1), per branch and per group;
- attendance rate = present ÷ members of the meeting's unit at the end of the meeting day,
  over regular meetings whose unit had members then (group meetings have no member count
  of their own: members are counted per branch); a rate above 100% counts as 100%;
- a commune leader's visit is any meeting of the branch or of one of its groups marked
  leader_present;
- a review counts when the branch has a review row for the period confirmed by the day
  asked about; on time when confirmed by 10 June / 25 November (Vietnam time).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import datetime as dt
import functools
import gc
import operator
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from zoneinfo import ZoneInfo

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

from bot.domain.calendar import HalfYear, Period, Quarter, quarter_of
from bot.domain.enums import Level, MeetingKind
from bot.domain.figures import (
    Figures,
    Table,
    UnitRow,
    annual_targets,
    communes_without_data,
    population_holders,
    target_to_date,
)
from bot.domain.rules import Rules
from storage.models import (
    Meeting,
    MemberEvent,
    MemberTally,
    MemberTallyDay,
    OrgUnit,
    Review,
    UnitPopulation,
)
from storage.repositories.membership import ENTERS, LEAVES, delta, joined_weight

COUNTED_KINDS = (MeetingKind.REGULAR,)
# The events `delta` or `joined_weight` count (JOINED is one of ENTERS); others add 0.
COUNTING_EVENTS = (*ENTERS, *LEAVES)
MEETING_LEVELS = (Level.BRANCH, Level.GROUP)
_LEVELS: dict[str, Level] = {lv.value: lv for lv in Level}
LISTED_UNITS = 500  # up to a few communes: name the units; beyond: select them by path


def parse_period(key: str) -> HalfYear | Quarter | None:
    """ "2026-H2" or "2026-Q3" (the forms reports and the CLI accept)."""
    return HalfYear.parse(key) or Quarter.parse(key)


def quarters_in(period: Period) -> list[Quarter]:
    out, q = [], quarter_of(period.first_day)
    while q.first_day <= period.last_day:
        out.append(q)
        q = q.next()
    return out


def review_deadline(period: Period, rules: Rules) -> dt.date | None:
    # 10 June and 25 November unless the deployment changed them (rule 7).
    return rules.review_deadline(period) if isinstance(period, HalfYear) else None


def in_subtree(path_col: Any, path: str) -> ColumnElement[bool]:
    """Path prefix as a range, so a plain B-tree index serves it on every backend/collation."""
    return and_(path_col >= path, path_col < path[:-1] + "0")


@dataclass(frozen=True)
class Scope:
    """The units a query covers: listed when few (so each query walks its per-unit index),
    else every unit under a path (one scan is the fastest way through most of the tree), or
    no filter at all when the subtree is every unit there is (the nation: matching each
    fact row against 100,000 units cost more than reading the row)."""

    path: str
    ids: tuple[int, ...] | None = None
    everything: bool = False

    def filter(self, unit_col: Any) -> ColumnElement[bool]:
        if self.ids is not None:
            return cast(ColumnElement[bool], unit_col.in_(self.ids))
        if self.everything:
            return true()
        inside = select(OrgUnit.id).where(in_subtree(OrgUnit.path, self.path))
        return cast(ColumnElement[bool], unit_col.in_(inside))

    @classmethod
    def of(cls, root_path: str, unit_ids: Sequence[int], everything: bool = False) -> Scope:
        if len(unit_ids) <= LISTED_UNITS:
            return cls(root_path, tuple(unit_ids))
        return cls(root_path, None, everything)

    @property
    def shape(self) -> str:
        return "ids" if self.ids is not None else "all" if self.everything else "path"


async def scope_of(s: AsyncSession, root: OrgUnit | UnitRow, unit_ids: Sequence[int]) -> Scope:
    """The scope of `root`'s subtree (`unit_ids`): unfiltered when it holds every unit."""
    everything = False
    if root.parent_id is None and len(unit_ids) > LISTED_UNITS:
        conn = await s.connection()
        total = await conn.scalar(select(func.count()).select_from(OrgUnit))
        everything = total == len(unit_ids)
    return Scope.of(root.path, unit_ids, everything)


def _end_of_local_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz).astimezone(dt.UTC)


# --- units and populations ------------------------------------------------------------


async def units_under(s: AsyncSession, root: OrgUnit | UnitRow) -> dict[int, UnitRow]:
    cols = (
        OrgUnit.id,
        OrgUnit.parent_id,
        OrgUnit.level,
        OrgUnit.code,
        OrgUnit.name,
        OrgUnit.path,
        OrgUnit.founded_on,
        OrgUnit.new_member_target,
    )
    rows = await _rows(s, select(*cols).where(in_subtree(OrgUnit.path, root.path)))
    level, new = _LEVELS, tuple.__new__  # raw PostgreSQL records carry the level's text
    return {
        r[0]: new(UnitRow, (r[0], r[1], level[r[2]], r[3], r[4], r[5], r[6], r[7])) for r in rows
    }


async def populations(s: AsyncSession, scope: Scope, year: int) -> dict[int, int]:
    """women_18_plus per unit: the latest year entered up to `year`."""
    stmt = (
        select(UnitPopulation.unit_id, UnitPopulation.year, UnitPopulation.women_18_plus)
        .where(scope.filter(UnitPopulation.unit_id), UnitPopulation.year <= year)
        .order_by(UnitPopulation.year)
    )
    return {uid: n for uid, _year, n in await _rows(s, stmt)}


# --- member counts --------------------------------------------------------------------


async def tally_days(s: AsyncSession) -> list[dt.date]:
    """The registered tally days, oldest first (two a year: a short list)."""
    conn = await s.connection()
    stmt = select(MemberTallyDay.on_day).order_by(MemberTallyDay.on_day)
    return list((await conn.execute(stmt)).scalars().all())


_first = operator.itemgetter(0)
_code = operator.attrgetter("code")


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
    return {uid: (int(n or 0), int(j or 0)) for uid, n, j in await _rows(s, stmt)}


async def _rows(s: AsyncSession, stmt: Any, params: dict[str, Any] | None = None) -> Sequence[Any]:
    """Plain rows, indexable and unpackable like tuples (~400,000 a national report).

    On PostgreSQL (asyncpg) the driver's records are taken straight off the cursor:
    SQLAlchemy's per-row processing was most of a national report's Python time. So the
    columns read here must need no result processing: numbers, dates, text (an enum's
    column comes back as its stored value; see `units_under`).
    """
    conn = await s.connection()
    result = await conn.execute(stmt, params)
    if conn.dialect.driver == "asyncpg":
        try:
            return result.cursor.fetchall()  # type: ignore[no-any-return]
        finally:
            result.close()
    return result.all()


async def counts_on(
    s: AsyncSession,
    scope: Scope,
    days: Sequence[dt.date],
    registered: Sequence[dt.date] | None = None,
) -> dict[int, list[int]]:
    """Per unit: [members, joined events ever] at the end of each of `days`, flattened
    ([m0, j0, m1, j1, ...]). Units with no events are absent (all zero).

    Each day comes from the nearer tally day: the one on or before it plus the events
    after it, or the one after it minus the events up to it (a report for today reads the
    current half-year's tally and the few events dated after today, usually none); with
    no tally day, from the events alone. All tally days are read in one row per unit.
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
    out: dict[int, list[int]] = {}
    if read:
        cols = []
        for d in read:
            on = MemberTally.on_day == d
            cols += [
                func.sum(case((on, MemberTally.members), else_=0)),
                func.sum(case((on, MemberTally.joined), else_=0)),
            ]
        stmt = (
            select(MemberTally.unit_id, *cols)
            .where(MemberTally.on_day.in_(read), scope.filter(MemberTally.unit_id))
            .group_by(MemberTally.unit_id)
        )
        # each day's (members, joined) columns, or a zero column past the row's end
        zero_col = 1 + 2 * len(read)
        picks: list[int] = []
        for t, *_ in plans:
            a = zero_col if t is None else 1 + 2 * read.index(t)
            picks += [a, a + 1 if t is not None else zero_col]
        rows = await _rows(s, stmt.add_columns(literal(0)))
        # (sums of integers: ints on both backends) in C, not row by row: ~100,000 rows
        out = dict(
            zip(map(_first, rows), map(list, map(operator.itemgetter(*picks), rows)), strict=True)
        )
    for k, (_tally_day, sign, after, through) in enumerate(plans):
        if after == through:
            continue
        for uid, (n, j) in (await events_between(s, scope, after, through)).items():
            values = out.setdefault(uid, [0] * width)
            values[2 * k] += sign * n
            values[2 * k + 1] += sign * j
    return out


async def counts_at(s: AsyncSession, scope: Scope, day: dt.date) -> dict[int, tuple[int, int]]:
    """Per unit: (members, joined events ever) at the end of `day` (see `counts_on`)."""
    return {uid: (v[0], v[1]) for uid, v in (await counts_on(s, scope, [day])).items()}


# --- the whole report -----------------------------------------------------------------


@dataclass
class Rollup:
    """Figures of a unit and of everything under it, for one period as of one day."""

    root: UnitRow
    period: Period
    as_of: dt.date
    quarters: list[Quarter]
    units: dict[int, UnitRow]
    figures: Mapping[int, Figures]
    targets: dict[int, int | None]
    # The period's member-review deadline (a half-year's; None for a quarter).
    review_deadline: dt.date | None = None
    _children: dict[int, list[UnitRow]] | None = None
    _sorted: set[int] = field(default_factory=set)

    def of(self, unit_id: int) -> Figures:
        return self.figures[unit_id]

    def children(self, unit_id: int) -> list[UnitRow]:
        """The units right under `unit_id`, by code (each parent's list sorted when asked
        for: a national report asks for a few of its ~100,000 parents)."""
        if self._children is None:
            below: dict[int, list[UnitRow]] = {}
            for u in self.units.values():
                if u.parent_id is not None:
                    below.setdefault(u.parent_id, []).append(u)
            self._children = below
            self._sorted = set()
        kids = self._children.get(unit_id)
        if kids is None:
            return []
        if unit_id not in self._sorted:
            kids.sort(key=_code)
            self._sorted.add(unit_id)
        return list(kids)

    def target_to_date(self, unit_id: int) -> int | None:
        return target_to_date(self.targets.get(unit_id), self.period.last_day)


async def measure(
    s: AsyncSession, root: OrgUnit | UnitRow, period: Period, as_of: dt.date, rules: Rules
) -> Rollup:
    """All figures for `root`'s subtree in `period`, counting what happened up to `as_of`
    (clamped to the period's last day; ValueError before the period starts)."""
    as_of = min(as_of, period.last_day)
    if as_of < period.first_day:
        raise ValueError("the period has not started on that day")
    with _cyclic_gc_paused():
        return await _measure(s, root, period, as_of, rules)


_gc_pauses = 0
_gc_was_enabled = False


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a report is computed.

    A national report makes about a million objects (driver records, unit rows, lists)
    that all live until it ends; the collector kept re-scanning them as they were made
    (~0.7 s of a 3.5 s report) and could free none. Reference counting still frees
    everything else; collection resumes (and catches up) when the last report ends.
    """
    global _gc_pauses, _gc_was_enabled
    if _gc_pauses == 0:
        _gc_was_enabled = gc.isenabled()
        gc.disable()
    _gc_pauses += 1
    try:
        yield
    finally:
        _gc_pauses -= 1
        if _gc_pauses == 0 and _gc_was_enabled:
            gc.enable()


async def _measure(
    s: AsyncSession, root: OrgUnit | UnitRow, period: Period, as_of: dt.date, rules: Rules
) -> Rollup:
    units = await units_under(s, root)
    quarters = [q for q in quarters_in(period) if q.first_day <= as_of]
    table = Table(units, len(quarters))
    scope = await scope_of(s, root, list(units))

    def duties() -> dict[int, int | None]:
        """What needs no facts: who must meet and review, the communes, the targets."""
        _meeting_duties(table, quarters, as_of)
        _review_duties(table, as_of)
        communes = table.col("communes")
        for uid, u in units.items():
            if u.level == Level.COMMUNE:
                communes[table.pos[uid]] = 1
        return annual_targets(units)

    # A big report does that in a thread while the database counts (~0.2 s of Python
    # while the meeting query runs: the main thread only waits on the socket meanwhile).
    # It writes only its own columns, which nothing else touches before it is awaited.
    duty = None if scope.ids is not None else asyncio.ensure_future(asyncio.to_thread(duties))
    try:
        if scope.ids is None and s.bind.dialect.name == "postgresql":
            await _big_report_settings(s)
        base = await _member_facts(s, scope, period, as_of, table)
        meeting_rows = await _meeting_rows(s, scope, period, as_of, quarters, base)
        review_rows = await _review_rows(s, scope, period, as_of, rules)
        holders = population_holders(units, await populations(s, scope, period.year))
    except BaseException:
        if duty is not None:
            duty.cancel()
        raise
    targets = duties() if duty is None else await duty
    _add_meetings(table, len(quarters), meeting_rows)
    _add_reviews(table, review_rows)
    no_data = table.col("communes_no_data")
    for uid in communes_without_data(units, holders):
        no_data[table.pos[uid]] = 1
    table.roll_up(holders)
    top = units.get(root.id) or UnitRow(
        root.id, root.parent_id, root.level, root.code, root.name, root.path
    )
    return Rollup(
        top, period, as_of, quarters, units, table, targets, review_deadline(period, rules)
    )


BIG_REPORT_SETTINGS = {"work_mem": "64MB", "jit": "off"}


async def _big_report_settings(s: AsyncSession) -> None:
    """For the rest of this transaction (PostgreSQL): 64 MB of work memory keeps the member
    counts' per-unit hash and the nation's meeting stream sort (~62 MB) in memory (both
    spilled at the default 4 MB) and no JIT compilation (it cost 20-100 ms a big query and
    saved less)."""
    await _rows(s, select(*(func.set_config(k, v, True) for k, v in BIG_REPORT_SETTINGS.items())))


async def _member_facts(
    s: AsyncSession, scope: Scope, period: Period, as_of: dt.date, table: Table
) -> dt.date | None:
    """Members at the start and end, joins in the period and year to date; returns the
    tally day the period's start was counted from (None: from events alone)."""
    before = period.first_day - dt.timedelta(days=1)
    registered = await tally_days(s)
    base = _on_or_before(registered, before)
    year_start = dt.date(period.year, 1, 1) - dt.timedelta(days=1)
    pos = table.pos
    members_start, members = table.col("members_start"), table.col("members")
    joined, joined_ytd = table.col("joined"), table.col("joined_ytd")
    for uid, (m0, j0, m, j, _my, jy) in (
        await counts_on(s, scope, [before, as_of, year_start], registered)
    ).items():
        if (i := pos.get(uid)) is not None:
            members_start[i] = m0
            members[i] = m
            joined[i] = j - j0
            joined_ytd[i] = j - jy
    return base


@functools.lru_cache(maxsize=64)
def _meeting_statement(nq: int, has_base: bool, shape: str) -> Select[Any]:
    """The meeting query of `_meeting_rows`, built once per shape (its parameters bound at
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
    ).where(
        scoped(MemberEvent.unit_id),
        MemberEvent.occurred_on <= bindparam("as_of", type_=Date),
        # events that change no count (a migration, a return, ...) would add 0: skip them
        MemberEvent.kind.in_(COUNTING_EVENTS),
    )
    if has_base:
        events = events.where(MemberEvent.occurred_on > bindparam("base", type_=Date))
    held = select(
        Meeting.unit_id,
        Meeting.held_on,
        case((Meeting.kind.in_(COUNTED_KINDS), 1), else_=0)
        + case((Meeting.leader_present, 2), else_=0),
        zero,
        Meeting.present_count,
    ).where(
        scoped(Meeting.unit_id),
        Meeting.superseded_by.is_(None),
        Meeting.held_on.between(bindparam("first", type_=Date), bindparam("as_of", type_=Date)),
        # a meeting neither counted nor visited by a leader adds nothing to any figure
        or_(Meeting.kind.in_(COUNTED_KINDS), Meeting.leader_present),
    )
    streams += [events, held]
    stream = union_all(*streams).subquery("stream")
    c = stream.c
    running = (
        func.sum(c.n)
        .over(partition_by=c.unit_id, order_by=(c.day, c.what), rows=(None, 0))
        .label("members_then")
    )
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


def _meeting_duties(table: Table, quarters: Sequence[Quarter], as_of: dt.date) -> None:
    """The branches and groups that must meet each quarter (founded by its end)."""
    units = table.units
    pos = table.pos
    for i, q in enumerate(quarters):
        must_q, branches_q = table.quarter("meeting_units", i), table.quarter("branches", i)
        last = min(q.last_day, as_of)
        for uid, u in units.items():
            if u.level in MEETING_LEVELS and (u.founded_on is None or u.founded_on <= last):
                must_q[pos[uid]] = 1
                if u.level == Level.BRANCH:
                    branches_q[pos[uid]] = 1


async def _meeting_rows(
    s: AsyncSession,
    scope: Scope,
    period: Period,
    as_of: dt.date,
    quarters: Sequence[Quarter],
    base: dt.date | None,
) -> Sequence[Any]:
    """Meeting figures aggregated per unit in SQL (one row per unit that met).

    Each regular meeting's denominator (members of its unit at the end of its day) is the
    unit's tally on `base` (the tally day the period's start was counted from; none: from
    the first event) plus the unit's events after `base` through the meeting day.
    """
    if not quarters:
        return []
    params: dict[str, Any] = {"first": period.first_day, "as_of": as_of, "base": base}
    if scope.ids is not None:
        params["unit_ids"] = list(scope.ids)
    elif not scope.everything:
        params["path_lo"], params["path_hi"] = scope.path, scope.path[:-1] + "0"
    for i, q in enumerate(quarters):
        params[f"q{i}_first"], params[f"q{i}_last"] = q.first_day, q.last_day
    stmt = _meeting_statement(len(quarters), base is not None, scope.shape)
    return await _rows(s, stmt, params)


def _add_meetings(table: Table, nq: int, rows: Sequence[Any]) -> None:
    """The rows of `_meeting_rows` into the table (after `_meeting_duties`)."""
    units = table.units
    pos = table.pos
    meetings, rated_col, two_thirds = (
        table.col("meetings"),
        table.col("rated"),
        table.col("two_thirds"),
    )
    rate_sum = table.rate_sum
    met = [table.quarter("met", i) for i in range(nq)]
    must = [table.quarter("meeting_units", i) for i in range(nq)]
    visited = [table.quarter("visited", i) for i in range(nq)]
    branches = [table.quarter("branches", i) for i in range(nq)]
    branch_of: dict[int, int | None] = {}
    for row in rows:
        uid = row[0]
        if (k := pos.get(uid)) is None:  # a unit added since the units were read
            continue
        meetings[k] = int(row[1])
        rated_col[k] = int(row[2])
        rate_sum[k] = float(row[3] or 0.0)
        two_thirds[k] = int(row[4])
        for qi in range(nq):
            if row[5 + qi]:
                met[qi][k] = must[qi][k]
            if row[5 + nq + qi]:
                if uid not in branch_of:
                    branch_of[uid] = _branch_of(units, uid)
                b = branch_of[uid]
                if b is not None:
                    visited[qi][pos[b]] = branches[qi][pos[b]]


def _branch_of(units: Mapping[int, UnitRow], uid: int) -> int | None:
    """The branch a unit belongs to (itself for a branch, the branch above for a group)."""
    u = units[uid]
    if u.level == Level.BRANCH:
        return uid
    if u.level == Level.GROUP:
        above = reversed(u.path_ids()[:-1])
        return next((a for a in above if a in units and units[a].level == Level.BRANCH), None)
    return None


def _review_duties(table: Table, as_of: dt.date) -> None:
    """The branches that must review (founded by the day asked about)."""
    pos = table.pos
    must = table.col("review_branches")
    for uid, u in table.units.items():
        if u.level == Level.BRANCH and (u.founded_on is None or u.founded_on <= as_of):
            must[pos[uid]] = 1


async def _review_rows(
    s: AsyncSession, scope: Scope, period: Period, as_of: dt.date, rules: Rules
) -> Sequence[Any]:
    """(unit, confirmed on time) of each review of the period confirmed by `as_of`."""
    deadline = review_deadline(period, rules)
    # on time: confirmed on or before the deadline, Vietnam time
    in_time = (
        literal(1)
        if deadline is None
        else case((Review.confirmed_at < _end_of_local_day(deadline, rules.tz), 1), else_=0)
    )
    stmt = select(Review.unit_id, in_time).where(
        scope.filter(Review.unit_id),
        Review.period == period.key,
        Review.confirmed_at < _end_of_local_day(as_of, rules.tz),
    )
    return await _rows(s, stmt)


def _add_reviews(table: Table, rows: Sequence[Any]) -> None:
    """The rows of `_review_rows` into the table (after `_review_duties`)."""
    pos = table.pos
    must, reviewed, on_time = (
        table.col("review_branches"),
        table.col("reviewed"),
        table.col("on_time"),
    )
    for uid, in_time_flag in rows:
        i = pos.get(uid)
        if i is None or not must[i]:
            continue
        reviewed[i] = 1
        on_time[i] = int(in_time_flag)


# --- compliance over many quarters (the trend chart) -------------------------------------


@dataclass
class Trend:
    """Branches and groups that had to meet, and those that did, per quarter (oldest first),
    for a unit and each unit directly under it."""

    root: UnitRow
    quarters: list[Quarter]
    children: list[UnitRow]
    meeting_units: dict[int, list[int]]
    met: dict[int, list[int]]

    def share(self, unit_id: int, i: int) -> float | None:
        whole = self.meeting_units[unit_id][i]
        return self.met[unit_id][i] / whole if whole else None


async def compliance_trend(
    s: AsyncSession, root: OrgUnit | UnitRow, last: Quarter, count: int = 8
) -> Trend:
    units = await units_under(s, root)
    quarters = [last]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    quarters.reverse()
    flags = [
        func.max(case((Meeting.held_on.between(q.first_day, q.last_day), 1), else_=0))
        for q in quarters
    ]
    stmt = (
        select(Meeting.unit_id, *flags)
        .where(
            Scope.of(root.path, list(units)).filter(Meeting.unit_id),
            Meeting.kind.in_(COUNTED_KINDS),
            Meeting.superseded_by.is_(None),
            Meeting.held_on.between(quarters[0].first_day, quarters[-1].last_day),
        )
        .group_by(Meeting.unit_id)
    )
    held = {row[0]: row[1:] for row in (await s.execute(stmt)).all()}
    top = units.get(root.id) or UnitRow(
        root.id, root.parent_id, root.level, root.code, root.name, root.path
    )
    children = sorted((u for u in units.values() if u.parent_id == root.id), key=lambda u: u.code)
    must = {u.id: [0] * count for u in [top, *children]}
    did = {u.id: [0] * count for u in [top, *children]}
    for uid, u in units.items():
        if u.level not in MEETING_LEVELS:
            continue
        ids = u.path_ids()
        targets = [top.id] + ([ids[top.depth]] if len(ids) > top.depth else [])
        flags_of = held.get(uid)
        for i, q in enumerate(quarters):
            if u.founded_on is not None and u.founded_on > q.last_day:
                continue
            for t in targets:
                must[t][i] += 1
                if flags_of is not None and flags_of[i]:
                    did[t][i] += 1
    return Trend(top, quarters, children, must, did)
