"""Report figures against the hand-counted tree in tests/reports/tree.py, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.calendar import HalfYear, Quarter
from bot.domain.enums import Level
from bot.domain.rules import Rules
from bot.domain.targets import CoverageFlag, Targets
from storage.db import transaction
from storage.models import OrgUnit
from storage.repositories import measures, member_counts, members, org, tally, unit_figures
from storage.repositories.measures import report as measures_report
from storage.repositories.measures import scope as measures_scope
from tests.reports.tree import NOW, Tree, _meeting, build

H1 = HalfYear(2026, 1)


@pytest.fixture
async def tree(maker: async_sessionmaker[AsyncSession]) -> Tree:
    async with transaction(maker) as s:
        return await build(s)


async def test_members_new_members_and_net_change(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    async with maker() as s:
        r = await measures.measure(s, tree["P"], H1, dt.date(2026, 6, 30), Rules())
    got = {
        c: (r.of(tree[c].id).members_start, r.of(tree[c].id).members, r.of(tree[c].id).joined)
        for c in ["B1", "B2", "B3", "B4", "G1", "X1", "D", "X2", "X3", "P"]
    }
    assert got == {
        "B1": (9, 10, 2),  # 10 joined 2025 - 1 died; +2 joined, -1 left (migrating counts 0)
        "B2": (5, 4, 0),  # one moved out to B3
        "B3": (20, 24, 3),  # +1 moved in (not a new member), +3 joined
        "B4": (0, 0, 0),
        "G1": (0, 0, 0),
        "X1": (14, 14, 2),
        "D": (14, 14, 2),
        "X2": (20, 24, 3),
        "X3": (0, 0, 0),
        "P": (34, 38, 5),
    }
    assert r.of(tree["P"].id).net_change == 4
    assert r.of(tree["P"].id).joined_ytd == 5


async def test_counts_agree_with_membership_queries(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    day = dt.date(2026, 4, 30)
    async with maker() as s:
        r = await measures.measure(s, tree["P"], H1, day, Rules())
        for code in ["B1", "B2", "B3", "X1", "P"]:
            assert r.of(tree[code].id).members == await member_counts.members_in_subtree_on(
                s, tree[code], day
            )
        assert r.of(tree["P"].id).joined == await member_counts.joined_between(
            s, tree["P"], H1.first_day, day
        )


async def test_coverage_uses_the_terms_reference_year_and_tracks_later_figures(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    """004 §II.1.2 (2): the 2019 figure is the denominator for the whole 2022-2027 term;
    X2's 50 women of 2024 are shown as tracking, never used."""
    async with maker() as s:
        r = await measures.measure(s, tree["P"], H1, dt.date(2026, 6, 30), Rules())
    t = r.rules
    x1, x2, x3, p = (r.of(tree[c].id) for c in ["X1", "X2", "X3", "P"])
    assert (x1.covered_members, x1.population, t.flag(x1.coverage)) == (14, 20, CoverageFlag.MET)
    assert x1.coverage == pytest.approx(0.70)
    assert (x2.covered_members, x2.population, x2.tracking) == (24, 40, 50)
    assert x2.provisional == 0
    assert t.flag(x2.coverage) == CoverageFlag.MET  # 24/40 = 60%: "từ 60% trở lên"
    assert x3.coverage is None and t.flag(x3.coverage) == CoverageFlag.NO_DATA
    assert x3.communes_no_data == 1
    # the province's own stray 1000 is ignored: its communes carry figures
    assert (p.covered_members, p.population, p.tracking) == (38, 60, 70)
    assert t.flag(p.coverage) == CoverageFlag.MET  # 38/60 = 63.3%
    assert (p.communes, p.communes_no_data) == (3, 1)
    assert r.of(tree["B1"].id).coverage is None  # a branch has no denominator of its own


async def test_strict_rule_and_a_missing_reference_year(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    """ "trên 60%" (strict) judges 60% below the target; without a 2019 row the latest
    figure is used and the coverage is provisional."""
    strict = Rules(targets=Targets(coverage_strict=True, reference_year=2024))
    async with maker() as s:
        r = await measures.measure(s, tree["P"], H1, dt.date(2026, 6, 30), strict)
    x1, x2 = r.of(tree["X1"].id), r.of(tree["X2"].id)
    assert (x2.population, x2.provisional) == (50, 0)  # 2024 is now the reference year
    assert (x1.population, x1.provisional) == (20, 1)  # no 2024 row: 2019's, provisional
    assert r.rules.flag(0.6) == CoverageFlag.BELOW
    assert Targets().flag(0.6) == CoverageFlag.MET


async def test_meeting_compliance_per_quarter(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    async with maker() as s:
        r = await measures.measure(s, tree["P"], H1, dt.date(2026, 6, 30), Rules())
    assert r.quarters == [Quarter(2026, 1), Quarter(2026, 2)]
    p, x1, x3 = r.of(tree["P"].id), r.of(tree["X1"].id), r.of(tree["X3"].id)
    # Q1: B1, B2, G1, B3 must meet (B4 not founded yet); B1 and B3 held a regular meeting.
    # Q2: + B4; B1 (the edit's original row does not count twice), G1, B3 met.
    assert (p.meeting_units, p.met) == ([4, 5], [2, 3])
    assert (x1.meeting_units, x1.met) == ([3, 3], [1, 2])
    assert x3.compliance(0) is None and x3.compliance(1) == 0.0
    assert p.compliance(1) == pytest.approx(0.6)


async def test_attendance_and_leader_visits(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    async with maker() as s:
        r = await measures.measure(s, tree["P"], H1, dt.date(2026, 6, 30), Rules())
    p, b3 = r.of(tree["P"].id), r.of(tree["B3"].id)
    # rated: B1 7/11, 8/10; B3 14/21, 24/24, 30/24 -> 100%; G1 has no members of its own
    assert p.rated == 5 and p.meetings == 6
    assert p.attendance == pytest.approx((7 / 11 + 0.8 + 14 / 21 + 1 + 1) / 5)
    assert p.two_thirds == 4  # 7/11 is under two thirds; 14/21 is exactly two thirds
    assert b3.two_thirds_share == 1.0
    # leaders: Q1 B2's themed meeting; Q2 B1 (own and its group's) and B3
    assert (p.branches, p.visited) == ([3, 4], [1, 2])
    assert r.of(tree["X1"].id).visited == [1, 1]


async def test_semiannual_review_status_in_vietnam_time(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    async with maker() as s:
        r = await measures.measure(s, tree["P"], H1, dt.date(2026, 6, 30), Rules())
        early = await measures.measure(s, tree["P"], H1, dt.date(2026, 6, 5), Rules())
        no_lead = await measures.measure(
            s, tree["P"], H1, dt.date(2026, 6, 30), Rules(review_lead_days=0)
        )
    p = r.of(tree["P"].id)
    # On time: by the branches' deadline, 5 June (the commune's 10 June less 5 days).
    assert (p.review_branches, p.reviewed, p.on_time) == (4, 2, 1)
    assert early.of(tree["P"].id).reviewed == 1  # B2 confirmed after midnight, 6 June
    assert r.review_deadline == dt.date(2026, 6, 5) and r.software_deadline == dt.date(2026, 6, 10)
    # Without the lead time both are on time (by 10 June).
    assert no_lead.of(tree["P"].id).on_time == 2


async def test_targets_year_to_date(maker: async_sessionmaker[AsyncSession], tree: Tree) -> None:
    async with maker() as s:
        r = await measures.measure(s, tree["P"], H1, dt.date(2026, 6, 30), Rules())
        h2 = await measures.measure(s, tree["P"], HalfYear(2026, 2), dt.date(2026, 12, 31), Rules())
    assert r.targets[tree["X1"].id] == 15 and r.targets[tree["B1"].id] is None
    assert r.targets[tree["P"].id] == 15 + 30 + 15
    assert r.target_to_date(tree["X1"].id) == 8  # 15 a year, first half: 7.5 -> 8
    assert h2.target_to_date(tree["X1"].id) == 15
    assert h2.of(tree["P"].id).joined == 0 and h2.of(tree["P"].id).joined_ytd == 5


async def test_as_of_a_day_inside_the_period(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    async with maker() as s:
        r = await measures.measure(s, tree["P"], H1, dt.date(2026, 3, 31), Rules())
        with pytest.raises(ValueError):
            await measures.measure(s, tree["P"], H1, dt.date(2025, 12, 31), Rules())
    p = r.of(tree["P"].id)
    assert r.quarters == [Quarter(2026, 1)]
    assert (p.members, p.joined) == (10 + 4 + 21, 2)
    assert (p.meeting_units, p.met) == ([4], [2])


async def test_the_same_figures_at_every_root(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    async with maker() as s:
        whole = await measures.measure(s, tree["P"], H1, dt.date(2026, 6, 30), Rules())
        for code in ["D", "X1", "B1", "X3"]:
            part = await measures.measure(s, tree[code], H1, dt.date(2026, 6, 30), Rules())
            assert part.of(tree[code].id) == whole.of(tree[code].id), code


async def test_tally_days_give_the_same_figures_and_stay_exact(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    day = dt.date(2026, 6, 30)
    async with maker() as s:
        raw = await measures.measure(s, tree["P"], H1, day, Rules())
    async with transaction(maker) as s:
        built = await tally.ensure_days(s, tally.half_year_ends(dt.date(2025, 1, 1), day), NOW)
    assert built == [dt.date(2025, 6, 30), dt.date(2025, 12, 31), dt.date(2026, 6, 30)]
    async with maker() as s:
        fast = await measures.measure(s, tree["P"], H1, day, Rules())
        assert await tally.recount_differences(s) == []
    assert all(fast.of(u) == raw.of(u) for u in raw.units)


async def test_every_scope_shape_gives_the_same_figures(
    maker: async_sessionmaker[AsyncSession], tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Units listed (few), selected by path (many), or unfiltered (the whole organisation):
    the same figures; a second tree's facts never leak into the first one's report."""
    day = dt.date(2026, 6, 30)
    shapes: list[str] = []
    scope_of = measures.scope_of

    async def recording(*args: object) -> measures.Scope:
        scope = await scope_of(*args)  # type: ignore[arg-type]
        shapes.append(scope.shape)
        return scope

    monkeypatch.setattr(measures_report, "scope_of", recording)
    async with maker() as s:
        listed = {
            code: await measures.measure(s, tree[code], H1, day, Rules()) for code in ["P", "D"]
        }
    monkeypatch.setattr(measures_scope, "LISTED_UNITS", 0)
    async with maker() as s:
        wide = {
            code: await measures.measure(s, tree[code], H1, day, Rules()) for code in ["P", "D"]
        }
    async with transaction(maker) as s:  # another organisation, with members and a meeting
        other = await build_other(s)
    async with maker() as s:
        mixed = await measures.measure(s, tree["P"], H1, day, Rules())
        alone = await measures.measure(s, other, H1, day, Rules())
    assert shapes == ["ids", "ids", "all", "path", "path", "path"]
    for code, r in wide.items():
        assert all(r.of(u) == listed[code].of(u) for u in listed[code].units), code
    assert all(mixed.of(u) == listed["P"].of(u) for u in listed["P"].units)
    assert (alone.of(other.id).members, alone.of(other.id).meetings) == (2, 1)


async def build_other(s: AsyncSession) -> OrgUnit:
    root = await org.add_unit(s, "Q", "Hội LHPN tỉnh Q", Level.PROVINCE, None)
    commune = await org.add_unit(s, "Y1", "Hội LHPN xã Y1", Level.COMMUNE, root)
    branch = await org.add_unit(s, "Y1-B1", "Chi hội Y1-B1", Level.BRANCH, commune)
    for i in range(2):
        await members.add_member(s, branch.id, f"Hội viên {i}", dt.date(2026, 2, 1), NOW)
    s.add(_meeting(branch, dt.date(2026, 3, 1), 2))
    await s.flush()
    return root


async def test_a_stated_roster_total_counts_until_the_roster_reaches_it(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    """B2 (4 members) says its register holds 30: incomplete, and its rates use 30; B3
    (23 members) once said 20: reached, retired."""
    async with transaction(maker) as s:
        await unit_figures.state_total(s, tree["B2"].id, dt.date(2026, 1, 2), 30, None, NOW)
        await unit_figures.state_total(s, tree["B3"].id, dt.date(2026, 1, 2), 20, None, NOW)
        s.add(_meeting(tree["B2"], dt.date(2026, 5, 2), 12))
    async with maker() as s:
        r = await measures.measure(s, tree["P"], H1, dt.date(2026, 6, 30), Rules())
    b2, b3, x1 = (r.of(tree[c].id) for c in ["B2", "B3", "X1"])
    assert (b2.roster_incomplete, b2.roster_entered, b2.roster_stated) == (1, 4, 30)
    assert b3.roster_incomplete == 0
    assert (x1.roster_incomplete, x1.roster_stated) == (1, 30)
    assert (b2.rated, b2.rate_sum) == (1, pytest.approx(12 / 30))  # not 12/4 capped at 100%
