"""What a sweep reads of the tree: the chairs and province officers it writes to at once, the
unit tree only when a commune-level rule still has someone to tell (set-based).

Branch heads are not held here: the per-branch rules ask storage/repositories/unreached.py
for the heads their step has not reached, so a national sweep never loads 90,000 of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bot.domain.enums import Level, RoleKind
from storage.repositories import recipients as recipients_repo
from storage.repositories import reminder_facts
from storage.repositories.recipients import Recipient
from storage.repositories.reminder_facts import Unit
from storage.sessions import Session

# Roles above the branch that a sweep writes to; deputies and officers are not reminded.
ABOVE_BRANCH = (RoleKind.COMMUNE_CHAIR, RoleKind.PROVINCE_OFFICER)


@dataclass
class Snapshot:
    roles: dict[tuple[RoleKind, int], list[Recipient]]
    _units: dict[int, Unit] | None = None
    _branches: list[Unit] | None = None
    _up: dict[tuple[str, Level], Unit | None] = field(default_factory=dict)

    async def load(self, s: Session) -> Snapshot:
        """Read the unit tree once (the first rule that needs it pays for it)."""
        if self._units is None:
            self._units = await reminder_facts.units(s)
        return self

    @property
    def units(self) -> dict[int, Unit]:
        if self._units is None:
            raise RuntimeError("the unit tree is read on first need: await snap.load(s)")
        return self._units

    def branches(self) -> list[Unit]:
        if self._branches is None:
            branches = (u for u in self.units.values() if u.level == Level.BRANCH)
            self._branches = sorted(branches, key=lambda u: u.path)
        return self._branches

    def recipients(self, kind: RoleKind, unit_id: int) -> list[Recipient]:
        """Reachable commune chairs or province officers of the unit."""
        if kind not in ABOVE_BRANCH:
            raise ValueError(f"{kind} is not held by the snapshot")
        return self.roles.get((kind, unit_id), [])

    def ancestor(self, unit: Unit, level: Level) -> Unit | None:
        """The unit's ancestor at `level`, at whatever depth it sits."""
        # Siblings share their ancestors: look them up once per parent path ("/1/35/").
        parent = unit.path[: unit.path.rstrip("/").rfind("/") + 1]
        key = (parent, level)
        if key not in self._up:
            found = None
            for part in reversed(parent.strip("/").split("/")):
                up = self.units.get(int(part)) if part else None
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
    roles: dict[tuple[RoleKind, int], list[Recipient]] = defaultdict(list)
    for r in await recipients_repo.reachable(s, ABOVE_BRANCH):
        roles[(r.kind, r.unit_id)].append(r)
    return Snapshot(dict(roles))
