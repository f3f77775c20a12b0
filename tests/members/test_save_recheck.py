"""A change is allowed at save time, not only when its dialog opened (issue 15.6)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.domain.enums import MemberStatus, RoleKind
from storage.db import transaction
from storage.models import Audit, Role
from storage.repositories import members, org, people
from tests.members.test_changes import add, member, open_card
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def test_a_member_moved_away_meanwhile_cannot_be_changed_by_her_old_head(
    world: World, chat: Chat
) -> None:
    mid = await add(world, "TH-QP-01", "Hồ Thị Xuân")
    await open_card(chat, "xuan", "Hồ Thị Xuân")
    await chat.script([("pick", "Đã mất"), ("bot", "Từ ngày nào?"), ("pick", "Hôm nay"),
                       ("bot", "đã mất ngày")])  # fmt: skip
    # Meanwhile her deputy moves the member to another branch.
    async with transaction(world.maker) as s:
        other = await org.by_code(s, "TH-QP-02")
        m = await members.by_id(s, mid)
        assert other is not None and m is not None
        await members.move(s, m, other.id, dt.date(2026, 3, 19), world.clock(), None)
    await chat.script([("pick", "Đúng, lưu"), ("bot", "không còn ở chi hội của chị")])
    after = await member(world, mid)
    assert after.status == MemberStatus.ACTIVE  # not "died"
    async with world.session() as s:
        mine = (await s.scalars(select(Audit.action).where(Audit.actor_id.is_not(None)))).all()
    assert "member_died" not in mine


async def test_a_role_revoked_while_registering_stops_the_save(world: World, chat: Chat) -> None:
    await chat.script([("user", "thêm hội viên"), ("bot", "có đồng ý để Hội lưu thông tin")])
    async with transaction(world.maker) as s:
        branch = await org.by_code(s, "TH-QP-01")
        lan = (await s.scalars(select(Role).where(Role.kind == RoleKind.BRANCH_HEAD,
                                                  Role.unit_id == branch.id))).first()  # fmt: skip
        assert branch is not None and lan is not None
        assert await people.revoke_role(s, lan.person_id, branch.id, RoleKind.BRANCH_HEAD)
    before = await count_members(world)
    await chat.script([
        ("pick", "Có, chị ấy đồng ý"), ("bot", "Họ và tên"),
        ("user", "trần thị bích"), ("bot", "Ngày sinh"),
        ("user", "05/03/1990"), ("bot", "mới kết nạp"),
        ("pick", "Hội viên mới kết nạp"), ("bot", "Số điện thoại"),
        ("pick", "Bỏ qua"), ("bot", "Số căn cước"),
        ("pick", "Bỏ qua"), ("bot", "thuộc nhóm nào"),
        ("user", "0"), ("bot", "vận động"),
        ("pick", "Bỏ qua"), ("bot", "Trần Thị Bích"),
        ("pick", "Đúng, lưu"), ("bot", "không còn phụ trách chi hội này"),
    ])  # fmt: skip
    assert await count_members(world) == before


async def count_members(world: World) -> int:
    async with world.session() as s:
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        return len(await members.in_subtree(s, branch))
