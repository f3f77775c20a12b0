"""Turns per second and latency of the engine, beside python-telegram-bot's own dispatch.

Run: .venv/bin/python bench/turns.py [--turns 3000] [--pg postgresql+asyncpg://...]
A turn here is a realistic pair, alternated: a menu word that opens a dialog, then the
answer that completes it (dedupe insert, chat lock, person+roles load, state save, commit;
the answer's turn also saves the language and shows the menu with its quarter note).
Latency is each `engine.handle` call's wall time, one turn at a time on one connection.
"SQL/turn" counts the statements the database ran (BEGIN and COMMIT included) over 200
further turns after the timed ones, so the counting costs the timing nothing.
Prints figures; asserts nothing (this is not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update, User
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.core.engine import Engine
from bot.core.types import TELEGRAM_CAPS, Incoming
from bot.domain.rules import Rules
from bot.seeding.demo import seed
from handlers import registry
from storage import db, sqlite_inline
from storage.db import transaction
from tests.support import databases

VN = dt.timezone(dt.timedelta(hours=7))


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def statement_counter(eng: AsyncEngine) -> list[int]:
    """counter[0] grows by one for each statement the database driver sends."""
    counter = [0]

    def count(*_args: Any) -> None:
        counter[0] += 1

    @event.listens_for(eng.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
        driver = dbapi_conn.driver_connection
        if isinstance(driver, sqlite_inline.InlineConnection):
            driver.trace(count)
        elif hasattr(driver, "add_query_logger"):  # asyncpg: what it runs itself...
            driver.add_query_logger(count)

    if not db.is_sqlite(str(eng.url)):  # ...plus the prepared statements SQLAlchemy sends it

        @event.listens_for(eng.sync_engine, "before_cursor_execute")
        def _on_execute(*_args: Any) -> None:
            count()

    return counter


async def engine_bench(url: str, turns: int) -> tuple[float, float, float, float]:
    eng = db.make_engine(url)
    counter = statement_counter(eng)
    maker = db.make_sessionmaker(eng)
    now = dt.datetime.now(dt.UTC)
    async with transaction(maker) as s:
        await seed(s, now)
    engine = Engine(maker, registry(), Rules())  # type: ignore[arg-type]
    words = ["ngôn ngữ", "Tiếng Việt"]
    latencies: list[float] = []
    for i in range(200 + turns + 200):  # the first 200 warm caches and dateparser
        inc = Incoming(
            "web", "sim", "lan", "lan", f"b{i}", now, text=words[i % 2], caps=TELEGRAM_CAPS
        )
        if i == 200 + turns:
            counter[0] = 0  # timing done: count the statements of 200 more turns
        t = time.perf_counter()
        replies = await engine.handle(inc)
        if 200 <= i < 200 + turns:
            latencies.append(time.perf_counter() - t)
        assert replies, "the engine went silent"
    await eng.dispose()
    total = sum(latencies)
    per_turn = counter[0] / 200
    return turns / total, pct(latencies, 0.5) * 1000, pct(latencies, 0.99) * 1000, per_turn


async def ptb_bench(turns: int) -> tuple[float, float, float, float]:
    """Update.de_json + Application.process_update to a handler that does nothing."""
    app = Application.builder().token("123:abc").updater(None).build()

    async def noop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        return None

    app.add_handler(MessageHandler(filters.TEXT, noop))
    # No network: mark the bot as initialised with a known identity.
    app.bot._bot_user = User(123, "bench", True, username="benchbot")  # type: ignore[attr-defined]
    app.bot._initialized = True  # type: ignore[attr-defined]
    app._initialized = True  # type: ignore[attr-defined]
    latencies: list[float] = []
    for i in range(200 + turns):
        data = {
            "update_id": i,
            "message": {
                "message_id": i,
                "date": 0,
                "text": "menu",
                "chat": {"id": 5, "type": "private"},
                "from": {"id": 5, "is_bot": False, "first_name": "Lan"},
            },
        }
        t = time.perf_counter()
        await app.process_update(Update.de_json(data, app.bot))
        if i >= 200:
            latencies.append(time.perf_counter() - t)
    return turns / sum(latencies), pct(latencies, 0.5) * 1000, pct(latencies, 0.99) * 1000, 0.0


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=3000)
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL", databases.DEFAULT_PG))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        await asyncio.to_thread(db.upgrade, url)
        rows.append(("chihoi engine, SQLite", *await engine_bench(url, args.turns)))
    if await databases.pg_reachable(args.pg) is None:
        url = await databases.create_pg_database(args.pg)
        try:
            await asyncio.to_thread(db.upgrade, url)
            rows.append(("chihoi engine, PostgreSQL", *await engine_bench(url, args.turns)))
        finally:
            await databases.drop_pg_database(args.pg, url)
    base = await ptb_bench(args.turns)
    rows.append(("PTB de_json + dispatch (no storage)", *base))
    print(f"{'what':40} {'turns/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs PTB':>7} {'SQL/turn':>9}")
    for name, rate, p50, p99, sql in rows:
        print(f"{name:40} {rate:9.0f} {p50:8.2f} {p99:8.2f} {rate / base[0]:7.2f} {sql:9.1f}")


if __name__ == "__main__":
    asyncio.run(main())
