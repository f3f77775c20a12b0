"""PostgreSQL: sweeps in several processes write each message once; senders share the work."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select, text

from bot.domain import rules as R
from bot.domain.enums import OutboxStatus
from bot.domain.rules import Rules
from bot.scheduler.sweep import sweep
from storage import db
from storage.db import transaction
from storage.models import Outbox
from storage.repositories import outbox as repo
from storage.repositories.sweep_lock import LOCK_KEY
from tests.scheduler.support import Delivered, FakeTime, Recorder, local, sender
from tests.support import databases
from tests.support.chat_fixtures import Clock, World, make_world


@pytest.fixture
async def pg_world(pg_url: str, clock: Clock) -> AsyncIterator[World]:
    await databases.truncate_all(pg_url)
    world, close = await make_world(pg_url, clock)
    yield world
    await close()  # type: ignore[misc]


async def count(world: World) -> int:
    async with world.maker() as s:
        return int(await s.scalar(select(func.count(Outbox.id))) or 0)


async def test_concurrent_sweeps_write_each_message_once(pg_world: World, pg_url: str) -> None:
    """Separate engines stand for separate processes."""
    engines = [db.make_engine(pg_url) for _ in range(4)]
    makers = [db.make_sessionmaker(e) for e in engines]
    moment = local(2026, 4, 16)  # Q1 escalations to chair and province, and the digest grace
    try:
        reports = await asyncio.gather(
            *(sweep(m, moment, Rules(), pg_world.engine.registry) for m in makers * 2)
        )
    finally:
        for e in engines:
            await e.dispose()
    added = sum(r.total() for r in reports)
    assert added == await count(pg_world) > 0
    assert sum(1 for r in reports if r.total()) >= 1
    async with pg_world.maker() as s:
        keys = (await s.scalars(select(Outbox.key))).all()
    assert len(keys) == len(set(keys))
    kinds = Counter(k.split("|")[0] for k in keys)
    assert kinds[R.MEETING_LATE] == 1 and kinds[R.MEETING_LATE_PROVINCE] == 1


async def test_a_sweep_waits_for_no_one_while_another_holds_the_lock(pg_world: World) -> None:
    async with transaction(pg_world.maker) as s:
        assert await s.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
        report = await sweep(pg_world.maker, local(2026, 3, 17), Rules(), pg_world.engine.registry)
        assert report.skipped and report.total() == 0
    report = await sweep(pg_world.maker, local(2026, 3, 17), Rules(), pg_world.engine.registry)
    assert not report.skipped and report.total() > 0
    again = await sweep(pg_world.maker, local(2026, 3, 17, 15), Rules(), pg_world.engine.registry)
    assert again.total() == 0


async def test_two_senders_share_the_outbox_without_overlap(pg_world: World, pg_url: str) -> None:
    start = local(2026, 3, 20, 9)
    async with transaction(pg_world.maker) as s:
        for i in range(300):
            await repo.enqueue(s, f"t|{i}", "test", "web", "sim", f"c{i}", {"text": f"m{i}"}, start)
    engines = [db.make_engine(pg_url) for _ in range(2)]
    clocks = [FakeTime(start), FakeTime(start)]
    recorders = [Recorder(c) for c in clocks]
    # Both on one bot only for this test: claims must not overlap even then.
    senders = [
        sender(db.make_sessionmaker(e), c, r, batch=20, concurrency=4, one_per_bot=False)
        for e, c, r in zip(engines, clocks, recorders, strict=True)
    ]
    try:
        reports = await asyncio.gather(*(s.drain() for s in senders))
    finally:
        for e in engines:
            await e.dispose()
    texts = [d.text for r in recorders for d in r.sent]
    assert sorted(texts) == sorted(f"m{i}" for i in range(300))  # each exactly once
    assert sum(r.sent for r in reports) == 300
    async with pg_world.maker() as s:
        rows = (await s.scalars(select(Outbox))).all()
    assert {r.status for r in rows} == {OutboxStatus.SENT} and {r.attempts for r in rows} == {1}
    assert all(r.sent_at is not None and r.sent_at >= start - dt.timedelta(seconds=1) for r in rows)


@pytest.mark.parametrize("flushes", [1, 3])
async def test_group_commits_of_sent_marks_overlap_up_to_flushes(
    pg_world: World, flushes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow commit (here: the first one waits up to 2 s for a second to begin) holds only
    its own workers: with `flushes` > 1 another group commit starts meanwhile. Every message
    is still sent once and counted once."""
    start = local(2026, 3, 20, 9)
    async with transaction(pg_world.maker) as s:
        for i in range(40):
            await repo.enqueue(s, f"f|{i}", "test", "web", "sim", f"c{i}", {"text": f"m{i}"}, start)
    running, most, second = 0, 0, asyncio.Event()
    mark_sent = repo.mark_sent

    async def slow_mark_sent(*args: object) -> int:
        nonlocal running, most
        running += 1
        most = max(most, running)
        if running > 1:
            second.set()
        try:
            if most == 1:  # the first commit: wait for another to begin (or give up)
                await asyncio.wait_for(second.wait(), timeout=2.0)
        except TimeoutError:
            pass
        finally:
            running -= 1
        return await mark_sent(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(repo, "mark_sent", slow_mark_sent)
    clock = FakeTime(start)
    recorder = Recorder(clock)
    report = await sender(
        pg_world.maker, clock, recorder, batch=40, concurrency=8, flushes=flushes
    ).drain()
    assert report.sent == 40 and sorted(d.text for d in recorder.sent) == sorted(
        f"m{i}" for i in range(40)
    )
    assert most == flushes if flushes == 1 else most >= 2


async def test_one_sender_per_bot_across_processes_and_another_takes_over(
    pg_world: World, pg_url: str
) -> None:
    """Each sender paces its own sends, so two on one bot would double its rate: while one
    drains a bot (holds its lock) no other does; a bot only the second has a transport for
    is drained by the second meanwhile; once the first lets go, the second takes the bot."""
    start = local(2026, 3, 20, 9)
    async with transaction(pg_world.maker) as s:
        for i in range(60):
            await repo.enqueue(s, f"a|{i}", "test", "web", "sim", f"c{i}", {"text": f"a{i}"}, start)
        for i in range(10):
            await repo.enqueue(s, f"z|{i}", "test", "web", "z", f"z{i}", {"text": f"z{i}"}, start)
    engines = [db.make_engine(pg_url) for _ in range(2)]
    clock = FakeTime(start)
    first, second, other = Recorder(clock), Recorder(clock), Recorder(clock, bot_id="z")
    senders = [
        sender(db.make_sessionmaker(engines[0]), clock, first, batch=10, concurrency=2),
        sender(db.make_sessionmaker(engines[1]), clock, second, other, batch=10, concurrency=2),
    ]
    try:
        # The first sender is in the middle of a drain of the bot: it holds the bot's lock.
        assert await senders[0].locks.hold([("web", "sim")]) == [("web", "sim")]
        report = await senders[1].drain()
        assert report.sent == 10 and len(other.sent) == 10 and not second.sent
        await senders[0].locks.close()  # its drain ended
        assert (await senders[1].drain()).sent == 60 and len(second.sent) == 60
        async with transaction(pg_world.maker) as s:
            for i in range(40):
                await repo.enqueue(s, f"b|{i}", "test", "web", "sim", f"d{i}", {"text": "b"}, start)
        reports = await asyncio.gather(*(s.drain() for s in senders))
        assert sorted(r.sent for r in reports) == [0, 40]  # one of them, alone
        assert len(first.sent) + len(second.sent) == 100
    finally:
        for snd in senders:
            await snd.locks.close()
        for e in engines:
            await e.dispose()


async def test_each_bot_drained_gets_its_share_of_every_batch(pg_world: World) -> None:
    """A sweep writes one bot's rows together; taken as they lie, a batch of them would
    hold every worker at that bot's pace while the other bot idled. Each batch deals the
    bots' rows out in turn instead."""
    start = local(2026, 3, 20, 9)
    async with transaction(pg_world.maker) as s:
        for bot in ("a", "b"):  # all of a's rows first, then all of b's
            for i in range(20):
                text = f"{bot}{i}"
                await repo.enqueue(s, f"k|{text}", "test", "web", bot, text, {"text": text}, start)
    clock = FakeTime(start)
    order: list[Delivered] = []  # both transports record into one list, in sending order
    a, b = Recorder(clock, bot_id="a", sent=order), Recorder(clock, bot_id="b", sent=order)
    send = sender(pg_world.maker, clock, a, b, batch=10, concurrency=2)
    try:
        assert (await send.drain()).sent == 40
    finally:
        await send.locks.close()
    first = Counter(d.text[0] for d in order[:10])
    assert first == {"a": 5, "b": 5}
    assert sorted(d.text for d in order) == sorted(f"{x}{i}" for x in "ab" for i in range(20))
