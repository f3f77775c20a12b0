"""Clubs in chat, in both profiles: register one, link members, count women in no branch, log
its meeting; bad input re-asked with its reason (no audience, a member of another commune)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from storage.models import OrgUnit
from storage.repositories import clubs, org
from storage.sessions import Session
from tests.clubs.support import add_club, club_meetings, the_club, unique_member
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def test_a_commune_chair_registers_a_club_in_six_replies(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    chat = chat_as("hong")
    script = [
        ("user", "đăng ký clb"),
        ("bot", "Tên CLB, mô hình là gì"),
        ("user", "CLB Phụ nữ khuyết tật xã Quảng Phú"),
        ("bot", "câu lạc bộ, mô hình hay tổ, nhóm"),
        ("pick", "Câu lạc bộ"),
        ("bot", "dành cho nhóm chị em nào"),
        ("user", "0"),  # no audience: re-asked with the reason
        ("bot", "ít nhất một nhóm chị em"),
        ("user", "13"),
        ("bot", "thành lập ngày nào"),
        ("user", "8/3/2025"),
        ("bot", "Ai là chủ nhiệm"),
        ("pick", "Chưa có chủ nhiệm"),
        ("bot", "• Dành cho: Khuyết tật"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã lưu CLB Phụ nữ khuyết tật xã Quảng Phú"),
    ]
    await chat.script(script)
    assert len([w for w, _t in script if w in ("user", "pick")]) - 1 <= 7  # one re-ask
    club = await the_club(world)
    async with world.session() as s:
        codes = await clubs.audiences_of(s, [club.id])
    assert (club.name, club.kind, club.founded_on, club.founded_by, club.leader_name) == (
        "CLB Phụ nữ khuyết tật xã Quảng Phú",
        "club",
        dt.date(2025, 3, 8),
        "commune",
        None,
    )
    assert codes == {club.id: ["disabled"]}


async def test_a_branch_head_has_no_club_registration(chat: Chat) -> None:
    await chat.say("menu")
    assert "Thêm hội viên mới" in chat.text() and "Đăng ký CLB" not in chat.text()


async def test_linking_members_and_counting_women_outside(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    club_id = await add_club(world, "CLB Nữ công nhân", ["worker"])
    here = await unique_member(world, "TH-QP-02")
    there = await unique_member(world, "TH-HT-01")
    assert here.full_name and there.full_name
    chat = chat_as("hong")
    await chat.script(
        [
            ("user", "thêm vào clb"),
            ("bot", "Hội viên nào tham gia"),
            ("user", there.full_name.lower()),  # another commune: refused with the reason
            ("bot", "CLB chỉ nhận hội viên trong xã"),
            ("user", here.full_name),
            ("bot", f"Thêm chị {here.full_name} vào CLB Nữ công nhân"),
            ("pick", "Đúng, lưu"),
            ("bot", "CLB Nữ công nhân nay có 1 hội viên trong sổ"),
            ("user", "thêm vào clb"),
            ("bot", "Hội viên nào tham gia"),
            ("pick", "Chị em chưa có trong sổ"),
            ("bot", "chưa sinh hoạt ở chi hội nào"),
            ("user", "ba"),
            ("bot", "3 chị em chưa sinh hoạt"),
            ("pick", "Đúng, lưu"),
            ("bot", "tổng 3"),
        ]
    )
    async with world.session() as s:
        assert await clubs.linked(s, club_id) == [here.id]
        club = await clubs.by_id(s, club_id)
        assert club is not None and club.outside_count == 3


async def test_logging_a_club_meeting_gives_its_quarter_line(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    await add_club(world, "CLB Phụ nữ cao tuổi", ["elderly"])
    chat = chat_as("hong")
    await chat.script(
        [
            ("user", "ghi sinh hoạt clb"),
            ("bot", "CLB Phụ nữ cao tuổi sinh hoạt ngày nào"),
            ("user", "5/3/2026"),
            ("bot", "Có bao nhiêu chị em dự"),
            ("user", "0"),
            ("bot", "ít nhất 1 chị em"),
            ("user", "mười hai"),
            ("bot", "• Có mặt: 12"),
            ("pick", "Đúng, lưu"),
            ("bot", "đã sinh hoạt trong Quý 1/2026: 1 buổi"),
        ]
    )
    rows = await club_meetings(world)
    assert [(m.held_on, m.present_count, m.form) for m in rows] == [
        (dt.date(2026, 3, 5), 12, "direct")
    ]
    await chat.script(
        [
            ("user", "xem clb"),
            ("bot", "CLB Phụ nữ cao tuổi"),
            ("bot", "Đối tượng đặc thù"),
            ("bot", "Excel"),
            ("bot", "Đối tượng đặc thù"),
            ("bot", "đăng ký clb"),
        ]
    )
    assert "đã sinh hoạt ✓" in chat.transcript[-5]


async def test_a_club_for_women_with_a_disability_needs_her_sensitive_consent(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    club_id = await add_club(world, "CLB Phụ nữ khuyết tật", ["disabled"])
    here = await unique_member(world, "TH-QP-02")
    assert here.full_name
    chat = chat_as("hong")
    await chat.script(
        [
            ("user", "thêm vào clb"),
            ("bot", "Hội viên nào tham gia"),
            ("user", here.full_name),
            ("bot", "khi chị ấy đã đồng ý"),
        ]
    )
    async with world.session() as s:
        assert await clubs.linked(s, club_id) == []


async def test_a_province_officer_registers_a_club_for_one_of_her_communes(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    await add_club(world, "CLB Nữ công nhân", ["worker"])
    chat = chat_as("thu")
    await chat.script(
        [
            ("user", "đăng ký clb"),
            ("bot", "Cho Hội xã nào"),
            ("pick", "Quảng Phú"),
            ("bot", "Tên CLB, mô hình là gì"),
            ("user", "clb nu cong nhan"),  # the commune has it already
            ("bot", 'Xã đã có "clb nu cong nhan"'),
            ("user", "CLB Nữ công nhân – Tôi mạnh mẽ"),
            ("bot", "câu lạc bộ, mô hình hay tổ, nhóm"),
            ("pick", "Câu lạc bộ"),
            ("bot", "dành cho nhóm chị em nào"),
            ("user", "công nhân lao động, phụ nữ trẻ"),
            ("bot", "thành lập ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "Ai là chủ nhiệm"),
            ("user", "Lê Thị Hạnh"),
            ("bot", "• Cấp thành lập: Hội tỉnh"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu CLB Nữ công nhân – Tôi mạnh mẽ"),
        ]
    )
    async with world.session() as s:
        found = await clubs.of_communes(s, [(await the_commune(s)).id])
        codes = await clubs.audiences_of(s, [c.id for c in found])
    new = next(c for c in found if c.name.endswith("Tôi mạnh mẽ"))
    assert (new.founded_by, new.leader_name, codes[new.id]) == (
        "province",
        "Lê Thị Hạnh",
        ["worker", "young"],
    )


async def the_commune(s: Session) -> OrgUnit:
    qp = await org.by_code(s, "TH-QP")
    assert qp is not None
    return qp
