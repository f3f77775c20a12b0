"""Turn bookkeeping: duplicate updates, the per-chat lock and the conversation state.

The statements are built once (storage.prepared): they run on every turn.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, column, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation, ProcessedUpdate
from storage.prepared import Prepared


class StaleState(Exception):
    """The conversation changed under us (another process took the turn): retry."""


def _insert_ignore(dialect: str, table: Any) -> Any:
    if dialect == "postgresql":
        return pg_insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing()
    return insert(table)


def _by_dialect(build: Any) -> dict[str, Prepared]:
    return {d: Prepared(build(d)) for d in ("postgresql", "sqlite", "default")}


_CLAIM = _by_dialect(
    lambda d: _insert_ignore(d, ProcessedUpdate).values(
        channel=bindparam("channel"),
        bot_id=bindparam("bot_id"),
        update_id=bindparam("update_id"),
        at=bindparam("at", type_=ProcessedUpdate.at.type),
    )
)
_NEW_CONVERSATION = _by_dialect(
    lambda d: _insert_ignore(d, Conversation).values(
        channel=bindparam("channel"),
        bot_id=bindparam("bot_id"),
        chat_id=bindparam("chat_id"),
        state=bindparam("state", type_=Conversation.state.type),
        version=0,
        updated_at=bindparam("now", type_=Conversation.updated_at.type),
    )
)
_FIND = select(Conversation.id, Conversation.state, Conversation.version).where(
    Conversation.channel == bindparam("channel"),
    Conversation.bot_id == bindparam("bot_id"),
    Conversation.chat_id == bindparam("chat_id"),
)
_LOCK = {"postgresql": Prepared(_FIND.with_for_update()), "sqlite": Prepared(_FIND)}
_SAVE = Prepared(
    update(Conversation)
    .where(Conversation.id == bindparam("conv_id"), Conversation.version == bindparam("version"))
    .values(
        state=bindparam("state", type_=Conversation.state.type),
        version=bindparam("next_version"),
        updated_at=bindparam("now", type_=Conversation.updated_at.type),
    )
)
_GET_STATE = Prepared(select(Conversation.state).where(_FIND.whereclause))  # type: ignore[arg-type]


# PostgreSQL: the dedupe insert and the chat's row lock in one round trip. Every private
# turn takes the two in this one statement's order, so two turns cannot deadlock on them.
_CLAIM_AND_LOCK_PG = Prepared(
    text(
        """
        WITH claim AS (
            INSERT INTO processed_update (channel, bot_id, update_id, at)
            VALUES (:channel, :bot_id, :update_id, :at)
            ON CONFLICT DO NOTHING
            RETURNING 1
        ), conv AS (
            SELECT id, state, version FROM conversation
            WHERE channel = :channel AND bot_id = :bot_id AND chat_id = :chat_id
            FOR UPDATE
        )
        SELECT (SELECT count(*) FROM claim) AS claimed, conv.id, conv.state, conv.version
        FROM (SELECT 1) AS one LEFT JOIN conv ON true
        """
    )
    .bindparams(
        bindparam("channel", type_=ProcessedUpdate.channel.type),
        bindparam("bot_id", type_=ProcessedUpdate.bot_id.type),
        bindparam("update_id", type_=ProcessedUpdate.update_id.type),
        bindparam("chat_id", type_=Conversation.chat_id.type),
        bindparam("at", type_=ProcessedUpdate.at.type),
    )
    .columns(
        column("claimed"),
        Conversation.id,
        Conversation.state,
        Conversation.version,
    )
)


def _dialect(s: AsyncSession) -> str:
    name = s.bind.dialect.name
    return name if name in ("postgresql", "sqlite") else "default"


async def claim_update(
    s: AsyncSession, channel: str, bot_id: str, update_id: str, now: dt.datetime
) -> bool:
    """Record the update; False when it was already processed (a replay)."""
    changed = await _CLAIM[_dialect(s)].rowcount(
        s, channel=channel, bot_id=bot_id, update_id=update_id, at=now
    )
    return bool(changed)


async def lock_conversation(
    s: AsyncSession, channel: str, bot_id: str, chat_id: str, now: dt.datetime
) -> tuple[int, dict[str, Any], int]:
    """Load (id, state, version), holding the chat's row lock on PostgreSQL.

    SQLite needs no row lock: each turn is one BEGIN IMMEDIATE transaction.
    """
    dialect = _dialect(s)
    lock = _LOCK.get(dialect, _LOCK["sqlite"])
    key = {"channel": channel, "bot_id": bot_id, "chat_id": chat_id}
    row = await lock.first(s, **key)
    if row is None:  # first message of this chat: create the row, then lock it
        await _NEW_CONVERSATION[dialect].rowcount(s, state={}, now=now, **key)
        row = await lock.first(s, **key)
        assert row is not None
    conv_id, state, version = row
    return conv_id, dict(state or {}), version


async def claim_and_lock(
    s: AsyncSession, channel: str, bot_id: str, update_id: str, chat_id: str, now: dt.datetime
) -> tuple[int, dict[str, Any], int] | None:
    """`claim_update`, then `lock_conversation`; None for a replay (nothing locked then,
    or, on PostgreSQL, the row lock held to the end of this empty transaction)."""
    if _dialect(s) == "postgresql":
        row = await _CLAIM_AND_LOCK_PG.first(
            s, channel=channel, bot_id=bot_id, update_id=update_id, chat_id=chat_id, at=now
        )
        assert row is not None
        claimed, conv_id, state, version = row
        if not claimed:
            return None
        if conv_id is not None:
            return conv_id, dict(state or {}), version
    elif not await claim_update(s, channel, bot_id, update_id, now):
        return None
    return await lock_conversation(s, channel, bot_id, chat_id, now)


async def save_state(
    s: AsyncSession, conv_id: int, version: int, state: dict[str, Any], now: dt.datetime
) -> None:
    """Write the new state if nobody else did since we read it (an e-tag check)."""
    changed = await _SAVE.rowcount(
        s, conv_id=conv_id, version=version, next_version=version + 1, state=state, now=now
    )
    if changed != 1:
        raise StaleState


async def get_state(s: AsyncSession, channel: str, bot_id: str, chat_id: str) -> dict[str, Any]:
    state = await _GET_STATE.scalar(s, channel=channel, bot_id=bot_id, chat_id=chat_id)
    return dict(state or {})
