"""The menu tells each officer where her units stand this quarter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from storage.db import transaction
from storage.models import Meeting, MeetingKind
from storage.repositories import org, people
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def log_regular(world: World, code: str, day: dt.date) -> None:
    async with transaction(world.maker) as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        s.add(
            Meeting(
                unit_id=unit.id,
                held_on=day,
                kind=MeetingKind.REGULAR,
                present_count=5,
                leader_present=False,
                logged_at=world.clock(),
            )
        )


async def test_branch_head_sees_whether_this_quarter_is_done(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    lan = chat_as("lan")
    await lan.script([("user", "menu"), ("bot", "Quý 1/2026: chưa ghi sinh hoạt định kỳ")])
    await log_regular(world, "TH-QP-01", dt.date(2026, 3, 2))
    await lan.script([("user", "menu"), ("bot", "Quý 1/2026: đã ghi sinh hoạt định kỳ")])


async def test_commune_chair_sees_her_branches_and_unreachable_heads(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    await log_regular(world, "TH-QP-02", dt.date(2026, 1, 15))
    await log_regular(world, "TH-HT-01", dt.date(2026, 1, 15))  # another commune: not hers
    await log_regular(world, "TH-QP-01", dt.date(2025, 12, 30))  # last quarter: not counted
    hong = chat_as("hong")
    await hong.script([("user", "menu"), ("bot", "Quý 1/2026: 1/3 chi hội đã sinh hoạt định kỳ")])
    assert "không nhận được tin" not in hong.text()
    async with transaction(world.maker) as s:
        await people.mark_unreachable(s, "web", "sim", "hoa")
    await hong.script([("user", "menu"), ("bot", "1 chi hội trưởng không nhận được tin")])
