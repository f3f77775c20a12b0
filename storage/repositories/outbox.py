"""Writing to the durable outbox; the unique key makes every message exist at most once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Outbox, OutboxStatus


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
    values = dict(
        key=key,
        kind=kind,
        person_id=person_id,
        channel=channel,
        bot_id=bot_id,
        chat_id=chat_id,
        payload=payload,
        status=OutboxStatus.PENDING,
        attempts=0,
        not_before=not_before or now,
        created_at=now,
    )
    if s.bind.dialect.name == "postgresql":
        stmt: Any = (
            pg_insert(Outbox).values(**values).on_conflict_do_nothing(index_elements=["key"])
        )
    else:
        stmt = sqlite_insert(Outbox).values(**values).on_conflict_do_nothing(index_elements=["key"])
    result = await s.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]
