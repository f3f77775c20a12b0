"""Dues figures of every branch under a unit in one query: the counts `dues.branch_dues`
gives one branch at a time (a province's 2,800 branches took 30 s that way).

Members are grouped in the database by branch and by what decides their dues: elderly by
the rule or not, a relief decided for the year (kind, amount), and the year's total paid.
A province's half a million members become a few rows per branch; each row's dues then
follow `bot.domain.dues` exactly as for one member.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import dues as D
from bot.domain.enums import Level
from bot.domain.paths import path_ids
from storage.models import Member, MemberEvent, OrgUnit
from storage.models.dues import DuesPayment, DuesRate, DuesRelief
from storage.repositories.measures.scope import in_subtree
from storage.repositories.member_counts import delta


@dataclass
class DuesCounts:
    """One branch's dues for a year: members on the day, by status, and the money."""

    rate: D.DuesRate | None = None
    members: int = 0
    paid: int = 0
    partial: int = 0
    exempt: int = 0
    unpaid: int = 0
    collected: int = 0
    expected: int = 0

    def add(self, status: D.DuesStatus, owed: int, paid: int, n: int) -> None:
        self.members += n
        field = status.value
        setattr(self, field, getattr(self, field) + n)
        self.collected += paid * n
        self.expected += owed * n


async def rates_under(s: AsyncSession, root: OrgUnit, year: int) -> dict[int, D.DuesRate]:
    """The year's rates set at or above `root`, or anywhere under it, by unit."""
    above = select(DuesRate).where(DuesRate.year == year, DuesRate.unit_id.in_(path_ids(root.path)))
    below = (
        select(DuesRate)
        .join(OrgUnit, OrgUnit.id == DuesRate.unit_id)
        .where(DuesRate.year == year, in_subtree(OrgUnit.path, root.path))
    )
    out = {}
    for stmt in (above, below):
        for r in (await s.scalars(stmt)).all():
            out[r.unit_id] = D.DuesRate(year, r.amount, r.elderly_amount, r.household_amount)
    return out


def rate_of(path: str, rates: dict[int, D.DuesRate]) -> D.DuesRate | None:
    """The nearest rate at or above the unit at `path` (as `dues.rate_for` finds it)."""
    return next((rates[u] for u in reversed(path_ids(path)) if u in rates), None)


async def dues_counts(
    s: AsyncSession,
    root: OrgUnit,
    year: int,
    day: dt.date,
    rates: dict[int, D.DuesRate] | None = None,
) -> dict[int, DuesCounts]:
    """Every branch at or under `root` that has members on `day` (or the year's last day, if
    earlier), with its dues; branches without members are left out. `rates`: those of
    `rates_under`, when the caller has read them already."""
    on = min(day, dt.date(year, 12, 31))
    branch = (
        select(OrgUnit.id, OrgUnit.path)
        .where(OrgUnit.level == Level.BRANCH, in_subtree(OrgUnit.path, root.path))
        .subquery("b")
    )
    # membership on the day from events, as `meetings.roster_on` lists it
    net = (
        select(
            MemberEvent.unit_id.label("bid"),
            branch.c.path.label("path"),
            MemberEvent.member_id.label("mid"),
        )
        .join(branch, branch.c.id == MemberEvent.unit_id)
        .where(MemberEvent.occurred_on <= on)
        .group_by(MemberEvent.unit_id, branch.c.path, MemberEvent.member_id)
        .having(func.sum(delta()) > 0)
        .subquery("net")
    )
    paid = (
        select(DuesPayment.member_id.label("mid"), func.sum(DuesPayment.amount).label("total"))
        .where(DuesPayment.year == year)
        .group_by(DuesPayment.member_id)
        .subquery("paid")
    )
    elderly = case((Member.birth_year <= year - D.ELDERLY_AGE, 1), else_=0).label("elderly")
    inner = (
        select(
            net.c.bid,
            net.c.path,
            elderly,
            DuesRelief.kind.label("kind"),
            DuesRelief.amount.label("amount"),
            func.coalesce(paid.c.total, literal(0)).label("paid"),
        )
        .join(Member, Member.id == net.c.mid)
        .outerjoin(DuesRelief, (DuesRelief.member_id == net.c.mid) & (DuesRelief.year == year))
        .outerjoin(paid, paid.c.mid == net.c.mid)
        .subquery("m")
    )
    m = inner.c
    keys = (m.bid, m.path, m.elderly, m.kind, m.amount, m.paid)
    rows = (await s.execute(select(*keys, func.count()).group_by(*keys))).all()
    if rates is None:
        rates = await rates_under(s, root, year)
    out: dict[int, DuesCounts] = {}
    for bid, path, is_elderly, kind, amount, total, n in rows:
        counts = out.get(bid)
        if counts is None:
            counts = out[bid] = DuesCounts(rate_of(path, rates))
        total = int(total or 0)
        if counts.rate is None:
            owed = 0
            status = D.DuesStatus.PAID if total > 0 else D.DuesStatus.UNPAID
        else:
            relief = D.Relief(D.ReliefKind(kind), amount) if kind is not None else None
            # the rule asks only whether she is old enough: any birth year that says so
            born = year - D.ELDERLY_AGE if is_elderly else None
            owed, _why = D.due(counts.rate, born, relief)
            status = D.status(owed, total)
        counts.add(status, owed, total, int(n))
    return out
