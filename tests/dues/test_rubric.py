"""The yearly assessment computed from what the bot knows, checked against a hand count.

A small commune "Xã Thử" with two branches, assessed on 15/12/2026 with the default rubric
(meetings 20, attendance 10, new members 10, review 10, dues 15, core 10, fund 10,
"3 có 3 biết" 15; strong ≥ 80, fair ≥ 65, average ≥ 50; model from 90). Dues 2026:
30.000 đ, members 60+ exempt. Points = weight × part ÷ whole, rounded down.

Branch A: 3 members (born 1980, 1985 and 1950; the 1985 one joined 01/02/2026).
- meetings: regular in Q1 (3 of 3 present), Q2 (2 of 3), Q3 (1 of 3), none in Q4:
  3/4 quarters → 20×3÷4 = 15
- attendance: 3 ≥ 2/3 of 3 yes, 2 of 3 yes (2×3 = 6 ≥ 3×2), 1 of 3 no: 2/3 → 10×2÷3 = 6
- new members: 1, no target set (counts as 1) → 10
- reviews: 2026-H1 confirmed 01/06 (deadline 05/06), 2026-H2 not (deadline 20/11): 1/2 → 5
- dues: born 1950 exempt (76), one paid 30.000, one paid 10.000 (partly): settled 2/3
  → 15×2÷3 = 10
- core member: 1 → 10; fund: one income of 500.000 → 10
- "3 có 3 biết": Q1 6 items, Q2 3 items, Q3 and Q4 none: 9 of 24 → 15×9÷24 = 5
- total 15+6+10+5+10+10+10+5 = 71 → fair, not a model branch.

Branch B: 2 members (born 1990, 1995, members from before records began), target 2.
- meetings: one regular a quarter, both present each time: 4/4 → 20; attendance 4/4 → 10
- new members 0 of 2 → 0; reviews both on time → 10; dues both paid → 15
- core member 1 → 10; fund income 100.000 → 10; "3 có 3 biết" 6 items each quarter: 24/24 → 15
- total 20+10+0+10+15+10+10+15 = 90 → strong, and a model branch (≥ 90).

The commune: mean of 71 and 90 = 80 (rounded down) → strong; no weak branch, and 1 of 2
branches is a model (≥ 20%), so it stays strong.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from bot.core.i18n import language
from bot.domain import assessment as A
from bot.domain.enums import Level, MeetingKind, TargetMeasure
from bot.reports.dues_excel import overview_workbook
from bot.reports.dues_text import report
from storage.db import transaction
from storage.models import Review
from storage.repositories import (
    assessment,
    dues,
    dues_overview,
    fund,
    meetings,
    members,
    org,
    unit_figures,
)
from tests.support.chat_fixtures import World

TZ = dt.timezone(dt.timedelta(hours=7))
DAY = dt.date(2026, 12, 15)
DEADLINES = {"2026-H1": dt.date(2026, 6, 5), "2026-H2": dt.date(2026, 11, 20)}


def at(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 9, tzinfo=TZ).astimezone(dt.UTC)


async def build(world: World) -> tuple[int, int, int]:
    now = at(2026, 12, 15)
    async with transaction(world.maker) as s:
        th = await org.by_code(s, "TH")
        assert th is not None
        commune = await org.add_unit(s, "TH-TEST", "Hội LHPN xã Thử", Level.COMMUNE, th)
        a = await org.add_unit(s, "TH-TEST-A", "Chi hội A", Level.BRANCH, commune)
        b = await org.add_unit(s, "TH-TEST-B", "Chi hội B", Level.BRANCH, commune)
        await dues.set_rate(s, commune.id, 2026, 30_000, 0, None, None, now)
        a1 = await members.add_member(
            s, a.id, "Lê Thị An", None, now, birth_date=dt.date(1980, 1, 1), is_core=True
        )
        a2 = await members.add_member(
            s, a.id, "Lê Thị Bình", dt.date(2026, 2, 1), now, birth_date=dt.date(1985, 1, 1)
        )
        await members.add_member(s, a.id, "Lê Thị Cúc", None, now, birth_date=dt.date(1950, 1, 1))
        for day, present in (
            (dt.date(2026, 3, 10), 3),
            (dt.date(2026, 5, 10), 2),
            (dt.date(2026, 8, 10), 1),
        ):
            await meetings.add_meeting(
                s,
                unit_id=a.id,
                held_on=day,
                kind=MeetingKind.REGULAR,
                present_count=present,
                now=now,
            )
        s.add(
            Review(
                unit_id=a.id,
                period="2026-H1",
                confirmed_by=None,
                confirmed_at=at(2026, 6, 1),
                changes={},
            )
        )
        await dues.record_payments(
            s, a.id, 2026, [(a1.id, 30_000), (a2.id, 10_000)], dt.date(2026, 4, 1), None, now
        )
        await fund.add_entry(s, a.id, dt.date(2026, 2, 2), 500_000, "Góp quỹ", None, now)
        await assessment.save_self(s, a.id, "2026-Q1", A.THREE_THREE, None, now)
        await assessment.save_self(s, a.id, "2026-Q2", A.THREE_THREE[:3], None, now)
        b1 = await members.add_member(
            s, b.id, "Hà Thị Dung", None, now, birth_date=dt.date(1990, 1, 1), is_core=True
        )
        b2 = await members.add_member(
            s, b.id, "Hà Thị Em", None, now, birth_date=dt.date(1995, 1, 1)
        )
        for month in (2, 5, 8, 11):
            await meetings.add_meeting(
                s,
                unit_id=b.id,
                held_on=dt.date(2026, month, 5),
                kind=MeetingKind.REGULAR,
                present_count=2,
                now=now,
            )
        for half, day in (("2026-H1", at(2026, 6, 5)), ("2026-H2", at(2026, 11, 1))):
            s.add(
                Review(unit_id=b.id, period=half, confirmed_by=None, confirmed_at=day, changes={})
            )
        await unit_figures.set_target(s, b.id, TargetMeasure.NEW_MEMBERS, "2026", 2, None, now)
        await dues.record_payments(
            s, b.id, 2026, [(b1.id, 30_000), (b2.id, 30_000)], dt.date(2026, 3, 1), None, now
        )
        await fund.add_entry(s, b.id, dt.date(2026, 1, 20), 100_000, "Góp quỹ", None, now)
        for q in (1, 2, 3, 4):
            await assessment.save_self(s, b.id, f"2026-Q{q}", A.THREE_THREE, None, now)
        return commune.id, a.id, b.id


async def results(world: World, *ids: int) -> list[A.Result]:
    out = []
    async with world.maker() as s:
        for uid in ids:
            unit = await org.by_id(s, uid)
            assert unit is not None
            facts = await assessment.branch_facts(s, unit, 2026, DAY, DEADLINES, TZ)
            out.append(A.assess(facts, await assessment.rubric_for(s, unit, 2026)))
    return out


async def test_the_rubric_matches_the_hand_count(world: World) -> None:
    _commune, a, b = await build(world)
    ra, rb = await results(world, a, b)
    assert [ln.points for ln in ra.lines] == [15, 6, 10, 5, 10, 10, 10, 5]
    assert (ra.score, ra.grade, ra.model) == (71, A.Grade.FAIR, False)
    assert [ln.points for ln in rb.lines] == [20, 10, 0, 10, 15, 10, 10, 15]
    assert (rb.score, rb.grade, rb.model) == (90, A.Grade.STRONG, True)
    commune = A.classify_commune([(r.score, r.grade, r.model) for r in (ra, rb)], A.Rubric())
    assert commune is not None
    assert (commune.score, commune.grade, commune.model_branches) == (80, A.Grade.STRONG, 1)


async def test_a_weak_branch_keeps_the_commune_from_strong() -> None:
    """Scores 95 (model), 90 (model), 40 (weak): mean 75 → fair already; with 100, 100, 45
    the mean is 81, strong by points, but the weak branch caps the commune at fair."""
    rubric = A.Rubric()
    one = A.classify_commune(
        [(100, A.Grade.STRONG, True), (100, A.Grade.STRONG, True), (45, A.Grade.WEAK, False)],
        rubric,
    )
    assert one is not None and (one.score, one.grade) == (81, A.Grade.FAIR)


async def test_a_province_rubric_applies_to_its_branches(world: World) -> None:
    """Thanh Hóa weighs meetings 35 and "3 có 3 biết" 0 (the rest as the default): branch A
    then scores 35×3÷4 = 26, + 6 + 10 + 5 + 10 + 10 + 10 + 0 = 77 → fair."""
    _commune, a, _b = await build(world)
    weights = dict(A.DEFAULT_WEIGHTS, meetings=35, self=0)
    rubric = A.Rubric(weights)
    assert rubric.problems() == []
    async with transaction(world.maker) as s:
        th = await org.by_code(s, "TH")
        assert th is not None
        await assessment.set_rubric(s, th.id, 2026, rubric, None, at(2026, 12, 1))
    (ra,) = await results(world, a)
    assert (ra.score, ra.grade) == (77, A.Grade.FAIR)
    assert A.Rubric(dict(A.DEFAULT_WEIGHTS, meetings=30)).problems() == ["weights"]


async def test_the_report_and_its_excel_file_read_back(world: World) -> None:
    commune_id, a, b = await build(world)
    ra, rb = await results(world, a, b)
    now = at(2026, 12, 15)
    async with transaction(world.maker) as s:
        await assessment.submit(s, a, 2026, ra, None, now)
        await assessment.submit(s, b, 2026, rb, None, now)
        await assessment.approve(s, b, 2026, A.Grade.STRONG, True, None, None, now)
    async with world.maker() as s:
        commune = await org.by_id(s, commune_id)
        assert commune is not None
        o = await dues_overview.overview(s, commune, 2026, DAY)
    with language("vi"):
        text = report(o)
        data = overview_workbook(o)
    assert "Hội phí: 1 đã đóng, 1 đóng một phần, 1 được miễn, 0 chưa đóng trên 3" in text
    assert "đã thu 40.000 đ/60.000 đ" in text
    assert "Xếp loại: khá (71 điểm), chờ Hội xã duyệt" in text
    assert "Xếp loại: vững mạnh (90 điểm), chi hội điển hình, đã duyệt" in text
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    rows = {r[1]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["Chi hội A"][2:10] == (3, 1, 1, 1, 0, 40_000, 60_000, 500_000)
    assert rows["Chi hội A"][10:12] == (71, "khá")
    assert rows["Chi hội B"][2:13] == (
        2,
        2,
        0,
        0,
        0,
        60_000,
        60_000,
        100_000,
        90,
        "vững mạnh",
        "có",
    )
    communes = {r[0]: r for r in wb.worksheets[1].iter_rows(min_row=3, values_only=True)}
    assert communes["Hội LHPN xã Thử"][1:5] == (2, 80, "vững mạnh", 1)
