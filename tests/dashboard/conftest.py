"""Fixtures for the dashboard: the demo world, a chat engine whose links point at the app,
and an HTTP client to the dashboard's routes on the world's clock."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace

import httpx
import pytest
from starlette.applications import Starlette

from bot import dashboard
from bot.core.engine import Engine
from bot.core.types import ZALO_CAPS
from handlers import registry
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

BASE = "http://127.0.0.1:8080"
LINK = re.compile(r"(https?://\S+/dashboard/login\?t=[\w-]+)")


def dashboard_app(world: World, base: str, idle_minutes: int = 30) -> tuple[Starlette, Engine]:
    """The dashboard's routes on the world's database and clock, and a chat engine whose
    sign-in links point at `base`."""
    rules = replace(world.engine.rules, dashboard_url=base)
    engine = Engine(world.maker, registry(), rules, clock=world.clock)
    routes = dashboard.routes(
        world.maker, rules, engine.registry, dt.timedelta(minutes=idle_minutes), world.clock
    )
    return Starlette(routes=routes), engine


@dataclass
class Dash:
    app: Starlette
    engine: Engine
    world: World

    async def link_for(self, user: str) -> str:
        """Ask the bot for a link in the chat, as she would; the link from its reply."""
        chat = Chat(self.engine, ZALO_CAPS, user, self.world.clock)
        replies = await chat.say("mở trang quản lý")
        found = LINK.search(replies[-1].text)
        assert found, replies[-1].text
        return found.group(1)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=BASE)

    async def signed_in(self, user: str) -> httpx.AsyncClient:
        c = self.client()
        await sign_in(c, await self.link_for(user))
        return c


async def sign_in(c: httpx.AsyncClient, link: str) -> httpx.Response:
    token = link.split("t=", 1)[1]
    page = await c.get(f"/dashboard/login?t={token}")
    assert page.status_code == 200
    return await c.post("/dashboard/login", data={"t": token})


@pytest.fixture
def dash(world: World) -> Dash:
    app, engine = dashboard_app(world, BASE)
    return Dash(app, engine, world)


@pytest.fixture
def dash_client(dash: Dash) -> Callable[[], httpx.AsyncClient]:
    return dash.client


@pytest.fixture
async def chair(dash: Dash) -> AsyncIterator[httpx.AsyncClient]:
    """The demo commune chair (Hồng, Quảng Phú), signed in."""
    c = await dash.signed_in("hong")
    yield c
    await c.aclose()
