"""Per officer: her phone for ZNS (sealed) and consent, her preferred channel, the
identities a message can reach her on; re-addressing an outbox row; folded reminders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import OutboxStatus
from storage import crypto
from storage.models import (
    ChannelIdentity,
    FoldedReminder,
    OrgUnit,
    Outbox,
    Person,
    PersonContact,
)


@dataclass(frozen=True, slots=True)
class Contact:
    person_id: int
    has_phone: bool
    consented: bool
    preferred: str | None


@dataclass(frozen=True, slots=True)
class Route:
    """One identity a message may go to."""

    channel: str
    bot_id: str
    chat_id: str
    unreachable: bool


async def _row(s: AsyncSession, person_id: int, now: dt.datetime) -> PersonContact:
    row = await s.get(PersonContact, person_id)
    if row is None:
        row = PersonContact(person_id=person_id, updated_at=now)
        s.add(row)
    row.updated_at = now
    return row


async def set_phone(
    s: AsyncSession, person_id: int, phone: str, consent: bool, now: dt.datetime
) -> None:
    """Her phone (digits, 84… form) sealed; consent to messages by phone given or withdrawn."""
    row = await _row(s, person_id, now)
    sealed = crypto.seal_phone(phone)
    assert sealed is not None
    row.phone_enc, row.phone_index = sealed.blob, sealed.index
    if consent:
        row.phone_consent_at, row.phone_consent_withdrawn_at = now, None
    elif row.phone_consent_at is not None:
        row.phone_consent_withdrawn_at = now
    await s.flush()


async def withdraw_phone_consent(s: AsyncSession, person_id: int, now: dt.datetime) -> bool:
    row = await s.get(PersonContact, person_id)
    if row is None or row.phone_consent_at is None:
        return False
    row.phone_consent_withdrawn_at, row.updated_at = now, now
    await s.flush()
    return True


async def set_preferred(
    s: AsyncSession, person_id: int, channel: str | None, now: dt.datetime
) -> None:
    row = await _row(s, person_id, now)
    row.preferred = channel
    await s.flush()


async def contact(s: AsyncSession, person_id: int) -> Contact:
    row = await s.get(PersonContact, person_id)
    if row is None:
        return Contact(person_id, False, False, None)
    consented = row.phone_consent_at is not None and row.phone_consent_withdrawn_at is None
    return Contact(person_id, row.phone_enc is not None, consented, row.preferred)


async def consented_phone(s: AsyncSession, person_id: int) -> str | None:
    """Her phone, only while she consents to messages by phone."""
    row = await s.get(PersonContact, person_id)
    if row is None or row.phone_enc is None:
        return None
    if row.phone_consent_at is None or row.phone_consent_withdrawn_at is not None:
        return None
    return crypto.decrypt_phone(bytes(row.phone_enc))


async def routes(s: AsyncSession, person_id: int) -> list[Route]:
    stmt = (
        select(
            ChannelIdentity.channel,
            ChannelIdentity.bot_id,
            ChannelIdentity.chat_id,
            ChannelIdentity.unreachable,
        )
        .where(ChannelIdentity.person_id == person_id)
        .order_by(ChannelIdentity.id)
    )
    return [Route(c, b, chat, bool(u)) for c, b, chat, u in (await s.execute(stmt)).all()]


async def identity_elsewhere(
    s: AsyncSession, channel: str, bot_id: str, external_id: str
) -> tuple[int, str] | None:
    """The person (and her chat id) linked with this external id on another bot of the channel."""
    stmt = (
        select(ChannelIdentity.person_id, ChannelIdentity.bot_id)
        .where(
            ChannelIdentity.channel == channel,
            ChannelIdentity.external_id == external_id,
            ChannelIdentity.bot_id != bot_id,
        )
        .order_by(ChannelIdentity.id)
    )
    found = (await s.execute(stmt)).first()
    return (int(found[0]), str(found[1])) if found else None


async def readdress(
    s: AsyncSession, row_id: int, channel: str, bot_id: str, chat_id: str, payload: dict[str, Any]
) -> None:
    """Point a claimed row at another channel (a fallback); it is delivered from there."""
    await s.execute(
        update(Outbox)
        .where(Outbox.id == row_id)
        .values(channel=channel, bot_id=bot_id, chat_id=chat_id, payload=payload)
    )


async def fold(
    s: AsyncSession,
    outbox_id: int,
    kind: str,
    unit_id: int | None,
    person_id: int | None,
    reason: str,
    now: dt.datetime,
) -> None:
    """A routine reminder held back by its bot's quota: finished unsent, kept for the digest."""
    s.add(
        FoldedReminder(
            outbox_id=outbox_id, kind=kind, unit_id=unit_id, person_id=person_id, folded_at=now
        )
    )
    await s.execute(
        update(Outbox)
        .where(Outbox.id == outbox_id)
        .values(status=OutboxStatus.SENT, sent_at=None, last_error=reason[:300])
    )
    await s.flush()


async def folded_under(s: AsyncSession, unit_id: int, now: dt.datetime) -> list[tuple[str, str]]:
    """Reminders folded for branches under `unit_id` not yet in a digest: (kind, unit name),
    now marked as digested."""
    path = await s.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))
    if path is None:
        return []
    stmt = (
        select(FoldedReminder.id, FoldedReminder.kind, OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == FoldedReminder.unit_id)
        .where(OrgUnit.path.startswith(path), FoldedReminder.digested_at.is_(None))
        .order_by(OrgUnit.name, FoldedReminder.id)
    )
    rows = (await s.execute(stmt)).all()
    if rows:
        await s.execute(
            update(FoldedReminder)
            .where(FoldedReminder.id.in_([r[0] for r in rows]))
            .values(digested_at=now)
        )
    return [(str(kind), str(name)) for _id, kind, name in rows]


async def unit_name(s: AsyncSession, unit_id: int) -> str | None:
    name = await s.scalar(select(OrgUnit.name).where(OrgUnit.id == unit_id))
    return str(name) if name is not None else None


async def unit_for_code(s: AsyncSession, code: str) -> tuple[int, str] | None:
    found = (await s.execute(select(OrgUnit.id, OrgUnit.path).where(OrgUnit.code == code))).first()
    return (int(found[0]), str(found[1])) if found else None


async def unit_path(s: AsyncSession, unit_id: int) -> str | None:
    path = await s.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))
    return str(path) if path is not None else None


async def skip(s: AsyncSession, row_id: int, reason: str) -> None:
    """Finish a claimed row unsent, saying why (another channel carried it)."""
    await s.execute(
        update(Outbox)
        .where(Outbox.id == row_id)
        .values(status=OutboxStatus.SENT, sent_at=None, last_error=reason[:300])
    )


async def any_choices(s: AsyncSession) -> bool:
    """Whether anyone has a preferred channel or a phone for ZNS (else nothing to choose)."""
    stmt = select(PersonContact.person_id).where(
        (PersonContact.preferred.is_not(None)) | (PersonContact.phone_consent_at.is_not(None))
    )
    return (await s.scalar(stmt.limit(1))) is not None


async def codes_on_path(s: AsyncSession, unit_code: str) -> list[str]:
    """The codes of a unit and its ancestors, the unit first (which Zalo bot serves it)."""
    found = await unit_for_code(s, unit_code)
    if found is None:
        return []
    ids = [int(x) for x in found[1].strip("/").split("/") if x]
    found_codes = await s.execute(select(OrgUnit.id, OrgUnit.code).where(OrgUnit.id.in_(ids)))
    rows: dict[int, str] = {int(i): str(c) for i, c in found_codes.all()}
    return [str(rows[i]) for i in reversed(ids) if i in rows]


async def display_name(s: AsyncSession, person_id: int) -> str | None:
    name = await s.scalar(select(Person.display_name).where(Person.id == person_id))
    return str(name) if name is not None else None
