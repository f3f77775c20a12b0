"""Two bot processes on one database: one chat's turns never interleave; a replay runs once."""

from __future__ import annotations

import asyncio

from bot.core.engine import Engine
from bot.core.types import TELEGRAM_CAPS
from handlers import registry
from storage import db
from storage.repositories import conversations
from tests.support.chat import Chat, show
from tests.support.chat_fixtures import World


async def _second_process(world: World, url: str) -> tuple[Engine, object]:
    """An engine with its own connection pool, as another process would have."""
    eng = db.make_engine(url)
    other = Engine(db.make_sessionmaker(eng), registry(), world.engine.rules, clock=world.clock)
    return other, eng


async def test_two_processes_take_turns_of_one_chat_in_order(db_world: World, db_url: str) -> None:
    lan = Chat(db_world.engine, TELEGRAM_CAPS, "lan", db_world.clock)
    await lan.script([("user", "ngôn ngữ"), ("bot", "Chọn ngôn ngữ")])
    other, eng = await _second_process(db_world, db_url)
    try:
        first, second = await asyncio.gather(
            db_world.engine.handle(lan.incoming(text="English")),
            other.handle(lan.incoming(text="English")),
        )
    finally:
        await eng.dispose()  # type: ignore[attr-defined]
    texts = sorted(show(r, TELEGRAM_CAPS) for r in [*first, *second])
    # One turn answered the open question; the other found the dialog done and got the menu.
    assert sum("Đã chuyển" in t or "Language changed" in t for t in texts) == 1
    assert sum("What would you like to do" in t for t in texts) == 1
    async with db_world.maker() as s:
        state = await conversations.get_state(s, "web", "sim", "lan")
    assert "dialog" not in state


async def test_a_replay_racing_itself_is_processed_once(db_world: World, db_url: str) -> None:
    lan = Chat(db_world.engine, TELEGRAM_CAPS, "lan", db_world.clock)
    inc = lan.incoming(text="menu", update_id="race-1")
    other, eng = await _second_process(db_world, db_url)
    try:
        results = await asyncio.gather(db_world.engine.handle(inc), other.handle(inc))
    finally:
        await eng.dispose()  # type: ignore[attr-defined]
    assert sorted(len(r) for r in results) == [0, 1]
