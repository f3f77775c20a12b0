"""Turns per second and latency of the engine, beside python-telegram-bot's own dispatch.

Run: .venv/bin/python -m bench.turns [--turns 3000] [--concurrency 16] [--pg postgresql+asyncpg://...]
A turn here is a realistic pair, alternated: a menu word that opens a dialog, then the
answer that completes it (dedupe insert, chat lock, person+roles load, state save, commit;
the answer's turn also saves the language and shows the menu with its quarter note).
Latency is each `engine.handle` call's wall time. Sequential: one turn at a time on one
connection. With --concurrency N: N chats of N officers at once, each chat one turn after
another (the engine's per-chat order), on the engine's usual pool; turns/s is all turns
over the wall time.
"SQL/turn" counts the statements the database ran (BEGIN and COMMIT included) over 200
further turns after the timed ones, so the counting costs the timing nothing.
The floor, measured in the same run on the same database and the same way (sequential,
then N at once): the least a durable turn can do with SQLAlchemy async, two statements in
one transaction: INSERT ... ON CONFLICT DO NOTHING RETURNING of the update id, and an
upsert of the chat's conversation row, run on the prepared-statement path the engine's
bookkeeping uses ("floor"), and through session.execute of the same Core statements
("floor (Core)", SQLAlchemy's ordinary path). Each row prints its share of the first
(issue 20 item 1: ≥ 90%); the Core floor shows what that path alone costs, and the
engine's share of it is printed too ("Core": the floor as the issue words it, two
statements through SQLAlchemy async).
Prints figures; asserts nothing (this is not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update, User
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.core.engine import Engine
from bot.core.types import TELEGRAM_CAPS, Incoming
from bot.domain.enums import RoleKind
from bot.domain.rules import Rules
from bot.seeding.demo import seed
from handlers import registry
from storage import db, sqlite_inline
from storage.db import transaction
from storage.models import Conversation, ProcessedUpdate
from storage.prepared import Prepared
from storage.repositories import org, people
from storage.sessions import Maker
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


Result = tuple[float, float, float, float]  # turns/s, p50 ms, p99 ms, statements a turn
ROUNDS = 5  # floor and engine take turns this many times
WARM = 200  # turns before timing (spread over the chats): caches, prepared statements, dateparser


async def officers(maker: Maker, n: int, now: dt.datetime) -> list[str]:
    """n officers on the web simulator: the demo's Lan, then branch heads of her branch."""
    users = ["lan"]
    async with transaction(maker) as s:
        lan, roles = await people.person_and_roles(s, "web", "sim", "lan")
        assert lan is not None and roles
        branch = await org.by_code(s, roles[0][1].code)
        assert branch is not None
        for k in range(1, n):
            p = await people.create_person(s, f"Cán bộ {k}", now)
            await people.link_identity(s, p.id, "web", "sim", f"u{k}", f"u{k}", now)
            await people.grant_role(s, p.id, branch.id, RoleKind.BRANCH_HEAD)
            users.append(f"u{k}")
    return users


async def run_chats(
    n: int, turns: int, one: Callable[[str, int], Awaitable[None]]
) -> tuple[float, list[float]]:
    """`turns` timed turns spread over n chats at once (each chat in order); wall s, latencies."""
    per_chat = max(1, turns // n)
    latencies: list[float] = []

    async def chat(k: int) -> None:
        for i in range(per_chat):
            t = time.perf_counter()
            await one(f"c{k}", i)
            latencies.append(time.perf_counter() - t)

    started = time.perf_counter()
    await asyncio.gather(*(chat(k) for k in range(n)))
    return time.perf_counter() - started, latencies


Turn = Callable[[str, int], Awaitable[None]]


@dataclass
class Setup:
    turn: Turn
    counter: list[int]
    close: Callable[[], Awaitable[None]]


async def engine_setup(url: str, concurrency: int, tag: str) -> Setup:
    eng = db.make_engine(url, **({} if db.is_sqlite(url) else {"pool_size": concurrency}))
    counter = statement_counter(eng)
    maker = db.make_sessionmaker(eng)
    now = dt.datetime.now(dt.UTC)
    async with transaction(maker) as s:
        await seed(s, now)
    users = await officers(maker, concurrency, now)
    engine = Engine(maker, registry(), Rules())  # type: ignore[arg-type]
    words = ["ngôn ngữ", "Tiếng Việt"]
    serial = [0]

    async def turn(chat: str, i: int) -> None:
        serial[0] += 1
        user = users[int(chat[1:])]
        inc = Incoming(
            "web", "sim", user, user, f"{tag}-{serial[0]}", now, text=words[i % 2],
            caps=TELEGRAM_CAPS,
        )  # fmt: skip
        replies = await engine.handle(inc)
        assert replies, "the engine went silent"

    return Setup(turn, counter, eng.dispose)


_FLOOR_CLAIM = {
    d: Prepared(
        insert(ProcessedUpdate)
        .values(
            channel=bindparam("channel"), bot_id=bindparam("bot_id"),
            update_id=bindparam("update_id"), at=bindparam("at", type_=ProcessedUpdate.at.type),
        )
        .on_conflict_do_nothing()
        .returning(ProcessedUpdate.update_id)
    )
    for d, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}  # fmt: skip


def _floor_upsert(insert: Any) -> Prepared:
    up = insert(Conversation).values(
        channel=bindparam("channel"), bot_id=bindparam("bot_id"), chat_id=bindparam("chat_id"),
        state=bindparam("state", type_=Conversation.state.type), version=0,
        updated_at=bindparam("now", type_=Conversation.updated_at.type),
    )  # fmt: skip
    return Prepared(
        up.on_conflict_do_update(
            index_elements=["channel", "bot_id", "chat_id"],
            set_={"state": up.excluded.state, "version": Conversation.version + 1},
        )
    )


_FLOOR_UPSERT = {"postgresql": _floor_upsert(pg_insert), "sqlite": _floor_upsert(sqlite_insert)}


async def floor_setup(url: str, concurrency: int, tag: str, core: bool = False) -> Setup:
    """Two statements in one transaction per turn, through SQLAlchemy's async session and
    the same prepared-statement path the engine's own bookkeeping uses (`core`: through
    session.execute of the Core statements instead, SQLAlchemy's ordinary path)."""
    eng = db.make_engine(url, **({} if db.is_sqlite(url) else {"pool_size": concurrency}))
    counter = statement_counter(eng)
    maker = db.make_sessionmaker(eng)
    dialect = "sqlite" if db.is_sqlite(url) else "postgresql"
    claim, upsert = _FLOOR_CLAIM[dialect], _FLOOR_UPSERT[dialect]
    now = dt.datetime.now(dt.UTC)
    serial = [0]

    async def turn(chat: str, i: int) -> None:
        serial[0] += 1
        key = {"channel": "bench", "bot_id": tag}
        async with transaction(maker) as s:
            if core:
                args = {"update_id": str(serial[0]), "at": now, **key}
                assert (await s.execute(claim.stmt, args)).first() is not None
                args = {"chat_id": chat, "state": {"i": i}, "now": now, **key}
                await s.execute(upsert.stmt, args)
                return
            got = await claim.first(s, update_id=str(serial[0]), at=now, **key)
            assert got is not None
            await upsert.rowcount(s, chat_id=chat, state={"i": i}, now=now, **key)

    return Setup(turn, counter, eng.dispose)


async def compare(url: str, name: str, turns: int, concurrency: int) -> list[tuple[str, Result]]:
    """Floor and engine in alternating rounds, so a change in the machine's load hits both."""
    suffix = f", {concurrency} chats" if concurrency > 1 else ""
    setups = {
        f"floor, {name}{suffix}": await floor_setup(url, concurrency, f"f{concurrency}"),
        f"floor (Core), {name}{suffix}": await floor_setup(
            url, concurrency, f"c{concurrency}", core=True
        ),
        f"chihoi engine, {name}{suffix}": await engine_setup(url, concurrency, f"e{concurrency}"),
    }
    for setup in setups.values():
        await run_chats(concurrency, WARM, setup.turn)
    walls = dict.fromkeys(setups, 0.0)
    latencies: dict[str, list[float]] = {k: [] for k in setups}
    for _round in range(ROUNDS):
        for key, setup in setups.items():
            wall, got = await run_chats(concurrency, turns // ROUNDS, setup.turn)
            walls[key] += wall
            latencies[key] += got
    rows = []
    for key, setup in setups.items():
        setup.counter[0] = 0  # timing done: count the statements of 200 more turns
        await run_chats(1, 200, setup.turn)
        lat = latencies[key]
        rows.append(
            (key, (len(lat) / walls[key], pct(lat, 0.5) * 1000, pct(lat, 0.99) * 1000, setup.counter[0] / 200))
        )  # fmt: skip
        await setup.close()
    return rows


async def backend(name: str, url: str, turns: int, concurrency: int) -> list[tuple[str, Result]]:
    rows = await compare(url, name, turns, 1)
    if concurrency > 1:
        rows += await compare(url, name, turns, concurrency)
    return rows


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
    parser.add_argument(
        "--concurrency", type=int, default=16, help="chats at once (1: sequential only)"
    )
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL", databases.DEFAULT_PG))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    rows: list[tuple[str, Result]] = []
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
            await asyncio.to_thread(db.upgrade, url)
            # SQLite has one writer: concurrent chats queue on it, so sequential only.
            rows += await backend("SQLite", url, args.turns, 1)
    if await databases.pg_reachable(args.pg) is None:
        url = await databases.create_pg_database(args.pg)
        try:
            await asyncio.to_thread(db.upgrade, url)
            rows += await backend("PostgreSQL", url, args.turns, args.concurrency)
        finally:
            await databases.drop_pg_database(args.pg, url)
    base = await ptb_bench(args.turns)
    head = f"{'what':44} {'turns/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'floor':>6} {'Core':>6}"
    print(f"{head} {'SQL/turn':>8}")
    floor = core = 0.0
    for name, (rate, p50, p99, sql) in rows:
        floor = rate if name.startswith("floor,") else floor
        core = rate if name.startswith("floor (Core),") else core
        share = f"{rate / floor:6.0%}" if not name.startswith("floor,") else ""
        # the issue's own floor: the two statements through SQLAlchemy async's usual path
        of_core = f"{rate / core:6.0%}" if name.startswith("chihoi") else ""
        print(f"{name:44} {rate:8.0f} {p50:7.2f} {p99:7.2f} {share:>6} {of_core:>6} {sql:8.1f}")
    rate, p50, p99, _ = base
    print(f"{'PTB de_json + dispatch (no storage)':44} {rate:8.0f} {p50:7.2f} {p99:7.2f}")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
