"""Who brought her in, counted in the report; her dues on her member card; core members
flagged where a branch or tổ has none (issue 17 items 1, 4, 5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.core.i18n import language
from bot.domain.enums import Level
from bot.reports.dues_text import report
from storage.db import transaction
from storage.repositories import dues, dues_overview, members, org
from tests.dues.support import actions, roster, set_rate, unit_id
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def test_who_brought_her_in(world: World, chat_as: Callable[[str], Chat]) -> None:
    branch = await unit_id(world, "TH-QP-01")
    async with transaction(world.maker) as s:
        new = await members.add_member(
            s, branch, "Hoàng Thị Mới", dt.date(2026, 3, 1), world.clock()
        )
    lan = chat_as("lan")
    await lan.say("ai vận động")
    assert "1. Hoàng Thị Mới" in lan.text()
    await lan.script([
        ("user", "1 2"),
        ("bot", "Chị gõ một số trong danh sách"),
        ("user", "1"),
        ("bot", "Hội viên nào đã vận động chị ấy vào Hội?"),
        ("user", "1"),
        ("bot", "được chị"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã lưu. Em cảm ơn chị!"),
    ])  # fmt: skip
    (audit,) = await actions(world, "referral.set")
    assert audit.entity_id == new.id
    async with world.maker() as s:
        qp = await org.by_code(s, "TH-QP")
        assert qp is not None
        o = await dues_overview.overview(s, qp, 2026, world.clock().date())
    line = next(b for b in o.branches if b.id == branch)
    assert line.brought == 1
    with language("vi"):
        assert "Phụ nữ được hội viên vận động vào Hội (1+1): 1" in report(o)
        assert "Hội phí: chưa có mức hội phí năm 2026" in report(o)
    async with world.maker() as s:
        unit = await org.by_id(s, branch)
        assert unit is not None
        o = await dues_overview.overview(s, unit, 2026, world.clock().date())
    with language("vi"):
        text = report(o)
    assert "Phụ nữ được hội viên vận động vào Hội (1+1): 1" in text
    assert "Chưa có hội viên nòng cốt" in text  # the demo's members are not core members


async def test_the_member_card_shows_her_dues(world: World, chat_as: Callable[[str], Chat]) -> None:
    await set_rate(world)
    d = await roster(world)
    who = next(r for r in d.rows if r.owed == 30_000)
    async with transaction(world.maker) as s:
        await dues.record_payments(
            s,
            d.branch_id,
            2026,
            [(who.member_id, 10_000)],
            dt.date(2026, 3, 2),
            None,
            world.clock(),
        )
        await dues.record_payments(
            s,
            d.branch_id,
            2025,
            [(who.member_id, 24_000)],
            dt.date(2025, 3, 2),
            None,
            world.clock(),
        )
    lan = chat_as("lan")
    await lan.say("tìm hội viên")
    await lan.say(who.name)
    if "Hội phí" not in lan.text():
        await lan.pick(who.name)
    assert "Hội phí: 2026 đóng một phần 10.000 đ/30.000 đ; 2025: 24.000 đ" in lan.text()


async def test_a_group_without_a_core_member_is_flagged(world: World) -> None:
    """Làng Nam has a tổ; one core member in the branch but none in the tổ."""
    branch = await unit_id(world, "TH-QP-03")
    async with transaction(world.maker) as s:
        parent = await org.by_id(s, branch)
        assert parent is not None
        group = await org.add_unit(s, "TH-QP-03-T9", "Tổ phụ nữ xóm Thử", Level.GROUP, parent)
        await members.add_member(s, branch, "Vũ Thị Nòng", None, world.clock(), is_core=True)
        await members.add_member(s, branch, "Vũ Thị Tổ", None, world.clock(), group_id=group.id)
        unit = await org.by_id(s, branch)
        assert unit is not None
        o = await dues_overview.overview(s, unit, 2026, world.clock().date())
    (line,) = o.branches
    assert (line.core, line.groups, line.groups_without_core) == (1, 1, ["Tổ phụ nữ xóm Thử"])
    with language("vi"):
        assert "Tổ chưa có hội viên nòng cốt: Tổ phụ nữ xóm Thử" in report(o)
