"""Fixtures for the web simulator: the ASGI app over the demo world, and an HTTP client to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from bot.app import Runtime, http_app
from bot.config import Settings
from tests.support.chat_fixtures import World


@pytest.fixture
def sim_app(world: World, sqlite_url: str) -> Starlette:
    """The simulator as `chihoi run` serves it, on the seeded demo world and its clock."""
    settings = Settings(_env_file=None, DATABASE_URL=sqlite_url)  # type: ignore[call-arg]
    rt = Runtime(
        settings, world.engine.rules, world.maker.kw["bind"], world.maker, world.engine, world.maker
    )
    return http_app(rt)


@pytest.fixture
async def client(sim_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client that opened the printed link, so it holds the simulator's cookie."""
    transport = httpx.ASGITransport(app=sim_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as c:
        opened = await c.get(f"/?key={sim_app.state.sim_key}")
        assert opened.status_code == 303
        yield c
