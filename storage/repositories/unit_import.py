"""Writing an imported organisation tree: create new units, update names, levels, populations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import Level
from storage.models import OrgUnit
from storage.repositories import org


@dataclass(frozen=True)
class UnitSpec:
    """One validated row of an organisation file."""

    line: int
    code: str
    name: str
    level: Level
    parent_code: str | None
    women_18_plus: int | None


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


async def apply(
    s: AsyncSession, rows: Sequence[UnitSpec], units: dict[str, OrgUnit], year: int
) -> ImportResult:
    """Create or update each row (parents first); `units` (by code) gains the new units."""
    created = updated = unchanged = 0
    for row in rows:
        unit = units.get(row.code)
        if unit is None:
            parent = units.get(row.parent_code) if row.parent_code else None
            unit = await org.add_unit(s, row.code, row.name, row.level, parent)
            units[row.code] = unit
            created += 1
            if row.women_18_plus is not None:
                await org.set_population(s, unit.id, year, row.women_18_plus)
            continue
        changed = unit.name != row.name or unit.level != row.level
        unit.name, unit.level = row.name, row.level
        if row.women_18_plus is not None:
            changed = await org.set_population(s, unit.id, year, row.women_18_plus) or changed
        updated += changed
        unchanged += not changed
    await s.flush()
    return ImportResult(created, updated, unchanged)
