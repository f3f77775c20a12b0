"""Engines and sessions for SQLite (WAL, foreign keys) and PostgreSQL, and Alembic upgrades."""

from __future__ import annotations

import ast
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import sqlite_inline
from storage.sessions import Maker

if TYPE_CHECKING:  # Alembic costs a quarter second to import: only commands that migrate pay it
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# How long a write waits for another process (a CLI command) holding SQLite's lock.
SQLITE_BUSY_S = 10.0
SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


def dialect_insert(s: AsyncSession) -> Callable[[Any], pg.Insert | sqlite.Insert]:
    """The INSERT of the session's backend: both speak ON CONFLICT, each in its own class."""
    return pg.insert if s.bind.dialect.name == "postgresql" else sqlite.insert


def check_url(value: str) -> None:
    """Raise ValueError (the message says what is expected) unless we can open `value`."""
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise ValueError(
            "expected a URL like sqlite+aiosqlite:///var/chihoi.sqlite3 "
            "or postgresql+asyncpg://user@host:5432/db"
        ) from exc
    if url.drivername not in SUPPORTED_DRIVERS:
        raise ValueError(f"driver must be one of {', '.join(SUPPORTED_DRIVERS)}")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kw: Any) -> AsyncEngine:
    """An engine that never puts bound values (names, phones) into error messages."""
    if is_sqlite(url):
        db = make_url(url).database or ":memory:"
        if db != ":memory:":
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        # One connection, queued for asynchronously: SQLite has one writer anyway, and
        # the inline driver must never wait on a lock held by its own process.
        if "poolclass" not in kw:
            kw.update(pool_size=1, max_overflow=0, pool_timeout=60)
        engine = create_async_engine(
            url,
            hide_parameters=True,
            connect_args={"async_creator_fn": sqlite_inline.connector(db)},
            **kw,
        )
        _sqlite_pragmas(engine)
        return engine
    if "poolclass" not in kw:
        kw.setdefault("pool_size", 10)
    return create_async_engine(url, hide_parameters=True, **kw)


def _sqlite_pragmas(engine: AsyncEngine) -> None:
    # pysqlite's own transaction handling defers BEGIN; take it over so each
    # turn is one IMMEDIATE transaction and concurrent writers queue, not fail.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        inline = isinstance(dbapi_conn.driver_connection, sqlite_inline.InlineConnection)
        busy = sqlite_inline.INLINE_BUSY_S if inline else SQLITE_BUSY_S
        cur.execute(f"PRAGMA busy_timeout={int(busy * 1000)}")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        driver = conn.connection.driver_connection
        if isinstance(driver, sqlite_inline.InlineConnection):
            driver.begin_immediate(SQLITE_BUSY_S)  # a turn's every transaction
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: AsyncEngine) -> Maker:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(maker: Maker) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any error."""
    async with maker() as session, session.begin():
        yield session


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


# Set by a migration that rewrote personal data in clear (0006: phones): on SQLite the old
# bytes can linger in free pages until the file is rebuilt.
VACUUM_AFTER = "vacuum_after"


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    cfg = alembic_config(url)
    command.upgrade(cfg, revision)
    path = sqlite_path(url)
    if cfg.attributes.get(VACUUM_AFTER) and path is not None:
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def sqlite_path(url: str) -> str | None:
    prefix = "sqlite+aiosqlite:///"
    if url.startswith(prefix):
        path = url[len(prefix) :].split("?", 1)[0]
        return path if path and path != ":memory:" else None
    return None


def downgrade(url: str, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The migration the database is at; None for an empty database."""
    from alembic.migration import MigrationContext

    async with engine.connect() as conn:
        return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


def declared_heads() -> set[str]:
    """The migrations no other migration follows, read from the files' `revision` and
    `down_revision` lines (without importing Alembic or the migrations: `chihoi run` starts
    faster; tests/unit/test_startup checks it agrees with Alembic)."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            assigned = _assignment(node)
            if assigned is None or assigned[0] not in ("revision", "down_revision"):
                continue
            value = ast.literal_eval(assigned[1])
            values = {value} if isinstance(value, str) else set(value or ())
            (revisions if assigned[0] == "revision" else followed).update(values)
    return revisions - followed


def _assignment(node: ast.stmt) -> tuple[str, ast.expr] | None:
    """`name = value` or `name: type = value` at a module's top level."""
    target: ast.expr
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        target, value = node.target, node.value
    elif isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
    else:
        return None
    return (target.id, value) if isinstance(target, ast.Name) else None


async def at_head(engine: AsyncEngine) -> bool:
    """Is the database migrated to the newest revision? One SELECT, no Alembic import."""
    heads = declared_heads()
    if len(heads) != 1:  # branched history: Alembic says what is wrong
        return await current_revision(engine) == head_revision()
    try:
        async with engine.connect() as conn:
            got = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    except DBAPIError:  # no alembic_version table: never migrated
        return False
    return [row[0] for row in got] == list(heads)
