"""An aiosqlite stand-in that runs SQLite calls on the event loop's own thread.

aiosqlite hands every call to a worker thread and back; on this machine that costs
~0.5 ms a query, which capped a turn at ~90/s. A local SQLite call takes microseconds,
so running it inline is faster than the hand-off. It is safe because the engine uses a
one-connection pool (see storage.db): turns queue for the connection asynchronously and
never block the loop on SQLite's own write lock held by this process.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Any

from sqlalchemy.util import await_only


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        self._cursor.execute(sql, parameters or ())
        return self

    async def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> InlineCursor:
        self._cursor.executemany(sql, seq)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _Requests:
    """Stands in for aiosqlite's request queue, which SQLAlchemy uses to set isolation_level."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as exc:
            future.set_exception(exc)


class InlineConnection:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._tx = _Requests()

    def __await__(self) -> Generator[Any, None, InlineConnection]:
        return self
        yield  # a generator that returns at once: "await connection" needs no thread start

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = value  # type: ignore[assignment]

    def run(self, sql: str, parameters: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Execute at once, without the async wrapper (see storage.prepared)."""
        return self._conn.execute(sql, parameters)

    def begin_immediate(self, patience: float) -> None:
        """BEGIN IMMEDIATE without blocking the loop on another process's write lock.

        Runs inside SQLAlchemy's greenlet (the "begin" event), so it can await: SQLite is
        asked with a near-zero busy timeout, and while another process holds the lock the
        loop sleeps between tries (other chats, webhooks and /health go on). Once this
        connection holds the write lock, nothing else in a WAL database waits on a lock.
        """
        deadline = time.monotonic() + patience
        pause = 0.005
        while True:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() + pause > deadline:
                    raise
            await_only(asyncio.sleep(pause))
            pause = min(pause * 2, 0.1)

    def trace(self, callback: Callable[[str], object] | None) -> None:
        """Call `callback(sql)` for every statement SQLite runs (bench/turns.py counts them)."""
        self._conn.set_trace_callback(callback)

    async def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        return InlineCursor(self._conn.execute(sql, parameters or ()))

    async def create_function(self, *args: Any, **kw: Any) -> None:
        self._conn.create_function(*args, **kw)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self._conn.close()

    def stop(self) -> None:
        self._conn.close()


# What a statement may block the loop for on a lock: BEGIN IMMEDIATE waits asynchronously
# (above), so only rare cases (a WAL recovery) ever meet this.
INLINE_BUSY_S = 0.02


def connector(database: str) -> Callable[..., InlineConnection]:
    def connect(*_args: Any, **_kw: Any) -> InlineConnection:
        return InlineConnection(
            sqlite3.connect(
                database, timeout=INLINE_BUSY_S, check_same_thread=False, isolation_level=None
            )
        )

    return connect
