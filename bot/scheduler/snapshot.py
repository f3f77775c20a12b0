"""What a sweep reads once: the unit tree and who can be reached in which role (set-based)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import Level, RoleKind
from storage.models import ChannelIdentity, OrgUnit, Person, Role

# Roles a sweep writes to; deputies and officers are not reminded.
REMINDED = (RoleKind.BRANCH_HEAD, RoleKind.COMMUNE_CHAIR, RoleKind.PROVINCE_OFFICER)


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    level: Level
    name: str
    path: str
    founded_on: dt.date | None

    def ids(self) -> list[int]:
        """Ids from the root down to this unit (the materialised path)."""
        return [int(p) for p in self.path.strip("/").split("/") if p]


@dataclass(frozen=True, slots=True)
class Recipient:
    """One person reachable through one channel identity."""

    person_id: int
    identity_id: int
    channel: str
    bot_id: str
    chat_id: str
    locale: str
    mute: bool


@dataclass
class Snapshot:
    units: dict[int, Unit]
    roles: dict[tuple[RoleKind, int], list[Recipient]]
    _up: dict[tuple[int, Level], Unit | None] = field(default_factory=dict)

    def branches(self) -> list[Unit]:
        return sorted(
            (u for u in self.units.values() if u.level == Level.BRANCH), key=lambda u: u.path
        )

    def recipients(self, kind: RoleKind, unit_id: int) -> list[Recipient]:
        return self.roles.get((kind, unit_id), [])

    def ancestor(self, unit: Unit, level: Level) -> Unit | None:
        """The unit's ancestor at `level`, at whatever depth it sits."""
        key = (unit.id, level)
        if key not in self._up:
            found = None
            for uid in reversed(unit.ids()[:-1]):
                up = self.units.get(uid)
                if up is not None and up.level == level:
                    found = up
                    break
            self._up[key] = found
        return self._up[key]

    def by_ancestor(self, units: list[Unit], level: Level) -> dict[int, list[Unit]]:
        """Units grouped under their ancestor at `level` (units without one are left out)."""
        out: dict[int, list[Unit]] = defaultdict(list)
        for u in units:
            up = self.ancestor(u, level)
            if up is not None:
                out[up.id].append(u)
        return out


async def load_snapshot(s: AsyncSession) -> Snapshot:
    rows = await s.execute(
        select(OrgUnit.id, OrgUnit.level, OrgUnit.name, OrgUnit.path, OrgUnit.founded_on)
    )
    units = {r.id: Unit(r.id, r.level, r.name, r.path, r.founded_on) for r in rows}
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
        )
        .join(Person, Person.id == Role.person_id)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .where(Role.kind.in_(REMINDED), ChannelIdentity.unreachable.is_(False))
        .order_by(Role.unit_id, Person.id, ChannelIdentity.id)
    )
    roles: dict[tuple[RoleKind, int], list[Recipient]] = defaultdict(list)
    for kind, unit_id, pid, locale, mute, iid, channel, bot_id, chat_id in (
        await s.execute(stmt)
    ).all():
        roles[(kind, unit_id)].append(
            Recipient(pid, iid, channel, bot_id, chat_id, locale or "vi", bool(mute))
        )
    return Snapshot(units, dict(roles))
