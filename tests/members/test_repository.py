"""The member repository on SQLite and PostgreSQL: search order, duplicates, bulk insert, moves."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from bot.core.types import ZALO_CAPS
from bot.domain.enums import EventKind, MemberStatus
from storage import crypto
from storage.models import OrgUnit
from storage.repositories import member_counts, member_rows, members, org
from storage.repositories.member_rows import NewMember
from tests.members.test_register import FULL
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

DAY = dt.date(2026, 3, 20)


async def _branch(world: World, code: str) -> OrgUnit:
    async with world.session() as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        return unit


async def test_search_by_folded_words_in_vietnamese_order(db_world: World) -> None:
    branch = await _branch(db_world, "TH-QP-03")
    names = ["Đỗ Thị Đào", "Lê Thị Dung", "Ngô Thị Ánh", "Ngô Thị An", "Vũ Thị Dung"]
    async with db_world.session() as s, s.begin():
        for name in names:
            await members.add_member(s, branch.id, name, DAY, db_world.clock())
    async with db_world.session() as s:
        rows, total = await members.search(s, branch.id, "thi", 0, 100)
        picked = [m.full_name for m in rows if m.full_name in names]
        assert picked == ["Ngô Thị An", "Ngô Thị Ánh", "Lê Thị Dung", "Vũ Thị Dung", "Đỗ Thị Đào"]
        rows, total = await members.search(s, branch.id, "DUNG le", 0, 10)
        assert [m.full_name for m in rows] == ["Lê Thị Dung"] and total == 1
        assert (await members.search(s, branch.id, "100%_x", 0, 10))[
            1
        ] == 0  # LIKE wildcards escaped


async def test_one_id_number_once_nationwide(db_world: World) -> None:
    a, b = await _branch(db_world, "TH-QP-01"), await _branch(db_world, "TH-HT-02")
    async with db_world.session() as s, s.begin():
        await members.add_member(s, a.id, "Hà Thị Một", DAY, db_world.clock(), cccd="038190001234")
    async with db_world.session() as s:
        holder = await members.branch_holding_id(s, crypto.blind_index("038190001234"))
        assert holder is not None and holder.code == "TH-QP-01"
    with pytest.raises(IntegrityError):  # the unique index holds even if a check was skipped
        async with db_world.session() as s, s.begin():
            await members.add_member(
                s, b.id, "Hà Thị Hai", DAY, db_world.clock(), cccd="038190001234"
            )


async def test_bulk_insert_writes_members_events_and_consents(db_world: World) -> None:
    branch = await _branch(db_world, "TH-HT-01")
    async with db_world.session() as s:
        before = await member_counts.members_on(s, branch.id, DAY)
    rows = [
        NewMember(
            f"Lã Thị Số {chr(65 + i)}",
            dt.date(1980, 1, 1 + i),
            False,
            DAY,
            cccd=crypto.seal_id(f"0381800{i:05d}"),
            consents=("membership",),
        )
        for i in range(25)
    ]
    async with db_world.session() as s, s.begin():
        ids = await member_rows.add_many(s, branch.id, rows, db_world.clock(), None)
    assert len(set(ids)) == 25
    async with db_world.session() as s:
        assert await member_counts.members_on(s, branch.id, DAY) == before + 25
        m = await members.by_id(s, ids[3])
        assert m is not None and m.full_name == "Lã Thị Số D" and m.cccd_enc is not None
        assert crypto.decrypt_id(m.cccd_enc) == "038180000003"
        assert [c.purpose for c in await members.consents_of(s, ids[3])] == ["membership"]


async def test_a_move_then_leaving_counts_on_every_date(db_world: World) -> None:
    a, b = await _branch(db_world, "TH-QP-01"), await _branch(db_world, "TH-QP-02")
    async with db_world.session() as s, s.begin():
        m = await members.add_member(s, a.id, "Hà Thị Ba", dt.date(2025, 1, 1), db_world.clock())
        mid = m.id
    async with db_world.session() as s:
        start = {u: await member_counts.members_on(s, u, DAY) for u in (a.id, b.id)}
    async with db_world.session() as s, s.begin():
        m2 = await members.by_id(s, mid)
        assert m2 is not None
        await members.move(s, m2, b.id, dt.date(2026, 2, 1), db_world.clock(), None)
        await members.change_status(
            s, m2, EventKind.LEFT, dt.date(2026, 3, 1), db_world.clock(), None
        )
    async with db_world.session() as s:
        on = member_counts.members_on
        assert await on(s, a.id, dt.date(2026, 1, 31)) == start[a.id]
        assert await on(s, a.id, dt.date(2026, 2, 1)) == start[a.id] - 1
        assert await on(s, b.id, dt.date(2026, 2, 15)) == start[b.id] + 1
        assert await on(s, b.id, DAY) == start[b.id]
        m3 = await members.by_id(s, mid)
        assert m3 is not None and (m3.branch_id, m3.status) == (b.id, MemberStatus.LEFT)


async def test_registration_on_both_backends(db_world: World) -> None:
    chat = Chat(db_world.engine, ZALO_CAPS, "lan", db_world.clock)
    await chat.script(FULL)
