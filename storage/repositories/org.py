"""The organisation tree: units of any depth, found by code or by subtree path."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import Level
from bot.domain.paths import path_ids
from storage.models import OrgUnit, UnitPopulation
from storage.repositories import audit


async def by_code(s: AsyncSession, code: str) -> OrgUnit | None:
    return (await s.scalars(select(OrgUnit).where(OrgUnit.code == code))).first()


async def by_id(s: AsyncSession, unit_id: int) -> OrgUnit | None:
    return await s.get(OrgUnit, unit_id)


async def add_unit(
    s: AsyncSession, code: str, name: str, level: Level, parent: OrgUnit | None
) -> OrgUnit:
    unit = OrgUnit(
        code=code, name=name, level=level, parent_id=parent.id if parent else None, path=""
    )
    s.add(unit)
    await s.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    await s.flush()
    return unit


async def children(s: AsyncSession, unit_id: int) -> list[OrgUnit]:
    stmt = select(OrgUnit).where(OrgUnit.parent_id == unit_id).order_by(OrgUnit.code)
    return list((await s.scalars(stmt)).all())


async def subtree(s: AsyncSession, unit: OrgUnit, level: Level | None = None) -> list[OrgUnit]:
    """The unit and everything under it (optionally only one level), in path order."""
    stmt = select(OrgUnit).where(OrgUnit.path.startswith(unit.path))
    if level is not None:
        stmt = stmt.where(OrgUnit.level == level)
    return list((await s.scalars(stmt.order_by(OrgUnit.path))).all())


async def ancestors(s: AsyncSession, unit: OrgUnit) -> list[OrgUnit]:
    ids = path_ids(unit.path)[:-1]
    if not ids:
        return []
    rows = (await s.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))).all()
    order = {uid: i for i, uid in enumerate(ids)}
    return sorted(rows, key=lambda u: order[u.id])


async def ancestor_at(s: AsyncSession, unit: OrgUnit, level: Level) -> OrgUnit | None:
    if unit.level == level:
        return unit
    return next((u for u in await ancestors(s, unit) if u.level == level), None)


async def all_units(s: AsyncSession) -> list[OrgUnit]:
    return list((await s.scalars(select(OrgUnit).order_by(OrgUnit.path))).all())


async def set_population(s: AsyncSession, unit_id: int, year: int, women: int) -> bool:
    """Set women_18_plus for a year; True when something changed."""
    row = await s.get(UnitPopulation, (unit_id, year))
    if row is None:
        s.add(UnitPopulation(unit_id=unit_id, year=year, women_18_plus=women))
        return True
    if row.women_18_plus != women:
        row.women_18_plus = women
        return True
    return False


async def populations_of(s: AsyncSession, unit_id: int) -> dict[int, int]:
    """Women 18+ of the unit by year (the reference year and any tracking years)."""
    stmt = select(UnitPopulation.year, UnitPopulation.women_18_plus).where(
        UnitPopulation.unit_id == unit_id
    )
    return {year: n for year, n in (await s.execute(stmt)).all()}


async def enter_population(
    s: AsyncSession, unit_id: int, year: int, women: int, by: int | None, now: dt.datetime
) -> bool:
    """`set_population` entered by a person, audited with the figure it replaced."""
    before = (await populations_of(s, unit_id)).get(year)
    changed = await set_population(s, unit_id, year, women)
    await audit.record(
        s,
        now,
        by,
        "population.set",
        "org_unit",
        unit_id,
        {"year": year, "women_18_plus": women, "before": before},
    )
    return changed
