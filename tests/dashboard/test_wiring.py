"""`chihoi run`'s one ASGI app serves the dashboard only when a base URL switches it on."""

from __future__ import annotations

from dataclasses import replace

import httpx

from bot.app import Runtime, http_app
from bot.config import DashboardSettings, Settings
from tests.support.chat_fixtures import World


def runtime(world: World, sqlite_url: str, url: str | None) -> Runtime:
    settings = Settings(_env_file=None, DATABASE_URL=sqlite_url)  # type: ignore[call-arg]
    rules = replace(world.engine.rules, dashboard_url=url)
    return Runtime(settings, rules, world.maker.kw["bind"], world.maker, world.engine, world.maker)


async def test_off_without_a_base_url(world: World, sqlite_url: str) -> None:
    app = http_app(runtime(world, sqlite_url, None), simulator=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as c:
        assert (await c.get("/dashboard/")).status_code == 404


async def test_on_with_one(world: World, sqlite_url: str) -> None:
    app = http_app(runtime(world, sqlite_url, "https://chihoi.example.org"), simulator=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as c:
        page = await c.get("/dashboard/")
        assert page.status_code == 401 and "mở trang quản lý" in page.text
        css = await c.get("/dashboard/static/dash.css")
        assert css.status_code == 200 and "font-size: 18px" in css.text


def test_the_base_url_setting() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    public = DashboardSettings(_env_file=None, CHIHOI_PUBLIC_URL="https://a.example/")  # type: ignore[call-arg]
    assert public.base_url(settings, simulator=False) == "https://a.example"
    none = DashboardSettings(_env_file=None)  # type: ignore[call-arg]
    assert none.base_url(settings, simulator=False) is None
    assert none.base_url(settings, simulator=True) == "http://127.0.0.1:8080"
