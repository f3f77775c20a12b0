"""Every update of the contract conversation delivered twice, over each channel and mode
(issue 15, "make the suite permanent"): 0 duplicate writes, 0 duplicate replies.

Each update is delivered, then delivered again the way the platform would redeliver it: the
same webhook body posted again; on Zalo polling the same update handed out again after a
restart (the channel's in-memory id cache emptied, so the database's record of processed
updates is what stops it); on Telegram polling the same update fetched again after a
restart lost the in-memory offset (fed to the channel's batch handler, as `poll` does).
Between the two deliveries the whole database is read: the second must change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from telegram import Update

from bot.channels.zalo import RecentIds
from storage.models.base import Base
from tests.channels.test_contract import conversation
from tests.channels.wire import TelegramSide, TelegramUser, ZaloSide, ZaloUser
from tests.support.chat_fixtures import World

# Housekeeping that may move on a replay without being a write of the person's data.
IGNORED_COLUMNS = {"last_seen_at", "updated_at"}


async def dump(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as comparable tuples."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with world.session() as s:
        for table in Base.metadata.sorted_tables:
            cols = [c for c in table.columns if c.name not in IGNORED_COLUMNS]
            rows = (await s.execute(select(*cols))).all()
            out[table.name] = sorted((tuple(repr(v) for v in r) for r in rows), key=repr)
    return out


@dataclass
class Tally:
    updates: int = 0
    duplicate_writes: int = 0
    duplicate_replies: int = 0
    changed_tables: list[str] = field(default_factory=list)

    async def replayed(self, world: World, again: Any) -> None:
        before = await dump(world)
        await again()
        after = await dump(world)
        self.updates += 1
        for name in before:
            if before[name] != after[name]:
                self.changed_tables.append(name)
                self.duplicate_writes += max(1, abs(len(after[name]) - len(before[name])))


@dataclass
class TwiceTelegram(TelegramUser):
    tally: Tally = field(default_factory=Tally)

    async def send(self, update: dict[str, Any]) -> None:
        await super().send(update)
        s = self.side
        sent = len(s.fake.to_chat(self.chat_id))

        async def again() -> None:
            if s.mode == "webhook":
                done = s.channel.progress.count + 1
                assert await s.fake.post_webhook(s.bot, update) == 200
                await s.channel.progress.wait_for(done)
            else:
                await s.channel._batch((Update.de_json(update, s.channel.bot),))

        await self.tally.replayed(s.world, again)
        self.tally.duplicate_replies += len(s.fake.to_chat(self.chat_id)) - sent


@dataclass
class TwiceZalo(ZaloUser):
    tally: Tally = field(default_factory=Tally)

    async def send(self, update: dict[str, Any]) -> None:
        await super().send(update)
        s = self.side
        sent = len(s.fake.to_chat(self.chat_id))

        async def again() -> None:
            s.channel.recent = RecentIds()  # a restarted process remembers nothing
            await ZaloUser.send(self, update)

        await self.tally.replayed(s.world, again)
        self.tally.duplicate_replies += len(s.fake.to_chat(self.chat_id)) - sent


def check(tally: Tally, turns: int) -> None:
    assert turns >= 15 and tally.updates == turns, tally  # every update went through twice
    assert tally.duplicate_writes == 0, tally.changed_tables
    assert tally.duplicate_replies == 0, tally


async def test_telegram_every_update_twice(telegram: TelegramSide) -> None:
    user = TwiceTelegram(telegram, 5550002)
    chat = await conversation(telegram.world, user)
    check(user.tally, sum(not line.startswith("bot:") for line in chat.transcript))


async def test_zalo_every_update_twice(zalo: ZaloSide) -> None:
    user = TwiceZalo(zalo, "6ede9afa0002")
    chat = await conversation(zalo.world, user)
    check(user.tally, sum(not line.startswith("bot:") for line in chat.transcript))
