"""Residence per member (004 §II.1.2 (1), footnote 1): who the coverage numerator leaves out.

A minimal version for reports; the members helper's version (with set_residence) replaces it.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import MemberStatus, Residence
from storage.models import Member, OrgUnit
from storage.models.core import NOT_RESIDENT

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
            # the partial index's own predicate, as text: a bound parameter would hide it
            # from PostgreSQL's generic plans (ix_member_not_resident)
            text(f"member.{NOT_RESIDENT}"),
        )
        .group_by(Member.branch_id)
    )
    return {int(unit): int(n) for unit, n in (await s.execute(stmt)).all()}
