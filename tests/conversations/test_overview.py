"""The menu tells each officer where her units stand this quarter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import update

from bot.domain.enums import MeetingKind, OutboxStatus, RoleKind
from storage.db import transaction
from storage.models import Meeting, Outbox
from storage.repositories import org, outbox, people
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


async def test_an_admin_sees_messages_that_could_not_be_delivered(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    async with transaction(world.maker) as s:
        province = await org.by_code(s, "TH")
        assert province is not None
        thu = await people.find_person(s, "web", "sim", "thu")
        assert thu is not None
        await people.grant_role(s, thu.id, province.id, RoleKind.ADMIN)
        for i in range(2):
            await outbox.enqueue(
                s, f"k{i}", "digest", "web", "sim", "hong", {"text": "x"}, world.clock()
            )
    thu_chat, hong = chat_as("thu"), chat_as("hong")
    await thu_chat.script([("user", "menu"), ("bot", "Chị muốn làm gì")])
    assert "không gửi được" not in thu_chat.text()
    async with transaction(world.maker) as s:
        await s.execute(update(Outbox).values(status=OutboxStatus.FAILED))
    await thu_chat.script(
        [("user", "menu"), ("bot", "2 tin nhắn không gửi được sau nhiều lần thử")]
    )
    # Not an admin: a commune chair does not see the operators' figure.
    await hong.script([("user", "menu"), ("bot", "Chị muốn làm gì")])
    assert "không gửi được" not in hong.text()
