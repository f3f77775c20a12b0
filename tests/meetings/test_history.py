"""History, compliance and edits: the last meetings with rates, 4 quarters, corrections in 7 days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select

from bot.domain.enums import MeetingKind
from storage.db import transaction
from storage.models import Audit
from storage.repositories import meetings
from tests.meetings.support import branch_id, grow_branch, meetings_of
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def log_today(chat: Chat, count: str = "8") -> None:
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "bao nhiêu"),
            ("user", count),
            ("bot", "Thông tin đã đúng chưa?"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Đã lưu"),
        ]
    )


async def test_a_meeting_is_corrected_within_7_days_keeping_the_original(
    world: World, chat: Chat
) -> None:
    await grow_branch(world, "TH-QP-01", 20)
    await log_today(chat, "22")
    world.clock.advance(days=3)
    await chat.script(
        [
            ("pick", "Sinh hoạt của chi hội"),
            ("bot", "20/03/2026 · định kỳ · 22/30 (73,3%)"),
            ("pick", "Sửa buổi ngày 20/03"),
            ("bot", "Sửa buổi sinh hoạt của Chi hội Thôn Đông"),
            ("pick", "Sửa một mục"),
            ("bot", "sửa mục nào"),
            ("pick", "Số người có mặt"),
            ("bot", "bao nhiêu"),
            ("user", "25"),
            ("bot", "Có mặt: 25/30"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Đã lưu phần sửa cho buổi sinh hoạt ngày 20/03/2026"),
        ]
    )
    all_rows = await meetings_of(world, "TH-QP-01", current_only=False)
    old, new = all_rows
    assert (old.present_count, old.superseded_by) == (22, new.id)
    assert (new.present_count, new.superseded_by) == (25, None)
    async with world.session() as s:
        edit = (await s.scalars(select(Audit).where(Audit.action == "meeting_edited"))).one()
    assert (edit.entity_id, edit.detail) == (new.id, {"replaces": old.id})
    # The window counts from the first logging: 8 days later the correction is not offered.
    world.clock.advance(days=5)
    await chat.script([("user", "xem sinh hoạt"), ("bot", "25/30")])
    assert not any("Sửa buổi" in c.label for c in chat.last[0].choices)


async def test_saving_an_unchanged_correction_writes_nothing(world: World, chat: Chat) -> None:
    await log_today(chat)
    await chat.script(
        [
            ("pick", "Sinh hoạt của chi hội"),
            ("bot", "8/10"),
            ("pick", "Sửa buổi ngày 20/03"),
            ("bot", "Sửa buổi sinh hoạt"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Không có gì thay đổi"),
        ]
    )
    assert len(await meetings_of(world, "TH-QP-01", current_only=False)) == 1


async def test_the_same_day_question_offers_to_correct_the_first(world: World, chat: Chat) -> None:
    await log_today(chat, "8")
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "buổi khác trong cùng ngày"),
            ("pick", "Sửa buổi đã ghi"),
            ("bot", "Sửa buổi sinh hoạt"),
            ("pick", "Sửa một mục"),
            ("bot", "sửa mục nào"),
            ("pick", "Số người có mặt"),
            ("bot", "bao nhiêu"),
            ("user", "9"),
            ("bot", "9/10"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Đã lưu phần sửa"),
        ]
    )
    [m] = await meetings_of(world, "TH-QP-01")
    assert m.present_count == 9


async def test_history_pages_and_four_quarters(world: World, chat: Chat) -> None:
    unit_id = await branch_id(world, "TH-QP-01")
    async with transaction(world.maker) as s:
        for i in range(12):  # one a week back from 13/03, the last of them in Q4/2025
            await meetings.add_meeting(
                s,
                unit_id=unit_id,
                held_on=dt.date(2026, 3, 13) - dt.timedelta(weeks=i),
                kind=MeetingKind.THEMED if i else MeetingKind.REGULAR,
                present_count=5,
                now=world.clock(),
                leader_present=(i == 11),
            )
    await chat.script(
        [
            ("user", "xem sinh hoạt"),
            ("bot", "(trang 1/3)"),
        ]
    )
    text = chat.text()
    assert "13/03/2026 · định kỳ · 5/10 (50%) · ⚠ dưới 2/3" in text
    assert "Quý 1/2026: sinh hoạt định kỳ ✓ · lãnh đạo xã dự ✗" in text
    assert "Quý 4/2025: sinh hoạt định kỳ ✗ · lãnh đạo xã dự ✓" in text
    assert "Quý 2/2025" in text and "Quý 1/2025" not in text
    await chat.script(
        [
            ("pick", "Cũ hơn"),
            ("bot", "(trang 2/3)"),
            ("pick", "Cũ hơn"),
            ("bot", "(trang 3/3)"),
        ]
    )
    assert "26/12/2025" in chat.text()
    await chat.script(
        [
            ("pick", "Mới hơn"),
            ("bot", "(trang 2/3)"),
            ("pick", "Xong"),
            ("bot", "Vâng ạ"),
        ]
    )


async def test_commune_chair_sees_which_branches_a_leader_attended(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    hong = chat_as("hong")
    await hong.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "Buổi sinh hoạt của chi hội nào?"),
            ("pick", "Thôn Tây"),
            ("bot", "Chi hội Thôn Tây sinh hoạt ngày nào?"),
            ("pick", "Hôm nay"),
            ("bot", "bao nhiêu"),
            ("user", "7"),
            ("bot", "Lãnh đạo Hội xã dự: Phạm Thị Hồng"),
            ("pick", "Đúng, lưu lại"),
            (
                "bot",
                "Quý 1/2026: lãnh đạo Hội xã đã dự sinh hoạt ở 1/3 chi hội, tổ.\n"
                "Đã dự: Chi hội Thôn Tây (Phạm Thị Hồng).\n"
                "Chưa dự: Chi hội Thôn Đông, Chi hội Làng Nam.",
            ),
            ("user", "xem sinh hoạt"),
            (
                "bot",
                "Quý 1/2026: 1/3 chi hội đã sinh hoạt định kỳ; lãnh đạo Hội xã đã dự ở 1 chi hội",
            ),
            ("pick", "Thôn Tây"),
            ("bot", "Sinh hoạt của Chi hội Thôn Tây"),
        ]
    )


async def test_quarter_is_judged_on_the_local_clock(world: World, chat: Chat) -> None:
    world.clock.set_local(2026, 3, 31, 23, 30)
    await log_today(chat)
    assert "Quý 1/2026: chi hội đã sinh hoạt định kỳ ✓" in chat.text()
    [m] = await meetings_of(world, "TH-QP-01")
    assert m.held_on == dt.date(2026, 3, 31)
    world.clock.set_local(2026, 4, 1, 0, 30)  # 31/03 17:30 UTC: still March in UTC
    await chat.script([("user", "xem sinh hoạt"), ("bot", "31/03/2026")])
    text = chat.text()
    assert "Quý 2/2026: sinh hoạt định kỳ ✗" in text
    assert "Quý 1/2026: sinh hoạt định kỳ ✓" in text
