"""People (officers using the bot), their channel identities and roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import configure_mappers, make_transient_to_detached
from sqlalchemy.orm.instrumentation import manager_of_class

from bot.domain.enums import RoleKind
from storage.models import ChannelIdentity, OrgUnit, Person, Role
from storage.prepared import Prepared

T = TypeVar("T")
_PERSON_COLS = [c.key for c in Person.__table__.columns]
_UNIT_COLS = [c.key for c in OrgUnit.__table__.columns]
# Who writes, with each role and its unit: one query a turn (storage.prepared), or part of
# the turn's first statement on PostgreSQL (storage.repositories.turn_start).
WHO = (
    select(
        *Person.__table__.columns,
        Role.kind,
        *OrgUnit.__table__.columns,
    )
    .select_from(ChannelIdentity)
    .join(Person, Person.id == ChannelIdentity.person_id)
    .outerjoin(Role, Role.person_id == Person.id)
    .outerjoin(OrgUnit, OrgUnit.id == Role.unit_id)
    .where(
        ChannelIdentity.channel == bindparam("channel"),
        ChannelIdentity.bot_id == bindparam("bot_id"),
        ChannelIdentity.external_id == bindparam("external_id"),
    )
)
_WHO = Prepared(WHO.order_by(OrgUnit.path, Role.id))
_SET_LOCALE = Prepared(
    update(Person).where(Person.id == bindparam("person_id")).values(locale=bindparam("locale"))
)


_configured = False


def _configure() -> None:
    global _configured
    configure_mappers()  # what an entity's constructor would do first
    _configured = True


def _detached(cls: type[T], names: list[str], values: Any) -> T:
    """An entity from a plain row, as if loaded by an earlier session (not this one's).

    Filled the way the ORM's loader fills it (no attribute events, nothing "changed").
    """
    if not _configured:
        _configure()
    obj: T = manager_of_class(cls).new_instance()
    obj.__dict__.update(zip(names, values, strict=True))
    make_transient_to_detached(obj)
    return obj


async def person_and_roles(
    s: AsyncSession, channel: str, bot_id: str, external_id: str
) -> tuple[Person | None, list[tuple[RoleKind, OrgUnit]]]:
    """`find_person` and `roles_of` in one query; the entities are not in the session.

    Handlers read them (and may set an attribute they have just updated with a statement);
    a session that needs the row itself loads it.
    """
    rows = await _WHO.all(s, channel=channel, bot_id=bot_id, external_id=external_id)
    return who_of(rows)


def who_of(rows: Sequence[Sequence[Any]]) -> tuple[Person | None, list[tuple[RoleKind, OrgUnit]]]:
    """The person and roles from rows of WHO's columns (none, or a person id of NULL from an
    outer join: a stranger)."""
    if not rows or rows[0][0] is None:
        return None, []
    n = len(_PERSON_COLS)
    person = _detached(Person, _PERSON_COLS, rows[0][:n])
    roles = [
        (row[n], _detached(OrgUnit, _UNIT_COLS, row[n + 1 :])) for row in rows if row[n] is not None
    ]
    return person, roles


def _of_identity(stmt: Select[Any], channel: str, bot_id: str, external_id: str) -> Select[Any]:
    return stmt.join(ChannelIdentity, ChannelIdentity.person_id == Person.id).where(
        ChannelIdentity.channel == channel,
        ChannelIdentity.bot_id == bot_id,
        ChannelIdentity.external_id == external_id,
    )


async def find_person(
    s: AsyncSession, channel: str, bot_id: str, external_id: str
) -> Person | None:
    return (await s.scalars(_of_identity(select(Person), channel, bot_id, external_id))).first()


async def locale_of(s: AsyncSession, channel: str, bot_id: str, external_id: str) -> str | None:
    """The language of whoever writes from this identity; None for a stranger."""
    stmt = _of_identity(select(Person.locale), channel, bot_id, external_id)
    return (await s.scalars(stmt)).first()


@dataclass(frozen=True, slots=True)
class Linked:
    """A person linked on one bot: the id she writes from, her name, her roles (kind, unit)."""

    external_id: str
    display_name: str
    roles: list[tuple[RoleKind, str]]


async def linked_on(s: AsyncSession, channel: str, bot_id: str) -> list[Linked]:
    """Everyone linked on (channel, bot_id), oldest person first (the web simulator's list)."""
    rows = (
        await s.execute(
            select(ChannelIdentity.external_id, Person.id, Person.display_name)
            .join(Person, Person.id == ChannelIdentity.person_id)
            .where(ChannelIdentity.channel == channel, ChannelIdentity.bot_id == bot_id)
            .order_by(Person.id)
        )
    ).all()
    result = []
    for ext, person_id, name in rows:
        roles = [(kind, unit.name) for kind, unit in await roles_of(s, person_id)]
        result.append(Linked(ext, name, roles))
    return result


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
    """A statement only: a Person loaded in this session keeps its old `locale`."""
    await _SET_LOCALE.rowcount(s, person_id=person_id, locale=locale)


@dataclass(frozen=True)
class Officer:
    """A person as an operator sees her: roles and linked apps (never a phone)."""

    id: int
    display_name: str
    roles: list[tuple[RoleKind, str]]  # (role, unit code)
    identities: list[tuple[int, str, str]]  # (identity id, channel, bot id)


async def officers(s: AsyncSession, unit_path: str | None = None) -> list[Officer]:
    """People with a role (under `unit_path` if given), with their roles and linked apps."""
    stmt = select(Role.person_id, Role.kind, OrgUnit.code).join(OrgUnit, OrgUnit.id == Role.unit_id)
    if unit_path is not None:
        stmt = stmt.where(OrgUnit.path.startswith(unit_path))
    roles: dict[int, list[tuple[RoleKind, str]]] = {}
    for pid, kind, code in (await s.execute(stmt.order_by(Role.person_id, Role.id))).all():
        roles.setdefault(pid, []).append((RoleKind(kind), code))
    if not roles:
        return []
    stmt_names = select(Person.id, Person.display_name).where(Person.id.in_(roles))
    names: dict[int, str] = {pid: name for pid, name in (await s.execute(stmt_names)).all()}
    links: dict[int, list[tuple[int, str, str]]] = {}
    ids = select(
        ChannelIdentity.id,
        ChannelIdentity.person_id,
        ChannelIdentity.channel,
        ChannelIdentity.bot_id,
    ).where(ChannelIdentity.person_id.in_(roles))
    for iid, pid, channel, bot_id in (await s.execute(ids.order_by(ChannelIdentity.id))).all():
        links.setdefault(pid, []).append((iid, channel, bot_id))
    return [Officer(pid, names.get(pid, ""), rs, links.get(pid, [])) for pid, rs in roles.items()]


async def revoke_role(s: AsyncSession, person_id: int, unit_id: int, kind: RoleKind) -> bool:
    """Take a role away; False if she did not hold it."""
    gone = await s.execute(
        delete(Role).where(Role.person_id == person_id, Role.unit_id == unit_id, Role.kind == kind)
    )
    return bool(getattr(gone, "rowcount", 0))


async def unlink_identity(s: AsyncSession, identity_id: int) -> tuple[int, str] | None:
    """Forget one linked app (her chat there no longer reaches the bot as her): the person
    and channel it belonged to, or None if there is no such link."""
    row = await s.get(ChannelIdentity, identity_id)
    if row is None:
        return None
    found = (row.person_id, row.channel)
    await s.delete(row)
    await s.flush()
    return found
