"""Helpers for the club and migrant tests: demo members by branch, rows read back."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.domain.enums import EventKind
from storage.db import transaction
from storage.models import Club, ClubMeeting, Member
from storage.repositories import clubs, members, org
from tests.support.chat_fixtures import World


async def roster(world: World, code: str) -> list[Member]:
    async with world.session() as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        found, _total = await members.search(s, unit.id, "", 0, 500)
        return found


async def unique_member(world: World, code: str) -> Member:
    """A member of branch `code` whose full name no other member of the demo shares."""
    async with world.session() as s:
        names = list((await s.scalars(select(Member.full_name))).all())
    for m in await roster(world, code):
        if names.count(m.full_name) == 1:
            return m
    raise AssertionError(f"no member with a unique name in {code}")


async def the_club(world: World) -> Club:
    async with world.session() as s:
        return (await s.scalars(select(Club))).one()


async def club_meetings(world: World) -> list[ClubMeeting]:
    async with world.session() as s:
        return list((await s.scalars(select(ClubMeeting))).all())


async def add_club(world: World, name: str, codes: list[str]) -> int:
    """A club of Quảng Phú, registered straight through the repository."""
    async with transaction(world.maker) as s:
        qp = await org.by_code(s, "TH-QP")
        assert qp is not None
        club = await clubs.add_club(
            s,
            qp.id,
            name,
            "club",
            codes,
            dt.date(2025, 1, 1),
            "commune",
            None,
            None,
            world.clock(),
        )
        return club.id


async def send_away(world: World, member_id: int, on: dt.date) -> None:
    """She went to work far away on `on` (the change her card records)."""
    async with transaction(world.maker) as s:
        m = await members.by_id(s, member_id)
        assert m is not None
        await members.change_status(s, m, EventKind.MIGRATED, on, world.clock(), None)
