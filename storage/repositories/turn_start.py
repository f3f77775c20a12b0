"""The start of a private-chat turn: drop a replay, lock the chat, load its state and who
writes, in one round trip on PostgreSQL (issue 20 item 1).

PostgreSQL runs one statement: the dedupe INSERT, the conversation row FOR UPDATE, and the
person with her roles. Under READ COMMITTED the locked row is read as it is once the lock
is ours, but the rest of the statement sees the moment the statement began. So if another
turn of the same chat committed while we waited for the lock (the version we locked is not
the version the statement saw), the person and roles are read again: a turn always sees
what the chat's previous turn wrote (an onboarding, a language). A chat's first turn also
reads them again, after creating and locking its row.

SQLite needs none of this: each turn is one BEGIN IMMEDIATE transaction, so nothing else
writes while it runs, and its statements cost microseconds in process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import RoleKind
from storage.models import Conversation, OrgUnit, Person, ProcessedUpdate, Role
from storage.prepared import Prepared
from storage.repositories import conversations, people


@dataclass(frozen=True, slots=True)
class TurnStart:
    conv_id: int
    state: dict[str, Any]
    version: int
    person: Person | None
    roles: list[tuple[RoleKind, OrgUnit]]


def _this_chat() -> Any:
    return (
        (Conversation.channel == bindparam("channel"))
        & (Conversation.bot_id == bindparam("bot_id"))
        & (Conversation.chat_id == bindparam("chat_id"))
    )


def _build() -> Prepared:
    claim = (
        pg_insert(ProcessedUpdate)
        .values(
            channel=bindparam("channel"),
            bot_id=bindparam("bot_id"),
            update_id=bindparam("update_id"),
            at=bindparam("at", type_=ProcessedUpdate.at.type),
        )
        .on_conflict_do_nothing()
        .returning(literal_column("1"))
        .cte("claim")
    )
    # Every private turn takes the dedupe row, then the chat's row: no two turns deadlock.
    conv = (
        select(Conversation.id, Conversation.state, Conversation.version)
        .where(_this_chat())
        .with_for_update()
        .cte("conv")
    )
    seen = select(Conversation.version).where(_this_chat()).scalar_subquery()
    who = people.WHO.add_columns(Role.id.label("role_order")).subquery("who")
    one = select(literal_column("1").label("one")).subquery("one")
    who_cols = list(who.c)[:-1]
    stmt = (
        select(
            select(func.count()).select_from(claim).scalar_subquery().label("claimed"),
            conv.c.id,
            conv.c.state,
            conv.c.version,
            seen.label("seen"),
            *who_cols,
        )
        .select_from(one)
        .outerjoin(conv, true())
        .outerjoin(who, true())
        .order_by(who.c[OrgUnit.path.key], who.c.role_order)
    )
    return Prepared(stmt)


_START_PG = _build()
_HEAD = 5  # claimed, conversation id, state, version, the version the statement saw


async def begin_turn(
    s: AsyncSession,
    channel: str,
    bot_id: str,
    update_id: str,
    chat_id: str,
    user_id: str,
    now: dt.datetime,
) -> TurnStart | None:
    """Claim `update_id`, lock the chat, load its state, the person and her roles; None for
    a replay (on PostgreSQL the chat's lock is then held to the end of this transaction)."""
    if s.bind.dialect.name == "postgresql":
        rows = await _START_PG.all(
            s, channel=channel, bot_id=bot_id, update_id=update_id, chat_id=chat_id, at=now,
            external_id=user_id,
        )  # fmt: skip
        claimed, conv_id, state, version, seen = rows[0][:_HEAD]
        if not claimed:
            return None
        if conv_id is not None and version == seen:
            person, roles = people.who_of([row[_HEAD:] for row in rows])
            return TurnStart(conv_id, dict(state or {}), version, person, roles)
        # A first turn of this chat, or another turn committed while we waited for the lock.
        conv_id, state, version = await conversations.lock_conversation(
            s, channel, bot_id, chat_id, now
        )
    else:
        locked = await conversations.claim_and_lock(s, channel, bot_id, update_id, chat_id, now)
        if locked is None:
            return None
        conv_id, state, version = locked
    person, roles = await people.person_and_roles(s, channel, bot_id, user_id)
    return TurnStart(conv_id, state, version, person, roles)
