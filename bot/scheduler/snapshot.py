"""What a sweep reads of the tree: the chairs and province officers it writes to at once;
the units above the branches, and the branches a rule finds late, only when a commune-level
rule still has someone to tell (set-based).

Branch heads are not held here: the per-branch rules ask storage/repositories/unreached.py
for the heads their step has not reached, so a national sweep never loads 90,000 of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.domain.enums import Level, RoleKind
from storage.repositories import recipients as recipients_repo
from storage.repositories import reminder_facts
from storage.repositories.recipients import Recipient
from storage.repositories.reminder_facts import Unit
from storage.sessions import Session

# Roles above the branch that a sweep writes to; deputies and officers are not reminded.
ABOVE_BRANCH = (RoleKind.COMMUNE_CHAIR, RoleKind.PROVINCE_OFFICER)
_UPPER = [lv for lv in Level if lv not in (Level.BRANCH, Level.GROUP)]


@dataclass
class Snapshot:
    roles: dict[tuple[RoleKind, int], list[Recipient]]
    # The units read so far: those above the branches once `load`ed, then what rules add.
    _units: dict[int, Unit] | None = None
    _branches: list[Unit] | None = None
    _up: dict[tuple[str, Level], Unit | None] = field(default_factory=dict)

    async def load(self, s: Session) -> Snapshot:
        """Read the units above the branches once (a few thousand: provinces, communes)."""
        if self._units is None:
            self._units = await reminder_facts.units(s, levels=_UPPER)
        return self

    def add(self, units: Iterable[Unit]) -> list[Unit]:
        """Units a rule read (late branches, say), kept for `ancestor`; returned as a list."""
        found = list(units)
        self.units.update((u.id, u) for u in found)
        return found

    async def branches(self, s: Session) -> list[Unit]:
        """Every branch, by path (for the rules that look at all of them)."""
        if self._branches is None:
            await self.load(s)
            found = await reminder_facts.units(s, levels=[Level.BRANCH])
            self._branches = sorted(self.add(found.values()), key=lambda u: u.path)
        return self._branches

    @property
    def units(self) -> dict[int, Unit]:
        if self._units is None:
            raise RuntimeError("the units are read on first need: await snap.load(s)")
        return self._units

    def recipients(self, kind: RoleKind, unit_id: int) -> list[Recipient]:
        """Reachable commune chairs or province officers of the unit."""
        if kind not in ABOVE_BRANCH:
            raise ValueError(f"{kind} is not held by the snapshot")
        return self.roles.get((kind, unit_id), [])

    def ancestor(self, unit: Unit, level: Level) -> Unit | None:
        """The unit's ancestor at `level` (above the branches), at whatever depth it sits."""
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
