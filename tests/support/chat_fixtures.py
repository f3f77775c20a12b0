"""Fixtures for conversation tests: a seeded demo organisation and chats in both profiles."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.engine import Engine
from bot.core.types import TELEGRAM_CAPS, ZALO_CAPS, Capabilities
from bot.domain.rules import Rules
from bot.seeding.demo import DemoInfo, seed
from handlers import registry
from storage import db
from storage.db import transaction
from tests.support.chat import Chat

VN = dt.timezone(dt.timedelta(hours=7))


class Clock:
    """Injected time: tests move it, nothing sleeps."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += dt.timedelta(**kw)

    def set_local(self, year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> None:
        self.now = dt.datetime(year, month, day, hour, minute, tzinfo=VN).astimezone(dt.UTC)


@dataclass
class World:
    maker: async_sessionmaker[AsyncSession]
    engine: Engine
    clock: Clock
    demo: DemoInfo

    def session(self) -> AsyncSession:
        return self.maker()


@pytest.fixture
def clock() -> Clock:
    c = Clock(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC))  # Friday 20/03/2026, 09:00 in Hà Nội
    return c


async def make_world(url: str, clock: Clock) -> tuple[World, Callable[[], object]]:
    eng = db.make_engine(url)
    maker = db.make_sessionmaker(eng)
    async with transaction(maker) as s:
        demo = await seed(s, clock(), random.Random(7))
    engine = Engine(maker, registry(), Rules(tz=dt.timezone(dt.timedelta(hours=7))), clock=clock)  # type: ignore[arg-type]
    return World(maker, engine, clock, demo), eng.dispose


@pytest.fixture
async def world(sqlite_url: str, clock: Clock) -> AsyncIterator[World]:
    """The demo organisation on SQLite (use `pg_world` for PostgreSQL)."""
    w, close = await make_world(sqlite_url, clock)
    yield w
    await close()  # type: ignore[misc]


@pytest.fixture
async def db_world(db_url: str, clock: Clock) -> AsyncIterator[World]:
    """The demo organisation once per backend (SQLite and PostgreSQL)."""
    w, close = await make_world(db_url, clock)
    yield w
    await close()  # type: ignore[misc]


@pytest.fixture(params=["buttons", "text"])
def caps(request: pytest.FixtureRequest) -> Capabilities:
    """Both capability profiles: Telegram-like buttons and Zalo-like numbered text."""
    return TELEGRAM_CAPS if request.param == "buttons" else ZALO_CAPS


@pytest.fixture
def chat_as(world: World, caps: Capabilities) -> Callable[[str], Chat]:
    def make(user: str) -> Chat:
        return Chat(world.engine, caps, user, world.clock)

    return make


@pytest.fixture
def chat(chat_as: Callable[[str], Chat]) -> Chat:
    """Lan, branch head of Chi hội Thôn Đông (demo data)."""
    return chat_as("lan")
