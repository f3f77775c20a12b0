"""Generated organisations at commune, province and national scale, for demos and benchmarks."""

# The rows come from bot/seeding/generator.py; here they are loaded (through
# storage/repositories/seeding.py) one province per transaction, by COPY on PostgreSQL
# (executemany on SQLite), generating the next province in a worker thread while the database takes the previous one. Afterwards the tallies of
# every half-year end are built and, on PostgreSQL, the tables analysed.

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.seeding.generator import COLUMNS, Generator
from bot.seeding.names import PROVINCES
from storage.repositories import seeding, tally
from storage.sessions import Database as AsyncEngine

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
    fast = scale == "national" if fast_load is None else fast_load
    id_tables = [t for t in COLUMNS if t != "unit_population"]
    ids, big = await seeding.start(engine, id_tables, BULK_TABLES, fast)
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
            loading = asyncio.create_task(seeding.load(engine, COLUMNS, rows, BULK_TABLES, big))
            progress(f"province {index}/{len(provinces)} made: {result.count('member'):,} members")
        if loading is not None:
            await loading
    finally:
        if gc_was_on:
            gc.enable()
    await seeding.finish(
        engine, big, COLUMNS, BULK_TABLES, tally.half_year_ends(gen.start, today), now, progress
    )
    return result
