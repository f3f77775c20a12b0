"""A big subtree's units and layout are kept between reports only while no unit changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.calendar import HalfYear
from bot.domain.enums import Level
from bot.domain.rules import Rules
from storage.db import transaction
from storage.models import OrgUnit
from storage.repositories import org
from storage.repositories.measures import Rollup, kept_layout, measure, report, scope
from tests.reports.tree import build

H1 = HalfYear(2026, 1)
DAY = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def small_big_subtrees(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The test tree (10 units) counts as big: selected by path, its layout kept."""
    monkeypatch.setattr(scope, "LISTED_UNITS", 3)
    monkeypatch.setattr(report, "LISTED_UNITS", 3)
    kept_layout.forget()
    yield
    kept_layout.forget()


async def _report(maker: async_sessionmaker[AsyncSession]) -> Rollup:
    async with transaction(maker) as s:
        root = await org.by_code(s, "P")
        assert root is not None
        return await measure(s, root, H1, DAY, Rules())


def _figures(r: Rollup) -> dict[int, tuple[object, ...]]:
    return {
        uid: (f.members, f.meetings, f.rated, f.met, f.meeting_units, f.reviewed)
        for uid, f in ((uid, r.of(uid)) for uid in r.units)
    }


async def test_a_renamed_or_added_unit_is_read_again(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(maker) as s:
        tree = await build(s)
    first = await _report(maker)
    second = await _report(maker)
    assert second.units is first.units  # kept: not read again
    assert _figures(second) == _figures(first)  # and the kept layout gave the same figures
    async with transaction(maker) as s:
        b2 = await s.get(OrgUnit, tree["B2"].id)
        assert b2 is not None
        b2.name = "Chi hội Hai"
    renamed = await _report(maker)
    assert renamed.units is not first.units
    assert renamed.units[tree["B2"].id].name == "Chi hội Hai"
    async with transaction(maker) as s:
        x2 = await s.get(OrgUnit, tree["X2"].id)
        new = await org.add_unit(s, "B5", "Chi hội B5", Level.BRANCH, x2)
    grown = await _report(maker)
    assert new.id in grown.units
    assert grown.of(tree["X2"].id).meeting_units[0] == first.of(tree["X2"].id).meeting_units[0] + 1
    kept_layout.forget()
    assert _figures(await _report(maker)) == _figures(grown)  # as if nothing had been kept
