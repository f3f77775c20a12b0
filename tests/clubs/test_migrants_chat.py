"""Members working far away, in both profiles: where she went (contact sealed), a family visit
in two replies (a day before she left is re-asked), the commune's view by destination, the
12-month review question, and a receiving commune recording an incoming woman."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select

from storage import crypto
from storage.db import transaction
from storage.models import Audit, IncomingWoman
from storage.repositories import clubs, members, migrants
from tests.clubs.support import add_club, send_away, unique_member
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

LEFT = dt.date(2025, 12, 1)


async def test_recording_where_she_works_and_a_family_visit(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    m = await unique_member(world, "TH-QP-01")
    await send_away(world, m.id, LEFT)
    chat = chat_as("lan")
    await chat.script(
        [
            ("user", "ghi nơi làm ăn xa"),
            ("bot", "Chị ấy đang làm ở đâu"),
            ("user", "Bình Dương"),
            ("bot", "Chị ấy đi từ khi nào"),
            ("pick", "Từ ngày 01/12/2025"),
            ("bot", "Số điện thoại để liên lạc"),
            ("user", "0912 345 678"),
            ("bot", "Chị ấy còn đóng hội phí không"),
            ("pick", "Có, vẫn đóng"),
            ("bot", "• Nơi làm: Bình Dương"),
            ("pick", "Đúng, lưu"),
            ("bot", f"Đã lưu: chị {m.full_name} đang làm ở Bình Dương"),
            ("user", "ghi thăm gia đình"),
            ("bot", "Chị thăm gia đình"),
            ("user", "20/11/2025"),  # before she left: re-asked with the reason
            ("bot", "đi làm ăn xa từ ngày 01/12/2025"),
            ("pick", "Hôm qua"),
            ("bot", "Đã lưu lần thăm gia đình"),
        ]
    )
    async with world.session() as s:
        row = await migrants.info(s, m.id)
        assert row is not None
        assert (row.destination, row.since, row.pays_dues) == ("Bình Dương", LEFT, True)
        assert row.contact_enc is not None and b"0912345678" not in row.contact_enc
        assert migrants.contact_of(row) == "0912345678"
        assert row.contact_index == crypto.phone_index("0912345678")
        assert await migrants.visits_of(s, m.id) == [dt.date(2026, 3, 19)]
        trail = (await s.scalars(select(Audit).where(Audit.entity_id == m.id))).all()
        assert "0912" not in str([a.detail for a in trail])


async def test_the_commune_sees_its_migrants_by_destination(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    a = await unique_member(world, "TH-QP-01")
    b = await unique_member(world, "TH-QP-02")
    for m, place in ((a, "Bình Dương"), (b, "binh duong")):
        await send_away(world, m.id, LEFT)
        async with transaction(world.maker) as s:
            await migrants.save_info(s, m.id, place, LEFT, None, m is a, None, world.clock())
    chat = chat_as("hong")
    await chat.script([("user", "làm ăn xa"), ("bot", "• Bình Dương: 2 (1 còn đóng hội phí)")])


async def test_a_member_away_twelve_months_is_asked_about_at_the_review(world: World) -> None:
    """Away since 01/02/2025: on 20/03/2026 that is 13 months (004 §II.1.2 footnote 1)."""
    m = await unique_member(world, "TH-QP-01")
    await send_away(world, m.id, dt.date(2025, 2, 1))
    async with transaction(world.maker) as s:
        await migrants.save_info(
            s, m.id, "Hà Nội", dt.date(2025, 2, 1), None, False, None, world.clock()
        )
        due = await migrants.due_for_review(s, m.branch_id, dt.date(2025, 3, 20))
        assert [mid for mid, _n, _d in due] == [m.id]
        assert await migrants.review_answer(
            s, m.id, "keep", dt.date(2026, 3, 20), world.clock(), None
        )
        assert await migrants.due_for_review(s, m.branch_id, dt.date(2025, 3, 20)) == []
        assert await migrants.review_answer(
            s, m.id, "back", dt.date(2026, 3, 20), world.clock(), None
        )
        again = await members.by_id(s, m.id)
        assert again is not None and again.status.value == "active"


async def test_a_receiving_commune_records_an_incoming_woman(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    club_id = await add_club(world, "CLB Nữ công nhân", ["worker", "temporary"])
    chat = chat_as("hong")
    await chat.script(
        [
            ("user", "ghi người tạm trú"),
            ("bot", "Họ tên đầy đủ của chị ấy là gì"),
            ("user", "Lò Thị Sen"),
            ("bot", "quê ở tỉnh, xã nào"),
            ("user", "Sơn La"),
            ("bot", "đến sống ở đây từ khi nào"),
            ("user", "1/2/2026"),
            ("bot", "Số điện thoại của chị ấy"),
            ("pick", "Bỏ qua"),
            ("bot", "báo về chi hội ở quê"),
            ("pick", "Không, không báo về quê"),
            ("bot", "mời chị ấy tham gia CLB nào"),
            ("pick", "CLB Nữ công nhân"),
            ("bot", "• Mời tham gia: CLB Nữ công nhân"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu chị Lò Thị Sen tạm trú"),
        ]
    )
    async with world.session() as s:
        row = (await s.scalars(select(IncomingWoman))).one()
    assert (row.full_name, row.home_place, row.share_home, row.club_id) == (
        "Lò Thị Sen",
        "Sơn La",
        False,
        club_id,
    )


async def test_her_card_shows_her_clubs_and_where_she_works(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    m = await unique_member(world, "TH-QP-01")
    assert m.full_name
    club_id = await add_club(world, "CLB Dưỡng sinh", ["elderly"])
    await send_away(world, m.id, LEFT)
    async with transaction(world.maker) as s:
        await members.add_consent(s, m.id, "membership", world.clock(), None)
        club = await clubs.by_id(s, club_id)
        assert club is not None
        await clubs.link(s, club, m.id, LEFT, None, world.clock())
        await migrants.save_info(s, m.id, "Hàn Quốc", LEFT, None, True, None, world.clock())
    chat = chat_as("lan")
    await chat.script(
        [
            ("user", "tìm hội viên"),
            ("bot", "không cần dấu"),
            ("user", m.full_name),
            ("bot", "Tìm thấy 1 hội viên"),
            ("pick", m.full_name),
            ("bot", "CLB: CLB Dưỡng sinh"),
        ]
    )
    assert "Đi làm ăn xa: Hàn Quốc, từ ngày 01/12/2025; lần thăm gia đình gần nhất: chưa thăm" in (
        chat.text()
    )
