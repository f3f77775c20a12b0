"""The sender: rate limits kept, retries and failures recorded, quiet hours, leases."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

import pytest
from sqlalchemy import select

from bot.channels.outbound import Address, SendError, Unreachable
from bot.core.types import Reply
from bot.domain.enums import OutboxStatus
from bot.domain.rules import Rules
from bot.scheduler.due import obsolete
from bot.scheduler.limits import TokenBucket, Window
from bot.scheduler.sweep import sweep
from storage.db import transaction
from storage.models import ChannelIdentity, Outbox
from storage.repositories import outbox
from storage.repositories import outbox as repo
from tests.scheduler.support import FakeTime, Recorder, add_meeting, local, outbox_rows, sender
from tests.support.chat_fixtures import World

T0 = local(2026, 3, 20, 9)


async def enqueue(
    world: World, n: int, chats: int, at: dt.datetime = T0, **payload: object
) -> None:
    async with transaction(world.maker) as s:
        for i in range(n):
            await repo.enqueue(
                s,
                f"test|{i}",
                "test",
                "web",
                "sim",
                f"chat{i % chats}",
                {"text": f"m{i}", **payload},
                at,
            )


def test_token_bucket_books_slots_at_the_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=10, burst=1, clock=lambda: now[0])
    waits = [bucket.reserve() for _ in range(5)]
    assert waits == [0.0, 0.1, 0.2, 0.30000000000000004, 0.4]
    now[0] = 10.0  # idle long enough: no debt carried
    assert bucket.reserve() == 0.0
    bucket.hold(3.0)
    assert bucket.reserve() == 3.0


def test_a_late_send_is_made_up_but_an_idle_gap_is_not() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=10, burst=1, clock=lambda: now[0], catch_up=0.25)
    assert bucket.reserve() == 0.0  # slots at 0.0, then 0.1
    now[0] = 0.1
    assert bucket.reserve() == 0.0  # the 0.1 slot; the next is 0.2
    now[0] = 0.3  # the worker came back late: the 0.2 slot is still owed
    assert [bucket.reserve() for _ in range(3)] == pytest.approx([0.0, 0.0, 0.1])
    now[0] = 2.0  # idle for over catch_up: nothing owed, no burst
    assert [bucket.reserve() for _ in range(2)] == pytest.approx([0.0, 0.1])


def test_the_window_counts_a_send_from_its_answer() -> None:
    # The platform counts arrivals; a request held up on its way arrives after it started.
    now = [0.0]
    window = Window(count=2, period=1.0, clock=lambda: now[0])
    first = window.mark()
    now[0] = 0.25
    second = window.mark()
    assert window.wait() == 0.75
    now[0] = 0.5
    window.finished(first)  # answered half a second after it started
    now[0] = 0.75
    window.finished(second)
    assert window.wait() == 0.75  # a second after the first answer, not after its start
    now[0] = 1.5
    assert window.wait() == 0.0
    window.finished(window.mark() - 5)  # long out of the window: ignored
    assert list(window.times) == [0.75, 1.5]


async def test_overall_and_per_chat_limits_are_kept(world: World) -> None:
    clock = FakeTime(T0)
    web = Recorder(clock)
    await enqueue(world, 90, chats=30)
    report = await sender(world.maker, clock, web, concurrency=8).drain()
    assert report.sent == 90 and len(web.sent) == 90
    times = sorted(d.at for d in web.sent)
    for i, t in enumerate(times):  # never more than 30 in any one second
        assert sum(1 for u in times[i:] if u < t + dt.timedelta(seconds=1)) <= 30
    by_chat: dict[str, list[dt.datetime]] = defaultdict(list)
    for d in web.sent:
        by_chat[d.chat_id].append(d.at)
    for sent in by_chat.values():
        assert all(b - a >= dt.timedelta(seconds=1) for a, b in itertools.pairwise(sent))
    assert times[-1] - times[0] >= dt.timedelta(seconds=89 / 30)


async def test_a_group_gets_twenty_messages_a_minute(world: World) -> None:
    clock = FakeTime(T0)
    web = Recorder(clock)
    await enqueue(world, 21, chats=1, group=True)
    await sender(world.maker, clock, web).drain()
    times = [d.at for d in web.sent]
    assert len(times) == 21
    assert times[-1] - times[0] >= dt.timedelta(minutes=1)


async def test_retry_after_is_honoured(world: World) -> None:
    clock = FakeTime(T0)
    web = Recorder(clock, fail=[SendError("429 Too Many Requests", retry_after=7)])
    await enqueue(world, 1, chats=1)
    send = sender(world.maker, clock, web)
    assert (await send.drain()).retried == 1
    (row,) = await outbox_rows(world.maker)
    assert row.status == OutboxStatus.PENDING and row.not_before == clock() + dt.timedelta(
        seconds=7
    )
    assert (await send.drain()).sent == 0  # not yet
    clock.now += dt.timedelta(seconds=7)
    assert (await send.drain()).sent == 1
    assert [d.text for d in web.sent] == ["m0"]


async def test_server_errors_back_off_then_fail_visibly(world: World) -> None:
    clock = FakeTime(T0)
    web = Recorder(clock, fail=[SendError("502 Bad Gateway") for _ in range(3)])
    await enqueue(world, 1, chats=1)
    send = sender(world.maker, clock, web, max_attempts=3)
    waits = []
    for _ in range(3):
        before = clock()
        await send.drain()
        (row,) = await outbox_rows(world.maker)
        if row.status == OutboxStatus.PENDING:
            waits.append((row.not_before - before).total_seconds())
            clock.set(row.not_before)
    assert waits == [30.0, 60.0]
    assert row.status == OutboxStatus.FAILED and row.attempts == 3
    assert row.last_error == "SendError: 502 Bad Gateway"
    async with world.maker() as s:
        assert [r.id for r in await outbox.failed(s)] == [row.id]
    assert web.sent == []


async def test_a_blocked_chat_is_marked_unreachable_and_left_out(world: World) -> None:
    clock = FakeTime(local(2026, 3, 17, 8))
    web = Recorder(clock, fail=[Unreachable("blocked")])
    await sweep(
        world.maker, clock(), Rules(), world.engine.registry
    )  # Mai (Ba Đình) has not met this quarter: d14
    report = await sender(world.maker, clock, web).drain()
    assert report.failed == 1 and report.sent >= 1
    async with world.maker() as s:
        unreachable = (
            await s.scalars(select(ChannelIdentity.chat_id).where(ChannelIdentity.unreachable))
        ).all()
    assert len(unreachable) == 1
    clock.set(local(2026, 3, 26, 8))  # the next step leaves the blocked chat out
    await sweep(world.maker, clock(), Rules(), world.engine.registry)
    rows = [r for r in await outbox_rows(world.maker) if r.key.endswith("|d5")]
    assert rows and all(r.chat_id not in unreachable for r in rows)


async def test_nothing_goes_out_in_quiet_hours(world: World) -> None:
    clock = FakeTime(local(2026, 3, 17, 22))
    web = Recorder(clock)
    report = await sweep(world.maker, clock(), Rules(), world.engine.registry)
    assert report.total() > 0
    rows = await outbox_rows(world.maker)
    assert {r.not_before for r in rows} == {local(2026, 3, 18, 7)}
    send = sender(world.maker, clock, web)
    await send.drain()
    clock.set(local(2026, 3, 18, 6, 59))
    await send.drain()
    assert web.sent == []
    clock.set(local(2026, 3, 18, 7))
    await send.drain()
    assert len(web.sent) == len(rows)


async def test_a_reply_may_go_out_at_night(world: World) -> None:
    clock = FakeTime(local(2026, 3, 17, 23))
    web = Recorder(clock)
    async with transaction(world.maker) as s:
        await repo.enqueue(s, "r|1", "reply", "web", "sim", "lan", {"text": "ok"}, clock())
        await repo.enqueue(s, "t|1", "test", "web", "sim", "lan", {"text": "later"}, clock())
    await sender(world.maker, clock, web).drain()
    assert [d.text for d in web.sent] == ["ok"]


async def test_a_row_whose_sender_died_is_sent_after_the_lease(world: World) -> None:
    clock = FakeTime(T0)
    web = Recorder(clock)
    await enqueue(world, 3, chats=3)
    async with transaction(world.maker) as s:  # a sender claims, then dies
        claimed = await outbox.claim(s, clock(), 10, dt.timedelta(minutes=2), None)
    assert len(claimed) == 3
    send = sender(world.maker, clock, web, lease=dt.timedelta(minutes=2))
    clock.now += dt.timedelta(minutes=1)
    assert (await send.drain()).sent == 0
    clock.now += dt.timedelta(minutes=1, seconds=1)
    assert (await send.drain()).sent == 3
    assert all(
        r.attempts == 2 and r.status == OutboxStatus.SENT for r in await outbox_rows(world.maker)
    )


async def test_a_reminder_done_before_delivery_is_not_sent(world: World) -> None:
    clock = FakeTime(local(2026, 3, 17, 8))
    web = Recorder(clock)
    await sweep(world.maker, clock(), Rules(), world.engine.registry)
    await add_meeting(world.maker, "TH-HT-01", dt.date(2026, 3, 16))  # logged after the sweep
    # One row a batch: a batch of nothing but done reminders does not end the drain.
    report = await sender(world.maker, clock, web, obsolete=obsolete, batch=1).drain()
    due = {r.chat_id: r for r in await outbox_rows(world.maker) if r.kind == "meeting_due"}
    assert sorted(due) == ["hoa", "lan", "mai"] and report.skipped == 1
    assert due["mai"].status == OutboxStatus.SENT and due["mai"].sent_at is None
    assert due["mai"].last_error == outbox.SKIPPED
    assert sorted(d.chat_id for d in web.sent if "Ba Đình" in d.text) == []
    assert due["lan"].sent_at is not None
    # Hồng (leader visits, digest) comes after Mai in the outbox.
    assert [d.chat_id for d in web.sent] == ["lan", "hoa", "hong", "hong"]


async def test_rows_of_a_bot_without_transport_wait(world: World) -> None:
    clock = FakeTime(T0)
    async with transaction(world.maker) as s:
        await repo.enqueue(s, "z|1", "test", "zalo", "zbot", "42", {"text": "x"}, clock())
    report = await sender(world.maker, clock, Recorder(clock)).drain()
    assert report.released == 1
    async with world.maker() as s:
        row = (await s.scalars(select(Outbox))).one()
    assert row.status == OutboxStatus.PENDING and row.attempts == 0
    assert row.not_before == T0 + dt.timedelta(minutes=15)


async def test_a_message_is_marked_sent_before_its_worker_sends_another(world: World) -> None:
    """Issue 15.10: at any moment the messages delivered but not yet marked sent are at most
    the sends in flight (the sender's concurrency), so a kill re-sends no more than those."""
    await enqueue(world, 60, chats=60)
    clock = FakeTime(T0)
    unmarked: list[int] = []

    class Checking(Recorder):
        async def deliver(self, address: Address, reply: Reply) -> None:
            async with world.session() as s:
                marked = set(
                    (
                        await s.scalars(
                            select(Outbox.chat_id).where(Outbox.status == OutboxStatus.SENT)
                        )
                    ).all()
                )
            unmarked.append(len({d.chat_id for d in self.sent} - marked))
            await super().deliver(address, reply)

    recorder = Checking(clock)
    report = await sender(world.maker, clock, recorder, concurrency=4, batch=20).drain()
    assert report.sent == 60 and len(recorder.sent) == 60
    assert max(unmarked) <= 4
