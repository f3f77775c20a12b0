""" "1+1" (004 note 2): pairs the commune records, their quarterly check-ins, who brought a
member in; and the core members each branch and tổ counts on (000 §III.1)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import Level, MemberStatus
from bot.domain.textkeys import fold
from storage.models import Member, OrgUnit
from storage.models.dues import HelpPair, MemberReferral, PairCheckIn
from storage.repositories import audit
from storage.repositories.measures.scope import in_subtree

BRANCH, MENTOR = "branch", "mentor"
ON_ROLL = (MemberStatus.ACTIVE, MemberStatus.MIGRANT)


async def add_pair(
    s: AsyncSession,
    commune_id: int,
    kind: str,
    helper_unit_id: int | None,
    mentor_name: str | None,
    helped_unit_id: int,
    started_on: dt.date,
    by: int | None,
    now: dt.datetime,
) -> HelpPair:
    if kind == BRANCH and helper_unit_id == helped_unit_id:
        raise ValueError("a branch cannot help itself")
    pair = HelpPair(
        commune_id=commune_id,
        kind=kind,
        helper_unit_id=helper_unit_id,
        mentor_name=mentor_name,
        helped_unit_id=helped_unit_id,
        started_on=started_on,
        recorded_by=by,
        recorded_at=now,
    )
    s.add(pair)
    await s.flush()
    detail = {"kind": kind, "helper": helper_unit_id, "helped": helped_unit_id}
    await audit.record(s, now, by, "pair.added", "help_pair", pair.id, detail)
    return pair


async def active(s: AsyncSession, commune_ids: Iterable[int] | None = None) -> list[HelpPair]:
    stmt = select(HelpPair).where(HelpPair.ended_on.is_(None)).order_by(HelpPair.id)
    if commune_ids is not None:
        stmt = stmt.where(HelpPair.commune_id.in_(list(commune_ids)))
    return list((await s.scalars(stmt)).all())


async def for_branches(s: AsyncSession, branch_ids: Iterable[int]) -> list[HelpPair]:
    ids = list(branch_ids)
    stmt = (
        select(HelpPair)
        .where(
            HelpPair.ended_on.is_(None),
            or_(HelpPair.helper_unit_id.in_(ids), HelpPair.helped_unit_id.in_(ids)),
        )
        .order_by(HelpPair.id)
    )
    return list((await s.scalars(stmt)).all())


async def check_in(
    s: AsyncSession, pair_id: int, quarter: str, person_id: int, helped: bool, now: dt.datetime
) -> None:
    row = await s.get(PairCheckIn, (pair_id, quarter, person_id))
    if row is None:
        row = PairCheckIn(
            pair_id=pair_id, quarter=quarter, person_id=person_id, helped=helped, at=now
        )
        s.add(row)
    row.helped, row.at = helped, now
    detail = {"quarter": quarter, "helped": helped}
    await audit.record(s, now, person_id, "pair.check_in", "help_pair", pair_id, detail)


async def checked_in(s: AsyncSession, quarter: str) -> dict[tuple[int, int], bool]:
    stmt = select(PairCheckIn.pair_id, PairCheckIn.person_id, PairCheckIn.helped).where(
        PairCheckIn.quarter == quarter
    )
    return {(p, who): bool(h) for p, who, h in (await s.execute(stmt)).all()}


# --- who brought her ----------------------------------------------------------------------


async def set_referral(
    s: AsyncSession, member_id: int, brought_by: int, by: int | None, now: dt.datetime
) -> None:
    row = await s.get(MemberReferral, member_id)
    if row is None:
        row = MemberReferral(member_id=member_id, brought_by=brought_by, recorded_at=now)
        s.add(row)
    row.brought_by, row.recorded_by, row.recorded_at = brought_by, by, now
    await audit.record(s, now, by, "referral.set", "member", member_id, {"brought_by": brought_by})


async def brought_by_branch(s: AsyncSession, branch_ids: Iterable[int]) -> dict[int, int]:
    """Per branch: members brought in by one of its members."""
    ids = list(branch_ids)
    if not ids:
        return {}
    stmt = (
        select(Member.branch_id, func.count())
        .select_from(MemberReferral)
        .join(Member, Member.id == MemberReferral.brought_by)
        .where(Member.branch_id.in_(ids))
        .group_by(Member.branch_id)
    )
    return {b: int(n) for b, n in (await s.execute(stmt)).all()}


async def bringers(s: AsyncSession, branch_id: int) -> list[tuple[str, int]]:
    """(member name, women she brought in) in a branch, most first: for the branch's officers."""
    stmt = (
        select(Member.full_name, func.count())
        .select_from(MemberReferral)
        .join(Member, Member.id == MemberReferral.brought_by)
        .where(Member.branch_id == branch_id)
        .group_by(Member.id, Member.full_name)
    )
    counts = Counter({name or "": int(n) for name, n in (await s.execute(stmt)).all()})
    return counts.most_common()


# --- core members -------------------------------------------------------------------------


async def core_counts(s: AsyncSession, root: OrgUnit) -> dict[int, int]:
    """Core members on the roll per branch and per tổ at or under `root` (a tổ's are those
    whose record names it). The units are chosen by path, not listed: a province's 2,800
    branches as an IN list cost more than the count."""
    out: dict[int, int] = {}
    on_roll = (Member.is_core, Member.status.in_(ON_ROLL))
    for column, level in ((Member.branch_id, Level.BRANCH), (Member.group_id, Level.GROUP)):
        units = select(OrgUnit.id).where(
            OrgUnit.level == level, in_subtree(OrgUnit.path, root.path)
        )
        stmt = select(column, func.count()).where(column.in_(units), *on_roll).group_by(column)
        out.update({u: int(n) for u, n in (await s.execute(stmt)).all() if u is not None})
    return out


async def joined_since(s: AsyncSession, branch_id: int, since: dt.date) -> list[tuple[int, str]]:
    """(id, name) of the branch's members who joined on or after `since`, newest first."""
    stmt = (
        select(Member.id, Member.full_name)
        .where(Member.branch_id == branch_id, Member.joined_on >= since, Member.status.in_(ON_ROLL))
        .order_by(Member.joined_on.desc(), Member.id.desc())
    )
    return [(mid, name or "") for mid, name in (await s.execute(stmt)).all()]


async def bringers_named(
    s: AsyncSession, branch_ids: Iterable[int], text: str, limit: int = 8
) -> list[tuple[int, str, int]]:
    """(id, name, branch id) of members on the roll of these branches (a commune's) whose
    name holds every word typed, accents ignored: who may have brought a new member in."""
    ids, words = list(branch_ids), fold(text).split()
    if not ids or not words:
        return []
    stmt = (
        select(Member.id, Member.full_name, Member.branch_id)
        .where(
            Member.branch_id.in_(ids),
            Member.status.in_(ON_ROLL),
            Member.erased_at.is_(None),
            *[Member.name_folded.contains(w, autoescape=True) for w in words],
        )
        .order_by(Member.name_sort, Member.id)
        .limit(limit)
    )
    return [(mid, name or "", b) for mid, name, b in (await s.execute(stmt)).all()]


async def brought_by_of(s: AsyncSession, member_id: int) -> int | None:
    row = await s.get(MemberReferral, member_id)
    return None if row is None else row.brought_by
