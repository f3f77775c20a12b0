"""The start of a turn in one round trip (storage.repositories.turn_start): a replay is
dropped, and a turn that waited for the chat's lock sees what the turn before it wrote."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import transaction
from storage.repositories import conversations, people, turn_start
from tests.support.chat_fixtures import World

KEY = ("web", "sim")


async def start(s: AsyncSession, update: str, now: dt.datetime) -> turn_start.TurnStart | None:
    return await turn_start.begin_turn(s, *KEY, update, "lan", "lan", now)


async def test_begin_turn_loads_state_person_and_roles_and_drops_a_replay(
    db_world: World,
) -> None:
    now = db_world.clock()
    async with transaction(db_world.maker) as s:
        first = await start(s, "u1", now)
        assert first is not None
        await conversations.save_state(s, first.conv_id, first.version, {"x": 1}, now)
    async with transaction(db_world.maker) as s:
        again = await start(s, "u2", now)
        replay = await turn_start.begin_turn(s, *KEY, "u1", "other-chat", "lan", now)
    assert replay is None
    assert again is not None and again.state == {"x": 1} and again.version == first.version + 1
    assert again.person is not None and again.person.display_name == "Nguyễn Thị Lan"
    assert [(kind.value, unit.code) for kind, unit in again.roles] == [("branch_head", "TH-QP-01")]


async def test_a_stranger_starts_a_turn_with_no_person(db_world: World) -> None:
    async with transaction(db_world.maker) as s:
        got = await turn_start.begin_turn(s, *KEY, "s1", "nobody", "nobody", db_world.clock())
    assert got is not None and got.person is None and got.roles == [] and got.state == {}


async def _waiting_for_a_lock(s: AsyncSession) -> bool:
    n = await s.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"))
    return bool(n)


async def test_a_turn_that_waited_for_the_lock_sees_the_previous_turns_writes(
    db_world: World, db_url: str
) -> None:
    """Turn A holds the chat and changes Lan's language; turn B of the same chat starts
    meanwhile and waits. B's one statement saw the database before A committed, so B must
    read the person again: it sees English, and A's state version."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writer at a time: nothing waits inside a statement")
    now = db_world.clock()
    async with transaction(db_world.maker) as s:  # the chat exists (its first turn)
        assert await start(s, "w0", now) is not None
    a = db_world.maker()
    await a.begin()
    got_a = await start(a, "w1", now)
    assert got_a is not None and got_a.person is not None and got_a.person.locale == "vi"
    await people.set_locale(a, got_a.person.id, "en")
    await conversations.save_state(a, got_a.conv_id, got_a.version, {"by": "a"}, now)

    async def turn_b() -> turn_start.TurnStart | None:
        async with transaction(db_world.maker) as b:
            return await start(b, "w2", now)

    b_task = asyncio.create_task(turn_b())
    async with db_world.maker() as watcher:
        for _ in range(500):  # B reaches the lock within a few polls; no fixed sleep
            if await _waiting_for_a_lock(watcher):
                break
            await asyncio.sleep(0.01)
        else:
            pytest.fail("turn B never waited for the chat's lock")
    await a.commit()
    await a.close()
    got_b = await b_task
    assert got_b is not None
    assert got_b.state == {"by": "a"} and got_b.version == got_a.version + 1
    assert got_b.person is not None and got_b.person.locale == "en"
