"""The names a text for a group chat, or a topic offered to other branches, must not carry."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import Level
from bot.domain.pii import NameMarks
from storage.models import Member, OrgUnit
from storage.repositories import org


async def of_commune(s: AsyncSession, unit: OrgUnit) -> NameMarks:
    """Every member's name under the unit's commune (its own subtree if it has none): a
    topic typed in one branch is offered to all the commune's branches."""
    top = await org.ancestor_at(s, unit, Level.COMMUNE) or unit
    stmt = (
        select(Member.name_folded)
        .distinct()
        .join(OrgUnit, OrgUnit.id == Member.branch_id)
        .where(OrgUnit.path.startswith(top.path), Member.name_folded != "")
    )
    return NameMarks.of((await s.scalars(stmt)).all())
