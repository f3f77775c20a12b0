"""One sender per bot across processes (PostgreSQL): a session advisory lock per (channel, bot).

A platform's limit is per bot (Telegram: 30 messages a second), and each sender paces only
its own sends: two processes draining one bot's rows would together send up to twice its
limit, and the platform would refuse the excess (429). So a sender drains only the bots
whose lock it holds, on a connection of its own, for the length of a drain (every row it
claimed is settled by then); another process's sender takes the bot at its next drain.
When a process dies its connection closes and its locks are free: the next sender to take
the bot also finds the rows left in sending, once their lease expires.
SQLite has one sender process, which owns every bot.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

NAMESPACE = 0x63686973  # "chis": the first of the two keys; the sweep's lock uses one key

Route = tuple[str, str]  # (channel, bot_id)


def key_of(route: Route) -> int:
    """The bot's lock key: a stable hash (Python's hash() differs between processes),
    as a signed 32-bit integer. Two bots sharing a key are merely drained by one process."""
    return zlib.crc32(f"{route[0]}\x00{route[1]}".encode()) - 2**31


class BotLocks:
    """The bots this process's sender holds; `hold` takes any that are free."""

    def __init__(self, engine: AsyncEngine | None) -> None:
        self.engine = engine
        self.conn: AsyncConnection | None = None
        self.held: set[Route] = set()

    async def hold(self, routes: Collection[Route]) -> list[Route] | None:
        """Of `routes`, those this sender may drain (taking any free lock now); None on
        SQLite: all of them and any other bot's rows."""
        if self.engine is None or self.engine.dialect.name != "postgresql":
            return None
        try:
            if self.conn is None:
                conn = await self.engine.connect()
                self.conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            wanted = [r for r in routes if r not in self.held]
            for r in wanted:  # a few bots: one short statement each
                if await self._try(r):
                    self.held.add(r)
            if not wanted:  # the connection, and so every lock held, is still there
                await self.conn.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            await self.close()  # the locks went with the connection: take them afresh later
            return []
        return [r for r in routes if r in self.held]

    async def _try(self, route: Route) -> bool:
        assert self.conn is not None
        got = await self.conn.scalar(
            text("SELECT pg_try_advisory_lock(:ns, :key)"), {"ns": NAMESPACE, "key": key_of(route)}
        )
        return bool(got)

    async def close(self) -> None:
        """Free every lock held, and the connection."""
        conn, self.conn, self.held = self.conn, None, set()
        if conn is None:
            return
        try:
            # Back in the pool the session lives on, and so would its locks.
            await conn.execute(text("SELECT pg_advisory_unlock_all()"))
            await conn.close()
        except (SQLAlchemyError, OSError):
            await conn.invalidate()  # a broken connection: its locks went with it
