"""Residence per member (004 §II.1.2 (1), footnote 1): who the coverage numerator leaves out."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import EventKind, MemberStatus, Residence
from storage.models import Member, OrgUnit
from storage.models.core import NOT_RESIDENT
from storage.repositories.members import record_event

# Temporary residents under 6 months and members living elsewhere are not counted (004
# §II.1.2 (1): "thường trú, tạm trú từ 6 tháng trở lên").
UNCOUNTED = (Residence.TEMPORARY_SHORT, Residence.AWAY)
# Statuses the member counts include (a migrant worker stays counted, DOMAIN rule 8).
COUNTED_STATUSES = (MemberStatus.ACTIVE, MemberStatus.MIGRANT)


async def uncounted_by_unit(s: AsyncSession, path_prefix: str) -> dict[int, int]:
    """Branch id -> members counted by the events but not by residence, under `path_prefix`.

    Keyed by the member's branch (the unit her events count for), by her current residence.
    """
    stmt = (
        select(Member.branch_id, func.count(Member.id))
        .join(OrgUnit, OrgUnit.id == Member.branch_id)
        .where(
            OrgUnit.path.startswith(path_prefix, autoescape=True),
            Member.status.in_(COUNTED_STATUSES),
            # ix_member_not_resident's own predicate, as text: bound parameters would hide
            # it from PostgreSQL's generic plans (a national report then scans no members)
            text(f"member.{NOT_RESIDENT}"),
        )
        .group_by(Member.branch_id)
    )
    return {int(unit): int(n) for unit, n in (await s.execute(stmt)).all()}


async def set_residence(
    s: AsyncSession,
    member: Member,
    residence: Residence,
    since: dt.date | None,
    on: dt.date,
    now: dt.datetime,
    by: int | None,
) -> None:
    """Her residence now (and since when she lives elsewhere), recorded as a correction."""
    member.residence = residence
    member.away_since = since if residence == Residence.AWAY else None
    detail = {"fields": ["residence"]}
    await record_event(s, member, EventKind.CORRECTED, on, now, by, detail=detail)


async def away_a_year(s: AsyncSession, path_prefix: str, day: dt.date) -> list[Member]:
    """Members counted by the events who have lived elsewhere for 12 months or more on `day`:
    the review asks whether they are still registered here (004, footnote 1)."""
    try:
        year_ago = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        year_ago = day.replace(year=day.year - 1, day=28)
    stmt = (
        select(Member)
        .join(OrgUnit, OrgUnit.id == Member.branch_id)
        .where(
            OrgUnit.path.startswith(path_prefix, autoescape=True),
            Member.status.in_(COUNTED_STATUSES),
            Member.residence == Residence.AWAY,
            Member.away_since <= year_ago,
        )
        .order_by(OrgUnit.path, Member.name_sort, Member.id)
    )
    return list((await s.scalars(stmt)).all())
