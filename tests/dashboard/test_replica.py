"""With REPORTS_DATABASE_URL set, the dashboard computes its figures in sessions of the
read-only replica, never in the page's own (primary) transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from bot import dashboard
from bot.core.engine import Engine
from handlers import registry
from storage.db import make_engine
from tests.dashboard.conftest import BASE, Dash
from tests.dashboard.support import unit_id
from tests.support.chat_fixtures import World


class CountingMaker(async_sessionmaker[AsyncSession]):
    """A sessionmaker on the same database that counts the sessions opened from it."""

    opened = 0

    def __call__(self, **kw: Any) -> AsyncSession:
        CountingMaker.opened += 1
        return super().__call__(**kw)


async def test_figures_come_from_the_replica(db_world: World, db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("a replica is PostgreSQL's: SQLite's one writer would wait on the page")
    world = db_world
    # the same database through an engine of its own, as a replica's would be
    replica_db = make_engine(db_url)
    replica = CountingMaker(replica_db, expire_on_commit=False)
    CountingMaker.opened = 0
    rules = replace(world.engine.rules, dashboard_url=BASE)
    engine = Engine(world.maker, registry(), rules, clock=world.clock)
    routes = dashboard.routes(
        world.maker, rules, engine.registry, dt.timedelta(minutes=30), world.clock, replica
    )
    dash = Dash(Starlette(routes=routes), engine, world)
    chair = await dash.signed_in("hong")
    try:
        qp = await unit_id(world, "TH-QP")
        page = await chair.get(f"/dashboard/unit/{qp}")
        assert page.status_code == 200 and "Hội viên: 29" in page.text
        assert CountingMaker.opened >= 1
        # the figures are kept a minute: a second view opens no new replica session
        seen = CountingMaker.opened
        assert (await chair.get(f"/dashboard/unit/{qp}")).status_code == 200
        assert CountingMaker.opened == seen
    finally:
        await chair.aclose()
        await replica_db.dispose()
