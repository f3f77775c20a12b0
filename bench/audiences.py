"""Time the special-audience report (issue 16) on a generated organisation.

Run:
  PYTHONPATH=. .venv/bin/python bench/audiences.py [--scale commune|province] [--db URL]

Seeds the scale into a fresh SQLite file (or the given database) with bot/seeding/scale.py,
registers one club per commune with 20 linked members, then times gathering the report for
the root unit (every member row is read once and its audiences derived in Python) and
rendering its Excel sheet and chart. Prints figures; asserts nothing (this is not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bot.core.i18n import language
from bot.domain.enums import Level
from bot.reports import audiences_chart, audiences_excel
from bot.seeding import scale as seed_scale
from storage import db
from storage.db import transaction
from storage.models import Member
from storage.repositories import audience_report, clubs, members, org

TODAY = dt.date(2026, 3, 20)
NOW = dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)


async def main(url: str, scale: str, repeat: int) -> None:
    engine = db.make_engine(url)
    maker = db.make_sessionmaker(engine)
    async with maker() as s:
        seeded = await org.by_code(s, seed_scale.root_code(scale)) is not None
    if not seeded:  # a database given with --db is reused as it is
        started = time.perf_counter()
        await seed_scale.seed(engine, scale, TODAY, NOW)
        print(f"seeded {scale} in {time.perf_counter() - started:.1f} s")
    async with transaction(maker) as s:
        root = await org.by_code(s, seed_scale.root_code(scale))
        assert root is not None
        for commune in await org.subtree(s, root, Level.COMMUNE) if not seeded else []:
            club = await clubs.add_club(
                s, commune.id, "CLB", "club", ["worker"], TODAY, "commune", None, None, NOW
            )
            branch = (await org.subtree(s, commune, Level.BRANCH))[0]
            for m in (await members.search(s, branch.id, "", 0, 20))[0]:
                await clubs.link(s, club, m.id, TODAY, None, NOW)
        n = await s.scalar(select(func.count(Member.id)))
    print(f"members: {n}")
    times = []
    async with maker() as s:
        for _ in range(repeat):
            t = time.perf_counter()
            report = await audience_report.gather(s, root, TODAY)
            times.append(time.perf_counter() - t)
    print(
        f"gather ({len(report.rows)} rows): first {times[0] * 1000:.0f} ms, "
        f"median {statistics.median(times) * 1000:.0f} ms"
    )
    with language("vi"):
        t = time.perf_counter()
        sheet = audiences_excel.workbook(report)
        mid = time.perf_counter()
        png = audiences_chart.chart(report)
        end = time.perf_counter()
    print(
        f"excel {len(sheet)} bytes in {(mid - t) * 1000:.0f} ms; "
        f"chart {len(png)} bytes in {(end - mid) * 1000:.0f} ms"
    )
    await engine.dispose()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--scale", default="commune", choices=["commune", "province"])
    p.add_argument("--db", default=None)
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    url = a.db
    if url is None:
        path = Path(tempfile.mkdtemp()) / "audiences.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"
        db.upgrade(url)
    asyncio.run(main(url, a.scale, a.repeat))
