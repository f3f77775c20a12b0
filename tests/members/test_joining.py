"""Joining dates: new now, a day, a year, or before records began; the "Nhập hội viên từ sổ"
loop; and new-member counts that count only real joins inside the period."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.domain.calendar import RECORDS_BEGAN, HalfYear
from bot.domain.enums import EventKind, Residence
from bot.domain.rules import Rules
from storage.models import MemberEvent
from storage.repositories import measures, members, org, tally
from tests.members.support import member_named, row_counts
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

TODAY = dt.date(2026, 3, 20)  # the chat fixtures' clock


def register(name: str, birth: str) -> list[tuple[str, str]]:
    return [
        ("user", "thêm hội viên"),
        ("bot", "đồng ý"),
        ("pick", "Có, chị ấy đồng ý"),
        ("bot", "Họ và tên"),
        ("user", name),
        ("bot", "Ngày sinh"),
        ("user", birth),
        ("bot", "mới kết nạp hay đã là hội viên từ trước"),
    ]


SKIP_REST = [
    ("bot", "Số điện thoại"),
    ("pick", "Bỏ qua"),
    ("bot", "Số căn cước"),
    ("pick", "Bỏ qua"),
    ("bot", "thuộc nhóm nào"),
]


async def joined_events(world: World, member_id: int) -> list[tuple[EventKind, dt.date]]:
    async with world.session() as s:
        stmt = select(MemberEvent).where(MemberEvent.member_id == member_id)
        return [(e.kind, e.occurred_on) for e in (await s.scalars(stmt)).all()]


async def test_a_new_member_joins_today(world: World, chat: Chat) -> None:
    await chat.script(
        [
            *register("Đào Thị Mới", "1990"),
            ("pick", "Hội viên mới kết nạp"),
            *SKIP_REST,
            ("user", "0"),
            ("bot", "vận động"),
            ("pick", "Bỏ qua"),
            ("bot", "Vào Hội: 20/03/2026"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    m = await member_named(world, "Đào Thị Mới")
    assert (m.joined_on, m.joined_approx, m.residence) == (TODAY, False, Residence.PERMANENT)
    assert await joined_events(world, m.id) == [(EventKind.JOINED, TODAY)]


async def test_a_year_alone_is_approximate_and_dated_1_january(world: World, chat: Chat) -> None:
    await chat.script(
        [
            *register("Đào Thị Cũ", "1970"),
            ("pick", "Đã là hội viên từ trước"),
            ("bot", "vào Hội năm nào"),
            ("user", "2015"),
            *SKIP_REST,
            ("user", "0"),
            ("bot", "Vào Hội: năm 2015 (chỉ biết năm)"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    m = await member_named(world, "Đào Thị Cũ")
    assert (m.joined_on, m.joined_approx) == (dt.date(2015, 1, 1), True)
    assert await joined_events(world, m.id) == [(EventKind.JOINED, dt.date(2015, 1, 1))]


async def test_dont_remember_means_before_records_began(world: World, chat: Chat) -> None:
    await chat.script(
        [
            *register("Đào Thị Xưa", "1960"),
            ("user", "2"),  # "Đã là hội viên từ trước", typed as its number on either profile
            ("bot", "vào Hội năm nào"),
            ("pick", "Không nhớ"),
            *SKIP_REST,
            ("user", "0"),
            ("bot", "Vào Hội: trước khi có sổ"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    m = await member_named(world, "Đào Thị Xưa")
    assert (m.joined_on, m.joined_approx) == (None, False)
    assert await joined_events(world, m.id) == [(EventKind.JOINED, RECORDS_BEGAN)]


async def test_wrong_joining_dates_are_re_asked_with_the_reason(world: World, chat: Chat) -> None:
    before = await row_counts(world)
    await chat.script(
        [
            *register("Đào Thị Trẻ", "05/03/1990"),
            ("user", "2005"),  # typed straight away: she was 15
            ("bot", "Năm 2005 chị ấy chưa đủ 18 tuổi"),
            ("user", "01/03/2008"),  # four days before her 18th birthday
            ("bot", "chưa đủ 18 tuổi"),
            ("user", "2030"),
            ("bot", "chưa tới"),
            ("user", "2026"),
            ("bot", "vào Hội năm nay, nên chị gõ cả ngày"),
            ("user", "lâu rồi"),
            ("bot", "Em chưa đọc được ngày vào Hội"),
            ("user", "10/03/2008"),  # 18 since five days
            ("bot", "Số điện thoại"),
        ]
    )
    assert await row_counts(world) == before


async def test_a_day_typed_this_half_year_counts_as_new(world: World, chat: Chat) -> None:
    await chat.script(
        [
            *register("Đào Thị Tháng Hai", "1991"),
            ("user", "15/02/2026"),
            *SKIP_REST,
            ("user", "15"),  # temporary resident, under 6 months
            ("bot", "vận động"),
            ("pick", "Bỏ qua"),
            ("bot", "Cư trú: Tạm trú dưới 6 tháng"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    m = await member_named(world, "Đào Thị Tháng Hai")
    assert (m.joined_on, m.residence, m.categories) == (
        dt.date(2026, 2, 15),
        Residence.TEMPORARY_SHORT,
        [],
    )


async def _facts(world: World, code: str, period: HalfYear, as_of: dt.date) -> tuple[int, int]:
    async with world.session() as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        got = (await measures.measure(s, unit, period, as_of, Rules())).of(unit.id)
        return got.members, got.joined


async def test_entering_the_register_adds_members_and_no_new_member(
    world: World, chat: Chat
) -> None:
    h1 = HalfYear(2026, 1)
    before = await _facts(world, "TH-QP-01", h1, TODAY)
    await chat.script(
        [
            ("user", "menu"),
            ("bot", "Nhập hội viên từ sổ"),
            ("pick", "Nhập hội viên từ sổ"),
            ("bot", "không tính là hội viên mới"),
            ("user", "Lương Thị Một"),
            ("bot", "đồng ý"),
            ("pick", "Có, chị ấy đồng ý"),
            ("bot", "Ngày sinh"),
            ("user", "1965"),
            ("bot", "vào Hội năm nào"),
            ("user", "1990"),
            ("bot", "Số điện thoại"),
            ("user", "0912345678"),
            ("bot", "Số căn cước"),
            ("pick", "Bỏ qua"),
            ("bot", "Vào Hội: năm 1990"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu Lương Thị Một (đã nhập 1 hội viên)"),
            ("bot", "hội viên tiếp theo"),
            ("user", "Lương Thị Hai"),
            ("bot", "đồng ý"),
            ("pick", "Không"),
            ("bot", "Ngày sinh"),
            ("user", "1958"),
            ("bot", "vào Hội năm nào"),
            ("user", "không nhớ"),
            ("bot", "Vào Hội: trước khi có sổ"),
            ("pick", "Đúng, lưu"),
            ("bot", "(đã nhập 2 hội viên)"),
            ("bot", "hội viên tiếp theo"),
            ("user", "xong"),
            ("bot", "Chị đã nhập 2 hội viên từ sổ"),
        ]
    )
    one = await member_named(world, "Lương Thị Một")
    two = await member_named(world, "Lương Thị Hai")
    assert (one.joined_on, one.joined_approx, members.phone_of(one)) == (
        dt.date(1990, 1, 1),
        True,
        "0912345678",
    )
    assert (two.joined_on, two.birth_year, members.phone_of(two)) == (None, 1958, None)
    members_now, joined_now = await _facts(world, "TH-QP-01", h1, TODAY)
    assert (members_now, joined_now) == (before[0] + 2, before[1])


async def test_a_real_join_typed_in_later_counts_in_its_own_half_year(db_world: World) -> None:
    """Typed in on 01/12/2026: "không nhớ" and 2015 add members only; 05/03/2026 is new in H1."""
    h1, h2 = HalfYear(2026, 1), HalfYear(2026, 2)
    dec1 = dt.date(2026, 12, 1)
    before_h1 = await _facts(db_world, "TH-QP-02", h1, h1.last_day)
    before_h2 = await _facts(db_world, "TH-QP-02", h2, dec1)
    typed_at = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
    async with db_world.session() as s, s.begin():
        # Tallies kept at the half-year ends must follow events dated long before them.
        ends = tally.half_year_ends(dt.date(2025, 1, 1), h1.last_day)
        await tally.ensure_days(s, ends, typed_at)
    async with db_world.session() as s, s.begin():
        branch = await org.by_code(s, "TH-QP-02")
        assert branch is not None
        for name, joined, approx in (
            ("Kha Thị Xưa", None, False),
            ("Kha Thị Cũ", dt.date(2015, 1, 1), True),
            ("Kha Thị Tháng Ba", dt.date(2026, 3, 5), False),
        ):
            await members.add_member(
                s, branch.id, name, joined, typed_at, joined_approx=approx, birth_year=1970
            )
    after_h1 = await _facts(db_world, "TH-QP-02", h1, h1.last_day)
    after_h2 = await _facts(db_world, "TH-QP-02", h2, dec1)
    assert after_h1 == (before_h1[0] + 3, before_h1[1] + 1)
    assert after_h2 == (before_h2[0] + 3, before_h2[1])
    async with db_world.session() as s:
        assert await tally.recount_differences(s) == []


async def test_the_joining_date_is_corrected_from_the_summary(world: World, chat: Chat) -> None:
    await chat.script(
        [
            *register("Đào Thị Sửa", "1970"),
            ("pick", "Đã là hội viên từ trước"),
            ("bot", "vào Hội năm nào"),
            ("user", "2015"),
            *SKIP_REST,
            ("user", "0"),
            ("bot", "Vào Hội: năm 2015"),
            ("pick", "Sửa một mục"),
            ("bot", "sửa"),
            ("pick", "Ngày vào Hội"),
            ("bot", "mới kết nạp hay đã là hội viên từ trước"),
            ("pick", "Đã là hội viên từ trước"),
            ("bot", "vào Hội năm nào"),  # asked again, not kept from before
            ("user", "2010"),
            ("bot", "Vào Hội: năm 2010"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    m = await member_named(world, "Đào Thị Sửa")
    assert (m.joined_on, m.joined_approx) == (dt.date(2010, 1, 1), True)
