"""Dues: the year's rate by province or commune, reliefs, payments in batches, and each
branch's paid / exempt / unpaid list. Every write is audited; nothing here commits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import dues as D
from bot.domain.paths import path_ids
from storage.models import Member, OrgUnit
from storage.models.dues import DuesPayment, DuesRate, DuesRelief
from storage.repositories import audit
from storage.repositories.dues_counts import dues_counts
from storage.repositories.meetings import roster_on


async def set_rate(
    s: AsyncSession,
    unit_id: int,
    year: int,
    amount: int,
    elderly: int | None,
    household: int | None,
    by: int | None,
    now: dt.datetime,
) -> None:
    row = await s.get(DuesRate, (unit_id, year))
    before = None if row is None else row.amount
    if row is None:
        row = DuesRate(unit_id=unit_id, year=year, amount=amount, set_at=now)
        s.add(row)
    row.amount, row.elderly_amount, row.household_amount = amount, elderly, household
    row.set_by, row.set_at = by, now
    detail = {"year": year, "amount": amount, "elderly": elderly, "household": household}
    await audit.record(
        s, now, by, "dues_rate.set", "org_unit", unit_id, {**detail, "before": before}
    )


@dataclass(frozen=True)
class RateFound:
    rate: D.DuesRate
    unit_id: int  # who set it: the nearest ancestor with a rate


async def rate_for(s: AsyncSession, unit: OrgUnit, year: int) -> RateFound | None:
    """The year's rate of the nearest unit at or above `unit` that set one."""
    ids = path_ids(unit.path)
    rows = (
        await s.scalars(select(DuesRate).where(DuesRate.unit_id.in_(ids), DuesRate.year == year))
    ).all()
    if not rows:
        return None
    best = max(rows, key=lambda r: ids.index(r.unit_id))
    return RateFound(
        D.DuesRate(year, best.amount, best.elderly_amount, best.household_amount), best.unit_id
    )


async def set_relief(
    s: AsyncSession,
    member_ids: Sequence[int],
    year: int,
    kind: D.ReliefKind,
    amount: int | None,
    reason: str | None,
    by: int | None,
    now: dt.datetime,
) -> None:
    for mid in member_ids:
        row = await s.get(DuesRelief, (mid, year))
        if row is None:
            row = DuesRelief(member_id=mid, year=year, kind=kind, decided_at=now)
            s.add(row)
        row.kind, row.amount, row.reason, row.decided_by, row.decided_at = (
            kind,
            amount,
            reason,
            by,
            now,
        )
        # the reason may name a circumstance: kept on the row, not copied to the audit
        detail = {"year": year, "kind": kind.value, "amount": amount}
        await audit.record(s, now, by, "dues_relief.set", "member", mid, detail)


async def reliefs(s: AsyncSession, member_ids: Iterable[int], year: int) -> dict[int, D.Relief]:
    ids = list(member_ids)
    if not ids:
        return {}
    stmt = select(DuesRelief).where(DuesRelief.member_id.in_(ids), DuesRelief.year == year)
    return {r.member_id: D.Relief(r.kind, r.amount) for r in (await s.scalars(stmt)).all()}


async def record_payments(
    s: AsyncSession,
    branch_id: int,
    year: int,
    paid: Sequence[tuple[int, int]],
    paid_on: dt.date,
    by: int | None,
    now: dt.datetime,
) -> str:
    """One batch of (member id, amount) for a year, in one go; returns the batch key."""
    batch = uuid.uuid4().hex[:16]
    for member_id, amount in paid:
        s.add(
            DuesPayment(
                member_id=member_id,
                branch_id=branch_id,
                year=year,
                amount=amount,
                paid_on=paid_on,
                batch=batch,
                recorded_by=by,
                recorded_at=now,
            )
        )
    await s.flush()
    detail = {
        "year": year,
        "batch": batch,
        "members": len(paid),
        "total": sum(a for _m, a in paid),
        "paid_on": paid_on.isoformat(),
    }
    await audit.record(s, now, by, "dues.recorded", "org_unit", branch_id, detail)
    return batch


async def reverse_batch(
    s: AsyncSession, branch_id: int, batch: str, by: int | None, now: dt.datetime
) -> int:
    """Reverse every payment of a batch not yet reversed (a correction is a new row)."""
    rows = (
        await s.scalars(
            select(DuesPayment).where(
                DuesPayment.branch_id == branch_id,
                DuesPayment.batch == batch,
                DuesPayment.reverses_id.is_(None),
            )
        )
    ).all()
    reversed_ids = set(
        (
            await s.scalars(
                select(DuesPayment.reverses_id).where(
                    DuesPayment.reverses_id.in_([r.id for r in rows])
                )
            )
        ).all()
    )
    undo = uuid.uuid4().hex[:16]
    n = 0
    for r in rows:
        if r.id in reversed_ids:
            continue
        s.add(
            DuesPayment(
                member_id=r.member_id,
                branch_id=r.branch_id,
                year=r.year,
                amount=-r.amount,
                paid_on=r.paid_on,
                batch=undo,
                reverses_id=r.id,
                recorded_by=by,
                recorded_at=now,
            )
        )
        n += 1
    await s.flush()
    detail = {"batch": batch, "reversal": undo, "members": n}
    await audit.record(s, now, by, "dues.reversed", "org_unit", branch_id, detail)
    return n


async def last_batches(
    s: AsyncSession, branch_id: int, year: int, limit: int = 5
) -> list[tuple[str, dt.date, int, int]]:
    """The branch's latest batches not reversed: (batch, day, members, total)."""
    reversed_ids = select(DuesPayment.reverses_id).where(DuesPayment.reverses_id.is_not(None))
    stmt = (
        select(
            DuesPayment.batch,
            func.min(DuesPayment.paid_on),
            func.count(),
            func.sum(DuesPayment.amount),
            func.max(DuesPayment.id),
        )
        .where(
            DuesPayment.branch_id == branch_id,
            DuesPayment.year == year,
            DuesPayment.reverses_id.is_(None),
            DuesPayment.id.not_in(reversed_ids),
        )
        .group_by(DuesPayment.batch)
        .order_by(func.max(DuesPayment.id).desc())
        .limit(limit)
    )
    return [(b, d, int(n), int(t)) for b, d, n, t, _id in (await s.execute(stmt)).all()]


async def paid_by_member(s: AsyncSession, member_ids: Iterable[int], year: int) -> dict[int, int]:
    ids = list(member_ids)
    if not ids:
        return {}
    stmt = (
        select(DuesPayment.member_id, func.sum(DuesPayment.amount))
        .where(DuesPayment.member_id.in_(ids), DuesPayment.year == year)
        .group_by(DuesPayment.member_id)
    )
    return {mid: int(total or 0) for mid, total in (await s.execute(stmt)).all()}


async def history(s: AsyncSession, member_id: int) -> list[tuple[int, int]]:
    """(year, total paid) of a member, newest year first (her card)."""
    stmt = (
        select(DuesPayment.year, func.sum(DuesPayment.amount))
        .where(DuesPayment.member_id == member_id)
        .group_by(DuesPayment.year)
        .order_by(DuesPayment.year.desc())
    )
    return [(y, int(t or 0)) for y, t in (await s.execute(stmt)).all()]


async def relief_of(s: AsyncSession, member_id: int, year: int) -> D.Relief | None:
    return (await reliefs(s, [member_id], year)).get(member_id)


@dataclass(frozen=True)
class DuesRow:
    member_id: int
    name: str
    owed: int
    paid: int
    status: D.DuesStatus
    relief: D.ReliefKind | None


@dataclass(frozen=True)
class BranchDues:
    branch_id: int
    year: int
    rate: D.DuesRate | None
    rows: list[DuesRow]

    def count(self, st: D.DuesStatus) -> int:
        return sum(1 for r in self.rows if r.status == st)

    @property
    def collected(self) -> int:
        return sum(r.paid for r in self.rows)

    @property
    def expected(self) -> int:
        return sum(r.owed for r in self.rows)

    @property
    def settled(self) -> int:
        return self.count(D.DuesStatus.PAID) + self.count(D.DuesStatus.EXEMPT)


async def branch_dues(s: AsyncSession, branch: OrgUnit, year: int, day: dt.date) -> BranchDues:
    """The branch's members on `day` (or the year's last day, if earlier) and their dues."""
    on = min(day, dt.date(year, 12, 31))
    roster = await roster_on(s, branch.id, on)
    found = await rate_for(s, branch, year)
    ids = [mid for mid, _n in roster]
    births: dict[int, int | None] = {}
    if ids:
        stmt = select(Member.id, Member.birth_year).where(Member.id.in_(ids))
        births = {mid: born for mid, born in (await s.execute(stmt)).all()}
    relief = await reliefs(s, ids, year)
    paid = await paid_by_member(s, ids, year)
    rows = []
    for mid, name in roster:
        if found is None:
            owed, why = 0, None
            st = D.DuesStatus.PAID if paid.get(mid, 0) > 0 else D.DuesStatus.UNPAID
        else:
            owed, why = D.due(found.rate, births.get(mid), relief.get(mid))
            st = D.status(owed, paid.get(mid, 0))
        rows.append(DuesRow(mid, name, owed, paid.get(mid, 0), st, why))
    return BranchDues(branch.id, year, found.rate if found else None, rows)


# Up to this many branches are counted one by one; more, a whole subtree at once.
OWING_ONE_BY_ONE = 50


async def owing(
    s: AsyncSession, branch_ids: Iterable[int], year: int, day: dt.date
) -> dict[int, tuple[int, int]]:
    """Of these branches, those with a rate set and members not paid in full for `year`:
    (members owing, members)."""
    ids = sorted(set(branch_ids))
    if len(ids) > OWING_ONE_BY_ONE:
        return await _owing_by_subtree(s, set(ids), year, day)
    units = {u.id: u for u in (await s.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))).all()}
    out = {}
    for bid in ids:
        if (unit := units.get(bid)) is None:
            continue
        d = await branch_dues(s, unit, year, day)
        if d.rate is None:
            continue
        n = d.count(D.DuesStatus.UNPAID) + d.count(D.DuesStatus.PARTIAL)
        if n:
            out[bid] = (n, len(d.rows))
    return out


async def _owing_by_subtree(
    s: AsyncSession, wanted: set[int], year: int, day: dt.date
) -> dict[int, tuple[int, int]]:
    """`owing` for many branches: each unit that set the year's rate (the topmost of them)
    has its whole subtree counted in one query (storage/repositories/dues_counts.py)."""
    stmt = select(OrgUnit).join(DuesRate, DuesRate.unit_id == OrgUnit.id)
    setters = sorted(
        (await s.scalars(stmt.where(DuesRate.year == year))).all(), key=lambda u: u.path
    )
    roots: list[OrgUnit] = []
    for u in setters:
        if not any(u.path.startswith(r.path) for r in roots):
            roots.append(u)
    out = {}
    for root in roots:
        for bid, c in (await dues_counts(s, root, year, day)).items():
            n = c.unpaid + c.partial
            if bid in wanted and c.rate is not None and n:
                out[bid] = (n, c.members)
    return out
