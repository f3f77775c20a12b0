"""Migrations: from empty to head and back on both backends; models and migrations agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage import db
from storage.models import Base
from tests.support import databases


def _tables(url: str) -> set[str]:
    async def go() -> set[str]:
        engine = db.make_engine(url)
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        await engine.dispose()
        return names - {"alembic_version"}

    return databases.run(go)


def _diff(url: str) -> list[Any]:
    def compare(conn: Connection) -> list[Any]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, Base.metadata))

    async def go() -> list[Any]:
        engine = db.make_engine(url)
        async with engine.connect() as conn:
            diff = await conn.run_sync(compare)
        await engine.dispose()
        return diff

    return databases.run(go)


def _scratch_url(kind: str, tmp_path: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'm.sqlite3'}", None
    admin = databases.pg_admin_url()
    reason = databases.run(lambda: databases.pg_reachable(admin))
    if reason is not None:
        if databases.IN_CI:
            pytest.fail(f"PostgreSQL is mandatory under CI=true: {reason}")
        pytest.skip(f"PostgreSQL not reachable ({reason})")
    return databases.run(lambda: databases.create_pg_database(admin)), admin


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_upgrade_to_head_then_down_to_base(kind: str, tmp_path: Path) -> None:
    url, admin = _scratch_url(kind, tmp_path)
    try:
        databases.in_thread(lambda: db.upgrade(url))
        assert set(Base.metadata.tables) <= _tables(url)
        assert _diff(url) == [], "models and migrations disagree: write a migration"
        databases.in_thread(lambda: db.downgrade(url, "base"))
        assert _tables(url) == set()
        db.upgrade(url)  # and up again: downgrades leave nothing behind that blocks it
        assert set(Base.metadata.tables) <= _tables(url)
    finally:
        if admin is not None:
            databases.run(lambda: databases.drop_pg_database(admin, url))


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    async def go() -> tuple[str, int]:
        engine = db.make_engine(sqlite_url)
        async with engine.connect() as conn:
            mode = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar_one()
            fks = (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar_one()
        await engine.dispose()
        return str(mode), int(fks)

    assert databases.run(go) == ("wal", 1)
