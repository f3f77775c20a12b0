"""The dues report counts every branch under a unit in one query (storage/repositories/
dues_counts.py); it must give what `dues.branch_dues` gives one branch at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.dues import DuesStatus, ReliefKind
from bot.domain.enums import Level
from storage.db import transaction
from storage.models import OrgUnit
from storage.repositories import dues, org
from storage.repositories.dues_counts import DuesCounts, dues_counts
from tests.dues.support import set_rate, unit_id
from tests.support.chat_fixtures import World


async def one_by_one(world: World, code: str, day: dt.date) -> dict[int, tuple[object, ...]]:
    """Each branch's counts the old way: `branch_dues` per branch (the reference)."""
    out: dict[int, tuple[object, ...]] = {}
    async with world.maker() as s:
        root = await org.by_code(s, code)
        assert root is not None
        for u in await org.subtree(s, root):
            if u.level != Level.BRANCH:
                continue
            d = await dues.branch_dues(s, u, 2026, day)
            if not d.rows:
                continue
            out[u.id] = (
                d.rate,
                len(d.rows),
                d.count(DuesStatus.PAID),
                d.count(DuesStatus.PARTIAL),
                d.count(DuesStatus.EXEMPT),
                d.count(DuesStatus.UNPAID),
                d.collected,
                d.expected,
            )
    return out


def shape(c: DuesCounts) -> tuple[object, ...]:
    return (c.rate, c.members, c.paid, c.partial, c.exempt, c.unpaid, c.collected, c.expected)


async def at_once(world: World, code: str, day: dt.date) -> dict[int, DuesCounts]:
    async with world.maker() as s:
        root = await s.get(OrgUnit, await unit_id(world, code))
        assert root is not None
        return await dues_counts(s, root, 2026, day)


async def test_one_query_gives_what_each_branch_gives(db_world: World) -> None:
    world = db_world
    day = world.clock().date()
    for code in ("TH", "TH-QP", "TH-QP-01"):  # a province, a commune, a branch
        want = await one_by_one(world, code, day)
        got = {bid: shape(c) for bid, c in (await at_once(world, code, day)).items()}
        assert got == want and want


async def test_a_hand_worked_branch(db_world: World) -> None:
    """TH sets 30.000 đ, household 15.000 đ. Of four members under 60 on Thôn Đông's list,
    one pays 30.000 (paid), one 10.000 (partial), one is exempt by decision, one is a
    further member of a household and pays 15.000 (paid). Against the same branch before:
    paid +2, partial +1, exempt +1, unpaid -4, collected +55.000, expected -45.000."""
    world = db_world
    await set_rate(world, "TH", 30_000, elderly=0)
    day = world.clock().date()
    bid = await unit_id(world, "TH-QP-01")
    before = (await at_once(world, "TH-QP", day))[bid]
    rows = await dues_rows(world, "TH-QP-01", day)
    young = [r.member_id for r in rows if r.relief is None and r.paid == 0]
    a, b, c, d = young[:4]
    now = world.clock()
    async with transaction(world.maker) as s:
        await dues.set_relief(s, [c], 2026, ReliefKind.EXEMPT, None, "quyết định", None, now)
        await dues.set_relief(s, [d], 2026, ReliefKind.HOUSEHOLD, None, None, None, now)
        paid = [(a, 30_000), (b, 10_000), (d, 15_000)]
        await dues.record_payments(s, bid, 2026, paid, day, None, now)
    after = (await at_once(world, "TH-QP", day))[bid]
    assert after.members == before.members
    assert after.paid - before.paid == 2
    assert after.partial - before.partial == 1
    assert after.exempt - before.exempt == 1
    assert after.unpaid - before.unpaid == -4
    assert after.collected - before.collected == 55_000
    assert after.expected - before.expected == -45_000
    # and still what the branch's own list says
    assert shape(after) == (await one_by_one(world, "TH-QP-01", day))[bid]


async def dues_rows(world: World, code: str, day: dt.date) -> list[dues.DuesRow]:
    async with world.maker() as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        return (await dues.branch_dues(s, unit, 2026, day)).rows


async def test_owing_by_subtree_equals_owing_one_by_one(
    db_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep's dues rule asks `owing` for many branches at once: past
    OWING_ONE_BY_ONE it counts whole subtrees; both ways must agree."""
    world = db_world
    await set_rate(world, "TH", 30_000, elderly=0)
    day = world.clock().date()
    async with world.maker() as s:
        th = await org.by_code(s, "TH")
        assert th is not None
        ids = [u.id for u in await org.subtree(s, th) if u.level == Level.BRANCH]
        one_by_one = await dues.owing(s, ids, 2026, day)
        monkeypatch.setattr(dues, "OWING_ONE_BY_ONE", 0)
        at_once = await dues.owing(s, ids, 2026, day)
        some = await dues.owing(s, ids[:2], 2026, day)
    assert one_by_one and at_once == one_by_one
    assert some == {b: v for b, v in one_by_one.items() if b in ids[:2]}
