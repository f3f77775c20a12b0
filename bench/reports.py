"""Time the reports on generated data: a commune, a province, the nation, a province's Excel.

Run:
  PYTHONPATH=. .venv/bin/python bench/reports.py                       # province scale, SQLite
  PYTHONPATH=. .venv/bin/python bench/reports.py \\
      --db postgresql+asyncpg://postgres@127.0.0.1:5432/chihoi_bench [--scale national]
  ... --drop                                                           # drop that PG database after

The database is created (PostgreSQL) and migrated if needed, and the scale is seeded with
bot/seeding/scale.py unless its root unit is already there (then it is reused). Each figure
is timed --repeat times (the first run is cold); the commune is the median-sized one. The
SQL of the slowest operation is recorded and its slowest statement explained (EXPLAIN QUERY
PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL). Targets (issue 20 item 4): commune < 100 ms,
province < 1 s, national roll-up and province Excel <= 1 s, with the meeting figures kept
(meeting_figure; the bench says whether reports read them or recount). Prints figures;
asserts nothing (this is not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.i18n import language
from bot.domain.calendar import half_of
from bot.domain.enums import Level
from bot.domain.rules import Rules
from bot.reports import excel
from bot.reports import text as report_text
from bot.seeding import scale as seed_scale
from storage import db
from storage.models import MemberEvent, OrgUnit
from storage.repositories import measures, meeting_figures, org

DEFAULT_DB = "sqlite+aiosqlite:///var/bench-province.sqlite3"
TARGETS = {
    "commune report": 0.1,
    "province report": 1.0,
    "national roll-up": 1.0,
    "province Excel": 1.0,
}


class Recorder:
    """Every statement the engine runs while `on`, with its duration."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.on = False
        self.statements: list[tuple[float, str, Any]] = []
        self._started: list[float] = []
        sync = engine.sync_engine
        event.listen(sync, "before_cursor_execute", self._before)
        event.listen(sync, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, params: Any, *_a: Any) -> None:
        self._started.append(time.perf_counter())

    def _after(self, conn: Any, cursor: Any, statement: str, params: Any, *_a: Any) -> None:
        took = time.perf_counter() - self._started.pop()
        if self.on:
            self.statements.append((took, statement, params))


async def ensure_pg_database(url: str) -> None:
    u = make_url(url)
    admin = u.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", u.database):
            await conn.execute(f'CREATE DATABASE "{u.database}"')
            print(f"created database {u.database}")
    finally:
        await conn.close()


async def drop_pg_database(url: str) -> None:
    u = make_url(url)
    admin = u.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)')
    finally:
        await conn.close()
    print(f"dropped database {u.database}")


async def seed_if_missing(engine: AsyncEngine, scale: str) -> None:
    code = seed_scale.root_code(scale)
    async with db.make_sessionmaker(engine)() as s:
        if await org.by_code(s, code) is not None:
            print(f"reusing the {scale} scale (unit {code})")
            return
    print(f"seeding the {scale} scale ...")
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    result = await seed_scale.seed(engine, scale, now.date(), now, progress=print)
    rows = ", ".join(f"{t} {n:,}" for t, n in result.rows.items() if n)
    print(f"seeded in {time.perf_counter() - started:.1f} s: {rows}")


async def sizes(engine: AsyncEngine) -> str:
    async with db.make_sessionmaker(engine)() as s:
        units = dict(
            (await s.execute(select(OrgUnit.level, func.count()).group_by(OrgUnit.level))).all()
        )
        events = await s.scalar(select(func.count()).select_from(MemberEvent))
    parts = [f"{units.get(level, 0):,} {level.value}" for level in Level if units.get(level)]
    return ", ".join(parts) + f"; {events:,} member events"


async def pick_units(engine: AsyncEngine, scale: str) -> tuple[OrgUnit, OrgUnit, OrgUnit | None]:
    """The median-sized commune of the scale's first province, that province, the centre."""
    async with db.make_sessionmaker(engine)() as s:
        root = await org.by_code(s, seed_scale.root_code(scale))
        assert root is not None
        central = root if root.level == Level.CENTRAL else None
        province = root
        if central is not None:
            province = (await org.children(s, central.id))[0]
        communes = await org.children(s, province.id)
        branch_counts = []
        for c in communes:
            n = await s.scalar(select(func.count()).where(OrgUnit.parent_id == c.id))
            branch_counts.append((int(n or 0), c.code, c))
        branch_counts.sort(key=lambda t: (t[0], t[1]))
        commune = branch_counts[len(branch_counts) // 2][2]
        s.expunge_all()
        return commune, province, central


async def timed(
    name: str, fn: Callable[[], Awaitable[Any]], repeat: int, rec: Recorder
) -> tuple[list[float], list[tuple[float, str, Any]]]:
    runs: list[float] = []
    statements: list[tuple[float, str, Any]] = []
    for i in range(repeat):
        rec.statements = []
        rec.on = True
        started = time.perf_counter()
        await fn()
        runs.append(time.perf_counter() - started)
        rec.on = False
        if i == repeat - 1:
            statements = rec.statements
    target = TARGETS.get(name)
    verdict = (
        ""
        if target is None
        else (
            "  (target < {:g} s: {})".format(
                target, "met" if min(runs[1:] or runs) < target else "MISSED"
            )
        )
    )
    print(
        f"{name:<22} cold {runs[0] * 1000:9.1f} ms   warm median "
        f"{statistics.median(runs[1:] or runs) * 1000:9.1f} ms   best {min(runs) * 1000:9.1f} ms"
        f"   {len(statements)} queries{verdict}"
    )
    return runs, statements


async def explain(engine: AsyncEngine, statement: str, params: Any) -> None:
    pg = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN "
    async with engine.connect() as conn:
        if pg:  # as the report ran it (a province's or the nation's settings)
            for name, value in measures.BIG_REPORT_SETTINGS.items():
                await conn.exec_driver_sql(f"SET LOCAL {name} = '{value}'")
        rows = (await conn.exec_driver_sql(prefix + statement, params)).all()
    for row in rows:
        print("   ", " | ".join(str(v) for v in row) if not pg else row[0])


async def main(args: argparse.Namespace) -> None:
    url: str = args.db
    if url.startswith("postgresql"):
        await ensure_pg_database(url)
    else:
        Path(make_url(url).database or "").parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(db.upgrade, url)
    engine = db.make_engine(url)
    try:
        await seed_if_missing(engine, args.scale)
        print(f"data: {await sizes(engine)} ({engine.dialect.name})")
        async with db.make_sessionmaker(engine)() as s:
            kept = await meeting_figures.trusted(s)
        print(
            "meeting figures: "
            + ("kept (meeting_figure)" if kept else "recounted (a rebuild is pending)")
        )
        commune, province, central = await pick_units(engine, args.scale)
        today = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
        period = measures.parse_period(args.period) if args.period else half_of(today)
        assert period is not None
        as_of = min(today, period.last_day)
        maker = db.make_sessionmaker(engine)
        rec = Recorder(engine)
        print(
            f"period {period.key}, as of {as_of}; commune {commune.code}, province {province.code}"
        )

        def report_of(unit: OrgUnit) -> Callable[[], Awaitable[None]]:
            async def go() -> None:
                async with maker() as s:
                    r = await measures.measure(s, unit, period, as_of, Rules())
                with language("vi"):
                    report_text.report(r, unit.id)

            return go

        async def export() -> None:
            async with maker() as s:
                r = await measures.measure(s, province, period, as_of, Rules())
            with language("vi"):
                data = excel.workbook(r)
            export.size = len(data)  # type: ignore[attr-defined]

        results: dict[str, tuple[list[float], list[tuple[float, str, Any]]]] = {}
        results["commune report"] = await timed(
            "commune report", report_of(commune), args.repeat, rec
        )
        results["province report"] = await timed(
            "province report", report_of(province), args.repeat, rec
        )
        if central is not None:
            results["national roll-up"] = await timed(
                "national roll-up", report_of(central), max(2, args.repeat // 2), rec
            )
        results["province Excel"] = await timed(
            "province Excel", export, max(2, args.repeat // 2), rec
        )
        print(f"province workbook: {export.size / 1024:,.0f} KiB")  # type: ignore[attr-defined]
        slowest_op = max(
            (name for name in results if name != "province Excel"),
            key=lambda n: statistics.median(results[n][0]),
        )
        statements = sorted(results[slowest_op][1], key=lambda t: -t[0])
        print(f"\nslowest operation: {slowest_op}; its slowest statements:")
        for took, statement, _params in statements[:4]:
            print(f"  {took * 1000:8.1f} ms  {' '.join(statement.split())[:150]}")
        took, statement, params = statements[0]
        print(f"\nplan of the slowest statement ({took * 1000:.1f} ms):")
        print("   ", " ".join(statement.split())[:600])
        await explain(engine, statement, params)
    finally:
        await engine.dispose()
    if args.drop and url.startswith("postgresql"):
        await drop_pg_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--scale", default="province", choices=sorted(seed_scale.SCALES))
    parser.add_argument("--period", default=None, help="2026-H2 (default: the current half-year)")
    parser.add_argument("--as-of", default=None, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL database after")
    asyncio.run(main(parser.parse_args()))
