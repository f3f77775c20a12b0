"""Group chats linked to a unit, and the one-time codes that link them (stored hashed)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GroupLink, LinkCode
from storage.repositories.invites import hash_code, hashes_of, new_code


async def create_link_code(
    s: AsyncSession, unit_id: int, person_id: int, now: dt.datetime, ttl: dt.timedelta
) -> str:
    """Store a new link code for `unit_id` and return it; only its hash is kept."""
    code = new_code()
    s.add(
        LinkCode(
            code_hash=hash_code(code),
            unit_id=unit_id,
            person_id=person_id,
            expires_at=now + ttl,
        )
    )
    await s.flush()
    return code


async def take_link_code(s: AsyncSession, code: str, now: dt.datetime) -> LinkCode | None:
    """The unused, unexpired link code, or None."""
    stmt = select(LinkCode).where(
        LinkCode.code_hash.in_(hashes_of(code)),
        LinkCode.used_at.is_(None),
        LinkCode.expires_at > now,
    )
    if s.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return (await s.scalars(stmt)).first()


async def mark_code_used(s: AsyncSession, code: LinkCode, now: dt.datetime) -> None:
    """The link code is spent: `take_link_code` never returns it again."""
    code.used_at = now


async def find(s: AsyncSession, channel: str, bot_id: str, chat_id: str) -> GroupLink | None:
    stmt = select(GroupLink).where(
        GroupLink.channel == channel, GroupLink.bot_id == bot_id, GroupLink.chat_id == chat_id
    )
    return (await s.scalars(stmt)).first()


async def link(
    s: AsyncSession,
    unit_id: int,
    channel: str,
    bot_id: str,
    chat_id: str,
    person_id: int | None,
    now: dt.datetime,
) -> GroupLink:
    """Link a group chat to a unit; a chat belongs to one unit, so relinking moves it."""
    row = await find(s, channel, bot_id, chat_id)
    if row is None:
        row = GroupLink(channel=channel, bot_id=bot_id, chat_id=chat_id, unit_id=unit_id)
        s.add(row)
    row.unit_id = unit_id
    row.linked_by = person_id
    row.linked_at = now
    await s.flush()
    return row


async def unlink(s: AsyncSession, channel: str, bot_id: str, chat_id: str) -> bool:
    stmt = delete(GroupLink).where(
        GroupLink.channel == channel, GroupLink.bot_id == bot_id, GroupLink.chat_id == chat_id
    )
    result = await s.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def groups_of(s: AsyncSession, unit_id: int) -> list[GroupLink]:
    """Group chats linked to exactly this unit."""
    stmt = select(GroupLink).where(GroupLink.unit_id == unit_id).order_by(GroupLink.id)
    return list((await s.scalars(stmt)).all())
