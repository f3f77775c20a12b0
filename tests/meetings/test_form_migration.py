"""Migration 0004 on both backends: an old `online` meeting becomes a regular meeting held
indirectly (so it now counts for the quarter), and going back restores `online`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import db
from tests.support import databases
from tests.unit.test_migrations import _scratch_url

NOW = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)


def _execute(url: str, sql: str, **params: object) -> list[tuple[object, ...]]:
    async def go() -> list[tuple[object, ...]]:
        engine = db.make_engine(url)
        async with engine.begin() as conn:
            result = await conn.execute(text(sql), params)
            rows = [tuple(r) for r in result.all()] if result.returns_rows else []
        await engine.dispose()
        return rows

    return databases.run(go)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_online_meetings_become_regular_and_indirect(kind: str, tmp_path: Path) -> None:
    url, admin = _scratch_url(kind, tmp_path)
    try:
        databases.in_thread(lambda: db.upgrade(url, "0003"))
        _execute(
            url,
            "INSERT INTO org_unit (id, level, code, name, path) "
            "VALUES (1, 'branch', 'B1', 'Chi hội Một', '/1/')",
        )
        for mid, old_kind in [(1, "online"), (2, "themed"), (3, "regular")]:
            _execute(
                url,
                "INSERT INTO meeting (id, unit_id, held_on, kind, present_count, "
                "leader_present, logged_at) VALUES (:id, 1, :day, :kind, 9, false, :now)",
                id=mid,
                day=dt.date(2026, 1, 4),
                kind=old_kind,
                now=NOW,
            )
        databases.in_thread(lambda: db.upgrade(url))
        rows = _execute(url, "SELECT id, kind, form, leader_id FROM meeting ORDER BY id")
        assert rows == [
            (1, "regular", "indirect", None),
            (2, "themed", "direct", None),
            (3, "regular", "direct", None),
        ]
        databases.in_thread(lambda: db.downgrade(url, "0003"))
        rows = _execute(url, "SELECT id, kind FROM meeting ORDER BY id")
        assert rows == [(1, "online"), (2, "themed"), (3, "regular")]
    finally:
        if admin is not None:
            databases.run(lambda: databases.drop_pg_database(admin, url))
