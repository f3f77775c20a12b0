"""A SQLite write lock held elsewhere makes a turn wait, never the event loop (issue 15.7)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage import db

HELD_S = 1.0


async def test_a_lock_held_by_another_connection_does_not_stop_the_loop(sqlite_url: str) -> None:
    engine = db.make_engine(sqlite_url)
    maker = db.make_sessionmaker(engine)
    path = make_url(sqlite_url).database
    assert path is not None
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:  # another writer (a CLI import, another process) holds the lock
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        holding.set()
        release.wait(10)
        conn.execute("COMMIT")
        conn.close()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    loop = asyncio.get_running_loop()
    gaps: list[float] = []
    done = asyncio.Event()

    async def tick() -> None:  # what every other chat, webhook and /health experience
        while not done.is_set():
            start = loop.time()
            await asyncio.sleep(0.01)
            gaps.append(loop.time() - start)

    async def turn() -> float:
        start = time.monotonic()
        async with db.transaction(maker) as s:
            await s.execute(text("UPDATE org_unit SET name = name WHERE id = -1"))
        return time.monotonic() - start

    ticker = asyncio.create_task(tick())
    waiting = asyncio.create_task(turn())
    await asyncio.sleep(HELD_S)
    release.set()
    took = await waiting
    done.set()
    await ticker
    holder.join()
    await engine.dispose()
    assert took >= HELD_S * 0.9  # the turn did wait for the lock ...
    assert max(gaps) < 0.25, max(gaps)  # ... while the loop went on
