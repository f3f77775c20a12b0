"""What a person does about her reminders: the latest one she got, putting it off, the digest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import OutboxStatus
from storage.models import Outbox, Person, Snooze


@dataclass(frozen=True, slots=True)
class Received:
    """A reminder as sent to its person."""

    id: int
    kind: str
    payload: dict[str, Any]


async def latest_sent(
    s: AsyncSession, person_id: int, kinds: Collection[str], since: dt.datetime
) -> Received | None:
    """The person's last reminder of these kinds sent at or after `since`, or None."""
    stmt = (
        select(Outbox.id, Outbox.kind, Outbox.payload)
        .where(
            Outbox.person_id == person_id,
            Outbox.kind.in_(sorted(kinds)),
            Outbox.status == OutboxStatus.SENT,
            Outbox.sent_at.is_not(None),
            Outbox.sent_at >= since,
        )
        .order_by(Outbox.sent_at.desc(), Outbox.id.desc())
        .limit(1)
    )
    row = (await s.execute(stmt)).first()
    return Received(*row) if row is not None else None


async def is_snoozed(s: AsyncSession, person_id: int, kind: str, period: str) -> bool:
    """Whether the person already put off this reminder (kind and period) once."""
    return await s.get(Snooze, (person_id, kind, period)) is not None


async def snooze(
    s: AsyncSession, person_id: int, kind: str, period: str, until: dt.datetime
) -> None:
    s.add(Snooze(person_id=person_id, kind=kind, period=period, until=until))


async def mute_digests(s: AsyncSession, person_id: int, muted: bool) -> None:
    """A statement only: a Person loaded in this session keeps its old `mute_digests`."""
    await s.execute(update(Person).where(Person.id == person_id).values(mute_digests=muted))
