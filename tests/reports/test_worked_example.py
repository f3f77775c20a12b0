"""Issue 13, item 10: one small commune written out by hand, its figures computed by hand
from guidance 21/HD-ĐCT (004 §II.1.2) and 000 §II.2, and the report text, the Excel file
and the chart caption checked against them to the digit, on SQLite and PostgreSQL.

Hội LHPN xã Mẫu (WX), in Hội LHPN tỉnh Mẫu (WP); the report is the first half of 2026,
counted up to 30/06/2026.

    Chi hội Thôn Một (WX-1), with Tổ 1 (WX-1-T1) and Tổ 2 (WX-1-T2)
        6 existing members ("không nhớ": joined before records began), 2 of them in Tổ 1:
          - one of them temporary resident under 6 months, one away: not counted;
          - one of them (away too) left the Union on 01/02/2026: no longer a member.
        1 new member of 01/08/2025 (last year: not new in 2026)
        2 new members of 10/03/2026
        → members 6 + 1 + 2 − 1 = 8; not resident 2 (the one who left is not subtracted twice)
    Chi hội Thôn Hai (WX-2): moving off its paper register
        stated total 40 members as of 05/01/2026; entered: 10 existing (one temporary
        resident 6 months or more: counted) and 1 new member of 20/04/2026
        → members 11; roster 11/40 entered
    Cơ sở Hội đặc thù Chợ Mẫu (WX-C, a special base) with Chi hội Tiểu thương (WX-C-1)
        4 existing members, 1 new member of 05/05/2026 → members 5
    Aggregate counts of the commune (totals only, 004 §II.1.1), as of 01/01/2026:
        trade union 7 (5 as of 01/06/2025, replaced), armed forces 3, member
        organisations 4, club members in no branch 2 → 16
    Women aged 18+: 70 in 2019 (the 2022-2027 term's figure), 90 in 2025 (tracking only)
    Targets set by the province: coverage 65% and growth +5% for 2022-2027; 12 new
    members in 2026.

Members: 7 + 10 + 4 = 21 on 31/12/2025, 8 + 11 + 5 = 24 on 30/06/2026 (+3: 4 joined, 1 left).

Coverage (004 §II.1.2): numerator = branches and tổ 8 + 11 = 19, special base 5,
aggregates 16, less 2 not resident = 38; denominator 70 (2019) → 38/70 = 54.2857...% =
"54,3%": under 60% (below the target, not weak: 50% or more); progress to 65%:
0.542857/0.65 = 83.5%.

New members in 2026 to 30/06: 2 + 1 + 1 = 4 (existing members never count; the one of
2025 neither); target 12 a year, by June ceil(12 × 6/12) = 6 → 4/6 = 66.7%.

The term 2022-2027 to 30/06/2026: members 6 + 10 + 4 = 20 when it began (the existing
ones), 24 now: +20% against +5%; new members 1 (2025) + 4 = 5 against 15 a year × 5 = 75
(6.7%).

Regular meetings (each quarter, branches and tổ counted apart):
    WX-1: 20/02 (present 6, leader: the chair), 15/05 (present 5, indirect: Zalo group)
    WX-1-T1: 01/06 (present 3)             WX-1-T2: none
    WX-2: 05/03 (present 30)               WX-C-1: 10/04 (present 4, leader: the chair)
    Q1: branches WX-1, WX-2 of 3 = 2/3 (66.7%); tổ 0/2 (0%)
    Q2: branches WX-1, WX-C-1 of 3 = 2/3 (66.7%); tổ WX-1-T1 of 2 = 1/2 (50%)
Attendance (present ÷ members that day; for WX-2 the stated 40, larger than the 10
entered that day): WX-1 20/02: 6/6 = 100% (6 existing + 1 − 1 left); WX-1 15/05: 5/8 =
62.5% (under 2/3); WX-2: 30/40 = 75%; WX-C-1 10/04: 4/4 = 100% → mean 84.375% = "84,4%",
3 of 4 reach two thirds; WX-1 alone (100% + 62.5%)/2 = 81.25%, "81,2%" (half to even).
(A tổ has no member count of its own: its meeting is not rated.)
Commune leader in Q2: WX-C-1 only, 1 of 3 branches.
"""

from __future__ import annotations

import datetime as dt
import io
import math

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import language
from bot.domain.calendar import HalfYear, Term
from bot.domain.enums import (
    AggregateKind,
    EventKind,
    Level,
    MeetingForm,
    MeetingKind,
    MemberStatus,
    Residence,
    TargetMeasure,
)
from bot.domain.rules import Rules
from bot.reports import charts, excel
from bot.reports import text as report_text
from storage.db import transaction
from storage.models import Meeting, MemberEvent, OrgUnit
from storage.repositories import measures, members, org, people, unit_figures

D = dt.date
NOW = dt.datetime(2026, 6, 30, 3, 0, tzinfo=dt.UTC)
H1 = HalfYear(2026, 1)

# The figures of the docstring, computed by hand.
COUNTED = 8 + 11 + 5 + (7 + 3 + 4 + 2) - 2
assert COUNTED == 38
COVERAGE = 38 / 70
NEW, NEW_TARGET = 4, math.ceil(12 * 6 / 12)
ATTENDANCE = (6 / 6 + 5 / 8 + 30 / 40 + 4 / 4) / 4
assert round(ATTENDANCE, 5) == 0.84375


async def _member(
    s: AsyncSession,
    branch: OrgUnit,
    joined: dt.date | None,
    *,
    group: OrgUnit | None = None,
    residence: Residence = Residence.PERMANENT,
) -> int:
    """A member; joined None = an existing member from before records began."""
    m = await members.add_member(
        s, branch.id, "Hội viên", joined, NOW, group_id=group and group.id, residence=residence
    )
    return m.id


def _meeting(
    unit: OrgUnit,
    on: dt.date,
    present: int,
    *,
    leader: int | None = None,
    form: MeetingForm = MeetingForm.DIRECT,
) -> Meeting:
    return Meeting(
        unit_id=unit.id,
        held_on=on,
        kind=MeetingKind.REGULAR,
        form=form,
        present_count=present,
        leader_present=leader is not None,
        leader_id=leader,
        logged_at=NOW,
    )


async def build(s: AsyncSession) -> dict[str, OrgUnit]:
    u: dict[str, OrgUnit] = {}
    u["WP"] = await org.add_unit(s, "WP", "Hội LHPN tỉnh Mẫu", Level.PROVINCE, None)
    u["WX"] = await org.add_unit(s, "WX", "Hội LHPN xã Mẫu", Level.COMMUNE, u["WP"])
    for code, name, level, parent in [
        ("WX-1", "Chi hội Thôn Một", Level.BRANCH, "WX"),
        ("WX-1-T1", "Tổ 1", Level.GROUP, "WX-1"),
        ("WX-1-T2", "Tổ 2", Level.GROUP, "WX-1"),
        ("WX-2", "Chi hội Thôn Hai", Level.BRANCH, "WX"),
        ("WX-C", "Chợ Mẫu", Level.SPECIAL_BASE, "WX"),
        ("WX-C-1", "Chi hội Tiểu thương", Level.BRANCH, "WX-C"),
    ]:
        u[code] = await org.add_unit(s, code, name, level, u[parent])
        u[code].founded_on = D(2015, 1, 1)
    chair = await people.create_person(s, "Chủ tịch xã Mẫu", NOW)

    one, t1 = u["WX-1"], u["WX-1-T1"]
    await _member(s, one, None, group=t1)
    await _member(s, one, None, group=t1, residence=Residence.TEMPORARY_SHORT)
    await _member(s, one, None, residence=Residence.AWAY)
    leaver = await _member(s, one, None, residence=Residence.AWAY)
    for _ in range(2):
        await _member(s, one, None)
    await _member(s, one, D(2025, 8, 1))
    for _ in range(2):
        await _member(s, one, D(2026, 3, 10))
    s.add(
        MemberEvent(
            member_id=leaver,
            kind=EventKind.LEFT,
            occurred_on=D(2026, 2, 1),
            unit_id=one.id,
            detail={},
            recorded_at=NOW,
        )
    )
    gone = await members.by_id(s, leaver)
    assert gone is not None
    gone.status = MemberStatus.LEFT

    two = u["WX-2"]
    await _member(s, two, None, residence=Residence.TEMPORARY_LONG)
    for _ in range(9):
        await _member(s, two, None)
    await _member(s, two, D(2026, 4, 20))
    await unit_figures.state_total(s, two.id, D(2026, 1, 5), 40, None, NOW)

    market = u["WX-C-1"]
    for _ in range(4):
        await _member(s, market, None)
    await _member(s, market, D(2026, 5, 5))

    wx = u["WX"].id
    await unit_figures.set_aggregate(s, wx, AggregateKind.TRADE_UNION, D(2025, 6, 1), 5, None, NOW)
    for kind, count in [
        (AggregateKind.TRADE_UNION, 7),
        (AggregateKind.ARMED_FORCES, 3),
        (AggregateKind.MEMBER_ORG, 4),
        (AggregateKind.CLUB_ONLY, 2),
    ]:
        await unit_figures.set_aggregate(s, wx, kind, D(2026, 1, 1), count, None, NOW)
    await org.set_population(s, wx, 2019, 70)
    await org.set_population(s, wx, 2025, 90)
    await unit_figures.set_target(s, wx, TargetMeasure.COVERAGE, "2022-2027", 650, None, NOW)
    await unit_figures.set_target(s, wx, TargetMeasure.NEW_MEMBERS, "2026", 12, None, NOW)
    await unit_figures.set_target(s, wx, TargetMeasure.GROWTH, "2022-2027", 50, None, NOW)

    s.add_all(
        [
            _meeting(one, D(2026, 2, 20), 6, leader=chair.id),
            _meeting(one, D(2026, 5, 15), 5, form=MeetingForm.INDIRECT),
            _meeting(t1, D(2026, 6, 1), 3),
            _meeting(two, D(2026, 3, 5), 30),
            _meeting(market, D(2026, 4, 10), 4, leader=chair.id),
        ]
    )
    await s.flush()
    return u


@pytest.fixture
async def commune(maker: async_sessionmaker[AsyncSession]) -> dict[str, OrgUnit]:
    async with transaction(maker) as s:
        return await build(s)


async def _rollup(
    maker: async_sessionmaker[AsyncSession], units: dict[str, OrgUnit]
) -> measures.Rollup:
    async with maker() as s:
        return await measures.measure(s, units["WX"], H1, D(2026, 6, 30), Rules())


async def test_the_figures_match_the_hand_count(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    r = await _rollup(maker, commune)
    f = r.of(commune["WX"].id)
    assert (f.members, f.residential_members, f.base_members) == (24, 19, 5)
    assert (f.aggregates, f.agg_trade_union, f.uncounted) == (16, 7, 2)
    assert (f.covered_members, f.population, f.tracking, f.provisional) == (COUNTED, 70, 90, 0)
    assert f.coverage == pytest.approx(COVERAGE)
    assert r.new_members(commune["WX"].id) == (NEW, NEW_TARGET)
    assert [(f.branch_units(i), f.branches_met(i)) for i in (0, 1)] == [(3, 2), (3, 2)]
    assert [(f.groups[i], f.groups_met[i]) for i in (0, 1)] == [(2, 0), (2, 1)]
    assert (f.rated, f.two_thirds) == (4, 3)
    assert f.attendance == pytest.approx(ATTENDANCE)
    assert (f.roster_incomplete, f.roster_entered, f.roster_stated) == (1, 11, 40)
    # a special base: its members count, but no coverage and no new-member target
    base = r.of(commune["WX-C"].id)
    assert (base.members, base.population, base.coverage) == (5, 0, None)
    assert r.new_members(commune["WX-C"].id)[1] is None


REPORT = """\
Báo cáo 6 tháng đầu năm 2026 – Hội LHPN xã Mẫu
(số liệu đến ngày 30/06/2026)

Hội viên: 24 (+3 so với đầu kỳ)
Danh sách: 1 chi hội chưa nhập đủ (đã nhập 11/40 hội viên)
Kết nạp mới: 4 hội viên từ đầu năm, chỉ tiêu 6 (66,7%) ⚠️
Tỷ lệ tập hợp*: 54,3% (chưa đạt, cần ≥ 60%) ⚠️
Hội viên được tính: 38 = 19 ở chi, tổ + 5 ở cơ sở Hội đặc thù + 16 số tổng hợp − 2 tạm trú \
dưới 6 tháng hoặc vắng mặt (công đoàn 7, lực lượng vũ trang 3, tổ chức thành viên 4, CLB ngoài \
chi hội 2)
Phụ nữ từ 18 tuổi: 70 (số liệu năm 2019, dùng cả nhiệm kỳ)
Số theo dõi (năm 2025): 90, không dùng để tính tỷ lệ
Chỉ tiêu tập hợp nhiệm kỳ 2022–2027: ≥ 65% (đạt 83,5% chỉ tiêu) ⚠️
Sinh hoạt định kỳ Quý 1/2026: 2/3 chi hội (66,7%) ⚠️
Sinh hoạt định kỳ Quý 1/2026: 0/2 tổ (0%) ⚠️
Sinh hoạt định kỳ Quý 2/2026: 2/3 chi hội (66,7%) ⚠️
Sinh hoạt định kỳ Quý 2/2026: 1/2 tổ (50%) ⚠️
Dự sinh hoạt: bình quân 84,4%; 3/4 buổi đạt 2/3 hội viên ✅
Lãnh đạo Hội xã dự sinh hoạt: 1/3 chi hội trong Quý 2/2026 ⚠️
Rà soát hội viên: 0/3 chi hội đã xác nhận (0 chi hội đúng hạn 05/06/2026) ⚠️
Cập nhật phần mềm quản lý hội viên: chưa xác nhận (hạn 10/06/2026) ⚠️
"""


async def test_the_report_text_says_it_to_the_digit(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    r = await _rollup(maker, commune)
    with language("vi"):
        text = report_text.report(r, commune["WX"].id)
    assert text.startswith(REPORT), text
    below = text[len(REPORT) :].splitlines()
    assert below[1] == "Các đơn vị cần quan tâm trước:"
    assert below[2:5] == [
        "1. Chi hội Thôn Hai: đã nhập 11/40 hội viên; chưa sinh hoạt quý này; dự 75%; "
        "lãnh đạo chưa dự; 11 hội viên",
        "2. Chi hội Thôn Một: sinh hoạt 100%; tổ sinh hoạt 50%; dự 81,2%; lãnh đạo chưa dự; "
        "8 hội viên",
        "3. Chợ Mẫu: đã sinh hoạt quý này; dự 100%; 5 hội viên",
    ]
    assert below[-1].startswith("* Tỷ lệ tập hợp theo Hướng dẫn 21/HD-ĐCT mục II.1.2")
    assert "năm 2019, dùng cho cả nhiệm kỳ 2022–2027; cơ sở đạt khi ≥ 60%." in below[-1]


async def test_the_excel_file_holds_the_same_figures(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    r = await _rollup(maker, commune)
    with language("vi"):
        wb = load_workbook(io.BytesIO(excel.workbook(r)))
    rows = {
        name: {str(row[0]): row for row in wb[name].iter_rows(min_row=3, values_only=True)}
        for name in ("Hội viên", "Tỷ lệ tập hợp", "Sinh hoạt", "Dự sinh hoạt")
    }
    wx = rows["Hội viên"]["WX"]
    assert wx[3:] == (21, 24, 3, 4, 4, NEW_TARGET, pytest.approx(4 / 6), 1, 11, 40)
    assert rows["Hội viên"]["WX-2"][10:] == (1, 11, 40)
    assert rows["Hội viên"]["WX-1"][10:] == (None, None, None)
    cov = rows["Tỷ lệ tập hợp"]["WX"]
    assert cov[3:14] == (38, 19, 5, 7, 3, 4, 2, 2, 70, None, 90)
    assert cov[14] == pytest.approx(COVERAGE)
    assert cov[15] == pytest.approx(0.65)
    assert cov[16] == pytest.approx(COVERAGE / 0.65)
    assert cov[17] == "54,3% (chưa đạt, cần ≥ 60%)"
    assert rows["Tỷ lệ tập hợp"]["WX-C"][14:18] == (None, None, None, "chưa có số liệu")
    meetings = rows["Sinh hoạt"]["WX"]
    assert meetings[3:] == (3, 2, 2, 0, pytest.approx(2 / 5), 3, 2, 2, 1, pytest.approx(3 / 5))
    attendance = rows["Dự sinh hoạt"]["WX"]
    assert attendance[3:6] == (5, 4, pytest.approx(ATTENDANCE))
    footnote = [
        row[0] for row in wb["Tỷ lệ tập hợp"].iter_rows(values_only=True) if row and row[0]
    ][-1]
    assert str(footnote).startswith("* Tỷ lệ tập hợp theo Hướng dẫn 21/HD-ĐCT mục II.1.2")


async def test_the_chart_caption_says_the_same(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    r = await _rollup(maker, commune)
    with language("vi"):
        assert charts.caption(r) == (
            "Hội LHPN xã Mẫu: tỷ lệ tập hợp 54,3% (chỉ tiêu ≥ 65%); kết nạp 4/6; "
            "66,7% chi hội sinh hoạt Quý 2/2026; 50% tổ sinh hoạt Quý 2/2026; "
            "danh sách đã nhập 11/40"
        )


async def test_the_term_report_shows_growth_and_the_term_target(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    async with maker() as s:
        r = await measures.measure(s, commune["WX"], Term(2022, 2027), D(2026, 6, 30), Rules())
    with language("vi"):
        lines = report_text.report(r, commune["WX"].id).splitlines()
        caption = charts.caption(r)
        wb = load_workbook(io.BytesIO(excel.workbook(r)))
    assert lines[0] == "Báo cáo nhiệm kỳ 2022–2027 – Hội LHPN xã Mẫu"
    assert "Hội viên: 24 (+4 so với đầu kỳ)" in lines
    assert "Kết nạp mới: 5 hội viên trong nhiệm kỳ, chỉ tiêu 75 (6,7%) ⚠️" in lines
    assert "Hội viên so với đầu nhiệm kỳ: +20%, chỉ tiêu +5% ✅" in lines
    assert "hội viên tăng 20% so với đầu nhiệm kỳ (chỉ tiêu 5%)" in caption
    ws = wb["Hội viên"]
    header = [c.value for c in ws[2]]
    row = {str(r[0]): r for r in ws.iter_rows(min_row=3, values_only=True)}["WX"]
    growth = dict(zip(header, row, strict=True))
    assert growth["Tăng so với đầu nhiệm kỳ"] == pytest.approx(0.2)
    assert growth["Chỉ tiêu tăng"] == pytest.approx(0.05)
