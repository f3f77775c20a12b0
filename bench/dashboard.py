"""Server time of the dashboard's pages on generated data: p50 and p95 per page.

Run:
  PYTHONPATH=. .venv/bin/python bench/dashboard.py                      # province scale, SQLite
  PYTHONPATH=. .venv/bin/python bench/dashboard.py \\
      --db postgresql+asyncpg://postgres@127.0.0.1:5432/chihoi_bench --scale national

The scale is seeded as bench/reports.py seeds it (reused when present). A province officer
and a commune chair get a session straight from the repository, then each page is asked for
--repeat times through the ASGI app in this process (no network: the time is the server's).
A page's figures are reused for 60 s (bot/dashboard/web.py ROLLUP_TTL), so the first request
of a page is printed apart: it is what an officer waits for when nobody looked just before.
Target (issue 18): p95 < 300 ms for a province officer's pages on PostgreSQL at national
scale. Prints figures; asserts nothing (this is not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import time

import httpx
from starlette.applications import Starlette

from bench.reports import DEFAULT_DB, ensure_pg_database, pick_units, seed_if_missing, sizes
from bot import dashboard
from bot.dashboard.web import COOKIE
from bot.domain.enums import RoleKind
from bot.domain.rules import Rules
from bot.seeding import scale as seed_scale
from storage import db
from storage.repositories import dashboard as sessions
from storage.repositories import people
from storage.sessions import Maker


async def session_for(maker: Maker, unit_id: int, kind: RoleKind, now: dt.datetime) -> str:
    async with db.transaction(maker) as s:
        person = await people.create_person(s, f"Bench {kind.value}", now)
        await people.grant_role(s, person.id, unit_id, kind)
        return await sessions.open_session(s, person.id, now)


async def main(args: argparse.Namespace) -> None:
    url: str = args.db
    if url.startswith("postgresql"):
        await ensure_pg_database(url)
    await asyncio.to_thread(db.upgrade, url)
    engine = db.make_engine(url)
    try:
        await seed_if_missing(engine, args.scale)
        print(await sizes(engine))
        commune, province, _central = await pick_units(engine, args.scale)
        maker = db.make_sessionmaker(engine)
        now = dt.datetime.now(dt.UTC)
        rules = Rules(dashboard_url="http://bench")
        app = Starlette(routes=dashboard.routes(maker, rules, None, dt.timedelta(hours=1)))
        officer = await session_for(maker, province.id, RoleKind.PROVINCE_OFFICER, now)
        chair = await session_for(maker, commune.id, RoleKind.COMMUNE_CHAIR, now)
        pages = [
            ("province overview", officer, f"/dashboard/unit/{province.id}"),
            ("province units by coverage", officer, f"/dashboard/unit/{province.id}?sort=coverage"),
            ("province grid (8 quarters)", officer, f"/dashboard/unit/{province.id}/grid"),
            ("province review", officer, f"/dashboard/unit/{province.id}/review"),
            ("commune overview", chair, f"/dashboard/unit/{commune.id}"),
            ("commune grid", chair, f"/dashboard/unit/{commune.id}/grid"),
            ("commune review", chair, f"/dashboard/unit/{commune.id}/review"),
        ]
        transport = httpx.ASGITransport(app=app)
        print(
            f"{'page':32} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8}  (n={args.repeat} after the first)"
        )
        for name, token, path in pages:
            took = []
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as c:
                c.cookies.set(COOKIE, token)
                for _ in range(args.repeat + 1):
                    started = time.perf_counter()
                    response = await c.get(path)
                    took.append(time.perf_counter() - started)
                    assert response.status_code == 200, (path, response.status_code)
            runs = sorted(took[1:])
            p95 = runs[min(len(runs) - 1, round(0.95 * (len(runs) - 1)))]
            first, p50 = took[0] * 1000, statistics.median(runs) * 1000
            print(f"{name:32} {first:9.0f} {p50:8.0f} {p95 * 1000:8.0f}")
    finally:
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--scale", default="province", choices=sorted(seed_scale.SCALES))
    parser.add_argument("--repeat", type=int, default=10)
    asyncio.run(main(parser.parse_args()))
