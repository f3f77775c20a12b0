"""Issue 19 item 5: the OA's single-use refresh token rotated by two processes on
PostgreSQL: only one refresh happens, and nothing is lost when the first refresher is
killed while its refresh is on its way (the old refresh token is still the live one)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import crypto, db
from storage.db import transaction
from storage.repositories import oa_state
from tests.fakes.server import Running, serve
from tests.fakes.zalo_oa import FakeZaloOa
from tests.support import databases

ROOT = Path(__file__).resolve().parents[2]
KEY = "test-data-key-oa-rotation-0123456789"


@pytest.fixture
def data_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CHIHOI_DATA_KEY", KEY)
    crypto.reset()
    yield
    crypto.reset()


@pytest.fixture
async def oa(pg_url: str, data_key: None) -> AsyncIterator[tuple[FakeZaloOa, Running]]:
    await databases.truncate_all(pg_url)
    fake = FakeZaloOa()
    running = await serve(fake.app)
    access, refresh = fake.issue()
    engine = db.make_engine(pg_url)
    now = dt.datetime.now(dt.UTC)
    async with transaction(db.make_sessionmaker(engine)) as s:
        # One hour left: under the 3-hour margin, so the next use refreshes.
        await oa_state.save_token(s, fake.oa_id, access, refresh, now + dt.timedelta(hours=1), now)
    await engine.dispose()
    yield fake, running
    await running.stop()


async def refresher(url: str, fake: FakeZaloOa, running: Running) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.pg.oa_refresher", url, f"{running.url}/oauth/v4",
        fake.app_id, fake.app_secret, fake.oa_id,
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "CHIHOI_DATA_KEY": KEY, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip


async def waiting_for_the_lock(url: str) -> int:
    engine = db.make_engine(url)
    try:
        async with engine.connect() as conn:
            sql = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            return int((await conn.execute(text(sql))).scalar_one())
    finally:
        await engine.dispose()


async def stored(url: str, oa_id: str) -> oa_state.TokenPair:
    engine = db.make_engine(url)
    try:
        async with db.make_sessionmaker(engine)() as s:
            pair = await oa_state.token(s, oa_id)
    finally:
        await engine.dispose()
    assert pair is not None
    return pair


async def test_two_processes_refresh_once(pg_url: str, oa: tuple[FakeZaloOa, Running]) -> None:
    fake, running = oa
    fake.hold_refresh = asyncio.Event()
    first = await refresher(pg_url, fake, running)
    await asyncio.wait_for(fake.refresh_arrived.wait(), timeout=30)  # A holds the lock
    second = await refresher(pg_url, fake, running)
    # B is queued on the OA's advisory lock while A's refresh is on its way.
    deadline = asyncio.get_running_loop().time() + 30
    while await waiting_for_the_lock(pg_url) < 1:
        assert asyncio.get_running_loop().time() < deadline, "B never waited for the lock"
        await asyncio.sleep(0.05)
    fake.hold_refresh.set()
    out_a, err_a = await asyncio.wait_for(first.communicate(), timeout=60)
    out_b, err_b = await asyncio.wait_for(second.communicate(), timeout=60)
    assert first.returncode == 0 and second.returncode == 0, (err_a + err_b).decode()[-2000:]
    token_a, version_a, refreshed_a = out_a.decode().split()
    token_b, version_b, refreshed_b = out_b.decode().split()
    assert fake.refreshes == 1  # one refresh on the platform
    assert (refreshed_a, refreshed_b) == ("1", "0")
    assert token_a == token_b and version_a == version_b == "2"
    pair = await stored(pg_url, fake.oa_id)
    assert pair.access == token_a and pair.version == 2
    assert pair.refresh in fake.refresh  # the saved refresh token is the live one


async def test_a_refresher_killed_mid_way_loses_nothing(
    pg_url: str, oa: tuple[FakeZaloOa, Running]
) -> None:
    fake, running = oa
    fake.hold_refresh = asyncio.Event()
    first = await refresher(pg_url, fake, running)
    await asyncio.wait_for(fake.refresh_arrived.wait(), timeout=30)
    first.send_signal(signal.SIGKILL)  # while holding the lock, its refresh not yet done
    await first.wait()
    fake.hold_refresh.set()  # the fake sees the dead client and never processes it
    fake.hold_refresh = None
    second = await refresher(pg_url, fake, running)
    out, err = await asyncio.wait_for(second.communicate(), timeout=60)
    assert second.returncode == 0, err.decode()[-2000:]
    token, version, refreshed = out.decode().split()
    assert first.returncode == -signal.SIGKILL
    assert (fake.refreshes, refreshed, version) == (1, "1", "2")
    pair = await stored(pg_url, fake.oa_id)
    assert pair.access == token and pair.refresh in fake.refresh and pair.failed is None
