"""Test databases: a migrated SQLite file per test, a private PostgreSQL database per run."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage import db
from storage.models import Base

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
T = TypeVar("T")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pg_admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def pg_reachable(url: str) -> str | None:
    """None when PostgreSQL answers, else the reason."""
    try:
        conn = await asyncio.wait_for(asyncpg.connect(_dsn(url)), timeout=5)
    except Exception as exc:  # any failure to connect is the same answer here
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


async def create_pg_database(admin_url: str) -> str:
    """A fresh database for this run, so concurrent runs never share tables."""
    name = f"chihoi_test_{os.getpid()}_{secrets.token_hex(3)}"
    conn = await asyncpg.connect(_dsn(admin_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    conn = await asyncpg.connect(_dsn(admin_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def migrated_sqlite_template(directory: Path) -> Path:
    path = directory / "template.sqlite3"
    if not path.exists():
        in_thread(lambda: db.upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


def fresh_sqlite(template: Path, directory: Path) -> str:
    target = directory / f"db-{secrets.token_hex(4)}.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


async def truncate_all(url: str) -> None:
    engine = db.make_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    await engine.dispose()


def in_thread(fn: Callable[[], T]) -> T:
    """Run blocking or asyncio.run-based setup off the test loop's thread.

    asyncio.run() in the main thread would unset pytest-asyncio's loop.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    return in_thread(lambda: asyncio.run(_await(coro_fn)))


async def _await(coro_fn: Callable[[], Awaitable[T]]) -> T:
    return await coro_fn()
