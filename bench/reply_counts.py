"""Replies each daily task needs from the menu, on Telegram (buttons) and Zalo (text).

Run: .venv/bin/python -m bench.reply_counts
Walks each task of tests/conversations/reply_counts.py on a fresh demo database per task and
profile, and prints the table (tests/conversations/test_reply_counts.py asserts the same).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import tempfile
from pathlib import Path

from bot.core.types import TELEGRAM_CAPS, ZALO_CAPS
from tests.conversations.reply_counts import TASKS, replies_needed
from tests.support import databases
from tests.support.chat import Chat
from tests.support.chat_fixtures import Clock, make_world

PROFILES = {"buttons": TELEGRAM_CAPS, "text": ZALO_CAPS}


async def main() -> None:
    os.environ.setdefault("CHIHOI_DATA_KEY", "bench-data-key-0123456789abcdefghij")
    with tempfile.TemporaryDirectory() as tmp:
        template = databases.migrated_sqlite_template(Path(tmp))
        width = max(len(t.name) for t in TASKS)
        print(f"{'task':<{width}}  Telegram (buttons)  Zalo (text)")
        for task in TASKS:
            counts = []
            for profile, caps in PROFILES.items():
                clock = Clock(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC))
                world, close = await make_world(databases.fresh_sqlite(template, Path(tmp)), clock)
                try:
                    if task.setup is not None:
                        await task.setup(world)
                    chat = Chat(world.engine, caps, "lan", world.clock)
                    counts.append(await replies_needed(chat, task, profile))
                finally:
                    await close()  # type: ignore[misc]
            print(f"{task.name:<{width}}  {counts[0]:>18}  {counts[1]:>11}")


if __name__ == "__main__":
    asyncio.run(main())
