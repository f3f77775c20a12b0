"""A sender process for the SIGKILL test: drains the outbox once through the Telegram channel.

python -m tests.scheduler.kill_sender DB_URL API_URL TOKEN [SKEW_SECONDS]

SKEW_SECONDS moves this process's clock forward (the restarted sender runs "after" the
lease of the killed one expired, without anyone waiting for it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys

from telegram import Bot

from bot.channels.outbound import Transports
from bot.channels.telegram import TelegramChannel
from bot.core.engine import Engine
from bot.domain.rules import QuietHours, Rules
from bot.scheduler.limits import Limits
from bot.scheduler.sender import Sender
from handlers import registry
from storage.db import make_engine, make_sessionmaker

LEASE = dt.timedelta(seconds=60)
CONCURRENCY = 4


async def main(url: str, api: str, token: str, skew: float) -> None:
    db = make_engine(url)
    maker = make_sessionmaker(db)
    bot = Bot(token, base_url=f"{api}/bot")
    await bot.initialize()
    channel = TelegramChannel(bot, Engine(maker, registry(), Rules()), maker, secret="test")
    transports = Transports()
    transports.add(channel)
    sender = Sender(
        maker,
        transports,
        limits={"telegram": Limits(per_second=150.0)},
        clock=lambda: dt.datetime.now(dt.UTC) + dt.timedelta(seconds=skew),
        quiet=QuietHours(dt.time(0, 0), dt.time(0, 0)),  # the test runs at any hour
        lease=LEASE,
        batch=50,
        concurrency=CONCURRENCY,
    )
    report = await sender.drain()
    print(f"sent={report.sent} failed={report.failed}", flush=True)
    await bot.shutdown()
    await db.dispose()


if __name__ == "__main__":
    skew = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], skew))
