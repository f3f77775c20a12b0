"""What a sweep reads once: the unit tree and who can be reached in which role (set-based)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bot.domain.enums import Level, RoleKind
from storage.repositories import recipients as recipients_repo
from storage.repositories import reminder_facts
from storage.repositories.recipients import Recipient
from storage.repositories.reminder_facts import Unit
from storage.sessions import Session

# Roles a sweep writes to; deputies and officers are not reminded.
REMINDED = (RoleKind.BRANCH_HEAD, RoleKind.COMMUNE_CHAIR, RoleKind.PROVINCE_OFFICER)


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


async def load_snapshot(s: Session) -> Snapshot:
    units = await reminder_facts.units(s)
    roles: dict[tuple[RoleKind, int], list[Recipient]] = defaultdict(list)
    for r in await recipients_repo.reachable(s, REMINDED):
        roles[(r.kind, r.unit_id)].append(r)
    return Snapshot(units, dict(roles))
