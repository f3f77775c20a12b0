"""Every report figure, for any unit, period and day, from member events and meetings."""

# Counts come from member_event (via member_tally days that triggers keep equal to a
# recount, plus the events after the day) and from meeting rows that were not superseded by
# an edit: never from stored running totals. Each query returns per-unit facts for a whole
# subtree, found by materialised path; storage/rollup.py adds them up at any depth.
#
# Decisions (DOMAIN rules 1-3, 5-7):
# - compliance counts `regular` meetings only (rule 1), per branch and per group;
# - attendance rate = present ÷ members of the meeting's unit at the end of the meeting day,
#   over regular meetings whose unit had members then (group meetings have no member count
#   of their own: members are counted per branch); a rate above 100% counts as 100%;
# - a commune leader's visit is any meeting of the branch or of one of its groups marked
#   leader_present;
# - a review counts when the branch has a review row for the period confirmed by the day
#   asked about; on time when confirmed by 10 June / 25 November (Vietnam time).

from __future__ import annotations

import asyncio
import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.domain.calendar import HalfYear, Period, Quarter, Term, Year, quarter_of
from bot.domain.enums import Level, TargetMeasure
from bot.domain.figures import (
    Denominator,
    Figures,
    Table,
    UnitRow,
    communes_without_data,
    population_holders,
)
from bot.domain.rules import Rules
from bot.domain.targets import (
    TARGETS,
    Targets,
    annual_targets,
    target_to_date,
    term_targets,
)
from storage.models import OrgUnit
from storage.repositories import meeting_figures
from storage.repositories.measures import kept_layout
from storage.repositories.measures.coverage import (
    add_aggregates,
    add_rosters,
    add_uncounted,
    population_rows,
    set_targets,
    stated_totals,
    target_periods,
)
from storage.repositories.measures.gc_pause import cyclic_gc_paused
from storage.repositories.measures.meetings import add_meetings, meeting_duties, meeting_rows
from storage.repositories.measures.members import add_members, member_columns, period_base
from storage.repositories.measures.reviews import (
    add_reviews,
    review_deadline,
    review_duties,
    review_rows,
    software_confirmed,
    software_deadline,
)
from storage.repositories.measures.scope import (
    LISTED_UNITS,
    Scope,
    fetch_rows,
    scope_of,
    units_under,
)

_code = operator.attrgetter("code")
T = TypeVar("T")


def parse_period(key: str) -> Period | None:
    """ "2026-Q3", "2026-H2", "2026" or "2022-2027" (the forms reports and the CLI accept)."""
    return HalfYear.parse(key) or Quarter.parse(key) or Year.parse(key) or Term.parse(key)


def quarters_in(period: Period) -> list[Quarter]:
    out, q = [], quarter_of(period.first_day)
    while q.first_day <= period.last_day:
        out.append(q)
        q = q.next()
    return out


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
    rules: Targets = TARGETS
    # Units holding a women-18+ figure, with its year and provisional state.
    denominators: Mapping[int, Denominator] = field(default_factory=dict)
    # Targets set by the level above (unit_target): coverage and growth in per mille, new
    # members over the term.
    coverage_set: Mapping[int, int] = field(default_factory=dict)
    growth_set: Mapping[int, int] = field(default_factory=dict)
    term_targets: Mapping[int, int | None] = field(default_factory=dict)
    # Communes that confirmed the national member software update (when), and its deadline.
    software: dict[int, dt.date] = field(default_factory=dict)
    software_deadline: dt.date | None = None
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

    @property
    def is_term(self) -> bool:
        return isinstance(self.period, Term)

    def new_members(self, unit_id: int) -> tuple[int, int | None]:
        """(new members, target): over the term for a term report (rule 5: term quotas,
        004 §II.1.1), else the year to date against the yearly target pro-rated."""
        f = self.of(unit_id)
        if self.is_term:
            return f.joined, self.term_targets.get(unit_id)
        return f.joined_ytd, self.target_to_date(unit_id)

    def coverage_target(self, unit_id: int) -> float:
        """The unit's coverage target: set for the term or year, else the national one."""
        permille = self.coverage_set.get(unit_id)
        return self.rules.coverage if permille is None else permille / 1000

    def growth_target(self, unit_id: int) -> float | None:
        permille = self.growth_set.get(unit_id)
        return None if permille is None else permille / 1000


async def measure(
    s: AsyncSession, root: OrgUnit | UnitRow, period: Period, as_of: dt.date, rules: Rules
) -> Rollup:
    """All figures for `root`'s subtree in `period`, counting what happened up to `as_of`
    (clamped to the period's last day; ValueError before the period starts)."""
    as_of = min(as_of, period.last_day)
    if as_of < period.first_day:
        raise ValueError("the period has not started on that day")
    with cyclic_gc_paused():
        return await _measure(s, root, period, as_of, rules)


async def _measure(
    s: AsyncSession, root: OrgUnit | UnitRow, period: Period, as_of: dt.date, rules: Rules
) -> Rollup:
    quarters = [q for q in quarters_in(period) if q.first_day <= as_of]
    kept = await meeting_figures.trusted(s)
    engine = s.bind
    pg_engine = engine if isinstance(engine, AsyncEngine) and engine.name == "postgresql" else None
    apart: asyncio.Future[Sequence[Any]] | None = None
    if pg_engine is not None and kept and root.level in (Level.CENTRAL, Level.PROVINCE):
        # A province or the nation (thousands of units): the kept meeting figures need
        # nothing counted first, so their query starts now, on a second connection, while
        # this one reads the units, lays out the table and counts members.
        early = await _subtree_scope(s, root)
        apart = asyncio.ensure_future(
            _meetings_apart(pg_engine, early, period, as_of, quarters, None, False, kept)
        )
    try:
        token = await kept_layout.org_token(s)
        units = kept_layout.units(root.id, token)
        if units is None:
            units = await units_under(s, root)
            if len(units) > LISTED_UNITS:
                kept_layout.keep_units(root.id, token, units)
        scope = await scope_of(s, root, list(units))
    except BaseException:
        if apart is not None:
            apart.cancel()
        raise
    # a big report on PostgreSQL: its meeting query goes on a second connection
    apart_on = pg_engine if scope.ids is None else None
    if apart_on is not None and kept and apart is None:
        apart = asyncio.ensure_future(
            _meetings_apart(apart_on, scope, period, as_of, quarters, None, False, kept)
        )
    national = rules.targets
    term = period if isinstance(period, Term) else national.term

    # a big subtree's layout is kept while the organisation is unchanged (kept_layout.py)
    layout_key = (
        (root.id, token, tuple(quarters), as_of, national)
        if token is not None and scope.ids is None
        else None
    )

    def lay_out() -> tuple[Table, dict[int, int | None]]:
        """What needs no facts: the table, who must meet and review, the communes, the
        default yearly targets (redone below only where the level above set one)."""
        kept = kept_layout.layout(layout_key)
        if kept is not None:
            return kept
        table = Table(units, len(quarters))
        meeting_duties(table, quarters, as_of)
        review_duties(table, as_of)
        communes = table.col("communes")
        for uid, u in units.items():
            if u.level == Level.COMMUNE:
                communes[table.pos[uid]] = 1
        annual = annual_targets(units, national)
        kept_layout.keep_layout(layout_key, table, annual)
        return table, annual

    # A big report lays out in a thread while the database counts (~0.3 s of Python for
    # the nation; the main thread only waits on sockets meanwhile). Nothing touches the
    # table before the layout is awaited.
    layout: asyncio.Future[tuple[Table, dict[int, int | None]]] = asyncio.ensure_future(
        asyncio.to_thread(lay_out) if scope.ids is None else _now(lay_out)
    )
    rest: asyncio.Future[tuple[Sequence[Any], dict[int, Denominator], Any]] | None = None
    try:
        if scope.ids is None and s.bind.dialect.name == "postgresql":
            await _big_report_settings(s)
        stated = await stated_totals(s, scope, as_of)
        if apart_on is not None and apart is None:
            # The meeting recount (over half of a national report) runs on a second
            # connection while this one counts members, reviews and the rest: each statement
            # reads what is committed when it starts, on one connection or two alike.
            start = await period_base(s, period)
            apart = asyncio.ensure_future(
                _meetings_apart(apart_on, scope, period, as_of, quarters, start, bool(stated), kept)
            )
        base, counted = await member_columns(s, scope, period, as_of)

        async def the_rest() -> tuple[Sequence[Any], dict[int, Denominator], Any]:
            """The smaller facts, on this connection while the figures so far are laid in."""
            reviewed = await review_rows(s, scope, period, as_of, rules)
            found = await population_rows(s, scope, national, as_of.year)
            table, _annual = await layout
            await add_aggregates(s, scope, as_of, table)
            await add_uncounted(s, scope, table)
            chosen = await set_targets(s, scope, target_periods(period, term))
            return reviewed, population_holders(units, found), chosen

        if apart is None:
            met = await meeting_rows(
                s, scope, period, as_of, quarters, base, bool(stated), stored=kept
            )
        rest = asyncio.ensure_future(the_rest())
        await asyncio.sleep(0)  # let it send its first query before the Python below
        table, annual = await layout
        add_members(table, counted)
        add_rosters(stated, table)
        if apart is not None:
            met = await apart
        add_meetings(table, len(quarters), met)
        reviewed, holders, chosen = await rest
    except BaseException:
        for pending in (layout, apart, rest):
            if pending is not None:
                pending.cancel()
        raise
    set_for_year = chosen.get((TargetMeasure.NEW_MEMBERS, str(period.year)))
    if set_for_year:
        annual = annual_targets(units, national, set_for_year)
    over_term = (
        term_targets(
            units, annual, term.years, chosen.get((TargetMeasure.NEW_MEMBERS, term.key), {})
        )
        if isinstance(period, Term)
        else {}
    )
    coverage_set = {
        **chosen.get((TargetMeasure.COVERAGE, str(period.year)), {}),
        **chosen.get((TargetMeasure.COVERAGE, term.key), {}),
    }
    add_reviews(table, reviewed)
    no_data = table.col("communes_no_data")
    for uid in communes_without_data(units, holders):
        no_data[table.pos[uid]] = 1
    table.roll_up(holders)
    top = units.get(root.id) or UnitRow(
        root.id, root.parent_id, root.level, root.code, root.name, root.path
    )
    return Rollup(
        top,
        period,
        as_of,
        quarters,
        units,
        table,
        annual,
        review_deadline(period, rules),
        national,
        holders,
        coverage_set,
        chosen.get((TargetMeasure.GROWTH, term.key), {}),
        over_term,
        software=software_confirmed(units, reviewed, rules.tz),
        software_deadline=software_deadline(period, rules),
    )


async def _subtree_scope(s: AsyncSession, root: OrgUnit | UnitRow) -> Scope:
    """The scope of `root`'s subtree before its units are read: by path, or every unit
    when `root` is the only unit without a parent (the nation)."""
    if root.parent_id is None:
        conn = await s.connection()
        roots = await conn.scalar(
            select(func.count()).select_from(OrgUnit).where(OrgUnit.parent_id.is_(None))
        )
        if roots == 1:
            return Scope(root.path, None, everything=True)
    return Scope(root.path, None)


async def _now(fn: Callable[[], T]) -> T:
    """`fn()` as an awaitable, run in this thread (a small report needs no thread)."""
    return fn()


async def _meetings_apart(
    engine: AsyncEngine,
    scope: Scope,
    period: Period,
    as_of: dt.date,
    quarters: list[Quarter],
    base: dt.date | None,
    has_roster: bool,
    kept: bool,
) -> Sequence[Any]:
    async with AsyncSession(engine) as t, t.begin():
        await _big_report_settings(t)
        return await meeting_rows(t, scope, period, as_of, quarters, base, has_roster, kept)


BIG_REPORT_SETTINGS = {"work_mem": "64MB", "jit": "off"}


async def _big_report_settings(s: AsyncSession) -> None:
    """For the rest of this transaction (PostgreSQL): 64 MB of work memory keeps the member
    counts' per-unit hash and the nation's meeting stream sort (~62 MB) in memory (both
    spilled at the default 4 MB) and no JIT compilation (it cost 20-100 ms a big query and
    saved less)."""
    await fetch_rows(
        s, select(*(func.set_config(k, v, True) for k, v in BIG_REPORT_SETTINGS.items()))
    )
