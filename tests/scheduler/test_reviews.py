"""The semi-annual member review: counts and changes, confirm or correct, chairs see who did."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import handlers
from bot.core.dialogs import Ask, Dialog, Values
from bot.core.engine import Engine
from bot.core.features import Feature
from bot.core.types import Reply
from bot.domain.enums import EventKind
from storage.db import transaction
from storage.models import Person, Review
from storage.repositories import member_counts, members, org
from tests.scheduler.support import add_review, local
from tests.scheduler.test_reminder_chat import run_day, to
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

D = dt.date


async def seed_changes(world: World) -> int:
    """Lan reviewed on 21/03; since then two women joined and one died. Members on 25/05."""
    await add_review(world.maker, "TH-QP-01", "2025-H2", local(2026, 3, 21, 10))
    async with transaction(world.maker) as s:
        unit = await org.by_code(s, "TH-QP-01")
        assert unit is not None
        now = local(2026, 5, 20)
        await members.add_member(s, unit.id, "Hà Thị Một", D(2026, 4, 2), now)
        await members.add_member(s, unit.id, "Hà Thị Hai", D(2026, 5, 10), now)
        first = await members.add_member(s, unit.id, "Hà Thị Ba", D(2026, 4, 3), now)
        await members.change_status(s, first, EventKind.DIED, D(2026, 5, 1), now, None)
        return await member_counts.members_on(s, unit.id, D(2026, 5, 25))


async def test_confirming_the_list_records_the_review(world: World, chat: Chat) -> None:
    count = await seed_changes(world)
    world.clock.set_local(2026, 5, 25, 9)
    await chat.script([
        ("user", "xác nhận danh sách"),
        ("bot", "Danh sách hội viên Chi hội Thôn Đông, rà soát 6 tháng đầu năm 2026 (hạn 05/06/2026)"),
    ])  # fmt: skip
    assert f"Hội viên hiện có: {count}" in chat.text()
    assert "Thay đổi từ 21/03/2026: vào Hội: 3; mất: 1" in chat.text()
    await chat.script([("pick", "Đúng"), ("bot", "Cảm ơn chị! Đã xác nhận danh sách hội viên")])
    async with world.maker() as s:
        review = (await s.scalars(select(Review).where(Review.period == "2026-H1"))).one()
        lan = (await s.scalars(select(Person).where(Person.display_name.like("%Lan")))).one()
    assert review.confirmed_by == lan.id
    assert review.changes["members"] == count and review.changes["joined"] == 3
    # The reminders stop for Lan and go on for Hoa.
    sent = [d for d in await run_day(world, 2026, 6, 3) if "go:member_review" in d.keys]
    assert to(sent, "lan") == [] and len(to(sent, "hoa")) == 1


async def test_confirming_again_updates_the_same_period(world: World, chat: Chat) -> None:
    world.clock.set_local(2026, 5, 22, 9)
    await chat.script([("user", "xác nhận danh sách"), ("bot", "Thay đổi từ 01/01/2026")])
    await chat.script([("pick", "Đúng"), ("bot", "Cảm ơn chị")])
    world.clock.set_local(2026, 6, 2, 9)
    await chat.script([("user", "xác nhận danh sách"), ("bot", "đã được xác nhận ngày 22/05/2026")])
    await chat.script([("pick", "Đúng"), ("bot", "Cảm ơn chị")])
    async with world.maker() as s:
        rows = (await s.scalars(select(Review))).all()
    assert [(r.period, r.confirmed_at) for r in rows] == [("2026-H1", local(2026, 6, 2, 9))]


async def _noop(ctx: object, values: Values) -> list[Reply]:
    return []


FAKE_MEMBERS = Feature(
    name="members",
    dialogs=[
        Dialog("member_register", [Ask("name", "Họ tên hội viên mới?")], _noop),
        Dialog("member_find", [Ask("q", "Tìm hội viên tên gì?")], _noop),
    ],
)


@pytest.fixture
def with_members(world: World, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The member flows, whatever the members feature looks like today."""
    features = [f for f in handlers.FEATURES if f.name != "members"] + [FAKE_MEMBERS]
    monkeypatch.setattr(handlers, "FEATURES", features)
    return Engine(world.maker, handlers.registry(), world.engine.rules, clock=world.clock)


async def test_correcting_opens_the_member_flows(
    world: World, with_members: Engine, chat: Chat
) -> None:
    chat.engine = with_members
    world.clock.set_local(2026, 5, 25, 9)
    await chat.script([
        ("user", "xác nhận danh sách"), ("bot", "đã đúng chưa"),
        ("pick", "thêm hội viên"), ("bot", "chị chọn lại \"Xác nhận danh sách hội viên\""),
        ("bot", "Họ tên hội viên mới?"),
    ])  # fmt: skip
    await chat.script([
        ("user", "menu"), ("bot", "Chị muốn làm gì"),
        ("user", "xác nhận danh sách"), ("bot", "đã đúng chưa"),
        ("pick", "tìm hội viên"), ("bot", "chọn lại"), ("bot", "Tìm hội viên tên gì?"),
    ])  # fmt: skip
    async with world.maker() as s:
        assert (await s.scalars(select(Review))).all() == []


async def test_the_chair_sees_who_has_confirmed(world: World, chat_as: object) -> None:
    await add_review(world.maker, "TH-QP-01", "2026-H1", local(2026, 5, 24, 10))
    world.clock.set_local(2026, 5, 26, 9)
    hong = chat_as("hong")  # type: ignore[operator]
    await hong.script([
        ("user", "rà soát hội viên"),
        ("bot", "Rà soát hội viên 6 tháng đầu năm 2026 (hạn 05/06/2026)"),
    ])  # fmt: skip
    text = hong.text()
    assert "Hội LHPN xã Quảng Phú: 1/3 chi hội đã xác nhận" in text
    assert "✓ Chi hội Thôn Đông: đã xác nhận ngày 24/05/2026" in text
    assert "✗ Chi hội Thôn Tây: chưa xác nhận" in text


async def test_a_chair_cannot_confirm_a_branch_list(chat_as: object) -> None:
    hong = chat_as("hong")  # type: ignore[operator]
    await hong.script([("user", "xác nhận danh sách"), ("bot", "Chị muốn làm gì")])
