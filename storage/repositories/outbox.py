"""Writing to the durable outbox; the unique key makes every message exist at most once.

bot/scheduler/outbox.py claims and settles the rows; the sender delivers them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import OutboxStatus
from storage.models import Outbox


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A row the sweep wants to exist; its `key` makes a second copy impossible."""

    key: str
    kind: str
    person_id: int | None
    channel: str
    bot_id: str
    chat_id: str
    payload: dict[str, Any]
    not_before: dt.datetime


async def enqueue_many(
    s: AsyncSession, messages: Sequence[NewMessage], now: dt.datetime, chunk: int = 5000
) -> list[str]:
    """Insert the messages whose key is new; returns the keys actually added.

    Inserting with ON CONFLICT DO NOTHING (rather than reading existing keys first) keeps it
    correct when two sweeps race.
    """
    added: list[str] = []
    insert = pg_insert if s.bind.dialect.name == "postgresql" else sqlite_insert
    # One compiled statement run for many rows ("insertmanyvalues"): compiling a VALUES list
    # per chunk costs more than the database's work.
    table = cast(Table, Outbox.__table__)
    stmt = insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
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


async def enqueue(
    s: AsyncSession,
    key: str,
    kind: str,
    channel: str,
    bot_id: str,
    chat_id: str,
    payload: dict[str, Any],
    now: dt.datetime,
    not_before: dt.datetime | None = None,
    person_id: int | None = None,
) -> bool:
    """Add a message unless one with the same key exists; True when added.

    `payload` is {"text": str, "choices": [[key, label], ...], "attachment": {...}?}.
    """
    message = NewMessage(key, kind, person_id, channel, bot_id, chat_id, payload, not_before or now)
    return bool(await enqueue_many(s, [message], now))
