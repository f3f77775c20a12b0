"""Official codes and map positions of units, and the audit and outbox views of the dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import Level, OutboxStatus
from storage.models import Audit, OrgUnit, Outbox, Person, UnitOfficial


async def positions(s: AsyncSession, unit_ids: Collection[int]) -> dict[int, tuple[float, float]]:
    """(lat, lon) of the given units that have one."""
    if not unit_ids:
        return {}
    stmt = select(UnitOfficial.unit_id, UnitOfficial.lat, UnitOfficial.lon).where(
        UnitOfficial.unit_id.in_(list(unit_ids)),
        UnitOfficial.lat.is_not(None),
        UnitOfficial.lon.is_not(None),
    )
    return {uid: (lat, lon) for uid, lat, lon in (await s.execute(stmt)).all()}


async def codes(s: AsyncSession) -> dict[str, int]:
    """Every official code already given to a unit, with the unit."""
    rows = (await s.execute(select(UnitOfficial.official_code, UnitOfficial.unit_id))).all()
    return {code: uid for code, uid in rows}


async def set_official(
    s: AsyncSession, unit_id: int, code: str, lat: float | None, lon: float | None
) -> bool:
    """Give a unit its official code and position; True when something changed."""
    row = await s.get(UnitOfficial, unit_id)
    if row is None:
        s.add(UnitOfficial(unit_id=unit_id, official_code=code, lat=lat, lon=lon))
        await s.flush()
        return True
    if (row.official_code, row.lat, row.lon) == (code, lat, lon):
        return False
    row.official_code, row.lat, row.lon = code, lat, lon
    return True


@dataclass(frozen=True)
class AuditLine:
    at: dt.datetime
    actor: str | None
    action: str
    entity: str
    entity_id: int | None


async def audit_page(s: AsyncSession, offset: int, limit: int) -> tuple[list[AuditLine], int]:
    """The audit trail newest first: who (the officer's name), what, which record id; the
    `detail` column is left out so no personal value reaches the page."""
    total = int(await s.scalar(select(func.count(Audit.id))) or 0)
    stmt = (
        select(Audit.at, Person.display_name, Audit.action, Audit.entity, Audit.entity_id)
        .outerjoin(Person, Person.id == Audit.actor_id)
        .order_by(Audit.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [AuditLine(*row) for row in (await s.execute(stmt)).all()], total


@dataclass(frozen=True)
class FailedLine:
    id: int
    kind: str
    channel: str
    person: str | None
    attempts: int
    error: str | None
    created_at: dt.datetime


async def failed_messages(s: AsyncSession, limit: int = 100) -> list[FailedLine]:
    """Messages given up on, newest first, without their texts."""
    stmt = (
        select(
            Outbox.id,
            Outbox.kind,
            Outbox.channel,
            Person.display_name,
            Outbox.attempts,
            Outbox.last_error,
            Outbox.created_at,
        )
        .outerjoin(Person, Person.id == Outbox.person_id)
        .where(Outbox.status == OutboxStatus.FAILED)
        .order_by(Outbox.id.desc())
        .limit(limit)
    )
    return [FailedLine(*row) for row in (await s.execute(stmt)).all()]


async def units_at(s: AsyncSession, levels: Collection[Level]) -> list[OrgUnit]:
    """Every unit at these levels (the official import matches names among them)."""
    stmt = select(OrgUnit).where(OrgUnit.level.in_(list(levels))).order_by(OrgUnit.path)
    return list((await s.scalars(stmt)).all())
