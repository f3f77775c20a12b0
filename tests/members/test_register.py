"""Registering a member from the chat: few replies, kind re-asks, consent, duplicates, cancel."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.domain.enums import EventKind
from storage import crypto
from storage.models import Audit, Consent, MemberEvent
from storage.repositories import member_counts, members, org
from tests.members.support import member_named, row_counts
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

CCCD = "038190001234"  # Thanh Hóa, woman, born 1990
FULL = [
    ("user", "thêm hội viên"),
    ("bot", "có đồng ý để Hội lưu thông tin"),
    ("pick", "Có, chị ấy đồng ý"),
    ("bot", "Họ và tên"),
    ("user", "trần thị bích"),
    ("bot", "Ngày sinh"),
    ("user", "05/03/1990"),
    ("bot", "mới kết nạp"),
    ("pick", "Hội viên mới kết nạp"),
    ("bot", "Số điện thoại"),
    ("user", "0912 345 678"),
    ("bot", "Số căn cước"),
    ("user", "038 190 001 234"),
    ("bot", "thuộc nhóm nào"),
    ("user", "1"),
    ("bot", "vận động"),
    ("pick", "Bỏ qua"),
    ("bot", "Số CCCD: 038******234"),
    ("pick", "Đúng, lưu"),
    ("bot", "Đã lưu hội viên Trần Thị Bích"),
]


async def test_name_date_phone_and_id_in_ten_replies(world: World, chat: Chat) -> None:
    await chat.script([("user", "menu"), ("bot", "Thêm hội viên mới")])
    await chat.script(FULL)
    replies = [line for line in FULL if line[0] in ("user", "pick")]
    assert len(replies) <= 10  # the tenth: who brought her in (Skip)
    m = await member_named(world, "Trần Thị Bích")
    assert (m.birth_date, m.birth_approx, members.phone_of(m), m.is_core) == (
        dt.date(1990, 3, 5),
        False,
        "0912345678",
        True,
    )
    assert m.cccd_enc is not None and CCCD.encode() not in m.cccd_enc
    assert crypto.decrypt_id(m.cccd_enc) == CCCD
    assert m.cccd_index == crypto.blind_index(CCCD)
    async with world.session() as s:
        consents = (await s.scalars(select(Consent).where(Consent.member_id == m.id))).all()
        assert [(c.purpose, c.recorded_by) for c in consents] == [("membership", 1)]
        events = (await s.scalars(select(MemberEvent).where(MemberEvent.member_id == m.id))).all()
        assert [(e.kind, e.occurred_on) for e in events] == [
            (EventKind.JOINED, dt.date(2026, 3, 20))
        ]
        audit = (await s.scalars(select(Audit).where(Audit.action == "member_registered"))).one()
        assert (audit.entity_id, audit.actor_id) == (m.id, 1)
        assert "Bích" not in str(audit.detail) and "0912" not in str(audit.detail)
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        assert await member_counts.members_on(s, branch.id, dt.date(2026, 3, 20)) == len(
            (await members.search(s, branch.id, "", 0, 500))[0]
        )


async def test_every_wrong_answer_is_re_asked_with_its_reason(world: World, chat: Chat) -> None:
    before = await row_counts(world)
    await chat.script(
        [
            ("user", "thêm hội viên"),
            ("bot", "đồng ý"),
            ("pick", "Có, chị ấy đồng ý"),
            ("bot", "Họ và tên"),
            ("user", "Bích"),
            ("bot", "gõ đủ họ, tên đệm và tên"),
            ("user", "Lê Thị Cúc"),
            ("bot", "Ngày sinh"),
            ("user", "01/01/2009"),
            ("bot", "mới 17 tuổi: hội viên phải từ 18 tuổi"),
            ("user", "2008"),
            ("bot", "Năm nay chị ấy mới tròn 18 tuổi"),
            ("user", "5/3/2030"),
            ("bot", "Ngày này chưa tới"),
            ("user", "2031"),
            ("bot", "Ngày này chưa tới"),
            ("user", "15/03/2008"),
            ("bot", "mới kết nạp"),
            ("pick", "Hội viên mới kết nạp"),
            ("bot", "Số điện thoại"),  # 18 since five days
            ("user", "09123456"),
            ("bot", "Số di động có 10 chữ số"),
            ("user", "0912345678"),
            ("bot", "Số căn cước"),
            ("user", "038190001234"),
            ("bot", "người sinh năm 1990, nhưng chị ấy sinh năm 2008"),
            ("user", "0383080012"),
            ("bot", "có 12 chữ số"),
            ("user", "038208001234"),
            ("bot", "của nam giới"),
            ("user", "999308001234"),
            ("bot", "không phải mã tỉnh"),
            ("user", "bỏ qua"),
            ("bot", "thuộc nhóm nào"),
            ("user", "nhiều lắm"),
            ("bot", "gõ số thứ tự các nhóm"),
            ("user", "0"),
            ("bot", "vận động"),
            ("pick", "Bỏ qua"),
            ("bot", "Phụ nữ trẻ"),
        ]
    )
    assert await row_counts(world) == before  # nothing written before the confirmation


async def test_an_old_cmnd_and_a_year_alone_are_accepted(world: World, chat: Chat) -> None:
    await chat.script(
        [
            ("user", "dang ky hoi vien"),
            ("bot", "đồng ý"),
            ("user", "có"),
            ("bot", "Họ và tên"),
            ("user", "pham thi hue"),
            ("bot", "Trong xã có tên Phạm Thị Huệ"),  # typed without accents: asked
            ("user", "giữ nguyên"),
            ("bot", "Ngày sinh"),
            ("user", "1962"),
            ("bot", "mới kết nạp"),
            ("pick", "Hội viên mới kết nạp"),
            ("bot", "Số điện thoại"),
            ("pick", "Bỏ qua"),
            ("bot", "Số căn cước"),
            ("user", "172 345 678"),
            ("bot", "thuộc nhóm nào"),
            ("user", "cao tuổi"),
            ("bot", "vận động"),
            ("pick", "Bỏ qua"),
            ("bot", "năm 1962 (chỉ biết năm)"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    m = await member_named(world, "Pham Thi Hue")
    assert (m.birth_date, m.birth_year, m.birth_approx, members.phone_of(m)) == (
        None,
        1962,
        True,
        None,
    )
    assert m.categories == ["elderly"] and not m.is_core
    assert m.cccd_enc is not None and crypto.decrypt_id(m.cccd_enc) == "172345678"


async def test_without_consent_only_name_and_birth_year_are_kept(world: World, chat: Chat) -> None:
    await chat.script(
        [
            ("user", "thêm hội viên"),
            ("bot", "đồng ý"),
            ("pick", "Không: chỉ lưu họ tên"),
            ("bot", "Họ và tên"),
            ("user", "Đỗ Thị Kim Sen"),
            ("bot", "Ngày sinh"),
            ("user", "12/08/1970"),
            ("bot", "mới kết nạp"),
            ("pick", "Hội viên mới kết nạp"),
            ("bot", "Năm sinh: 1970"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    m = await member_named(world, "Đỗ Thị Kim Sen")
    assert (m.birth_date, m.birth_year, members.phone_of(m), m.cccd_enc, m.categories) == (
        None,
        1970,
        None,
        None,
        [],
    )
    async with world.session() as s:
        assert not (await s.scalars(select(Consent).where(Consent.member_id == m.id))).all()


@pytest.mark.parametrize("agrees", [True, False])
async def test_ethnicity_and_religion_only_with_explicit_consent(
    world: World, chat: Chat, agrees: bool
) -> None:
    script = [
        ("user", "thêm hội viên"),
        ("bot", "đồng ý"),
        ("pick", "Có, chị ấy đồng ý"),
        ("bot", "Họ và tên"),
        ("user", "Hà Thị Mỷ"),
        ("bot", "Ngày sinh"),
        ("user", "3/4/1995"),
        ("bot", "mới kết nạp"),
        ("pick", "Hội viên mới kết nạp"),
        ("bot", "Số điện thoại"),
        ("pick", "Bỏ qua"),
        ("bot", "Số căn cước"),
        ("pick", "Bỏ qua"),
        ("bot", "dưới 35 tuổi nên được tính là phụ nữ trẻ"),
        ("user", "6 7"),
        ("bot", "là thông tin nhạy cảm"),
    ]
    if agrees:
        script += [
            ("pick", "Có, chị ấy đồng ý"),
            ("bot", "dân tộc gì"),
            ("user", "tày"),
            ("bot", "tôn giáo nào"),
            ("user", "Công giáo"),
            ("bot", "vận động"),
            ("pick", "Bỏ qua"),
            ("bot", "Dân tộc: Tày"),
        ]
    else:
        script += [
            ("pick", "Không: không ghi"),
            ("bot", "vận động"),
            ("pick", "Bỏ qua"),
            ("bot", "Không ghi dân tộc, tôn giáo"),
        ]
    await chat.script([*script, ("pick", "Đúng, lưu"), ("bot", "Đã lưu")])
    m = await member_named(world, "Hà Thị Mỷ")
    async with world.session() as s:
        purposes = [c.purpose for c in await members.consents_of(s, m.id)]
    if agrees:
        assert (m.ethnicity, m.religion) == ("Tày", "Công Giáo")
        assert m.categories == ["ethnic_minority", "religious"]
        assert purposes == ["membership", "sensitive"]
    else:
        assert (m.ethnicity, m.religion, m.categories) == (None, None, [])
        assert purposes == ["membership"]


async def test_a_field_is_corrected_from_the_summary(world: World, chat: Chat) -> None:
    await chat.script(
        [
            ("user", "thêm hội viên"),
            ("bot", "đồng ý"),
            ("pick", "Có"),
            ("bot", "Họ và tên"),
            ("user", "Vũ Thị Kim Nga"),
            ("bot", "Ngày sinh"),
            ("user", "20/10/1980"),
            ("bot", "mới kết nạp"),
            ("pick", "Hội viên mới kết nạp"),
            ("bot", "Số điện thoại"),
            ("user", "0912345678"),
            ("bot", "Số căn cước"),
            ("pick", "Bỏ qua"),
            ("bot", "nhóm"),
            ("pick", "Không thuộc nhóm nào"),
            ("bot", "vận động"),
            ("pick", "Bỏ qua"),
            ("bot", "Điện thoại: 0912 345 678"),
            ("pick", "Sửa một mục"),
            ("bot", "sửa"),
            ("pick", "Số điện thoại"),
            ("bot", "Số điện thoại"),
            ("user", "0987 654 321"),
            ("bot", "Điện thoại: 0987 654 321"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    assert members.phone_of(await member_named(world, "Vũ Thị Kim Nga")) == "0987654321"


async def test_an_id_registered_anywhere_is_refused_naming_only_the_branch(
    world: World, chat: Chat
) -> None:
    async with world.session() as s, s.begin():
        other = await org.by_code(s, "TH-HT-01")
        assert other is not None
        await members.add_member(
            s,
            other.id,
            "Ngô Thị Hạnh",
            dt.date(2020, 1, 1),
            world.clock(),
            birth_date=dt.date(1990, 6, 1),
            cccd=CCCD,
        )
    await chat.script(
        [
            ("user", "thêm hội viên"),
            ("bot", "đồng ý"),
            ("pick", "Có"),
            ("bot", "Họ và tên"),
            ("user", "Trần Thị Bích"),
            ("bot", "Ngày sinh"),
            ("user", "05/03/1990"),
            ("bot", "mới kết nạp"),
            ("pick", "Hội viên mới kết nạp"),
            ("bot", "Số điện thoại"),
            ("pick", "Bỏ qua"),
            ("bot", "Số căn cước"),
            ("user", CCCD),
            ("bot", "đã được ghi ở Chi hội Khu phố Ba Đình"),
        ]
    )
    assert "Hạnh" not in chat.text() and "Ngô" not in chat.text()


@pytest.mark.parametrize("same", [True, False])
async def test_same_name_and_birth_date_asks_whether_it_is_the_same_person(
    world: World, chat: Chat, same: bool
) -> None:
    async with world.session() as s, s.begin():
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        await members.add_member(
            s,
            branch.id,
            "Trần Thị Bích",
            dt.date(2020, 1, 1),
            world.clock(),
            birth_date=dt.date(1990, 3, 5),
        )
    before = await row_counts(world)
    script = [
        ("user", "thêm hội viên"),
        ("bot", "đồng ý"),
        ("pick", "Có"),
        ("bot", "Họ và tên"),
        ("user", "tran thi bich"),
        ("bot", "Trong xã có tên Trần Thị Bích. Có phải tên này không chị?"),
        ("user", "đúng"),
        ("bot", "Ngày sinh"),
        ("user", "5/3/1990"),
        ("bot", "đã có hội viên tên Trần Thị Bích, sinh 05/03/1990"),
    ]
    if same:
        await chat.script([*script, ("pick", "Đúng, cùng một người"), ("bot", "không thêm nữa")])
        assert await row_counts(world) == before
    else:
        await chat.script([*script, ("pick", "Không, là người khác"), ("bot", "mới kết nạp")])


CANCEL_PATH = [
    ("pick", "Có, chị ấy đồng ý", "Họ và tên"),
    ("user", "Lý Thị Hoa", "Ngày sinh"),
    ("user", "1/2/1988", "mới kết nạp"),
    ("pick", "Hội viên mới kết nạp", "Số điện thoại"),
    ("user", "0912345678", "Số căn cước"),
    ("user", "038188001234", "nhóm"),
    ("user", "1 6", "nhạy cảm"),
    ("pick", "Có, chị ấy đồng ý", "tôn giáo nào"),
    ("user", "Phật giáo", "vận động"),
    ("pick", "Bỏ qua", "Thông tin đã đúng chưa"),
]


@pytest.mark.parametrize("stop_after", range(len(CANCEL_PATH) + 1))
async def test_cancel_at_any_step_leaves_nothing(world: World, chat: Chat, stop_after: int) -> None:
    before = await row_counts(world)
    script: list[tuple[str, str]] = [("user", "thêm hội viên"), ("bot", "đồng ý")]
    for who, what, expected in CANCEL_PATH[:stop_after]:
        script += [(who, what), ("bot", expected)]
    script += [("user", "huỷ"), ("bot", "Đã huỷ. Chưa có gì được lưu.")]
    await chat.script(script)
    assert await row_counts(world) == before


async def test_cancel_from_the_summary_button(world: World, chat: Chat) -> None:
    before = await row_counts(world)
    script: list[tuple[str, str]] = [("user", "thêm hội viên"), ("bot", "đồng ý")]
    for who, what, expected in CANCEL_PATH:
        script += [(who, what), ("bot", expected)]
    await chat.script([*script, ("pick", "Huỷ"), ("bot", "Đã huỷ")])
    assert await row_counts(world) == before


async def test_a_commune_chair_does_not_register_members(chat_as: object) -> None:
    hong = chat_as("hong")  # type: ignore[operator]
    await hong.script([("user", "thêm hội viên"), ("bot", "không thuộc phần việc của chị")])
