"""Fixtures: databases (SQLite always; PostgreSQL mandatory under CI=true), engine, chats."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import logs
from storage import crypto, db
from tests.support import databases

logs.install()  # as the `chihoi` command does (bot/cli)

pytest_plugins = ["tests.support.chat_fixtures"]


TEST_KEY = "test-data-key-0123456789abcdefghij"


@pytest.fixture(autouse=True)
def data_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Every test has a known data key: ID and phone numbers are sealed at rest (a test of
    a missing key removes it)."""
    monkeypatch.setenv("CHIHOI_DATA_KEY", TEST_KEY)
    crypto.reset()
    yield TEST_KEY
    crypto.reset()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.migrated_sqlite_template(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A private, migrated PostgreSQL database for this run (skips only outside CI)."""
    admin = databases.pg_admin_url()
    reason = databases.run(lambda: databases.pg_reachable(admin))
    if reason is not None:
        if databases.IN_CI:
            pytest.fail(f"PostgreSQL is mandatory under CI=true and unreachable: {reason}")
        pytest.skip(f"PostgreSQL not reachable at TEST_DATABASE_URL ({reason})")
    url = databases.run(lambda: databases.create_pg_database(admin))
    try:
        databases.in_thread(lambda: db.upgrade(url))
        yield url
    finally:
        databases.run(lambda: databases.drop_pg_database(admin, url))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    """Each test using this runs once per backend, on an empty migrated database."""
    if request.param == "sqlite":
        yield databases.fresh_sqlite(sqlite_template, tmp_path)
        return
    url = request.getfixturevalue("pg_url")
    databases.run(lambda: databases.truncate_all(url))
    yield url


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    return databases.fresh_sqlite(sqlite_template, tmp_path)


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = db.make_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def maker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return db.make_sessionmaker(engine)


@pytest.fixture
def now() -> dt.datetime:
    return dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội
