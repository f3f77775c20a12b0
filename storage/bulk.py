"""Bulk loading for generated data: COPY on PostgreSQL, executemany on SQLite."""

# Rows arrive as tuples of Python values in a table's column order; SQLite gets dates and
# instants as the text SQLAlchemy itself stores. On PostgreSQL a large load may drop the
# secondary indexes first and build them once at the end, which is several times faster
# than keeping twenty million entries sorted row by row.

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Date, Index, Table, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.schema import CreateIndex

from storage.models import Base, UTCDateTime


def _sqlite_converters(
    table: str, columns: Sequence[str]
) -> list[tuple[int, Callable[[Any], Any]]]:
    """Per column, how SQLAlchemy itself would store a value in SQLite (text dates, naive UTC)."""
    out: list[tuple[int, Callable[[Any], Any]]] = []
    t = Base.metadata.tables[table]
    for i, name in enumerate(columns):
        kind = t.c[name].type
        if isinstance(kind, UTCDateTime):
            out.append((i, _memo(lambda v: v.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f"))))
        elif isinstance(kind, Date):
            out.append((i, _memo(lambda v: v.isoformat())))
        elif isinstance(kind, JSON):
            out.append((i, lambda v: v if isinstance(v, str) else json.dumps(v)))
    return out


def _memo(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Generated rows repeat a few thousand days and one instant: convert each once."""
    seen: dict[Any, Any] = {None: None}

    def convert(v: Any) -> Any:
        try:
            return seen[v]
        except KeyError:
            seen[v] = out = fn(v)
            return out

    return convert


class Loader:
    """Writes rows of one table at a time inside the connection's transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.rows_written = 0

    async def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        self.rows_written += len(rows)
        if self.pg:
            # JSON columns must already hold JSON text (asyncpg's COPY sends it as is).
            raw = await self.conn.get_raw_connection()
            await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                table, records=rows, columns=list(columns)
            )
            return
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        converters = _sqlite_converters(table, columns)
        converted = []
        for row in rows:
            values = list(row)
            for i, convert in converters:
                values[i] = convert(values[i])
            converted.append(tuple(values))
        await self.conn.exec_driver_sql(sql, converted)

    async def next_id(self, table: str) -> int:
        return (
            int(
                (
                    await self.conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}"))
                ).scalar_one()
            )
            + 1
        )

    async def fix_sequences(self, tables: Sequence[str]) -> None:
        """After explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
        if not self.pg:
            return
        for table in tables:
            await self.conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
                )
            )


def secondary_indexes(tables: Sequence[str]) -> list[Index]:
    """The model's non-unique indexes of these tables (unique ones guard the data: kept)."""
    out: list[Index] = []
    for name in tables:
        table: Table = Base.metadata.tables[name]
        out.extend(ix for ix in table.indexes if not ix.unique)
    return out


async def drop_indexes(conn: AsyncConnection, indexes: Sequence[Index]) -> None:
    for ix in indexes:
        await conn.execute(text(f'DROP INDEX IF EXISTS "{ix.name}"'))


async def create_indexes(conn: AsyncConnection, indexes: Sequence[Index]) -> None:
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    for ix in indexes:
        await conn.execute(CreateIndex(ix, if_not_exists=True))


async def set_triggers(conn: AsyncConnection, tables: Sequence[str], enabled: bool) -> None:
    """PostgreSQL only: switch off foreign-key checks and the tally triggers for a load
    into empty tables of generated, consistent rows (the tallies are built afterwards)."""
    if conn.dialect.name != "postgresql":
        return
    verb = "ENABLE" if enabled else "DISABLE"
    for table in tables:
        await conn.execute(text(f"ALTER TABLE {table} {verb} TRIGGER ALL"))
