"""The column roll-up (`Table.roll_up`) gives what the unit-by-unit `roll_up` gives."""

from __future__ import annotations

import random

from bot.domain.enums import Level
from bot.domain.figures import (
    _PER_QUARTER,
    _SCALARS,
    Denominator,
    Figures,
    Table,
    UnitRow,
    roll_up,
)

SET_DURING_ROLL_UP = ("population", "covered_members", "tracking", "provisional", "base_members")
LEVELS = [Level.CENTRAL, Level.PROVINCE, Level.COMMUNE, Level.BRANCH, Level.GROUP]


def _tree(rng: random.Random) -> dict[int, UnitRow]:
    units: dict[int, UnitRow] = {}
    next_id = 1

    def add(parent: UnitRow | None, depth: int) -> None:
        nonlocal next_id
        uid = next_id
        next_id += 1
        path = (parent.path if parent else "/") + f"{uid}/"
        level = LEVELS[depth]
        if level == Level.BRANCH and uid % 3 == 0:
            level = Level.SPECIAL_BASE  # its members set before it is added upward
        u = UnitRow(uid, parent.id if parent else None, level, f"U{uid}", "", path)
        units[uid] = u
        if depth + 1 < len(LEVELS):
            for _ in range(rng.randint(1 if depth < 2 else 0, 4)):
                add(u, depth + 1)

    add(None, 0)
    return units


def test_columns_roll_up_like_units() -> None:
    rng = random.Random(7)
    units = _tree(rng)
    # ids scattered so the layout by depth and parent differs from insertion order
    table = Table(units, 2)
    leaves: dict[int, Figures] = {}
    for uid in rng.sample(list(units), len(units)):
        f = Figures.empty(2)
        i = table.pos[uid]
        for name in _SCALARS:
            if name in SET_DURING_ROLL_UP:
                continue
            if name == "rate_sum":
                f.rate_sum = table.rate_sum[i] = rng.randint(0, 8) / 4
            else:
                value = rng.randint(0, 9)
                setattr(f, name, value)
                table.col(name)[i] = value
        for name in _PER_QUARTER:
            for q in range(2):
                getattr(f, name)[q] = table.quarter(name, q)[i] = rng.randint(0, 1)
        leaves[uid] = f
    communes = [u.id for u in units.values() if u.level == Level.COMMUNE]
    holders = {
        uid: Denominator(rng.randint(10, 90), rng.randint(10, 90), bool(uid % 2), 2019, 2024)
        for uid in communes[::2]
    }
    assert holders and len(units) > 30
    roll_up(units, leaves, holders)
    table.roll_up(holders)
    assert {uid: table[uid] for uid in units} == leaves
    assert any(leaves[u].base_members for u in units if units[u].level == Level.SPECIAL_BASE)
    assert any(leaves[u].provisional for u in holders)
    assert list(table) == table.ids and len(table) == len(units)
