"""Which year's branch assessment a report shows when its period is not a year (issue 21):
the latest year, up to the period's, with an approved assessment under the unit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OrgUnit
from storage.models.dues import BranchAssessment


async def latest_approved(s: AsyncSession, unit: OrgUnit, up_to: int) -> int | None:
    stmt = (
        select(func.max(BranchAssessment.year))
        .join(OrgUnit, OrgUnit.id == BranchAssessment.unit_id)
        .where(
            OrgUnit.path.startswith(unit.path),
            BranchAssessment.approved.is_(True),
            BranchAssessment.year <= up_to,
        )
    )
    year: int | None = await s.scalar(stmt)
    return year
