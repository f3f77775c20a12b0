"""At the review, members away 12 months or more are asked about (004 §II.1.2 footnote 1).

Thôn Đông has three members marked away: since 03/2025 and 01/2024 (asked, on 25/05/2026),
and since 09/2025 (under 12 months: not asked). Lan answers one at a time.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.domain.enums import MemberStatus, Residence
from storage.db import transaction
from storage.models import Audit, Member, Review
from storage.repositories import member_counts, members, org
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

D = dt.date
AWAY = [
    ("Đỗ Thị Vắng", D(2025, 3, 10)),
    ("Lò Thị Xa", D(2024, 1, 5)),
    ("Hà Thị Mới", D(2025, 9, 1)),
]


async def mark_away(world: World) -> dict[str, int]:
    async with transaction(world.maker) as s:
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        ids = {}
        for name, since in AWAY:
            m = await members.add_member(s, branch.id, name, D(2020, 1, 1), world.clock())
            m.residence, m.away_since = Residence.AWAY, since
            ids[name] = m.id
        return ids


async def count_on(world: World, day: dt.date) -> int:
    async with world.maker() as s:
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        return await member_counts.members_on(s, branch.id, day)


async def test_away_a_year_is_asked_about_then_the_list_confirmed(world: World, chat: Chat) -> None:
    ids = await mark_away(world)
    before = await count_on(world, D(2026, 5, 25))
    world.clock.set_local(2026, 5, 25, 9)
    await chat.script([
        ("user", "xác nhận danh sách"),
        # The longest away first.
        ("bot", "Chị Lò Thị Xa đi vắng từ 01/2024. Chị ấy còn đăng ký thường trú ở đây không?"),
        ("pick", "Chị ấy đã về"),
        ("bot", "Chị Đỗ Thị Vắng đi vắng từ 03/2025. Chị ấy còn đăng ký thường trú ở đây không?"),
        ("pick", "Không, đã chuyển đi"),
        ("bot", "Danh sách hội viên Chi hội Thôn Đông"),
    ])  # fmt: skip
    assert "- Khi chị xác nhận, em sẽ ghi: đã chuyển đi 1; đã về 1" in chat.text()
    await chat.script([("pick", "Đúng"), ("bot", "Cảm ơn chị!")])
    assert "Hà Thị Mới" not in chat.text()  # away 9 months: not asked yet
    async with world.maker() as s:
        got = {m.id: m for m in (await s.scalars(select(Member))).all()}
        review = (await s.scalars(select(Review))).one()
        audits = (await s.scalars(select(Audit).where(Audit.action == "residence_reviewed"))).all()
    xa, vang, moi = got[ids["Lò Thị Xa"]], got[ids["Đỗ Thị Vắng"]], got[ids["Hà Thị Mới"]]
    assert (xa.residence, xa.away_since, xa.status) == (
        Residence.PERMANENT,
        None,
        MemberStatus.ACTIVE,
    )
    assert (vang.residence, vang.status) == (Residence.AWAY, MemberStatus.MOVED_AWAY)
    assert (moi.residence, moi.away_since) == (Residence.AWAY, D(2025, 9, 1))
    # She left the branch's count on the day of the review, and the review says so.
    assert await count_on(world, D(2026, 5, 25)) == before - 1
    assert review.changes["residence"] == {"moved": 1, "back": 1}
    assert review.changes["moved_out"] == 1
    assert sorted((a.entity_id, a.detail["answer"]) for a in audits) == sorted(
        [(xa.id, "back"), (vang.id, "moved")]
    )


async def test_keep_changes_nothing_and_cancel_writes_nothing(world: World, chat: Chat) -> None:
    ids = await mark_away(world)
    world.clock.set_local(2026, 5, 25, 9)
    await chat.script([
        ("user", "xác nhận danh sách"),
        ("bot", "Chị Lò Thị Xa đi vắng từ 01/2024"),
        ("pick", "Còn, vẫn thường trú ở đây"),
        ("bot", "Chị Đỗ Thị Vắng đi vắng từ 03/2025"),
        ("pick", "Không, đã chuyển đi"),
        ("bot", "Danh sách hội viên này đã đúng chưa chị?"),
        ("user", "huỷ"),
        ("bot", "huỷ"),
    ])  # fmt: skip
    async with world.maker() as s:
        vang = await s.get(Member, ids["Đỗ Thị Vắng"])
        assert vang is not None and vang.status == MemberStatus.ACTIVE
        assert (await s.scalars(select(Review))).all() == []
        assert (
            await s.scalars(select(Audit).where(Audit.action == "residence_reviewed"))
        ).all() == []
