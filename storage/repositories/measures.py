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

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.parsing import VN_TZ
from bot.scheduler.calendar import HalfYear, Quarter, quarter_of
from bot.scheduler.rules import configured
from storage.models import (
    Level,
    Meeting,
    MeetingKind,
    MemberEvent,
    MemberTally,
    MemberTallyDay,
    OrgUnit,
    Review,
    UnitPopulation,
)
from storage.repositories.membership import delta, joined_weight
from storage.rollup import (
    Figures,
    UnitRow,
    annual_targets,
    communes_without_data,
    population_holders,
    roll_up,
    target_to_date,
)

COUNTED_KINDS = (MeetingKind.REGULAR,)
MEETING_LEVELS = (Level.BRANCH, Level.GROUP)
LISTED_UNITS = 500  # up to a few communes: name the units; beyond: select them by path


class Period(Protocol):
    """A HalfYear or a Quarter from bot.scheduler.calendar."""

    @property
    def year(self) -> int: ...
    @property
    def key(self) -> str: ...
    @property
    def first_day(self) -> dt.date: ...
    @property
    def last_day(self) -> dt.date: ...


def parse_period(key: str) -> HalfYear | Quarter | None:
    """ "2026-H2" or "2026-Q3" (the forms reports and the CLI accept)."""
    return HalfYear.parse(key) or Quarter.parse(key)


def quarters_in(period: Period) -> list[Quarter]:
    out, q = [], quarter_of(period.first_day)
    while q.first_day <= period.last_day:
        out.append(q)
        q = q.next()
    return out


def review_deadline(period: Period) -> dt.date | None:
    # 10 June and 25 November unless the deployment changed them (rule 7).
    return configured().review_deadline(period) if isinstance(period, HalfYear) else None


def in_subtree(path_col: Any, path: str) -> ColumnElement[bool]:
    """Path prefix as a range, so a plain B-tree index serves it on every backend/collation."""
    return and_(path_col >= path, path_col < path[:-1] + "0")


@dataclass(frozen=True)
class Scope:
    """The units a query covers: listed when few (so each query walks its per-unit index),
    else every unit under a path (one scan is the fastest way through most of the tree)."""

    path: str
    ids: tuple[int, ...] | None = None

    def filter(self, unit_col: Any) -> ColumnElement[bool]:
        if self.ids is not None:
            return cast(ColumnElement[bool], unit_col.in_(self.ids))
        inside = select(OrgUnit.id).where(in_subtree(OrgUnit.path, self.path))
        return cast(ColumnElement[bool], unit_col.in_(inside))

    @classmethod
    def of(cls, root_path: str, unit_ids: Sequence[int]) -> Scope:
        return cls(root_path, tuple(unit_ids) if len(unit_ids) <= LISTED_UNITS else None)


def _end_of_local_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), VN_TZ).astimezone(dt.UTC)


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
    rows = await s.execute(select(*cols).where(in_subtree(OrgUnit.path, root.path)))
    return {r[0]: UnitRow(*r) for r in rows.all()}


async def populations(s: AsyncSession, scope: Scope, year: int) -> dict[int, int]:
    """women_18_plus per unit: the latest year entered up to `year`."""
    stmt = (
        select(UnitPopulation.unit_id, UnitPopulation.year, UnitPopulation.women_18_plus)
        .where(scope.filter(UnitPopulation.unit_id), UnitPopulation.year <= year)
        .order_by(UnitPopulation.year)
    )
    return {uid: n for uid, _year, n in (await s.execute(stmt)).all()}


# --- member counts --------------------------------------------------------------------


async def tally_day_on_or_before(s: AsyncSession, day: dt.date) -> dt.date | None:
    stmt = select(func.max(MemberTallyDay.on_day)).where(MemberTallyDay.on_day <= day)
    found: dt.date | None = await s.scalar(stmt)
    return found


async def events_between(
    s: AsyncSession, scope: Scope, after: dt.date | None, through: dt.date
) -> dict[int, tuple[int, int]]:
    """Per unit: (net members, joined) from events after `after` through `through`."""
    stmt = (
        select(MemberEvent.unit_id, func.sum(delta()), func.sum(joined_weight()))
        .where(scope.filter(MemberEvent.unit_id), MemberEvent.occurred_on <= through)
        .group_by(MemberEvent.unit_id)
    )
    if after is not None:
        stmt = stmt.where(MemberEvent.occurred_on > after)
    return {uid: (int(n or 0), int(j or 0)) for uid, n, j in (await s.execute(stmt)).all()}


async def counts_at(s: AsyncSession, scope: Scope, day: dt.date) -> dict[int, tuple[int, int]]:
    """Per unit: (members, joined events ever) at the end of `day`.

    The latest tally day on or before `day` plus the events after it; with no tally day,
    the events alone. Units with no events are absent (0, 0).
    """
    base = await tally_day_on_or_before(s, day)
    out: dict[int, tuple[int, int]] = {}
    if base is not None:
        stmt = select(MemberTally.unit_id, MemberTally.members, MemberTally.joined).where(
            MemberTally.on_day == base, scope.filter(MemberTally.unit_id)
        )
        out = {uid: (m, j) for uid, m, j in (await s.execute(stmt)).all()}
        if base == day:
            return out
    for uid, (n, j) in (await events_between(s, scope, base, day)).items():
        m0, j0 = out.get(uid, (0, 0))
        out[uid] = (m0 + n, j0 + j)
    return out


# --- the whole report -----------------------------------------------------------------


@dataclass
class Rollup:
    """Figures of a unit and of everything under it, for one period as of one day."""

    root: UnitRow
    period: Period
    as_of: dt.date
    quarters: list[Quarter]
    units: dict[int, UnitRow]
    figures: dict[int, Figures]
    targets: dict[int, int | None]

    def of(self, unit_id: int) -> Figures:
        return self.figures[unit_id]

    def children(self, unit_id: int) -> list[UnitRow]:
        return sorted(
            (u for u in self.units.values() if u.parent_id == unit_id), key=lambda u: u.code
        )

    def target_to_date(self, unit_id: int) -> int | None:
        return target_to_date(self.targets.get(unit_id), self.period.last_day)


async def measure(
    s: AsyncSession, root: OrgUnit | UnitRow, period: Period, as_of: dt.date
) -> Rollup:
    """All figures for `root`'s subtree in `period`, counting what happened up to `as_of`
    (clamped to the period's last day; ValueError before the period starts)."""
    as_of = min(as_of, period.last_day)
    if as_of < period.first_day:
        raise ValueError("the period has not started on that day")
    units = await units_under(s, root)
    quarters = [q for q in quarters_in(period) if q.first_day <= as_of]
    figs = {uid: Figures.empty(len(quarters)) for uid in units}
    scope = Scope.of(root.path, list(units))
    await _member_facts(s, scope, period, as_of, figs)
    await _meeting_facts(s, scope, period, as_of, quarters, units, figs)
    await _review_facts(s, scope, period, as_of, units, figs)
    holders = population_holders(units, await populations(s, scope, period.year))
    for uid in units:
        if units[uid].level == Level.COMMUNE:
            figs[uid].communes = 1
    for uid in communes_without_data(units, holders):
        figs[uid].communes_no_data = 1
    roll_up(units, figs, holders)
    top = units.get(root.id) or UnitRow(
        root.id, root.parent_id, root.level, root.code, root.name, root.path
    )
    return Rollup(top, period, as_of, quarters, units, figs, annual_targets(units))


async def _member_facts(
    s: AsyncSession, scope: Scope, period: Period, as_of: dt.date, figs: dict[int, Figures]
) -> None:
    before = period.first_day - dt.timedelta(days=1)
    start = await counts_at(s, scope, before)
    year_start = dt.date(period.year, 1, 1) - dt.timedelta(days=1)
    ytd_base = start if year_start == before else await counts_at(s, scope, year_start)
    during = await events_between(s, scope, before, as_of)
    for uid, f in figs.items():
        m0, j0 = start.get(uid, (0, 0))
        n, j = during.get(uid, (0, 0))
        f.members_start = m0
        f.members = m0 + n
        f.joined = j
        f.joined_ytd = j0 - ytd_base.get(uid, (0, 0))[1] + j


async def _meeting_facts(
    s: AsyncSession,
    scope: Scope,
    period: Period,
    as_of: dt.date,
    quarters: Sequence[Quarter],
    units: dict[int, UnitRow],
    figs: dict[int, Figures],
) -> None:
    for uid, u in units.items():
        for i, q in enumerate(quarters):
            exists = u.founded_on is None or u.founded_on <= min(q.last_day, as_of)
            if exists and u.level in MEETING_LEVELS:
                figs[uid].meeting_units[i] = 1
            if exists and u.level == Level.BRANCH:
                figs[uid].branches[i] = 1
    if not quarters:
        return
    first = period.first_day
    change = (
        select(func.coalesce(func.sum(delta()), 0))
        .where(
            MemberEvent.unit_id == Meeting.unit_id,
            MemberEvent.occurred_on >= first,
            MemberEvent.occurred_on <= Meeting.held_on,
        )
        .scalar_subquery()
    )
    counted = Meeting.kind.in_(COUNTED_KINDS)
    stmt = select(
        Meeting.unit_id,
        Meeting.held_on,
        counted,
        Meeting.present_count,
        Meeting.leader_present,
        case((counted, change), else_=None),
    ).where(
        scope.filter(Meeting.unit_id),
        Meeting.superseded_by.is_(None),
        Meeting.held_on.between(first, as_of),
    )
    q_index = {q: i for i, q in enumerate(quarters)}
    branch_of = _branch_of(units)
    met: set[tuple[int, int]] = set()
    visited: set[tuple[int, int]] = set()
    for uid, held_on, is_counted, present, leader, change_then in (await s.execute(stmt)).all():
        qi = q_index[quarter_of(held_on)]
        f = figs[uid]
        if leader and (branch := branch_of.get(uid)) is not None:
            visited.add((branch, qi))
        if not is_counted:
            continue
        met.add((uid, qi))
        f.meetings += 1
        members_then = f.members_start + int(change_then or 0)
        if members_then > 0:
            f.rated += 1
            f.rate_sum += min(present / members_then, 1.0)
            f.two_thirds += 1 if 3 * present >= 2 * members_then else 0
    for uid, qi in met:
        figs[uid].met[qi] = figs[uid].meeting_units[qi]
    for uid, qi in visited:
        figs[uid].visited[qi] = figs[uid].branches[qi]


def _branch_of(units: dict[int, UnitRow]) -> dict[int, int]:
    """The branch each unit belongs to (itself for a branch, the parent branch for a group)."""
    out: dict[int, int] = {}
    for uid, u in units.items():
        if u.level == Level.BRANCH:
            out[uid] = uid
        elif u.level == Level.GROUP:
            above = reversed(u.path_ids()[:-1])
            branch = next((a for a in above if a in units and units[a].level == Level.BRANCH), None)
            if branch is not None:
                out[uid] = branch
    return out


async def _review_facts(
    s: AsyncSession,
    scope: Scope,
    period: Period,
    as_of: dt.date,
    units: dict[int, UnitRow],
    figs: dict[int, Figures],
) -> None:
    for uid, u in units.items():
        if u.level == Level.BRANCH and (u.founded_on is None or u.founded_on <= as_of):
            figs[uid].review_branches = 1
    stmt = select(Review.unit_id, Review.confirmed_at).where(
        scope.filter(Review.unit_id),
        Review.period == period.key,
        Review.confirmed_at < _end_of_local_day(as_of),
    )
    deadline = review_deadline(period)
    for uid, confirmed_at in (await s.execute(stmt)).all():
        f = figs[uid]
        if not f.review_branches:
            continue
        f.reviewed = 1
        day = confirmed_at.astimezone(VN_TZ).date()
        f.on_time = 1 if deadline is None or day <= deadline else 0


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
