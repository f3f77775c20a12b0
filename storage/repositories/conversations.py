"""Turn bookkeeping: duplicate updates, the per-chat lock and the conversation state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation, ProcessedUpdate


class StaleState(Exception):
    """The conversation changed under us (another process took the turn): retry."""


async def claim_update(
    s: AsyncSession, channel: str, bot_id: str, update_id: str, now: dt.datetime
) -> bool:
    """Record the update; False when it was already processed (a replay)."""
    stmt = _insert_ignore(s, ProcessedUpdate).values(
        channel=channel, bot_id=bot_id, update_id=update_id, at=now
    )
    result = await s.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def lock_conversation(
    s: AsyncSession, channel: str, bot_id: str, chat_id: str, now: dt.datetime
) -> tuple[int, dict[str, Any], int]:
    """Load (id, state, version), holding the chat's row lock on PostgreSQL.

    SQLite needs no row lock: each turn is one BEGIN IMMEDIATE transaction.
    """
    stmt = select(Conversation.id, Conversation.state, Conversation.version).where(
        Conversation.channel == channel,
        Conversation.bot_id == bot_id,
        Conversation.chat_id == chat_id,
    )
    if s.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = (await s.execute(stmt)).first()
    if row is None:  # first message of this chat: create the row, then lock it
        await s.execute(
            _insert_ignore(s, Conversation).values(
                channel=channel, bot_id=bot_id, chat_id=chat_id, state={}, version=0, updated_at=now
            )
        )
        row = (await s.execute(stmt)).one()
    return row.id, dict(row.state or {}), row.version


async def save_state(
    s: AsyncSession, conv_id: int, version: int, state: dict[str, Any], now: dt.datetime
) -> None:
    """Write the new state if nobody else did since we read it (an e-tag check)."""
    result = await s.execute(
        update(Conversation)
        .where(Conversation.id == conv_id, Conversation.version == version)
        .values(state=state, version=version + 1, updated_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleState


async def get_state(s: AsyncSession, channel: str, bot_id: str, chat_id: str) -> dict[str, Any]:
    stmt = select(Conversation.state).where(
        Conversation.channel == channel,
        Conversation.bot_id == bot_id,
        Conversation.chat_id == chat_id,
    )
    return dict(await s.scalar(stmt) or {})


def _insert_ignore(s: AsyncSession, table: Any) -> Any:
    dialect = s.bind.dialect.name
    if dialect == "postgresql":
        return pg_insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing()
    return insert(table)
