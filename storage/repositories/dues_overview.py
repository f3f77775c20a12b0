"""One year of dues, fund, assessment, core members and "1+1" for every branch under a unit:
what the dues report shows in chat and in Excel (figures only, no member names)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import assessment as A
from bot.domain.enums import Level
from bot.domain.paths import path_ids
from storage.models import OrgUnit
from storage.repositories import assessment, fund, org, pairs
from storage.repositories.dues_counts import DuesCounts, dues_counts, rate_of, rates_under


@dataclass
class BranchLine:
    id: int
    name: str
    commune_id: int | None
    members: int = 0
    paid: int = 0
    partial: int = 0
    exempt: int = 0
    unpaid: int = 0
    collected: int = 0
    expected: int = 0
    rate: int | None = None
    fund_balance: int = 0
    fund_entries: int = 0
    score: int | None = None
    grade: A.Grade | None = None
    approved: bool = False
    model: bool = False
    reason: str | None = None
    lines: list[A.Line] = field(default_factory=list)
    core: int = 0
    groups: int = 0
    groups_without_core: list[str] = field(default_factory=list)
    brought: int = 0


@dataclass
class CommuneLine:
    id: int
    name: str
    branches: list[BranchLine]
    result: A.CommuneResult | None

    def total(self, name: str) -> int:
        return sum(int(getattr(b, name)) for b in self.branches)


@dataclass
class Overview:
    root: OrgUnit
    year: int
    day: dt.date
    communes: list[CommuneLine]

    @property
    def branches(self) -> list[BranchLine]:
        return [b for c in self.communes for b in c.branches]


async def overview(s: AsyncSession, root: OrgUnit, year: int, day: dt.date) -> Overview:
    units = await org.subtree(s, root)
    if root.level == Level.BRANCH:
        units = [root, *[u for u in units if u.parent_id == root.id]]
    by_id = {u.id: u for u in units}
    branches = [u for u in units if u.level == Level.BRANCH]
    groups = [u for u in units if u.level == Level.GROUP]
    groups_of: dict[int | None, list[OrgUnit]] = defaultdict(list)
    for g in groups:
        groups_of[g.parent_id].append(g)
    last = min(day, dt.date(year, 12, 31))
    ids = [b.id for b in branches]
    funds = await fund.balances(s, ids, last)
    graded = await assessment.of_units(s, ids, year)
    core = await pairs.core_counts(s, root)
    brought = await pairs.brought_by_branch(s, ids)
    rates = await rates_under(s, root, year)  # also for branches with no member yet
    counted = await dues_counts(s, root, year, last, rates)
    ancestors = await org.ancestors(s, root)
    above = {u.id: u for u in ancestors}
    lines: list[BranchLine] = []
    for b in branches:
        commune = _commune_of(b, {**above, **by_id})
        line = BranchLine(b.id, b.name, commune.id if commune else None)
        d = counted.get(b.id) or DuesCounts(rate_of(b.path, rates))
        line.members, line.paid, line.partial = d.members, d.paid, d.partial
        line.exempt, line.unpaid = d.exempt, d.unpaid
        line.collected, line.expected = d.collected, d.expected
        line.rate = d.rate.amount if d.rate else None
        line.fund_balance, line.fund_entries = funds.get(b.id, (0, 0))
        if (row := graded.get(b.id)) is not None:
            line.score, line.grade, line.approved = row.score, row.grade, row.approved
            line.model, line.reason = row.model, row.adjust_reason
            line.lines = assessment.lines_of(row)
        line.core = core.get(b.id, 0)
        mine = groups_of.get(b.id, [])
        line.groups = len(mine)
        line.groups_without_core = [g.name for g in mine if core.get(g.id, 0) == 0]
        line.brought = brought.get(b.id, 0)
        lines.append(line)
    per: dict[int | None, list[BranchLine]] = defaultdict(list)
    for line in lines:
        per[line.commune_id].append(line)
    communes = []
    for cid, members in per.items():
        unit = by_id.get(cid) or above.get(cid) if cid is not None else None
        rubric = await assessment.rubric_for(s, unit or root, year)
        scored = [(b.score, b.grade, b.model) for b in members if b.score is not None and b.grade]
        result = A.classify_commune(scored, rubric)  # type: ignore[arg-type]
        communes.append(
            CommuneLine(cid or root.id, unit.name if unit else root.name, members, result)
        )
    communes.sort(key=lambda c: c.name)
    return Overview(root, year, day, communes)


def _commune_of(unit: OrgUnit, known: dict[int, OrgUnit]) -> OrgUnit | None:
    for uid in reversed(path_ids(unit.path)):
        u = known.get(uid)
        if u is not None and u.level == Level.COMMUNE:
            return u
    return None
