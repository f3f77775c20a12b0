"""Compliance over many quarters (the trend chart): who had to meet, who did."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import Quarter
from bot.domain.enums import Level
from bot.domain.figures import UnitRow
from storage.models import Meeting, OrgUnit
from storage.repositories.measures.meetings import MEETING_LEVELS
from storage.repositories.measures.scope import Scope, units_under
from storage.repositories.meetings import regular_meeting_in


@dataclass
class Trend:
    """Branches and groups that had to meet, and those that did, per quarter (oldest first),
    for a unit and each unit directly under it; the groups (tổ) among them apart too."""

    root: UnitRow
    quarters: list[Quarter]
    children: list[UnitRow]
    meeting_units: dict[int, list[int]]
    met: dict[int, list[int]]
    groups: dict[int, list[int]]
    groups_met: dict[int, list[int]]

    def share(self, unit_id: int, i: int) -> float | None:
        whole = self.meeting_units[unit_id][i]
        return self.met[unit_id][i] / whole if whole else None

    def branch_share(self, unit_id: int, i: int) -> float | None:
        whole = self.meeting_units[unit_id][i] - self.groups[unit_id][i]
        met = self.met[unit_id][i] - self.groups_met[unit_id][i]
        return met / whole if whole else None

    def group_share(self, unit_id: int, i: int) -> float | None:
        whole = self.groups[unit_id][i]
        return self.groups_met[unit_id][i] / whole if whole else None


async def compliance_trend(
    s: AsyncSession, root: OrgUnit | UnitRow, last: Quarter, count: int = 8
) -> Trend:
    units = await units_under(s, root)
    quarters = [last]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    quarters.reverse()
    flags = [
        func.max(case((Meeting.held_on.between(q.first_day, q.last_day), 1), else_=0))
        for q in quarters
    ]
    stmt = (
        select(Meeting.unit_id, *flags)
        .where(
            Scope.of(root.path, list(units)).filter(Meeting.unit_id),
            regular_meeting_in(quarters[0].first_day, quarters[-1].last_day),
        )
        .group_by(Meeting.unit_id)
    )
    held = {row[0]: row[1:] for row in (await s.execute(stmt)).all()}
    top = units.get(root.id) or UnitRow(
        root.id, root.parent_id, root.level, root.code, root.name, root.path
    )
    children = sorted((u for u in units.values() if u.parent_id == root.id), key=lambda u: u.code)
    must = {u.id: [0] * count for u in [top, *children]}
    did = {u.id: [0] * count for u in [top, *children]}
    groups = {u.id: [0] * count for u in [top, *children]}
    groups_did = {u.id: [0] * count for u in [top, *children]}
    for uid, u in units.items():
        if u.level not in MEETING_LEVELS:
            continue
        ids = u.path_ids()
        targets = [top.id] + ([ids[top.depth]] if len(ids) > top.depth else [])
        flags_of = held.get(uid)
        for i, q in enumerate(quarters):
            if u.founded_on is not None and u.founded_on > q.last_day:
                continue
            held_q = flags_of is not None and flags_of[i]
            for t in targets:
                must[t][i] += 1
                did[t][i] += int(held_q)
                if u.level == Level.GROUP:
                    groups[t][i] += 1
                    groups_did[t][i] += int(held_q)
    return Trend(top, quarters, children, must, did, groups, groups_did)
