"""Hot-path statements: built once at import, compiled once per dialect, run cheaply.

A turn runs a handful of small statements, and SQLAlchemy's per-execution machinery
(statement construction, cache keys, execution context, ORM result loading) cost far
more than SQLite itself: ~75-180 us a statement against ~5 us for the query. `Prepared`
keeps the SQL written as a Core statement, with bound parameters, and:

- on SQLite (our inline driver, storage.sqlite_inline) compiles it once to SQL text with
  SQLAlchemy's own bind and result processors, and runs it on the sqlite3 connection of
  the session's transaction, so values are stored exactly as SQLAlchemy stores them;
- on PostgreSQL does the same on the asyncpg connection once SQLAlchemy has begun the
  transaction there (asyncpg says so: `is_in_transaction()`); until then, and on any
  other backend, it runs the prebuilt statement with Core on the session's connection,
  which begins the transaction the way SQLAlchemy always does.

Either way it runs inside the session's transaction; nothing is kept between turns.
Pending ORM changes are not flushed first: use it for statements on rows that the
turn's ORM objects do not hold (bookkeeping, counts, single-column updates).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement

from storage import sqlite_inline

Row = Sequence[Any]
_DRIVER = "chihoi.prepared.driver"
_Proc = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    binds: tuple[_Proc, ...]
    fixed: dict[str, Any]  # values given in the statement itself (`version=0`)
    results: tuple[_Proc, ...]


class _Tx:
    """What one session transaction runs prepared statements on."""

    __slots__ = ("conn", "inline", "marker", "pg")

    def __init__(
        self,
        marker: object,
        conn: AsyncConnection,
        inline: sqlite_inline.InlineConnection | None,
        pg: Any,
    ) -> None:
        self.marker = marker
        self.conn = conn
        self.inline = inline
        self.pg = pg  # the asyncpg connection, or None


async def _tx(s: AsyncSession) -> _Tx:
    marker = s.sync_session.get_transaction()
    tx: _Tx | None = s.info.get(_DRIVER)
    if tx is not None and marker is not None and tx.marker is marker:
        return tx
    conn = await s.connection()
    inline: sqlite_inline.InlineConnection | None = None
    pg: Any = None
    if conn.dialect.name == "sqlite":
        driver = (await conn.get_raw_connection()).driver_connection
        if isinstance(driver, sqlite_inline.InlineConnection):
            inline = driver
    elif conn.dialect.driver == "asyncpg":
        pg = (await conn.get_raw_connection()).driver_connection
    tx = _Tx(s.sync_session.get_transaction(), conn, inline, pg)
    s.info[_DRIVER] = tx
    return tx


class Prepared:
    """A Core statement with bindparam()s, to run with plain values; rows are tuples."""

    __slots__ = ("_by_dialect", "stmt")

    def __init__(self, stmt: Executable) -> None:
        self.stmt = stmt
        # By backend and driver, not by engine: every engine comes from storage.db with the
        # same options, and tests make many engines.
        self._by_dialect: dict[tuple[str, str], _Compiled] = {}

    def _compiled(self, dialect: Dialect) -> _Compiled:
        key = (dialect.name, dialect.driver)
        found = self._by_dialect.get(key)
        if found is not None:
            return found
        assert isinstance(self.stmt, ClauseElement)
        compiled: Any = self.stmt.compile(dialect=dialect)
        names = tuple(compiled.positiontup or ())
        binds = tuple(
            compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names
        )
        fixed = {
            n: compiled.binds[n].effective_value for n in names if not compiled.binds[n].required
        }
        columns = getattr(self.stmt, "selected_columns", None)
        if columns is None:
            returning = getattr(self.stmt, "_returning", ())
            columns = list(returning)
        results = tuple(
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
        )
        found = _Compiled(compiled.string, names, binds, fixed, results)
        self._by_dialect[key] = found
        return found

    def _params(self, c: _Compiled, params: Mapping[str, Any]) -> tuple[Any, ...]:
        if c.fixed:
            params = {**c.fixed, **params}
        return tuple(
            params[n] if p is None else p(params[n]) for n, p in zip(c.names, c.binds, strict=True)
        )

    @staticmethod
    def _rows(c: _Compiled, rows: list[Any]) -> list[Row]:
        if not any(c.results):
            return rows
        procs = c.results
        return [
            tuple(v if p is None else p(v) for v, p in zip(row, procs, strict=True)) for row in rows
        ]

    async def all(self, s: AsyncSession, **params: Any) -> list[Row]:
        tx = await _tx(s)
        if tx.inline is not None:
            c = self._compiled(tx.conn.dialect)
            rows = tx.inline.run(c.sql, self._params(c, params)).fetchall()
            return self._rows(c, rows)
        if tx.pg is not None:
            c = self._compiled(tx.conn.dialect)
            args = self._params(c, params)
            if tx.pg.is_in_transaction():
                return self._rows(c, await tx.pg.fetch(c.sql, *args))
            # SQLAlchemy's driver adapter begins the transaction on its first statement.
            return self._rows(c, list((await tx.conn.exec_driver_sql(c.sql, args)).all()))
        return list((await tx.conn.execute(self.stmt, params)).all())

    async def first(self, s: AsyncSession, **params: Any) -> Row | None:
        rows = await self.all(s, **params)
        return rows[0] if rows else None

    async def scalar(self, s: AsyncSession, **params: Any) -> Any:
        row = await self.first(s, **params)
        return row[0] if row else None

    async def rowcount(self, s: AsyncSession, **params: Any) -> int:
        """Run a statement that returns no rows; how many rows it changed."""
        tx = await _tx(s)
        if tx.inline is not None:
            c = self._compiled(tx.conn.dialect)
            return tx.inline.run(c.sql, self._params(c, params)).rowcount
        result: Any
        if tx.pg is not None:
            c = self._compiled(tx.conn.dialect)
            args = self._params(c, params)
            if tx.pg.is_in_transaction():
                status = await tx.pg.execute(c.sql, *args)
                return int(status.rsplit(" ", 1)[-1])  # "UPDATE 1", "INSERT 0 1"
            result = await tx.conn.exec_driver_sql(c.sql, args)
        else:
            result = await tx.conn.execute(self.stmt, params)
        return int(result.rowcount)
