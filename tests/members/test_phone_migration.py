"""Migration 0006: clear phones are sealed with the configured key, or the upgrade refuses
in one line and changes nothing (issue 15.9)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import crypto, db
from tests.conftest import TEST_KEY
from tests.members.support import cli
from tests.support import databases

# Enough members to fill many pages, so freed pages would show clear phones left behind.
PHONES = {1: "0912345678", 2: "0987654321", 3: None} | {i: f"0977{i:06d}" for i in range(4, 1500)}


def _dummy(kind: str) -> object:
    kind = kind.upper()
    if "INT" in kind or "BOOL" in kind:
        return 0
    return "2026-01-01" if "DATE" in kind else "x"


def _insert(path: Path, table: str, *rows: dict[str, object]) -> None:
    """Rows with the given values and a placeholder in every other required column."""
    with sqlite3.connect(path) as conn:
        info = conn.execute(f"PRAGMA table_info({table})").fetchall()
        for row in rows:
            full = {c[1]: _dummy(c[2]) for c in info if c[3] and c[4] is None and not c[5]}
            full.update(row)
            names = ", ".join(f'"{c}"' for c in full)
            marks = ", ".join("?" for _ in full)
            conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(full.values()))


@pytest.fixture
def at_0005(tmp_path: Path) -> tuple[str, Path]:
    """A database from before the change: three members, two of them with a clear phone."""
    path = tmp_path / "db" / "chihoi.sqlite3"
    path.parent.mkdir()
    url = f"sqlite+aiosqlite:///{path}"
    databases.in_thread(lambda: db.upgrade(url, "0005"))
    _insert(path, "org_unit", {"id": 1, "level": "branch", "code": "B1", "path": "/1/"})
    rows = [{"id": i, "branch_id": 1, "full_name": f"M{i}", "phone": p} for i, p in PHONES.items()]
    _insert(path, "member", *rows)
    return url, path


def _columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {c[1] for c in conn.execute(f"PRAGMA table_info({table})")}


def test_the_upgrade_seals_every_clear_phone(at_0005: tuple[str, Path]) -> None:
    url, path = at_0005
    done = cli(url, "db", "upgrade")
    assert done.exit_code == 0, done.output
    assert "phone" not in _columns(path, "member") and "phone" not in _columns(path, "person")
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT id, phone_enc, phone_index FROM member ORDER BY id").fetchall()
    k = crypto.derive(TEST_KEY)
    opened = {mid: crypto.decrypt_phone(blob, k) if blob else None for mid, blob, _ in rows}
    assert opened == PHONES
    assert [i for _, _, i in rows] == [
        crypto.phone_index(p, k) if p else None for p in PHONES.values()
    ]
    wal = path.with_name(path.name + "-wal")
    data = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert len(data) > 100_000
    assert [p for p in PHONES.values() if p and p.encode() in data] == []


def test_without_a_key_it_refuses_in_one_line_and_changes_nothing(
    at_0005: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, path = at_0005
    monkeypatch.delenv("CHIHOI_DATA_KEY")
    crypto.reset()
    refused = cli(url, "db", "upgrade")
    assert refused.exit_code == 1
    assert refused.output.startswith("error: migration 0006 must seal the member phones")
    assert refused.output.count("\n") == 1
    assert "phone" in _columns(path, "member") and "phone_enc" not in _columns(path, "member")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT phone FROM member WHERE id = 1").fetchone() == (PHONES[1],)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0005",)


def test_a_key_other_than_the_databases_is_refused(at_0005: tuple[str, Path]) -> None:
    url, path = at_0005
    check = crypto.check_value(crypto.derive("the-key-this-database-was-sealed-with"))
    _insert(path, "key_check", {"id": 1, "check": check, "rotated_through": 0})
    refused = cli(url, "db", "upgrade")
    assert refused.exit_code == 1 and "not the key this database was sealed with" in refused.output
    assert "phone_enc" not in _columns(path, "member")


def _pg_dummy(kind: str) -> str:
    if kind in ("integer", "bigint", "smallint"):
        return "0"
    if kind == "boolean":
        return "false"
    if kind in ("json", "jsonb"):
        return "'[]'"
    if kind.startswith("timestamp") or kind == "date":
        return "'2026-01-01'"
    return "'x'"


async def _pg_rows(url: str, table: str, rows: list[dict[str, object]]) -> None:
    engine = db.make_engine(url)
    async with engine.begin() as conn:
        info = await conn.execute(
            text(
                "SELECT column_name, data_type FROM information_schema.columns WHERE "
                "table_name = :t AND is_nullable = 'NO' AND column_default IS NULL"
            ),
            {"t": table},
        )
        fill = {c: _pg_dummy(k) for c, k in info.all()}
        for row in rows:
            cols = {**fill, **{c: f":{c}" for c in row}}
            names = ", ".join(f'"{c}"' for c in cols)
            await conn.execute(
                text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(cols.values())})"), row
            )
    await engine.dispose()


async def _pg_phones(url: str) -> dict[int, bytes | None]:
    engine = db.make_engine(url)
    async with engine.connect() as conn:
        found = await conn.execute(text("SELECT id, phone_enc FROM member ORDER BY id"))
        out = {int(i): (bytes(b) if b is not None else None) for i, b in found.all()}
    await engine.dispose()
    return out


def test_on_postgresql_the_upgrade_seals_every_clear_phone() -> None:
    admin = databases.pg_admin_url()
    reason = databases.run(lambda: databases.pg_reachable(admin))
    if reason is not None:
        if databases.IN_CI:
            pytest.fail(f"PostgreSQL is mandatory under CI=true: {reason}")
        pytest.skip(f"PostgreSQL not reachable ({reason})")
    url = databases.run(lambda: databases.create_pg_database(admin))
    try:
        databases.in_thread(lambda: db.upgrade(url, "0005"))
        unit = {"id": 1, "level": "branch", "code": "B1", "path": "/1/", "name": "B1"}
        databases.run(lambda: _pg_rows(url, "org_unit", [unit]))
        few = {i: PHONES[i] for i in (1, 2, 3)}
        rows = [{"id": i, "branch_id": 1, "phone": p} for i, p in few.items()]
        databases.run(lambda: _pg_rows(url, "member", rows))
        databases.in_thread(lambda: db.upgrade(url))
        k = crypto.derive(TEST_KEY)
        sealed = databases.run(lambda: _pg_phones(url))
        assert {i: crypto.decrypt_phone(b, k) if b else None for i, b in sealed.items()} == few
    finally:
        databases.run(lambda: databases.drop_pg_database(admin, url))
