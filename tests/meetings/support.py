"""Helpers for meeting tests: grow a demo branch, read back meetings and outbox rows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from storage.db import transaction
from storage.models import Meeting, Member, Outbox
from storage.repositories import members, org
from tests.support.chat_fixtures import World


async def grow_branch(
    world: World, code: str, count: int, joined_on: dt.date = dt.date(2020, 1, 1)
) -> None:
    """Add members (with phones) so a branch has room for realistic head counts."""
    async with transaction(world.maker) as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        for i in range(count):
            await members.add_member(
                s,
                unit.id,
                f"Hoàng Thị Thêm{i:02d}",
                joined_on,
                world.clock(),
                phone=f"09{i:08d}",
            )


async def branch_id(world: World, code: str) -> int:
    async with world.session() as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        return unit.id


async def meetings_of(world: World, code: str, *, current_only: bool = True) -> list[Meeting]:
    unit_id = await branch_id(world, code)
    async with world.session() as s:
        stmt = select(Meeting).where(Meeting.unit_id == unit_id).order_by(Meeting.id)
        if current_only:
            stmt = stmt.where(Meeting.superseded_by.is_(None))
        return list((await s.scalars(stmt)).all())


async def outbox_rows(world: World, kind: str) -> list[Outbox]:
    async with world.session() as s:
        stmt = select(Outbox).where(Outbox.kind == kind).order_by(Outbox.id)
        return list((await s.scalars(stmt)).all())


async def member_names_and_phones(world: World, code: str) -> list[str]:
    unit_id = await branch_id(world, code)
    async with world.session() as s:
        found = await s.scalars(select(Member).where(Member.branch_id == unit_id))
        rows = [(m.full_name, members.phone_of(m)) for m in found.all()]
    return [v for row in rows for v in row if v]
