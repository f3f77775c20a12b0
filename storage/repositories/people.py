"""People (officers using the bot), their channel identities and roles."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity, OrgUnit, Person, Role, RoleKind


async def find_person(
    s: AsyncSession, channel: str, bot_id: str, external_id: str
) -> Person | None:
    stmt = (
        select(Person)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .where(
            ChannelIdentity.channel == channel,
            ChannelIdentity.bot_id == bot_id,
            ChannelIdentity.external_id == external_id,
        )
    )
    return (await s.scalars(stmt)).first()


async def roles_of(s: AsyncSession, person_id: int) -> list[tuple[RoleKind, OrgUnit]]:
    stmt = (
        select(Role.kind, OrgUnit)
        .join(OrgUnit, OrgUnit.id == Role.unit_id)
        .where(Role.person_id == person_id)
        .order_by(OrgUnit.path)
    )
    return [(kind, unit) for kind, unit in (await s.execute(stmt)).all()]


async def create_person(
    s: AsyncSession, display_name: str, now: dt.datetime, locale: str = "vi"
) -> Person:
    person = Person(display_name=display_name, locale=locale, created_at=now, mute_digests=False)
    s.add(person)
    await s.flush()
    return person


async def link_identity(
    s: AsyncSession,
    person_id: int,
    channel: str,
    bot_id: str,
    external_id: str,
    chat_id: str,
    now: dt.datetime,
) -> None:
    s.add(
        ChannelIdentity(
            person_id=person_id,
            channel=channel,
            bot_id=bot_id,
            external_id=external_id,
            chat_id=chat_id,
            unreachable=False,
            linked_at=now,
        )
    )
    await s.flush()


async def grant_role(s: AsyncSession, person_id: int, unit_id: int, kind: RoleKind) -> None:
    exists = await s.scalar(
        select(Role.id).where(
            Role.person_id == person_id, Role.unit_id == unit_id, Role.kind == kind
        )
    )
    if exists is None:
        s.add(Role(person_id=person_id, unit_id=unit_id, kind=kind))
        await s.flush()


async def identities_of(s: AsyncSession, person_id: int) -> list[ChannelIdentity]:
    stmt = select(ChannelIdentity).where(ChannelIdentity.person_id == person_id)
    return list((await s.scalars(stmt)).all())


async def mark_unreachable(
    s: AsyncSession, channel: str, bot_id: str, chat_id: str, unreachable: bool = True
) -> None:
    await s.execute(
        update(ChannelIdentity)
        .where(
            ChannelIdentity.channel == channel,
            ChannelIdentity.bot_id == bot_id,
            ChannelIdentity.chat_id == chat_id,
        )
        .values(unreachable=unreachable)
    )


async def set_locale(s: AsyncSession, person_id: int, locale: str) -> None:
    await s.execute(update(Person).where(Person.id == person_id).values(locale=locale))


async def people_with_role(
    s: AsyncSession, unit_id: int, kinds: frozenset[RoleKind]
) -> list[Person]:
    stmt = (
        select(Person)
        .join(Role, Role.person_id == Person.id)
        .where(Role.unit_id == unit_id, Role.kind.in_(kinds))
        .order_by(Person.id)
    )
    return list((await s.scalars(stmt)).unique().all())
