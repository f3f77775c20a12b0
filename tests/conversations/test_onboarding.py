"""Onboarding: strangers learn how to join; an invite links them once; guessing is limited."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from bot.domain.enums import RoleKind
from storage import crypto
from storage.db import transaction
from storage.models import ChannelIdentity, Invite
from storage.repositories import invites, org
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def new_invite(world: World, unit_code: str, role: RoleKind, ttl_days: int = 7) -> str:
    async with transaction(world.maker) as s:
        unit = await org.by_code(s, unit_code)
        assert unit is not None
        return await invites.create_invite(
            s, unit.id, role, world.clock(), dt.timedelta(days=ttl_days)
        )


async def test_stranger_is_told_how_to_get_an_invite(chat_as: Callable[[str], Chat]) -> None:
    await chat_as("stranger").script(
        [
            ("user", "xin chào"),
            ("bot", "cần mã mời"),
        ]
    )


async def test_invite_links_a_branch_head_and_shows_her_menu(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    code = await new_invite(world, "TH-QP-03", RoleKind.BRANCH_HEAD)
    typed = code.lower().replace("-", " ")  # case- and space-insensitive
    await chat_as("newcomer").script(
        [
            ("user", "chào"),
            ("bot", "mã mời"),
            ("user", typed),
            ("bot", "chi hội trưởng của Chi hội Làng Nam"),
            ("bot", "Chị muốn làm gì"),
        ]
    )
    async with world.session() as s:
        invite = (
            await s.scalars(select(Invite).where(Invite.code_hash == invites.hash_code(code)))
        ).one()
        assert invite.used_by is not None


async def test_start_command_carries_the_code(world: World, chat_as: Callable[[str], Chat]) -> None:
    code = await new_invite(world, "TH-HT", RoleKind.COMMUNE_CHAIR)
    await chat_as("chair").script(
        [
            ("user", f"/start {code}"),
            ("bot", "chủ tịch Hội xã/phường"),
            ("bot", "Chị muốn làm gì"),
        ]
    )


async def test_an_invite_works_once(world: World, chat_as: Callable[[str], Chat]) -> None:
    code = await new_invite(world, "TH-QP-03", RoleKind.BRANCH_HEAD)
    await chat_as("first").script(
        [("user", code), ("bot", "Chào mừng"), ("bot", "Chị muốn làm gì")]
    )
    await chat_as("second").script([("user", code), ("bot", "không đúng hoặc đã hết hạn")])


async def test_an_expired_invite_is_refused(world: World, chat_as: Callable[[str], Chat]) -> None:
    code = await new_invite(world, "TH-QP-03", RoleKind.BRANCH_HEAD, ttl_days=1)
    world.clock.advance(days=2)
    await chat_as("late").script([("user", code), ("bot", "đã hết hạn")])


async def test_five_wrong_codes_an_hour_then_even_a_good_one_waits(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    guesser = chat_as("guesser")
    for _ in range(5):
        await guesser.script([("user", "ABCD-2345"), ("bot", "không đúng")])
    code = await new_invite(world, "TH-QP-03", RoleKind.BRANCH_HEAD)
    await guesser.script([("user", code), ("bot", "chờ một giờ")])
    world.clock.advance(hours=1, minutes=1)
    await guesser.script([("user", code), ("bot", "Chào mừng"), ("bot", "Chị muốn làm gì")])


async def test_same_person_links_a_second_app(world: World, chat_as: Callable[[str], Chat]) -> None:
    lan = chat_as("lan")
    await lan.say("menu")
    replies = await lan.pick("ứng dụng khác")
    code = next(w for w in replies[0].text.split() if invites.looks_like_code(w))
    other = chat_as("lan-on-zalo")
    other.channel, other.bot_id = "zalo", "bot1"
    await other.script(
        [("user", code), ("bot", "chi hội trưởng"), ("bot", "Chào chị Nguyễn Thị Lan")]
    )
    async with world.session() as s:
        count = await s.scalar(
            select(func.count()).select_from(ChannelIdentity).where(ChannelIdentity.person_id == 1)
        )
    assert count == 2


async def test_many_chats_guessing_at_once_are_stopped_together(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    """Issue 15.9: five wrong codes an hour per chat is no limit for a thousand chats."""
    code = await new_invite(world, "TH-QP-03", RoleKind.BRANCH_HEAD)
    async with transaction(world.maker) as s:
        for i in range(invites.MAX_WRONG_GLOBAL_PER_HOUR):
            await invites.record_wrong_attempt(s, "web", "sim", f"bot{i}", world.clock())
    await chat_as("honest-late").script(
        [
            ("user", code),
            ("bot", "nhập sai mã quá nhiều lần"),
        ]
    )
    async with world.session() as s:
        assert await invites.take_invite(s, code, world.clock()) is not None  # not spent


def test_a_stored_code_is_keyed_so_a_leaked_table_reveals_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHIHOI_DATA_KEY", "a-data-key-for-this-test-0123456789")
    crypto.reset()
    try:
        stored = invites.hash_code("ABCD-2345")
        assert stored != hashlib.sha256(b"ABCD2345").hexdigest()
        assert stored in invites.hashes_of("abcd 2345")
        assert hashlib.sha256(b"ABCD2345").hexdigest() in invites.hashes_of("abcd 2345")
    finally:
        crypto.reset()
