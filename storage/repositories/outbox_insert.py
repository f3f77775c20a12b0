"""New outbox rows in bulk: one statement per chunk, ON CONFLICT DO NOTHING on the key."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from sqlalchemy import Table, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import OutboxStatus
from storage.models import Outbox

if TYPE_CHECKING:
    from storage.repositories.outbox import NewMessage

# One statement for a whole chunk: the rows travel as a few arrays (asyncpg encodes them in
# C) instead of one bound parameter per value, which cost a national sweep seconds.
_ENQUEUE_PG = text(
    """
    INSERT INTO outbox (key, kind, person_id, channel, bot_id, chat_id, payload, status,
                        attempts, not_before, created_at)
    SELECT t.key, t.kind, t.person_id, t.channel, t.bot_id, t.chat_id, CAST(t.payload AS json),
           CAST(:status AS varchar), 0, t.not_before, CAST(:now AS timestamptz)
    FROM unnest(CAST(:keys AS varchar[]), CAST(:kinds AS varchar[]), CAST(:persons AS int[]),
                CAST(:channels AS varchar[]), CAST(:bots AS varchar[]), CAST(:chats AS varchar[]),
                CAST(:payloads AS text[]), CAST(:not_befores AS timestamptz[]))
         AS t(key, kind, person_id, channel, bot_id, chat_id, payload, not_before)
    ON CONFLICT (key) DO NOTHING
    RETURNING key
    """
)  # the values go to asyncpg as they are (typed by the casts): no per-element processing


async def insert_many(
    s: AsyncSession, messages: Sequence[NewMessage], now: dt.datetime, chunk: int
) -> list[str]:
    """Insert the messages whose key is new; returns the keys actually added."""
    if s.bind.dialect.name != "postgresql":
        return await _insert_sqlite(s, messages, now, chunk)
    added: list[str] = []
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    for start in range(0, len(messages), chunk):
        part = messages[start : start + chunk]
        result = await s.execute(
            _ENQUEUE_PG,
            {
                "keys": [m.key for m in part],
                "kinds": [m.kind for m in part],
                "persons": [m.person_id for m in part],
                "channels": [m.channel for m in part],
                "bots": [m.bot_id for m in part],
                "chats": [m.chat_id for m in part],
                "payloads": [dumps(m.payload) for m in part],
                "not_befores": [m.not_before for m in part],
                "now": now.astimezone(dt.UTC),
                "status": OutboxStatus.PENDING.value,
            },
        )
        added.extend(result.scalars().all())
    return added


async def _insert_sqlite(
    s: AsyncSession, messages: Sequence[NewMessage], now: dt.datetime, chunk: int
) -> list[str]:
    added: list[str] = []
    # One compiled statement run for many rows ("insertmanyvalues"): compiling a VALUES list
    # per chunk costs more than the database's work.
    table = cast(Table, Outbox.__table__)
    insert = sqlite.insert(table).on_conflict_do_nothing(index_elements=["key"])
    stmt = insert.returning(table.c.key)
    for start in range(0, len(messages), chunk):
        rows = [
            dict(
                key=m.key,
                kind=m.kind,
                person_id=m.person_id,
                channel=m.channel,
                bot_id=m.bot_id,
                chat_id=m.chat_id,
                payload=m.payload,
                status=OutboxStatus.PENDING,
                attempts=0,
                not_before=m.not_before,
                created_at=now,
                claimed_at=None,
                sent_at=None,
                last_error=None,
            )
            for m in messages[start : start + chunk]
        ]
        result = await s.execute(stmt, rows)
        added.extend(result.scalars().all())
    return added
