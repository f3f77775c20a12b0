"""SIGKILL in the middle of a broadcast, then a restart: every message arrives, the outbox
records each once, and a second copy is possible only for the rows in flight at the kill.

What the outbox can know stops at the transport call: a message Telegram accepted just
before the kill, whose row was not yet marked sent, is sent again after the lease. A
worker takes no row before its last one's mark is committed, so that window is the rows in
flight, at most the sender's concurrency (with the sender's default settings).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.channels.telegram_wire import bot_id_of
from bot.domain.enums import OutboxStatus
from storage.db import transaction
from storage.models import Outbox
from storage.repositories import outbox as repo
from tests.fakes.server import serve
from tests.fakes.telegram import FakeTelegram
from tests.scheduler.kill_sender import CONCURRENCY, LEASE
from tests.scheduler.support import local
from tests.support.chat_fixtures import World

TOKEN = "424242:KILL-test-token"
ROWS = 120
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram()
    # Real time: the sender is another process with its own clock.
    fake.reset(clock=asyncio.get_running_loop().time)
    fake.bot_per_second = 300
    fake.add_bot(TOKEN)
    running = await serve(fake.app)
    yield fake, running.url
    await running.stop()


async def start(url: str, api: str, skew: float = 0.0) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.scheduler.kill_sender", url, api, TOKEN, str(skew),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip


async def test_a_killed_sender_loses_nothing(
    db_world: World, db_url: str, telegram: tuple[FakeTelegram, str]
) -> None:
    fake, api = telegram
    bot_id = bot_id_of(TOKEN)
    async with transaction(db_world.maker) as s:
        for i in range(ROWS):
            text = f"Nhắc việc số {i}"
            await repo.enqueue(
                s, f"kill|{i}", "test", "telegram", bot_id, str(10_000 + i), {"text": text},
                local(2026, 3, 20, 8),
            )  # fmt: skip

    first = await start(db_url, api)
    await fake.wait(lambda: len(fake.sent) >= ROWS // 3, timeout=60)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    assert first.returncode == -signal.SIGKILL
    delivered_at_kill = len(fake.sent)
    async with db_world.maker() as s:
        at_kill = Counter(r.status for r in (await s.scalars(select(Outbox))).all())
        in_flight = set(
            (await s.scalars(select(Outbox.key).where(Outbox.status == OutboxStatus.SENDING))).all()
        )
    assert 0 < delivered_at_kill < ROWS and at_kill[OutboxStatus.PENDING] > 0

    second = await start(db_url, api, skew=LEASE.total_seconds() + 1)
    _out, err = await second.communicate()
    assert second.returncode == 0, err.decode()[-2000:]

    async with db_world.maker() as s:
        rows = (await s.scalars(select(Outbox))).all()
    assert all(r.status == OutboxStatus.SENT for r in rows), [
        (r.key, r.status, r.attempts, r.last_error) for r in rows if r.status != OutboxStatus.SENT
    ]
    assert all(r.attempts <= 2 for r in rows)
    copies = Counter(sent.text for sent in fake.sent)
    assert set(copies) == {f"Nhắc việc số {i}" for i in range(ROWS)}  # nothing lost
    twice = {text for text, n in copies.items() if n > 1}
    # Only rows that were in flight at the kill may have gone out twice.
    keys_twice = {f"kill|{text.rsplit(' ', 1)[1]}" for text in twice}
    assert keys_twice <= in_flight
    assert len(twice) <= CONCURRENCY
    assert all(n <= 2 for n in copies.values())
