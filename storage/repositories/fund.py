"""The branch fund ledger: append-only entries, balance, a year's statement, reversals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person
from storage.models.dues import FundEntry
from storage.repositories import audit


async def add_entry(
    s: AsyncSession,
    branch_id: int,
    on_day: dt.date,
    amount: int,
    purpose: str,
    by: int | None,
    now: dt.datetime,
) -> FundEntry:
    """Income is positive, spending negative (đồng)."""
    entry = FundEntry(
        branch_id=branch_id,
        on_day=on_day,
        amount=amount,
        purpose=purpose,
        recorded_by=by,
        recorded_at=now,
    )
    s.add(entry)
    await s.flush()
    detail = {"amount": amount, "on_day": on_day.isoformat()}
    await audit.record(s, now, by, "fund.entry", "fund_entry", entry.id, detail)
    return entry


async def reverse(
    s: AsyncSession, entry_id: int, reason: str, on_day: dt.date, by: int | None, now: dt.datetime
) -> FundEntry | None:
    """A new entry cancelling `entry_id`, dated `on_day` (her today); None if it was already reversed or
    is itself a reversal."""
    old = await s.get(FundEntry, entry_id)
    if old is None or old.reverses_id is not None:
        return None
    taken = await s.scalar(select(FundEntry.id).where(FundEntry.reverses_id == entry_id))
    if taken is not None:
        return None
    entry = FundEntry(
        branch_id=old.branch_id,
        on_day=on_day,
        amount=-old.amount,
        purpose=reason,
        reverses_id=old.id,
        recorded_by=by,
        recorded_at=now,
    )
    s.add(entry)
    await s.flush()
    detail = {"reverses": old.id, "amount": entry.amount}
    await audit.record(s, now, by, "fund.reversal", "fund_entry", entry.id, detail)
    return entry


async def balance(s: AsyncSession, branch_id: int, until: dt.date | None = None) -> int:
    stmt = select(func.coalesce(func.sum(FundEntry.amount), 0)).where(
        FundEntry.branch_id == branch_id
    )
    if until is not None:
        stmt = stmt.where(FundEntry.on_day <= until)
    return int(await s.scalar(stmt) or 0)


async def balances(
    s: AsyncSession, branch_ids: list[int], until: dt.date
) -> dict[int, tuple[int, int]]:
    """Per branch: (balance on `until`, entries in `until`'s year)."""
    if not branch_ids:
        return {}
    first = dt.date(until.year, 1, 1)
    stmt = (
        select(
            FundEntry.branch_id,
            func.sum(FundEntry.amount),
            func.sum(case((FundEntry.on_day >= first, 1), else_=0)),
        )
        .where(FundEntry.branch_id.in_(branch_ids), FundEntry.on_day <= until)
        .group_by(FundEntry.branch_id)
    )
    return {b: (int(t or 0), int(n or 0)) for b, t, n in (await s.execute(stmt)).all()}


@dataclass(frozen=True)
class Line:
    id: int
    on_day: dt.date
    amount: int
    purpose: str
    by: str
    reverses_id: int | None
    reversed: bool


@dataclass(frozen=True)
class Statement:
    branch_id: int
    year: int
    opening: int
    income: int
    spending: int  # positive
    lines: list[Line]

    @property
    def closing(self) -> int:
        return self.opening + self.income - self.spending


async def statement(s: AsyncSession, branch_id: int, year: int) -> Statement:
    """The year's entries with the balance carried in; a reversal nets its entry out."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    opening = await balance(s, branch_id, first - dt.timedelta(days=1))
    stmt = (
        select(FundEntry, Person.display_name)
        .outerjoin(Person, Person.id == FundEntry.recorded_by)
        .where(FundEntry.branch_id == branch_id, FundEntry.on_day.between(first, last))
        .order_by(FundEntry.on_day, FundEntry.id)
    )
    rows = (await s.execute(stmt)).all()
    undone = {e.reverses_id for e, _n in rows if e.reverses_id is not None}
    lines = [
        Line(e.id, e.on_day, e.amount, e.purpose, name or "", e.reverses_id, e.id in undone)
        for e, name in rows
    ]
    income = sum(ln.amount for ln in lines if ln.amount > 0)
    spending = -sum(ln.amount for ln in lines if ln.amount < 0)
    return Statement(branch_id, year, opening, income, spending, lines)


async def recent(s: AsyncSession, branch_id: int, limit: int = 8) -> list[FundEntry]:
    """Entries that can still be corrected: not reversals, not already reversed."""
    undone = select(FundEntry.reverses_id).where(FundEntry.reverses_id.is_not(None))
    stmt = (
        select(FundEntry)
        .where(
            FundEntry.branch_id == branch_id,
            FundEntry.reverses_id.is_(None),
            FundEntry.id.not_in(undone),
        )
        .order_by(FundEntry.on_day.desc(), FundEntry.id.desc())
        .limit(limit)
    )
    return list((await s.scalars(stmt)).all())


async def get(s: AsyncSession, entry_id: int) -> FundEntry | None:
    return await s.get(FundEntry, entry_id)
