"""Who can be reached in a role: each role holder's channel identities not marked unreachable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import RoleKind
from storage.models import ChannelIdentity, Person, Role


@dataclass(frozen=True, slots=True)
class Recipient:
    """One person holding one role at one unit, reachable through one channel identity."""

    kind: RoleKind
    unit_id: int
    person_id: int
    identity_id: int
    channel: str
    bot_id: str
    chat_id: str
    locale: str
    mute: bool
    linked_at: dt.datetime


async def reachable(
    s: AsyncSession, kinds: Collection[RoleKind], unit_ids: Collection[int] | None = None
) -> list[Recipient]:
    """Every reachable identity of everyone holding one of `kinds` (at `unit_ids` only, when
    given), by unit, person, identity."""
    stmt = (
        select(
            Role.kind,
            Role.unit_id,
            Person.id,
            Person.locale,
            Person.mute_digests,
            ChannelIdentity.id,
            ChannelIdentity.channel,
            ChannelIdentity.bot_id,
            ChannelIdentity.chat_id,
            ChannelIdentity.linked_at,
        )
        .join(Person, Person.id == Role.person_id)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .where(Role.kind.in_(list(kinds)), ChannelIdentity.unreachable.is_(False))
        .order_by(Role.unit_id, Person.id, ChannelIdentity.id)
    )
    if unit_ids is not None:
        stmt = stmt.where(Role.unit_id.in_(list(unit_ids)))
    return [
        Recipient(
            kind, unit_id, pid, iid, channel, bot_id, chat_id, locale or "vi", bool(mute), linked
        )
        for kind, unit_id, pid, locale, mute, iid, channel, bot_id, chat_id, linked in (
            await s.execute(stmt)
        ).all()
    ]
