"""Finding members and recording changes as events; counts on any date follow the events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from bot.domain.enums import EventKind, MemberStatus
from storage.models import Audit, Member
from storage.repositories import member_counts, members, org
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

TODAY = dt.date(2026, 3, 20)


async def add(world: World, code: str, name: str, **kw: Any) -> int:
    async with world.session() as s, s.begin():
        branch = await org.by_code(s, code)
        assert branch is not None
        kw.setdefault("birth_date", dt.date(1985, 4, 2))
        kw.setdefault("consents", ["membership"])
        m = await members.add_member(s, branch.id, name, dt.date(2024, 5, 1), world.clock(), **kw)
        return m.id


async def count(world: World, code: str, day: dt.date = TODAY) -> int:
    async with world.session() as s:
        branch = await org.by_code(s, code)
        assert branch is not None
        return await member_counts.members_on(s, branch.id, day)


async def member(world: World, member_id: int) -> Member:
    async with world.session() as s:
        m = await s.get(Member, member_id)
        assert m is not None
        return m


async def open_card(chat: Chat, typed: str, label: str) -> None:
    await chat.script(
        [
            ("user", "tìm hội viên"),
            ("bot", "gõ một phần họ tên"),
            ("user", typed),
            ("bot", "Tìm thấy"),
            ("pick", label),
            ("bot", "Chị ấy có thay đổi gì?"),
        ]
    )


async def test_search_ignores_accents_and_case(world: World, chat: Chat) -> None:
    await add(world, "TH-QP-01", "Nguyễn Thị Lệ Quyên")
    await chat.script(
        [
            ("user", "tìm hội viên"),
            ("bot", "không cần dấu"),
            ("user", "NGUYEN THI LE"),
            ("bot", "Tìm thấy 1 hội viên (trang 1/1)"),
            ("pick", "Nguyễn Thị Lệ Quyên"),
            ("bot", "Ngày sinh: 02/04/1985"),
        ]
    )


async def test_nothing_found_is_re_asked_and_other_branches_stay_hidden(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    await add(world, "TH-QP-01", "Nguyễn Thị Lệ Quyên")
    await chat_as("hoa").script(
        [
            ("user", "tìm hội viên"),
            ("bot", "gõ một phần họ tên"),
            ("user", "le quyen"),
            ("bot", 'Chi hội Thôn Tây không có hội viên nào tên có "le quyen"'),
        ]
    )


GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dung",
    "Đào",
    "Giang",
    "Hà",
    "Khánh",
    "Lụa",
    "Mơ",
    "Na",
    "Oanh",
    "Phúc",
    "Quế",
    "Rạng",
    "Sương",
    "Tiên",
    "Uyên",
    "Vy",
]


async def test_a_long_list_pages_by_button_and_by_typing(world: World, chat: Chat) -> None:
    for given in reversed(GIVEN):
        await add(world, "TH-QP-01", f"Kiều Thị {given}")
    await chat.script(
        [
            ("user", "tìm hội viên"),
            ("bot", "gõ một phần họ tên"),
            ("user", "kieu"),
            ("bot", "Tìm thấy 19 hội viên (trang 1/3)"),
        ]
    )
    first_page = [c.label for c in chat.last[0].choices]
    assert first_page[:8] == [f"Kiều Thị {g} · 1985" for g in GIVEN[:8]]  # D before Đ
    assert first_page[8:] == ["Trang sau"]
    await chat.script(
        [
            ("pick", "Trang sau"),
            ("bot", "trang 2/3"),
            ("user", "tiếp"),
            ("bot", "trang 3/3"),
        ]
    )
    assert [c.label for c in chat.last[0].choices][:3] == [
        f"Kiều Thị {g} · 1985" for g in GIVEN[16:]
    ]
    await chat.script(
        [
            ("user", "tiếp"),
            ("bot", "Đây là trang cuối rồi"),
            ("pick", "Kiều Thị Vy"),
            ("bot", "Chị ấy có thay đổi gì?"),
        ]
    )


async def test_moving_to_another_branch_moves_the_counts(
    world: World, chat: Chat, chat_as: Callable[[str], Chat]
) -> None:
    mid = await add(world, "TH-QP-01", "Hồ Thị Xuân")
    here, there = await count(world, "TH-QP-01"), await count(world, "TH-QP-02")
    await open_card(chat, "ho thi xuan", "Hồ Thị Xuân")
    await chat.script(
        [
            ("pick", "Chuyển sang chi hội khác"),
            ("bot", "chuyển đến chi hội nào"),
            ("pick", "Chi hội Thôn Tây"),
            ("bot", "Từ ngày nào?"),
            ("pick", "Hôm nay"),
            ("bot", "Hồ Thị Xuân chuyển từ Chi hội Thôn Đông sang Chi hội Thôn Tây"),
            ("pick", "Đúng, lưu"),
            ("bot", f"Chi hội Thôn Đông hiện có {here - 1} hội viên"),
        ]
    )
    assert (await count(world, "TH-QP-01"), await count(world, "TH-QP-02")) == (here - 1, there + 1)
    yesterday = TODAY - dt.timedelta(days=1)
    assert await count(world, "TH-QP-01", yesterday) == here  # earlier dates are untouched
    async with world.session() as s:
        kinds = [(e.kind, e.unit_id) for e in await members.events_of(s, mid)]
        q01, q02 = await org.by_code(s, "TH-QP-01"), await org.by_code(s, "TH-QP-02")
        assert q01 is not None and q02 is not None
        assert kinds == [
            (EventKind.JOINED, q01.id),
            (EventKind.MOVED_OUT, q01.id),
            (EventKind.MOVED_IN, q02.id),
        ]
    assert (await member(world, mid)).branch_id == q02.id
    await open_card(chat_as("hoa"), "xuan", "Hồ Thị Xuân")  # the receiving branch has her now


async def test_a_branch_can_be_typed_by_code_or_name(world: World, chat: Chat) -> None:
    await add(world, "TH-QP-01", "Hồ Thị Xuân")
    await open_card(chat, "xuan", "Hồ Thị Xuân")
    await chat.script(
        [
            ("pick", "Chuyển sang chi hội khác"),
            ("bot", "chuyển đến chi hội nào"),
            ("user", "TH-QP-01"),
            ("bot", "đang ở chi hội này rồi"),
            ("user", "khu pho"),
            ("bot", "Có nhiều chi hội trùng"),
            ("user", "le loi"),
            ("bot", "Từ ngày nào?"),
            ("user", "hôm qua"),
            ("bot", "sang Chi hội Khu phố Lê Lợi, từ ngày 19/03/2026"),
        ]
    )


async def test_migrating_keeps_her_counted_and_returning_ends_it(world: World, chat: Chat) -> None:
    mid = await add(world, "TH-QP-01", "Hồ Thị Xuân")
    before = await count(world, "TH-QP-01")
    await open_card(chat, "xuan", "Hồ Thị Xuân")
    await chat.script(
        [
            ("pick", "Đi làm ăn xa"),
            ("bot", "Từ ngày nào?"),
            ("user", "1/3"),
            ("bot", "vẫn là hội viên của Chi hội Thôn Đông"),
            ("pick", "Đúng, lưu"),
            ("bot", f"hiện có {before} hội viên"),
        ]
    )
    assert (await member(world, mid)).status == MemberStatus.MIGRANT
    await open_card(chat, "xuan", "1985 (đi làm ăn xa)")
    await chat.script(
        [
            ("pick", "Đi làm ăn xa đã về"),
            ("bot", "Từ ngày nào?"),
            ("user", "28/2"),
            ("bot", "không thể sớm hơn"),
            ("pick", "Hôm nay"),
            ("bot", "đã về"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    assert (await member(world, mid)).status == MemberStatus.ACTIVE
    assert await count(world, "TH-QP-01") == before


async def test_leaving_counts_from_its_date(world: World, chat: Chat) -> None:
    mid = await add(world, "TH-QP-01", "Hồ Thị Xuân")
    before = await count(world, "TH-QP-01")
    await open_card(chat, "xuan", "Hồ Thị Xuân")
    await chat.script(
        [
            ("pick", "Ra khỏi Hội"),
            ("bot", "Từ ngày nào?"),
            ("user", "25/3"),
            ("bot", "25/3 năm nay chưa tới; chị muốn ghi 25/03/2025?"),  # asked, not assumed
            ("user", "đúng"),
            ("bot", "25/03/2025"),
            ("pick", "Huỷ"),
            ("bot", "Đã huỷ"),
        ]
    )
    await open_card(chat, "xuan", "Hồ Thị Xuân")
    await chat.script(
        [
            ("pick", "Ra khỏi Hội"),
            ("bot", "Từ ngày nào?"),
            ("user", "1/3/2026"),
            ("bot", "ra khỏi Hội từ ngày 01/03/2026"),
            ("pick", "Đúng, lưu"),
            ("bot", f"hiện có {before - 1} hội viên"),
        ]
    )
    assert await count(world, "TH-QP-01", dt.date(2026, 2, 28)) == before
    assert await count(world, "TH-QP-01", dt.date(2026, 3, 1)) == before - 1
    assert (await member(world, mid)).status == MemberStatus.LEFT


async def test_death_is_recorded(world: World, chat: Chat) -> None:
    mid = await add(world, "TH-QP-01", "Hồ Thị Xuân")
    await open_card(chat, "xuan", "Hồ Thị Xuân")
    await chat.script(
        [
            ("pick", "Đã mất"),
            ("bot", "Từ ngày nào?"),
            ("pick", "Hôm nay"),
            ("bot", "đã mất ngày 20/03/2026"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    assert (await member(world, mid)).status == MemberStatus.DIED


async def test_a_correction_records_the_field_name_never_the_value(
    world: World, chat: Chat
) -> None:
    mid = await add(world, "TH-QP-01", "Hồ Thị Xuân", phone="0912345678")
    await open_card(chat, "xuan", "Hồ Thị Xuân")
    await chat.script(
        [
            ("pick", "Sửa thông tin"),
            ("bot", "cần sửa thông tin nào"),
            ("pick", "Số điện thoại"),
            ("bot", "Số điện thoại"),
            ("user", "0987 65 43"),
            ("bot", "10 chữ số"),
            ("user", "0987 654 321"),
            ("bot", "Sửa số điện thoại của Hồ Thị Xuân: 0987 654 321"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    assert members.phone_of(await member(world, mid)) == "0987654321"
    async with world.session() as s:
        events = await members.events_of(s, mid)
        assert (events[-1].kind, events[-1].detail) == (EventKind.CORRECTED, {"fields": ["phone"]})
        trail = (await s.scalars(select(Audit).where(Audit.entity_id == mid))).all()
        assert [a.detail for a in trail if a.action == "member_correct"] == [{"fields": ["phone"]}]


async def test_a_corrected_id_must_be_free_and_match_her_birth(world: World, chat: Chat) -> None:
    await add(
        world, "TH-HT-01", "Ngô Thị Hạnh", birth_date=dt.date(1985, 1, 1), cccd="038185001234"
    )
    mid = await add(world, "TH-QP-01", "Hồ Thị Xuân")
    await open_card(chat, "xuan", "Hồ Thị Xuân")
    await chat.script(
        [
            ("pick", "Sửa thông tin"),
            ("bot", "cần sửa thông tin nào"),
            ("pick", "Số CCCD"),
            ("bot", "Số căn cước"),
            ("user", "038190001234"),
            ("bot", "sinh năm 1990, nhưng chị ấy sinh năm 1985"),
            ("user", "038185001234"),
            ("bot", "đã được ghi ở Chi hội Khu phố Ba Đình"),
            ("user", "038185009999"),
            ("bot", "038******999"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    await open_card(chat, "xuan", "Hồ Thị Xuân")
    assert "Số CCCD: 038******999" in chat.text()
    assert (await member(world, mid)).cccd_index is not None


async def test_without_consent_only_name_and_birth_can_be_corrected(
    world: World, chat: Chat
) -> None:
    await add(world, "TH-QP-01", "Hồ Thị Xuân", consents=[])
    await open_card(chat, "xuan", "Hồ Thị Xuân")
    await chat.script([("pick", "Sửa thông tin"), ("bot", "cần sửa thông tin nào")])
    assert [c.label for c in chat.last[0].choices] == ["Họ và tên", "Ngày sinh"]
