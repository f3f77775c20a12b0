"""Hot-path statements (storage.prepared) store and read what the ORM does, in its transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.enums import Level, RoleKind
from storage.db import transaction
from storage.models import Conversation, ProcessedUpdate
from storage.repositories import conversations, org, people

STATE = {"dialog": "language", "values": {"name": "Nguyễn Thị Lan"}, "serial": 3}


async def test_state_and_times_read_back_through_the_orm(
    maker: async_sessionmaker[AsyncSession], now: dt.datetime
) -> None:
    async with transaction(maker) as s:
        assert await conversations.claim_update(s, "web", "sim", "u1", now)
        conv_id, state, version = await conversations.lock_conversation(s, "web", "sim", "c", now)
        assert (state, version) == ({}, 0)
        later = now + dt.timedelta(seconds=1, microseconds=5)
        await conversations.save_state(s, conv_id, version, STATE, later)
    async with transaction(maker) as s:
        conv = (await s.scalars(select(Conversation))).one()
        claim = (await s.scalars(select(ProcessedUpdate))).one()
        assert (conv.state, conv.version, conv.updated_at) == (STATE, 1, later)
        assert claim.at == now
        # Range queries compare the stored form: it must be the ORM's own.
        hits = await s.scalars(select(ProcessedUpdate.update_id).where(ProcessedUpdate.at >= now))
        assert list(hits) == ["u1"]
        assert await conversations.lock_conversation(s, "web", "sim", "c", now) == (
            conv_id,
            STATE,
            1,
        )


async def test_a_claim_is_undone_with_its_transaction_and_then_refused_once_kept(
    maker: async_sessionmaker[AsyncSession], now: dt.datetime
) -> None:
    with pytest.raises(RuntimeError):
        async with transaction(maker) as s:
            assert await conversations.claim_update(s, "web", "sim", "u1", now)
            raise RuntimeError("the turn failed")
    async with transaction(maker) as s:
        assert await conversations.claim_update(s, "web", "sim", "u1", now)
    async with transaction(maker) as s:
        assert not await conversations.claim_update(s, "web", "sim", "u1", now)
        assert await conversations.claim_update(s, "zalo", "sim", "u1", now)


async def test_a_stale_version_is_refused(
    maker: async_sessionmaker[AsyncSession], now: dt.datetime
) -> None:
    async with transaction(maker) as s:
        conv_id, _state, version = await conversations.lock_conversation(s, "web", "sim", "c", now)
        await conversations.save_state(s, conv_id, version, {"at": "menu"}, now)
        with pytest.raises(conversations.StaleState):
            await conversations.save_state(s, conv_id, version, {"at": "idle"}, now)
    async with maker() as s:
        assert await conversations.get_state(s, "web", "sim", "c") == {"at": "menu"}


async def test_person_and_roles_match_the_orm_queries(
    maker: async_sessionmaker[AsyncSession], now: dt.datetime
) -> None:
    async with transaction(maker) as s:
        top = await org.add_unit(s, "P", "Tỉnh", Level.PROVINCE, None)
        commune = await org.add_unit(s, "P-C", "Xã", Level.COMMUNE, top)
        branch = await org.add_unit(s, "P-C-1", "Chi hội", Level.BRANCH, commune)
        lan = await people.create_person(s, "Lan", now)
        await people.link_identity(s, lan.id, "web", "sim", "lan", "lan", now)
        await people.grant_role(s, lan.id, branch.id, RoleKind.BRANCH_HEAD)
        await people.grant_role(s, lan.id, commune.id, RoleKind.COMMUNE_OFFICER)
        hoa = await people.create_person(s, "Hoa", now, locale="en")
        await people.link_identity(s, hoa.id, "web", "sim", "hoa", "hoa", now)
    async with transaction(maker) as s:
        person, roles = await people.person_and_roles(s, "web", "sim", "lan")
        expected = await people.find_person(s, "web", "sim", "lan")
        assert person is not None and expected is not None
        assert person is not expected  # not this session's: handlers only read it
        cols = ["id", "display_name", "locale", "mute_digests", "created_at"]
        assert [getattr(person, c) for c in cols] == [getattr(expected, c) for c in cols]
        assert [(k, u.id, u.path, u.level) for k, u in roles] == [
            (k, u.id, u.path, u.level) for k, u in await people.roles_of(s, expected.id)
        ]
        assert [k for k, _u in roles] == [RoleKind.COMMUNE_OFFICER, RoleKind.BRANCH_HEAD]
        hoa_found, hoa_roles = await people.person_and_roles(s, "web", "sim", "hoa")
        assert hoa_found is not None and (hoa_found.locale, hoa_roles) == ("en", [])
        assert await people.person_and_roles(s, "web", "sim", "nobody") == (None, [])
        assert await people.person_and_roles(s, "zalo", "sim", "lan") == (None, [])


async def test_set_locale_is_kept(
    maker: async_sessionmaker[AsyncSession], now: dt.datetime
) -> None:
    async with transaction(maker) as s:
        lan = await people.create_person(s, "Lan", now)
        await people.link_identity(s, lan.id, "web", "sim", "lan", "lan", now)
    async with transaction(maker) as s:
        await people.set_locale(s, lan.id, "en")
    async with transaction(maker) as s:
        person, _roles = await people.person_and_roles(s, "web", "sim", "lan")
        assert person is not None and person.locale == "en"


async def test_claim_and_lock_creates_the_chat_once_and_refuses_a_replay(
    maker: async_sessionmaker[AsyncSession], now: dt.datetime
) -> None:
    async with transaction(maker) as s:
        first = await conversations.claim_and_lock(s, "web", "sim", "u1", "c", now)
        assert first is not None and first[1:] == ({}, 0)
        await conversations.save_state(s, first[0], 0, STATE, now)
    async with transaction(maker) as s:
        assert await conversations.claim_and_lock(s, "web", "sim", "u1", "c", now) is None
        assert await conversations.claim_and_lock(s, "web", "sim", "u2", "c", now) == (
            first[0],
            STATE,
            1,
        )
