"""Which units a report query covers (listed, by path, or all), and the units themselves."""

from __future__ import annotations

import collections
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import Level
from bot.domain.figures import UnitRow
from storage.models import OrgUnit

_LEVELS: dict[str, Level] = {lv.value: lv for lv in Level}
LISTED_UNITS = 500  # up to a few communes: name the units; beyond: select them by path


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
    rows = await fetch_rows(s, select(*cols).where(in_subtree(OrgUnit.path, root.path)))
    level, new = _LEVELS, tuple.__new__  # raw PostgreSQL records carry the level's text
    return {
        r[0]: new(UnitRow, (r[0], r[1], level[r[2]], r[3], r[4], r[5], r[6], r[7])) for r in rows
    }


async def fetch_rows(
    s: AsyncSession, stmt: Any, params: dict[str, Any] | None = None
) -> Sequence[Any]:
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


def scatter(target: list[Any], at: Sequence[int], values: Iterable[Any]) -> None:
    """target[at[i]] = values[i] for every i, looping in C (columns of ~100,000 units)."""
    collections.deque(map(target.__setitem__, at, values), maxlen=0)
