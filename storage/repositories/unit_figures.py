"""Figures the officers enter by hand: a branch's stated roster total, a commune's aggregate
counts, and targets set by the level above. Every write is audited by its caller's turn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import AggregateKind, Level, TargetMeasure
from storage.models import Member, MemberEvent, OrgUnit, RosterTotal, UnitAggregate, UnitTarget
from storage.repositories import audit
from storage.repositories.member_counts import delta, members_on


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


async def _put(
    s: AsyncSession,
    model: type[RosterTotal | UnitAggregate | UnitTarget],
    key: dict[str, Any],
    values: dict[str, Any],
    audited: tuple[int | None, dt.datetime, str, dict[str, Any]],
) -> None:
    """Insert or update one hand-entered figure (`key` in primary-key order) and audit it."""
    row = await s.get(model, tuple(key.values()))
    if row is None:
        s.add(model(**key, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    by, now, action, detail = audited
    await audit.record(s, now, by, action, "org_unit", key["unit_id"], detail)


async def state_total(
    s: AsyncSession, unit_id: int, as_of: dt.date, total: int, by: int | None, now: dt.datetime
) -> None:
    key = {"unit_id": unit_id, "as_of": as_of}
    values = {"total": total, "entered_by": by, "entered_at": now}
    detail = {"as_of": as_of.isoformat(), "total": total}
    await _put(s, RosterTotal, key, values, (by, now, "roster_total.set", detail))


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
    key = {"unit_id": unit_id, "kind": kind, "as_of": as_of}
    values = {"count": count, "entered_by": by, "entered_at": now}
    detail = {"kind": kind.value, "as_of": as_of.isoformat(), "count": count}
    await _put(s, UnitAggregate, key, values, (by, now, "aggregate.set", detail))


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
    key = {"unit_id": unit_id, "measure": measure, "period": period}
    values = {"value": value, "set_by": by, "set_at": now}
    detail = {"measure": measure.value, "period": period, "value": value}
    await _put(s, UnitTarget, key, values, (by, now, "target.set", detail))


# --- the members a rate is taken of -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RosterBase:
    """Members entered for a unit on a day, and the paper register's total if one is stated."""

    entered: int
    stated: int | None

    @property
    def base(self) -> int:
        """Members for a rate: the stated total while the entered roster is short of it."""
        return max(self.entered, self.stated or 0)

    @property
    def incomplete(self) -> bool:
        return self.stated is not None and self.entered < self.stated


async def entered_on(s: AsyncSession, unit_id: int, day: dt.date) -> int:
    """Members entered for a branch (its events) or a tổ at the end of `day`.

    Events name the branch, not the tổ: a tổ's members on a day are the branch's members on
    that day whose record names the tổ now (member.group_id). A member who changes tổ counts
    in her present tổ for past days too; the tổ is not an event.
    """
    unit = await s.get(OrgUnit, unit_id)
    if unit is None or unit.level != Level.GROUP or unit.parent_id is None:
        return await members_on(s, unit_id, day)
    stmt = (
        select(func.coalesce(func.sum(delta()), 0))
        .join(Member, Member.id == MemberEvent.member_id)
        .where(
            MemberEvent.unit_id == unit.parent_id,
            Member.group_id == unit_id,
            MemberEvent.occurred_on <= day,
        )
    )
    return int(await s.scalar(stmt) or 0)


async def register_total(s: AsyncSession, unit_id: int, day: dt.date) -> int | None:
    """The stated total that speaks for `day`: the latest stated on or before it, else the
    first stated after it (a register total stated today describes last week better than
    the few members entered so far)."""
    before = await stated_total(s, unit_id, day)
    if before is not None:
        return before
    stmt = (
        select(RosterTotal.total)
        .where(RosterTotal.unit_id == unit_id, RosterTotal.as_of > day)
        .order_by(RosterTotal.as_of)
        .limit(1)
    )
    after: int | None = await s.scalar(stmt)
    return after


async def roster_base(s: AsyncSession, unit_id: int, day: dt.date) -> RosterBase:
    return RosterBase(await entered_on(s, unit_id, day), await register_total(s, unit_id, day))


async def rate_base(s: AsyncSession, unit_id: int, day: dt.date) -> int:
    """Members for an attendance rate of a unit (branch or tổ) on a day: the one rule
    max(entered on that day, stated register total while the roster is incomplete)."""
    return (await roster_base(s, unit_id, day)).base
