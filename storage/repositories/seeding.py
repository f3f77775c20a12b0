"""Bulk loading of generated rows (bot/seeding/scale.py), then indexes, tallies, statistics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage import bulk
from storage.repositories import meeting_figures, org, tally


async def unit_exists(engine: AsyncEngine, code: str) -> bool:
    """Whether a unit with `code` exists (a scale is seeded once, under its root code)."""
    async with engine.connect() as conn:
        return await org.by_code(AsyncSession(bind=conn), code) is not None


async def start(
    engine: AsyncEngine, id_tables: Sequence[str], tables: Sequence[str], fast: bool
) -> tuple[dict[str, int], bool]:
    """The next free id of each table, and whether to load fast (PostgreSQL and `fast`):
    then the big tables' secondary indexes are dropped until `finish`."""
    async with engine.begin() as conn:
        loader = bulk.Loader(conn)
        ids = {t: await loader.next_id(t) for t in id_tables}
        big = loader.pg and fast
        if big:
            await bulk.drop_indexes(conn, bulk.secondary_indexes(tables))
            # the load bypasses the meeting figures' triggers: reports recount until `finish`
            await meeting_figures.mark_pending(AsyncSession(bind=conn), dt.datetime.now(dt.UTC))
    return ids, big


async def load(
    engine: AsyncEngine,
    columns: Mapping[str, tuple[str, ...]],
    rows: dict[str, list[tuple[Any, ...]]],
    tables: Sequence[str],
    big: bool,
) -> None:
    """Write each table's rows in one transaction (then empty the lists); with `big`, the
    tables' triggers off while loading."""
    async with engine.begin() as conn:
        loader = bulk.Loader(conn)
        if big:
            await bulk.set_triggers(conn, tables, enabled=False)
        for table, names in columns.items():
            await loader.write(table, names, rows[table])
            rows[table].clear()
        if big:
            await bulk.set_triggers(conn, tables, enabled=True)


async def finish(
    engine: AsyncEngine,
    big: bool,
    columns: Mapping[str, tuple[str, ...]],
    tables: Sequence[str],
    days: list[dt.date],
    now: dt.datetime,
    progress: Callable[[str], None],
) -> None:
    """Sequences past the loaded ids, indexes (`big`), the member tallies, the meeting
    figures (`big`: loaded with their triggers off), statistics."""
    async with engine.begin() as conn:
        await bulk.Loader(conn).fix_sequences([t for t in columns if t != "unit_population"])
        if big:
            progress("building indexes")
            await bulk.create_indexes(conn, bulk.secondary_indexes(tables))
    async with engine.begin() as conn:
        progress("building member tallies")
        s = AsyncSession(bind=conn)
        await tally.ensure_days(s, days, now)
        await s.flush()
    if big:
        progress("building meeting figures")
        await meeting_figures.rebuild(engine, now, members=False)
    if engine.dialect.name == "postgresql":
        progress("analysing tables")
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql("ANALYZE")
