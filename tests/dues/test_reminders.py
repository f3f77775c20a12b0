"""Dues collection, "3 có, 3 biết" and "1+1" reminders in the sweep: once per step, stopped
when done, escalated to the commune chair (issue 17 item 6)."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.assessment import Rubric
from bot.domain.rules import Rules
from bot.scheduler.dues_due import DUES_DUE, DUES_LATE, PAIR_DUE, SELF_DUE, SELF_LATE
from bot.scheduler.sweep import sweep
from storage.db import transaction
from storage.models import Outbox, Person
from storage.repositories import assessment, dues, org, pairs
from tests.dues.support import roster, set_rate, unit_id
from tests.scheduler.support import local
from tests.support.chat_fixtures import World


async def run(world: World, y: int, m: int, d: int) -> int:
    report = await sweep(world.maker, local(y, m, d), Rules(), registry=world.engine.registry)
    return report.total()


async def sent(world: World, kind: str) -> list[tuple[str, str]]:
    """(person's name, step) of the outbox rows of a kind, in order."""
    async with world.maker() as s:
        rows = (
            await s.execute(
                select(Person.display_name, Outbox.key, Outbox.payload)
                .join(Person, Person.id == Outbox.person_id)
                .where(Outbox.kind == kind)
                .order_by(Outbox.id)
            )
        ).all()
    return [(name, key.rsplit("|", 1)[1]) for name, key, _p in rows]


async def test_dues_reminders_stop_when_paid_and_escalate(world: World) -> None:
    await set_rate(world)
    await run(world, 2026, 11, 1)
    first = await sent(world, DUES_DUE)
    assert first == [("Nguyễn Thị Lan", "d60"), ("Trần Thị Hoa", "d60"), ("Lê Thị Mai", "d60")]
    assert await run(world, 2026, 11, 1) == 0  # a second sweep adds nothing
    owing = [(r.member_id, r.owed) for r in (await roster(world)).rows if r.owed > r.paid]
    async with transaction(world.maker) as s:
        await dues.record_payments(
            s,
            await unit_id(world, "TH-QP-01"),
            2026,
            owing,
            world.clock().date(),
            None,
            world.clock(),
        )
    await run(world, 2026, 12, 1)
    assert (await sent(world, DUES_DUE))[3:] == [("Trần Thị Hoa", "d30"), ("Lê Thị Mai", "d30")]
    await run(world, 2027, 1, 2)
    late = await sent(world, DUES_LATE)
    assert late == [("Phạm Thị Hồng", "chair")]
    async with world.maker() as s:
        (text,) = (await s.scalars(select(Outbox.payload).where(Outbox.kind == DUES_LATE))).all()
    assert "Chi hội Thôn Tây" in text["text"] and "Thôn Đông" not in text["text"]


async def test_self_assessment_reminders(world: World) -> None:
    """Only under a province that saved its rubric for the year; 35 and 20 days before the
    quarter ends (24/02 and 11/03), the chair after it."""
    await run(world, 2026, 2, 24)
    assert await sent(world, SELF_DUE) == []
    async with transaction(world.maker) as s:
        await assessment.set_rubric(
            s, await unit_id(world, "TH"), 2026, Rubric(), None, world.clock()
        )
    await run(world, 2026, 2, 24)
    assert await sent(world, SELF_DUE) == [
        ("Nguyễn Thị Lan", "d35"),
        ("Trần Thị Hoa", "d35"),
        ("Lê Thị Mai", "d35"),
    ]
    async with transaction(world.maker) as s:
        await assessment.save_self(
            s, await unit_id(world, "TH-QP-01"), "2026-Q1", ["faces"], None, world.clock()
        )
    await run(world, 2026, 3, 11)
    assert (await sent(world, SELF_DUE))[3:] == [("Trần Thị Hoa", "d20"), ("Lê Thị Mai", "d20")]
    await run(world, 2026, 4, 2)
    assert await sent(world, SELF_LATE) == [("Phạm Thị Hồng", "chair")]
    async with world.maker() as s:
        (text,) = (await s.scalars(select(Outbox.payload).where(Outbox.kind == SELF_LATE))).all()
    assert "Thôn Tây" in text["text"] and "Thôn Đông" not in text["text"]


async def test_pair_check_in_goes_to_both_heads_until_answered(world: World) -> None:
    a, b = await unit_id(world, "TH-QP-01"), await unit_id(world, "TH-QP-02")
    async with transaction(world.maker) as s:
        qp = await org.by_code(s, "TH-QP")
        assert qp is not None
        pair = await pairs.add_pair(
            s, qp.id, pairs.BRANCH, a, None, b, world.clock().date(), None, world.clock()
        )
        lan = (await s.scalars(select(Person).where(Person.display_name == "Nguyễn Thị Lan"))).one()
        await pairs.check_in(s, pair.id, "2026-Q1", lan.id, True, world.clock())
    await run(world, 2026, 3, 17)
    assert await sent(world, PAIR_DUE) == [("Trần Thị Hoa", "d14")]
