"""How long the bot keeps what it needs only for a while: replay keys and idle chat state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation, ProcessedUpdate


@dataclass(frozen=True)
class Pruned:
    updates: int
    conversations: int


async def prune(s: AsyncSession, before: dt.datetime) -> Pruned:
    """Forget update ids seen before `before` (no platform resends an update that old) and
    conversations untouched since (a dialog left open a month starts again from the menu;
    its answers may hold personal data)."""
    updates = await s.execute(delete(ProcessedUpdate).where(ProcessedUpdate.at < before))
    chats = await s.execute(delete(Conversation).where(Conversation.updated_at < before))
    return Pruned(int(getattr(updates, "rowcount", 0)), int(getattr(chats, "rowcount", 0)))
