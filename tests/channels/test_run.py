"""`chihoi run` as a real process against both fakes: serves, and stops within 5 s on SIGTERM."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import socket
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from bot.seeding.demo import seed
from storage import db
from storage.db import transaction
from storage.models import ChannelIdentity
from tests.channels.conftest import DATA_KEY
from tests.channels.harness import TG_TOKEN, ZALO_TOKEN
from tests.fakes.server import real_clock
from tests.fakes.telegram import FakeTelegram
from tests.fakes.zalo import FakeZalo

CHANNEL_VARS = ("TELEGRAM_", "ZALO_", "CHIHOI_", "DATABASE_URL")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_env(database_url: str, telegram_url: str, zalo_url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(CHANNEL_VARS)}
    return env | {
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TG_TOKEN,
        "TELEGRAM_API_URL": telegram_url,
        "ZALO_BOTS": ZALO_TOKEN,
        "ZALO_API_URL": zalo_url,
        "CHIHOI_WEB_PORT": str(port),
        "CHIHOI_LOG_LEVEL": "WARNING",
        "CHIHOI_DATA_KEY": DATA_KEY,
    }


async def seeded_invite(url: str) -> str:
    engine = db.make_engine(url)
    async with transaction(db.make_sessionmaker(engine)) as s:
        demo = await seed(s, dt.datetime.now(dt.UTC))
    await engine.dispose()
    return demo.invites[0][0]  # branch head of Chi hội Làng Nam


async def test_run_serves_both_channels_and_sigterm_finishes_the_turn_in_flight(
    sqlite_url: str,
    telegram_server: tuple[FakeTelegram, str],
    zalo_server: tuple[FakeZalo, str],
    tmp_path: Path,
) -> None:
    tg, tg_url = telegram_server
    zl, zl_url = zalo_server
    tg.reset(clock=real_clock)
    zl.reset(clock=real_clock)
    tg.limits = False
    tg_bot, zl_bot = tg.add_bot(TG_TOKEN), zl.add_bot(ZALO_TOKEN)
    code = await seeded_invite(sqlite_url)
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=tmp_path, env=run_env(sqlite_url, tg_url, zl_url, port),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await tg.wait(lambda: any(c.method == "getUpdates" for c in tg.calls), timeout=30)
        await zl.wait(lambda: any(c.method == "getUpdates" for c in zl.calls), timeout=30)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as web:
            assert (await web.get("/health")).status_code == 200
            assert (await web.get("/")).status_code == 404  # channels configured: no simulator

        await zl.push(zl_bot, zl.message("z1", "xin chào"))
        await zl.wait(lambda: bool(zl.to_chat("z1")), timeout=15)
        assert "mã mời" in zl.to_chat("z1")[0].text

        # Onboarding answers with two messages; SIGTERM arrives while the first is on the wire.
        tg.hold["sendMessage"] = 1.0
        await tg.push(tg_bot, tg.message(42, code))
        await tg.wait(lambda: any(c.method == "sendMessage" for c in tg.calls), timeout=15)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        status = await asyncio.wait_for(proc.wait(), timeout=10)
        elapsed = time.monotonic() - started
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    _out, err = await proc.communicate()
    assert status == 0, err.decode()[-2000:]
    assert elapsed < 5
    texts = [m.text for m in tg.to_chat(42)]
    assert len(texts) == 2 and "Chào mừng" in texts[0] and "Chị muốn làm gì" in texts[1]
    assert TG_TOKEN not in err.decode() and "TEST-zalo-token" not in err.decode()
    engine = db.make_engine(sqlite_url)
    async with db.make_sessionmaker(engine)() as s:
        linked = (await s.scalars(select(ChannelIdentity.channel))).all()
    await engine.dispose()
    assert "telegram" in linked
