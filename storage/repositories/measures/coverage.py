"""The coverage numerator's parts and denominator, stated roster totals and set targets,
per unit of a report's scope (004 §II.1.1-II.1.2, DOMAIN rules 5 and 6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import Period, Term
from bot.domain.enums import AggregateKind, Level, TargetMeasure
from bot.domain.figures import Denominator, Table, denominators
from bot.domain.targets import Targets
from storage.models import RosterTotal, UnitAggregate, UnitPopulation, UnitTarget
from storage.repositories.measures.scope import Scope, fetch_rows
from storage.repositories.residence import uncounted_by_unit

AGGREGATE_COLUMNS = {
    AggregateKind.TRADE_UNION: "agg_trade_union",
    AggregateKind.ARMED_FORCES: "agg_armed_forces",
    AggregateKind.MEMBER_ORG: "agg_member_org",
    AggregateKind.CLUB_ONLY: "agg_club_only",
}


async def population_rows(
    s: AsyncSession, scope: Scope, targets: Targets, up_to: int
) -> dict[int, Denominator]:
    """Each unit's denominator: the term's reference year (2019 for 2022-2027, 004
    §II.1.2 (2)), later years up to `up_to` as tracking figures; without a reference-year
    row, the latest figure, provisional."""
    stmt = select(UnitPopulation.unit_id, UnitPopulation.year, UnitPopulation.women_18_plus).where(
        scope.filter(UnitPopulation.unit_id),
        UnitPopulation.year <= max(up_to, targets.reference_year),
    )
    rows = [(int(u), int(y), int(n)) for u, y, n in await fetch_rows(s, stmt)]
    return denominators(rows, targets.reference_year, up_to)


async def add_aggregates(s: AsyncSession, scope: Scope, as_of: dt.date, table: Table) -> None:
    """Per unit and kind, the latest aggregate count entered on or before `as_of`."""
    stmt = (
        select(UnitAggregate.unit_id, UnitAggregate.kind, UnitAggregate.count)
        .where(scope.filter(UnitAggregate.unit_id), UnitAggregate.as_of <= as_of)
        .order_by(UnitAggregate.as_of)
    )
    latest: dict[tuple[int, str], int] = {}
    for uid, kind, count in await fetch_rows(s, stmt):
        latest[(uid, str(kind))] = int(count)
    for (uid, kind), count in latest.items():
        if (i := table.pos.get(uid)) is not None:
            table.col(AGGREGATE_COLUMNS[AggregateKind(kind)])[i] = count


async def add_uncounted(s: AsyncSession, scope: Scope, table: Table) -> None:
    """Members not resident (temporary under 6 months, away), by their branch: now."""
    uncounted = table.col("uncounted")
    for uid, n in (await uncounted_by_unit(s, scope.path)).items():
        if (i := table.pos.get(uid)) is not None:
            uncounted[i] = n


async def stated_totals(s: AsyncSession, scope: Scope, as_of: dt.date) -> dict[int, int]:
    """Per branch, the latest total stated from its paper register on or before `as_of`."""
    stmt = (
        select(RosterTotal.unit_id, RosterTotal.total)
        .where(scope.filter(RosterTotal.unit_id), RosterTotal.as_of <= as_of)
        .order_by(RosterTotal.as_of)
    )
    return {int(uid): int(total) for uid, total in await fetch_rows(s, stmt)}


def add_rosters(stated: dict[int, int], table: Table) -> None:
    """Branches whose entered members are short of their stated total (a stated total
    retires once the roster reaches it). Call after the member counts are in the table."""
    members = table.col("members")
    incomplete, entered, of = (
        table.col("roster_incomplete"),
        table.col("roster_entered"),
        table.col("roster_stated"),
    )
    for uid, total in stated.items():
        i = table.pos.get(uid)
        if i is None or table.units[uid].level != Level.BRANCH or members[i] >= total:
            continue
        incomplete[i], entered[i], of[i] = 1, members[i], total


def target_periods(period: Period, term: Term) -> list[str]:
    """The unit_target periods a report reads: its year and the term."""
    return sorted({str(period.year), term.key, period.key})


async def set_targets(
    s: AsyncSession, scope: Scope, periods: Iterable[str]
) -> dict[tuple[TargetMeasure, str], dict[int, int]]:
    """Targets set by the level above, by (measure, period): unit -> value."""
    stmt = select(
        UnitTarget.unit_id, UnitTarget.measure, UnitTarget.period, UnitTarget.value
    ).where(scope.filter(UnitTarget.unit_id), UnitTarget.period.in_(list(periods)))
    out: dict[tuple[TargetMeasure, str], dict[int, int]] = {}
    rows: Sequence[Any] = await fetch_rows(s, stmt)
    for uid, measure, period, value in rows:
        out.setdefault((TargetMeasure(measure), str(period)), {})[int(uid)] = int(value)
    return out
