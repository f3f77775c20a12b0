"""Shared set-up for the issue 17 tests: the demo's units and a dues rate."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import transaction
from storage.models import Audit
from storage.repositories import dues, org
from tests.support.chat_fixtures import World


async def unit_id(world: World, code: str) -> int:
    async with world.maker() as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        return unit.id


async def set_rate(
    world: World, code: str = "TH", amount: int = 30_000, elderly: int | None = 0
) -> None:
    uid = await unit_id(world, code)
    async with transaction(world.maker) as s:
        await dues.set_rate(s, uid, 2026, amount, elderly, 15_000, None, world.clock())


async def roster(world: World, code: str = "TH-QP-01") -> dues.BranchDues:
    async with world.maker() as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        return await dues.branch_dues(s, unit, 2026, world.clock().date())


async def actions(world: World, action: str) -> list[Audit]:
    async with world.maker() as s:
        return list((await s.scalars(select(Audit).where(Audit.action == action))).all())
