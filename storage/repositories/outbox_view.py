"""Reading the outbox for one chat: what the web simulator shows as "messages to come"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import OutboxStatus
from storage.models import Outbox


@dataclass(frozen=True, slots=True)
class Queued:
    """One outbox row as a reader sees it."""

    id: int
    kind: str
    status: OutboxStatus
    not_before: dt.datetime
    payload: dict[str, Any]


async def for_chat(s: AsyncSession, channel: str, chat_id: str, limit: int) -> list[Queued]:
    """The chat's latest `limit` rows, latest due first."""
    rows = await s.execute(
        select(Outbox.id, Outbox.kind, Outbox.status, Outbox.not_before, Outbox.payload)
        .where(Outbox.channel == channel, Outbox.chat_id == chat_id)
        .order_by(Outbox.not_before.desc(), Outbox.id.desc())
        .limit(limit)
    )
    return [Queued(*row) for row in rows.all()]
