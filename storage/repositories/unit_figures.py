"""Figures the officers enter by hand: a branch's stated roster total, a commune's aggregate
counts, and targets set by the level above. Every write is audited by its caller's turn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import AggregateKind, TargetMeasure
from storage.models import RosterTotal, UnitAggregate, UnitTarget
from storage.repositories import audit


async def stated_total(s: AsyncSession, unit_id: int, day: dt.date) -> int | None:
    """The branch's member total from its paper register, the latest stated on or before `day`."""
    stmt = (
        select(RosterTotal.total)
        .where(RosterTotal.unit_id == unit_id, RosterTotal.as_of <= day)
        .order_by(RosterTotal.as_of.desc())
        .limit(1)
    )
    total: int | None = await s.scalar(stmt)
    return total


async def stated_totals(s: AsyncSession, unit_ids: Iterable[int], day: dt.date) -> dict[int, int]:
    """`stated_total` for many units in one query."""
    ids = list(unit_ids)
    if not ids:
        return {}
    stmt = (
        select(RosterTotal.unit_id, RosterTotal.as_of, RosterTotal.total)
        .where(RosterTotal.unit_id.in_(ids), RosterTotal.as_of <= day)
        .order_by(RosterTotal.as_of)
    )
    return {uid: total for uid, _on, total in (await s.execute(stmt)).all()}


async def state_total(
    s: AsyncSession, unit_id: int, as_of: dt.date, total: int, by: int | None, now: dt.datetime
) -> None:
    row = await s.get(RosterTotal, (unit_id, as_of))
    if row is None:
        s.add(RosterTotal(unit_id=unit_id, as_of=as_of, total=total, entered_by=by, entered_at=now))
    else:
        row.total, row.entered_by, row.entered_at = total, by, now
    await audit.record(
        s,
        now,
        by,
        "roster_total.set",
        "org_unit",
        unit_id,
        {"as_of": as_of.isoformat(), "total": total},
    )


async def aggregates(
    s: AsyncSession, unit_ids: Iterable[int], day: dt.date
) -> dict[int, dict[AggregateKind, int]]:
    """Per unit and kind: the latest aggregate count entered as of a day on or before `day`."""
    ids = list(unit_ids)
    if not ids:
        return {}
    stmt = (
        select(UnitAggregate.unit_id, UnitAggregate.kind, UnitAggregate.count)
        .where(UnitAggregate.unit_id.in_(ids), UnitAggregate.as_of <= day)
        .order_by(UnitAggregate.as_of)
    )
    out: dict[int, dict[AggregateKind, int]] = {}
    for uid, kind, count in (await s.execute(stmt)).all():
        out.setdefault(uid, {})[AggregateKind(kind)] = count
    return out


async def set_aggregate(
    s: AsyncSession,
    unit_id: int,
    kind: AggregateKind,
    as_of: dt.date,
    count: int,
    by: int | None,
    now: dt.datetime,
) -> None:
    row = await s.get(UnitAggregate, (unit_id, kind, as_of))
    if row is None:
        s.add(
            UnitAggregate(
                unit_id=unit_id, kind=kind, as_of=as_of, count=count, entered_by=by, entered_at=now
            )
        )
    else:
        row.count, row.entered_by, row.entered_at = count, by, now
    await audit.record(
        s,
        now,
        by,
        "aggregate.set",
        "org_unit",
        unit_id,
        {"kind": kind.value, "as_of": as_of.isoformat(), "count": count},
    )


async def targets(
    s: AsyncSession, unit_ids: Iterable[int], periods: Iterable[str]
) -> dict[tuple[int, TargetMeasure, str], int]:
    """Targets set for these units in these periods ("2026", "2022-2027"), by (unit, measure, period)."""
    ids, keys = list(unit_ids), list(periods)
    if not ids or not keys:
        return {}
    stmt = select(
        UnitTarget.unit_id, UnitTarget.measure, UnitTarget.period, UnitTarget.value
    ).where(UnitTarget.unit_id.in_(ids), UnitTarget.period.in_(keys))
    return {(uid, TargetMeasure(m), p): v for uid, m, p, v in (await s.execute(stmt)).all()}


async def set_target(
    s: AsyncSession,
    unit_id: int,
    measure: TargetMeasure,
    period: str,
    value: int,
    by: int | None,
    now: dt.datetime,
) -> None:
    row = await s.get(UnitTarget, (unit_id, measure, period))
    if row is None:
        s.add(
            UnitTarget(
                unit_id=unit_id, measure=measure, period=period, value=value, set_by=by, set_at=now
            )
        )
    else:
        row.value, row.set_by, row.set_at = value, by, now
    await audit.record(
        s,
        now,
        by,
        "target.set",
        "org_unit",
        unit_id,
        {"measure": measure.value, "period": period, "value": value},
    )
