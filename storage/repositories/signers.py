"""Who signs a unit's report: the holder of its chair (or branch head) role."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import RoleKind
from storage.models import Person, Role


async def role_holder_name(s: AsyncSession, unit_id: int, kinds: Sequence[RoleKind]) -> str:
    """The display name of the first person holding one of `kinds` on the unit itself (the
    earliest granted, in `kinds` order); "" when nobody does."""
    stmt = (
        select(Role.kind, Person.display_name)
        .join(Person, Person.id == Role.person_id)
        .where(Role.unit_id == unit_id, Role.kind.in_(list(kinds)))
        .order_by(Role.id)
    )
    found: dict[RoleKind, str] = {}
    for kind, name in (await s.execute(stmt)).all():
        found.setdefault(RoleKind(kind), name)
    return next((found[k] for k in kinds if found.get(k)), "")
