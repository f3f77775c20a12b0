"""Tổ in the reminder sweep: one message per branch head listing her tổ still to meet, the
chair's escalation with late tổ on their own line, idempotent keys, and the sender's last
look covering the tổ too.

Demo: Thôn Đông (TH-QP-01, head Lan) gets two tổ here, QP-01-T1 and QP-01-T2.
"""

from __future__ import annotations

import datetime as dt

from bot.domain import rules as R
from bot.domain.enums import Level, OutboxStatus
from bot.domain.rules import Rules
from bot.scheduler.due import obsolete
from bot.scheduler.sweep import sweep
from storage.db import transaction
from storage.models import Outbox
from storage.repositories import org
from tests.scheduler.support import FakeTime, Recorder, add_meeting, local, outbox_rows, sender
from tests.support.chat_fixtures import World

D = dt.date


async def _add_groups(world: World) -> None:
    async with transaction(world.maker) as s:
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        await org.add_unit(s, "TH-QP-01-T1", "Tổ 1", Level.GROUP, branch)
        await org.add_unit(s, "TH-QP-01-T2", "Tổ 2", Level.GROUP, branch)


async def _rows(world: World, kind: str, chat_id: str) -> list[Outbox]:
    return [r for r in await outbox_rows(world.maker) if r.kind == kind and r.chat_id == chat_id]


async def _sweep(world: World, at: dt.datetime) -> int:
    return (await sweep(world.maker, at, Rules(), world.engine.registry)).total()


async def test_the_branch_head_hears_once_of_every_tổ_still_to_meet(world: World) -> None:
    await _add_groups(world)
    await _sweep(world, local(2026, 3, 1))  # 30 days before the end of Q1
    [first] = await _rows(world, R.MEETING_DUE, "lan")
    text = first.payload["text"]
    assert "Chi hội Thôn Đông chưa ghi buổi sinh hoạt định kỳ nào trong Quý 1/2026" in text
    assert "Các tổ chưa sinh hoạt định kỳ: Tổ 1, Tổ 2." in text
    # The branch and Tổ 1 meet: the next step names only Tổ 2, in one message.
    await add_meeting(world.maker, "TH-QP-01", D(2026, 3, 5))
    await add_meeting(world.maker, "TH-QP-01-T1", D(2026, 3, 6))
    await _sweep(world, local(2026, 3, 17))
    rows = await _rows(world, R.MEETING_DUE, "lan")
    assert len(rows) == 2
    second = rows[1].payload["text"]
    assert second.startswith("Các tổ của Chi hội Thôn Đông chưa ghi buổi sinh hoạt định kỳ")
    assert "Tổ 2" in second and "Tổ 1" not in second
    assert await _sweep(world, local(2026, 3, 17, 9)) == 0  # the same day again adds nothing
    # Tổ 2 meets too: the last step does not come.
    await add_meeting(world.maker, "TH-QP-01-T2", D(2026, 3, 20))
    await _sweep(world, local(2026, 3, 26))
    assert len(await _rows(world, R.MEETING_DUE, "lan")) == 2


async def test_the_chair_sees_late_tổ_on_their_own_line(world: World) -> None:
    await _add_groups(world)
    await add_meeting(world.maker, "TH-QP-01", D(2026, 3, 5))
    await add_meeting(world.maker, "TH-QP-01-T1", D(2026, 3, 6))
    await _sweep(world, local(2026, 4, 1))
    [late] = await _rows(world, R.MEETING_LATE, "hong")
    lines = late.payload["text"].split("\n")
    assert lines[0].startswith("Quý 1/2026 đã kết thúc. 2 chi hội của Hội LHPN xã Quảng Phú")
    assert "Chi hội Thôn Tây, Chi hội Làng Nam" in lines[0]
    assert "Thôn Đông" not in lines[0]
    assert lines[1].startswith("1 tổ của Hội LHPN xã Quảng Phú chưa ghi buổi sinh hoạt")
    assert lines[1].endswith("Tổ 2 (Chi hội Thôn Đông).")
    assert await _sweep(world, local(2026, 4, 2)) == 0


async def test_a_reminder_is_dropped_once_the_branch_and_its_tổ_have_met(world: World) -> None:
    await _add_groups(world)
    await add_meeting(world.maker, "TH-QP-01", D(2026, 3, 5))
    clock = FakeTime(local(2026, 3, 17, 8))
    await _sweep(world, clock())
    await add_meeting(world.maker, "TH-QP-01-T1", D(2026, 3, 16))  # one tổ of two: still due
    web = Recorder(clock)
    await sender(world.maker, clock, web, obsolete=obsolete).drain()
    [lan] = await _rows(world, R.MEETING_DUE, "lan")
    assert lan.sent_at is not None and "Tổ 2" in lan.payload["text"]
    # Next quarter: a reminder written, then every unit it names meets before delivery.
    clock.set(local(2026, 6, 16, 8))
    await _sweep(world, clock())
    await add_meeting(world.maker, "TH-QP-01", D(2026, 6, 10))
    await add_meeting(world.maker, "TH-QP-01-T1", D(2026, 6, 11))
    await add_meeting(world.maker, "TH-QP-01-T2", D(2026, 6, 12))
    await sender(world.maker, clock, web, obsolete=obsolete).drain()
    june = [r for r in await _rows(world, R.MEETING_DUE, "lan") if r.id != lan.id]
    assert len(june) == 1 and june[0].status == OutboxStatus.SENT and june[0].sent_at is None
