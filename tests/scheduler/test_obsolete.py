"""The sender's last look (bot.scheduler.obsolete): a reminder written by the sweep is
dropped once its task is done, for every kind that stops when done, on both backends.

The demo: Quảng Phú (chair Hồng) with Thôn Đông (TH-QP-01, head Lan), Thôn Tây (TH-QP-02,
head Hoa); Hạc Thành with Ba Đình (TH-HT-01, head Mai).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.domain import rules as R
from bot.domain.assessment import Rubric
from bot.domain.rules import Rules
from bot.scheduler.club_due import CLUB_MEETING_DUE
from bot.scheduler.due import obsolete
from bot.scheduler.dues_due import DUES_DUE, PAIR_DUE, SELF_DUE
from bot.scheduler.sweep import sweep
from storage.db import transaction
from storage.models import Outbox, Person
from storage.repositories import assessment, clubs, dues, org, pairs
from storage.repositories.outbox import Claimed
from tests.clubs.support import add_club
from tests.dues.support import roster, set_rate, unit_id
from tests.scheduler.support import add_review, local
from tests.support.chat_fixtures import World


async def run(world: World, y: int, m: int, d: int) -> None:
    await sweep(world.maker, local(y, m, d), Rules(), registry=world.engine.registry)


async def dropped(world: World, kind: str) -> dict[str, bool]:
    """Each row of `kind` by its recipient's name: would the sender drop it now?"""
    async with world.maker() as s:
        found = (
            await s.execute(
                select(Outbox, Person.display_name)
                .join(Person, Person.id == Outbox.person_id)
                .where(Outbox.kind == kind)
                .order_by(Outbox.id)
            )
        ).all()
        rows = [
            Claimed(o.id, o.key, o.kind, o.person_id, o.channel, o.bot_id, o.chat_id,
                    o.payload, o.attempts, o.created_at)
            for o, _name in found
        ]  # fmt: skip
        skip = await obsolete(s, rows)
    return {name.split()[-1]: o.id in skip for o, name in found}


async def test_dues_reminder_dropped_once_the_branch_paid(db_world: World) -> None:
    world = db_world
    await set_rate(world)
    await run(world, 2026, 11, 1)
    assert await dropped(world, DUES_DUE) == {"Lan": False, "Hoa": False, "Mai": False}
    owing = [(r.member_id, r.owed) for r in (await roster(world)).rows if r.owed > r.paid]
    async with transaction(world.maker) as s:
        branch = await unit_id(world, "TH-QP-01")
        day = world.clock().date()
        await dues.record_payments(s, branch, 2026, owing, day, None, world.clock())
    assert await dropped(world, DUES_DUE) == {"Lan": True, "Hoa": False, "Mai": False}


async def test_self_assessment_reminder_dropped_once_saved(db_world: World) -> None:
    world = db_world
    async with transaction(world.maker) as s:
        province = await unit_id(world, "TH")
        await assessment.set_rubric(s, province, 2026, Rubric(), None, world.clock())
    await run(world, 2026, 2, 24)
    assert await dropped(world, SELF_DUE) == {"Lan": False, "Hoa": False, "Mai": False}
    async with transaction(world.maker) as s:
        branch = await unit_id(world, "TH-QP-02")
        await assessment.save_self(s, branch, "2026-Q1", ["faces"], None, world.clock())
    assert await dropped(world, SELF_DUE) == {"Lan": False, "Hoa": True, "Mai": False}


async def test_club_reminder_dropped_once_every_club_named_met(db_world: World) -> None:
    world = db_world
    first = await add_club(world, "CLB Nữ công nhân", ["worker"])
    second = await add_club(world, "CLB Dưỡng sinh", ["elderly"])
    await run(world, 2026, 3, 17)
    assert await dropped(world, CLUB_MEETING_DUE) == {"Hồng": False}

    async def meet(club_id: int) -> None:
        async with transaction(world.maker) as s:
            club = await clubs.by_id(s, club_id)
            assert club is not None
            await clubs.add_meeting(s, club, dt.date(2026, 3, 18), "direct", None, 9, None,
                                    world.clock())  # fmt: skip

    await meet(first)
    assert await dropped(world, CLUB_MEETING_DUE) == {"Hồng": False}  # one club still to meet
    await meet(second)
    assert await dropped(world, CLUB_MEETING_DUE) == {"Hồng": True}


async def test_pair_check_in_dropped_for_the_head_who_answered(db_world: World) -> None:
    world = db_world
    a, b = await unit_id(world, "TH-QP-01"), await unit_id(world, "TH-QP-02")
    async with transaction(world.maker) as s:
        qp = await org.by_code(s, "TH-QP")
        assert qp is not None
        pair = await pairs.add_pair(
            s, qp.id, pairs.BRANCH, a, None, b, world.clock().date(), None, world.clock()
        )
    await run(world, 2026, 3, 17)
    assert await dropped(world, PAIR_DUE) == {"Lan": False, "Hoa": False}
    async with transaction(world.maker) as s:
        lan = (await s.scalars(select(Person).where(Person.display_name == "Nguyễn Thị Lan"))).one()
        await pairs.check_in(s, pair.id, "2026-Q1", lan.id, True, world.clock())
    assert await dropped(world, PAIR_DUE) == {"Lan": True, "Hoa": False}


async def test_software_reminder_dropped_once_the_commune_confirmed(db_world: World) -> None:
    world = db_world
    await run(world, 2026, 6, 6)
    assert await dropped(world, R.SOFTWARE_DUE) == {"Hồng": False}
    await add_review(world.maker, "TH-QP", "2026-H1", local(2026, 6, 6, 10))
    assert await dropped(world, R.SOFTWARE_DUE) == {"Hồng": True}


async def test_review_and_meeting_reminders_dropped_once_done(db_world: World) -> None:
    world = db_world
    await run(world, 2026, 5, 16)
    assert await dropped(world, R.REVIEW_DUE) == {"Lan": False, "Hoa": False, "Mai": False}
    await add_review(world.maker, "TH-HT-01", "2026-H1", local(2026, 5, 16, 10))
    assert await dropped(world, R.REVIEW_DUE) == {"Lan": False, "Hoa": False, "Mai": True}
