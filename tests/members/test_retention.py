"""Replay keys and idle conversations are forgotten after the retention period (issue 15.9)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation, ProcessedUpdate
from tests.members.support import cli, in_db, seeded

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def test_prune_forgets_only_what_is_older_than_the_period(sqlite_url: str) -> None:
    seeded(sqlite_url, NOW)
    old, recent = NOW - dt.timedelta(days=31), NOW - dt.timedelta(days=29)

    async def add(s: AsyncSession) -> None:
        for uid, at in (("u-old", old), ("u-new", recent)):
            s.add(ProcessedUpdate(channel="web", bot_id="sim", update_id=uid, at=at))
        for chat, at in (("idle", old), ("busy", recent)):
            state = {"dialog": "register_member", "values": {"name": "Trần Thị Bích"}}
            s.add(Conversation(channel="web", bot_id="sim", chat_id=chat, state=state,
                               version=1, updated_at=at))  # fmt: skip

    in_db(sqlite_url, add)
    result = cli(sqlite_url, "db", "prune", "--days", "30")
    assert result.exit_code == 0, result.output
    assert "pruned 1 update ids and 1 idle conversations" in result.output

    async def left(s: AsyncSession) -> tuple[list[str], list[str]]:
        ups = (await s.scalars(select(ProcessedUpdate.update_id))).all()
        chats = (await s.scalars(select(Conversation.chat_id))).all()
        return list(ups), list(chats)

    updates, chats = in_db(sqlite_url, left)
    assert updates == ["u-new"] and "idle" not in chats and "busy" in chats
