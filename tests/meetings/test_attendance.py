"""Tick-lists: toggle buttons 8 a page on Telegram, typed numbers on Zalo; absentees stay private."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.core.types import TELEGRAM_CAPS, ZALO_CAPS
from bot.domain.enums import OutboxStatus
from bot.domain.rules import DEFAULT_TZ as VN_TZ
from storage.models import Attendance
from storage.repositories import meetings
from tests.meetings.support import branch_id, meetings_of, outbox_rows
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def roster_names(world: World) -> list[str]:
    unit_id = await branch_id(world, "TH-QP-01")
    async with world.session() as s:
        return [name for _id, name in await meetings.roster_on(s, unit_id, dt.date(2026, 3, 20))]


async def test_toggle_buttons_page_by_page(world: World) -> None:
    chat = Chat(world.engine, TELEGRAM_CAPS, "lan", world.clock)
    names = await roster_names(world)
    assert len(names) == 10  # two pages of 8
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "bao nhiêu"),
            ("pick", "Đánh dấu tên"),
            ("bot", "Trang 1/2; đã chọn 0/10"),
        ]
    )
    labels = [c.label for c in chat.last[0].choices]
    assert labels[:8] == [f"☐ {i}. {n}" for i, n in enumerate(names[:8], 1)]
    assert "Trang sau ▶" in labels and "◀ Trang trước" not in labels
    await chat.script(
        [
            ("pick", f"2. {names[1]}"),
            ("bot", f"☑ 2. {names[1]}"),
            ("pick", f"5. {names[4]}"),
            ("bot", "đã chọn 2/10"),
            ("pick", f"2. {names[1]}"),
            ("bot", f"☐ 2. {names[1]}"),  # a second tap unticks
            ("pick", "Trang sau"),
            ("bot", "Trang 2/2; đã chọn 1/10"),
            ("pick", f"9. {names[8]}"),
            ("bot", "✔ Xong (2 người có mặt)"),
            ("pick", "Xong"),
            ("bot", "Có mặt: 2/10 hội viên (20%)"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Vắng mặt (8)"),
            ("bot", "nhắc chị mời các chị vắng mặt"),
            ("pick", "Có, nhắc"),
            ("bot", "Ngày 01/04/2026 em sẽ nhắc chị mời 8 chị vắng mặt"),
        ]
    )
    [m] = await meetings_of(world, "TH-QP-01")
    async with world.session() as s:
        rows = (
            await s.execute(
                select(Attendance.member_id, Attendance.present).where(
                    Attendance.meeting_id == m.id
                )
            )
        ).all()
    assert m.present_count == 2 and len(rows) == 10 and sum(p for _m, p in rows) == 2
    [reminder] = await outbox_rows(world, "absentee_reminder")
    assert reminder.chat_id == "lan" and reminder.status == OutboxStatus.PENDING
    assert reminder.not_before == dt.datetime(2026, 4, 1, 8, 0, tzinfo=VN_TZ)
    absent = [n for i, n in enumerate(names, 1) if i not in (5, 9)]
    assert all(n in reminder.payload["text"] for n in absent)
    assert names[4] not in reminder.payload["text"]


async def test_tick_everyone_then_done(world: World) -> None:
    chat = Chat(world.engine, TELEGRAM_CAPS, "lan", world.clock)
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "bao nhiêu"),
            ("pick", "Đánh dấu tên"),
            ("bot", "đã chọn 0/10"),
            ("pick", "Chọn tất cả"),
            ("bot", "đã chọn 10/10"),
            ("pick", "Xong"),
            ("bot", "10/10 hội viên (100%)"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Có mặt 10/10"),
        ]
    )
    assert "Vắng mặt" not in chat.text()
    assert await outbox_rows(world, "absentee_reminder") == []


async def test_zalo_types_numbers_from_the_whole_list(world: World) -> None:
    chat = Chat(world.engine, ZALO_CAPS, "lan", world.clock)
    names = await roster_names(world)
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("user", "1"),
            ("bot", "a. Đánh dấu tên theo danh sách"),
            ("user", "đánh dấu"),
            ("bot", f"1. {names[0]}\n2. {names[1]}"),
        ]
    )
    assert f"10. {names[9]}" in chat.text()
    await chat.script(
        [
            ("user", "1 3 50"),
            ("bot", "Số 50 không có trong danh sách 10 người"),
            ("user", "tất cả trừ 4 7"),
            ("bot", "Có mặt: 8/10 hội viên (80%)"),
            ("user", "1"),
            ("bot", f"Vắng mặt (2): {names[3]}, {names[6]}."),
            ("bot", "nhắc"),
            ("user", "2"),
            ("bot", "Vâng ạ"),
        ]
    )
    assert await outbox_rows(world, "absentee_reminder") == []


async def test_a_range_and_a_correction_of_the_ticks(world: World, chat: Chat) -> None:
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("user", "hôm nay"),
            ("bot", "bao nhiêu"),
            ("user", "đánh dấu tên"),
            ("bot", "1 3 5-9"),
            ("user", "1 3 5-9"),
            ("bot", "Có mặt: 7/10 hội viên (70%)"),
            ("pick", "Sửa một mục"),
            ("bot", "sửa mục nào"),
            ("pick", "Số người có mặt"),
            ("bot", "bao nhiêu"),
            ("user", "đánh dấu tên"),
            ("bot", "đã chọn 7/10" if chat.caps.buttons else "1. "),
            ("user", "1-10"),
            ("bot", "Có mặt: 10/10 hội viên (100%)"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Có mặt 10/10"),
        ]
    )
    [m] = await meetings_of(world, "TH-QP-01")
    assert m.present_count == 10


async def test_back_inside_the_tick_list_returns_to_the_question_before_it(world: World) -> None:
    chat = Chat(world.engine, TELEGRAM_CAPS, "lan", world.clock)
    names = await roster_names(world)
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "bao nhiêu"),
            ("pick", "Đánh dấu tên"),
            ("bot", "đã chọn 0/10"),
            ("pick", f"2. {names[1]}"),
            ("bot", "đã chọn 1/10"),
            ("user", "quay lại"),
            ("bot", "bao nhiêu"),
            ("user", "7"),
            ("bot", "Có mặt: 7/10 hội viên (70%)"),
        ]
    )
    assert "Đã huỷ" not in chat.text()
