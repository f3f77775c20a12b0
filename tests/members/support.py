"""Helpers for member tests: row counts, a member's record, the CLI on a test database."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.seeding.demo import seed
from storage import db
from storage.models import Audit, Consent, Member, MemberEvent
from tests.support import databases
from tests.support.chat_fixtures import World

T = TypeVar("T")

TABLES = (Member, MemberEvent, Consent, Audit)


async def row_counts(world: World) -> dict[str, int]:
    async with world.session() as s:
        return {
            t.__tablename__: int(await s.scalar(select(func.count()).select_from(t)) or 0)
            for t in TABLES
        }


async def member_named(world: World, name: str) -> Member:
    async with world.session() as s:
        return (await s.scalars(select(Member).where(Member.full_name == name))).one()


def cli(url: str, *args: str) -> Result:
    """Run `chihoi ARGS` against the database at `url` (in a thread: the CLI runs its own loop)."""
    runner = CliRunner()
    return databases.in_thread(
        lambda: runner.invoke(app, list(args), env={"DATABASE_URL": url}, catch_exceptions=False)
    )


def seeded(url: str, now: dt.datetime) -> None:
    async def go() -> None:
        engine = db.make_engine(url)
        async with db.transaction(db.make_sessionmaker(engine)) as s:
            await seed(s, now, random.Random(7))
        await engine.dispose()

    databases.run(go)


def in_db(url: str, fn: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `fn(session)` in one transaction on the database at `url`."""

    async def go() -> T:
        engine = db.make_engine(url)
        try:
            async with db.transaction(db.make_sessionmaker(engine)) as s:
                return await fn(s)
        finally:
            await engine.dispose()

    return databases.run(go)
