"""Wiring the real channel code to the fake servers (tests and bench/channel_latency.py)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from telegram import Bot

from bot.channels import zalo
from bot.channels.files import FileShelf
from bot.channels.retry import Backoff, Sleep
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_client import ZaloClient
from bot.core.engine import Engine
from tests.fakes.server import Running, serve

TG_TOKEN = "123456:TEST-telegram-token"
ZALO_TOKEN = "987654:TEST-zalo-token"
TG_SECRET = "test-secret_123"
ZALO_SECRET = "zalo-secret-123"
Stop = Callable[[], Awaitable[None]]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def start_telegram(
    engine: Engine,
    maker: async_sessionmaker[AsyncSession],
    api_url: str,
    mode: str,
    *,
    sleep: Sleep = asyncio.sleep,
    clock: Callable[[], dt.datetime] = _now,
    token: str = TG_TOKEN,
) -> tuple[TelegramChannel, Stop]:
    """A started channel: polling in a task, or webhook served on its own port."""
    bot = Bot(token, base_url=f"{api_url}/bot")
    backoff = Backoff(sleep=sleep, rng=random.Random(7))
    channel = TelegramChannel(
        bot, engine, maker, secret=TG_SECRET, poll_timeout=5, backoff=backoff, clock=clock
    )
    app: Running | None = None
    if mode == "webhook":
        app = await serve(Starlette(routes=channel.routes()))
        channel.webhook_url = app.url
    assert await channel.start()
    task = asyncio.create_task(channel.poll()) if mode == "polling" else None

    async def stop() -> None:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await channel.close()
        if app is not None:
            await app.stop()

    return channel, stop


async def start_zalo(
    engine: Engine,
    maker: async_sessionmaker[AsyncSession],
    api_url: str,
    mode: str,
    *,
    sleep: Sleep = asyncio.sleep,
    token: str = ZALO_TOKEN,
    with_files: bool = False,
) -> tuple[ZaloChannel, Stop]:
    backoff = Backoff(sleep=sleep, rng=random.Random(7))
    channel = ZaloChannel(
        ZaloClient(token, api_url),
        engine,
        maker,
        bot_id=token.split(":")[0],
        secret=ZALO_SECRET,
        poll_timeout=5,
        backoff=backoff,
    )
    app: Running | None = None
    if mode == "webhook" or with_files:
        app_routes = Starlette()
        app = await serve(app_routes)
        if with_files:
            channel.shelf = FileShelf(app.url)
            app_routes.router.routes.extend(channel.shelf.routes())
        if mode == "webhook":
            channel.webhook_url = app.url
            app_routes.router.routes.extend(zalo.webhook_routes(lambda: [channel]))
    assert await channel.start()
    task = asyncio.create_task(channel.poll()) if mode == "polling" else None

    async def stop() -> None:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await channel.close()
        if app is not None:
            await app.stop()

    return channel, stop
