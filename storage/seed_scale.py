"""Generated organisations at commune, province and national scale, for demos and benchmarks.

The rows come from storage/seed_generator.py; here they are loaded, one province per
transaction, by COPY on PostgreSQL (executemany on SQLite), generating the next province
in a worker thread while the database takes the previous one. Afterwards the tallies of
every half-year end are built and, on PostgreSQL, the tables analysed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage import bulk
from storage.repositories import tally
from storage.seed_generator import COLUMNS, Generator, Rows
from storage.seed_names import PROVINCES

BULK_TABLES = ("member", "member_event", "meeting", "review")


@dataclass(frozen=True)
class Scale:
    provinces: int
    communes: tuple[int, int]
    branches: tuple[int, int, int]  # triangular low, high, mode
    central: bool = False


SCALES = {
    "commune": Scale(1, (1, 1), (22, 28, 25)),
    "province": Scale(1, (95, 100), (5, 41, 41)),
    "national": Scale(34, (94, 100), (5, 41, 41), central=True),
}


@dataclass
class Result:
    rows: dict[str, int] = field(default_factory=dict)

    def count(self, table: str) -> int:
        return self.rows.get(table, 0)


def root_code(scale: str) -> str:
    """The code of the unit a scale is generated under (one per scale, so scales can coexist)."""
    if SCALES[scale].central:
        return "TW"
    return f"{PROVINCES[7][0]}-{scale[0].upper()}"


async def seed(
    engine: AsyncEngine,
    scale: str,
    today: dt.date,
    now: dt.datetime,
    rng: random.Random | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
    fast_load: bool | None = None,
) -> Result:
    """Generate `scale` into an existing, migrated database (codes must not exist yet).

    `fast_load` (default: national scale on PostgreSQL) drops the secondary indexes of the
    big tables and switches their triggers off while loading: use it on an empty database.
    """
    spec = SCALES[scale]
    async with engine.begin() as conn:
        loader = bulk.Loader(conn)
        ids = {t: await loader.next_id(t) for t in COLUMNS if t != "unit_population"}
        big = loader.pg and (scale == "national" if fast_load is None else fast_load)
        if big:
            await bulk.drop_indexes(conn, bulk.secondary_indexes(BULK_TABLES))
    gen = Generator(rng or random.Random(2026), today, now, ids, spec.branches)
    provinces = PROVINCES if spec.central else [(root_code(scale), PROVINCES[7][1])]
    root = gen.unit(None, "central", "TW", "Trung ương Hội LHPN Việt Nam") if spec.central else None
    result = Result()
    loading: asyncio.Task[None] | None = None
    # Millions of row tuples would make the cyclic GC rescan them over and over.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        for index, (code, name) in enumerate(provinces, start=1):
            await asyncio.to_thread(gen.province, root, code, f"Hội LHPN {name}", spec.communes)
            if loading is not None:
                await loading
            rows = gen.take_rows()
            for table, batch in rows.items():
                result.rows[table] = result.count(table) + len(batch)
            loading = asyncio.create_task(_load(engine, rows, big))
            progress(f"province {index}/{len(provinces)} made: {result.count('member'):,} members")
        if loading is not None:
            await loading
    finally:
        if gc_was_on:
            gc.enable()
    await _finish(engine, big, tally.half_year_ends(gen.start, today), now, progress)
    return result


async def _load(engine: AsyncEngine, rows: Rows, big: bool) -> None:
    async with engine.begin() as conn:
        loader = bulk.Loader(conn)
        if big:
            await bulk.set_triggers(conn, BULK_TABLES, enabled=False)
        for table, columns in COLUMNS.items():
            await loader.write(table, columns, rows[table])
            rows[table].clear()
        if big:
            await bulk.set_triggers(conn, BULK_TABLES, enabled=True)


async def _finish(
    engine: AsyncEngine,
    big: bool,
    days: list[dt.date],
    now: dt.datetime,
    progress: Callable[[str], None],
) -> None:
    async with engine.begin() as conn:
        await bulk.Loader(conn).fix_sequences([t for t in COLUMNS if t != "unit_population"])
        if big:
            progress("building indexes")
            await bulk.create_indexes(conn, bulk.secondary_indexes(BULK_TABLES))
    async with engine.begin() as conn:
        progress("building member tallies")
        s = AsyncSession(bind=conn)
        await tally.ensure_days(s, days, now)
        await s.flush()
    if engine.dialect.name == "postgresql":
        progress("analysing tables")
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql("ANALYZE")
