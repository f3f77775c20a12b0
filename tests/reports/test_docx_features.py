"""Issue 21: the sections issues 16 and 17 add to the Word report, read back with python-docx.

The fixture is the worked example with clubs, dues, funds, the 2025 assessment, a core member
and a "1+1" pair (tests/reports/features.py says what was entered). Counted by hand for Hội
LHPN xã Mẫu, first half of 2026, up to 30/06/2026:

Clubs (section 7): 2 open, 1 club + 1 model. Meetings from 01/01 to 30/06/2026: the club's
15/01 and 15/04, the model's 20/05 = 3 (the club's 10/12/2025 is outside the period); both
met → 2 of 2. Members from the register: m1, m2 (club) and m1, m3 (model) = {m1, m2, m3} =
3, m1 counted once; women reached 3 + 2 in no branch = 5. Civil servants and farm owners are
not hard-to-reach groups, so xã Mẫu is listed as a commune without such a model (1). Working
far away: 1 (the away member who did not leave). By audience: civil servants 2 clubs (both
serve them) and 2 members ticked; farm owners 1 club, 0 members.

Dues 2026 (section 8), 24.000 đ a member, members on 30/06: Thôn Một 8, Thôn Hai 11, Tiểu
thương 5 = 24.
    Thôn Một: paid 5 (5 × 24.000 = 120.000), partly 1 (12.000), exempt 1, unpaid 1;
      collected 132.000; owed 7 × 24.000 = 168.000 (the exempt member owes nothing).
    Thôn Hai: paid 2 (48.000), unpaid 9; owed 11 × 24.000 = 264.000.
    Tiểu thương: unpaid 5; owed 5 × 24.000 = 120.000.
    → 7 paid, 1 partly, 1 exempt, 15 unpaid of 24; collected 180.000 of 552.000.
Funds on 30/06: Thôn Một 200.000 − 50.000 = 150.000, Thôn Hai 100.000, Tiểu thương 0 →
250.000 in all, 2 branches keeping one.

Assessment (section 9): H1 is not a year, so the latest approved one: 2025. 3 of 3 branches
graded, 2 approved; strong 1 (Thôn Một, model), fair 0, average 1 (Thôn Hai, the chair's
"average" over the computed "fair"), weak 1 (Tiểu thương, waiting for the chair); model
branches 1. The commune: mean (92 + 65 + 40) // 3 = 197 // 3 = 65 → fair (65 to 79).
Core members: Thôn Một only → 1/3 branches; tổ: Tổ 1 has m1, Tổ 2 none → 1/2. "1+1" pairs:
1; women brought in: 0.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import language
from bot.domain.calendar import HalfYear, Quarter, Year
from bot.domain.rules import Rules
from bot.reports.docx_clubs import clubs_section
from bot.reports.docx_dues import assessment_section, dues_section
from bot.reports.docx_report import build_report_docx
from bot.seeding import demo
from storage.db import transaction
from storage.models import OrgUnit
from storage.repositories import measures, org
from tests.reports.features import add_features
from tests.reports.test_docx import words
from tests.reports.test_worked_example import build

D = dt.date
H1 = HalfYear(2026, 1)
JUNE_30 = D(2026, 6, 30)


@pytest.fixture
async def commune(maker: async_sessionmaker[AsyncSession]) -> dict[str, OrgUnit]:
    async with transaction(maker) as s:
        units = await build(s)
        await add_features(s, units)
        return units


async def _text(
    maker: async_sessionmaker[AsyncSession],
    unit: OrgUnit,
    period: HalfYear | Quarter | Year = H1,
    as_of: dt.date = JUNE_30,
) -> list[str]:
    async with maker() as s:
        r = await measures.measure(s, unit, period, as_of, Rules())
        word = await build_report_docx(s, r, unit.id, issued_on=D(2026, 7, 2), lang="vi")
    return words(word.data)


def _after(text: list[str], heading: str, n: int) -> list[str]:
    i = text.index(heading)
    return text[i + 1 : i + 1 + n]


async def test_the_clubs_section_counts_clubs_meetings_and_women_once(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    text = await _text(maker, commune["WX"])
    assert _after(text, "7. Câu lạc bộ và các đối tượng phụ nữ đặc thù", 14) == [
        "- Câu lạc bộ, mô hình: 2 (Câu lạc bộ 1; Mô hình 1)",
        "- Sinh hoạt câu lạc bộ trong kỳ: 3 buổi; 2/2 câu lạc bộ, mô hình đã sinh hoạt",
        "- Hội viên tham gia câu lạc bộ: 3 (hội viên ở hai câu lạc bộ chỉ tính một lần); "
        "chị em được tập hợp: 5 (2 chị chưa ở chi hội nào)",
        "- Xã chưa có mô hình cho nhóm phụ nữ khó tiếp cận: 1 (Hội LHPN xã Mẫu)",
        "- Hội viên đi làm ăn xa: 1",
        "Nhóm phụ nữ",
        "Câu lạc bộ, mô hình",
        "Hội viên thuộc nhóm",
        "Cán bộ, công chức, viên chức",
        "2",
        "2",
        "Chủ trang trại",
        "1",
        "0",
    ]
    # Counts only: no member's name (all are "Hội viên" here) and no club leader.
    section = text[text.index("7. Câu lạc bộ và các đối tượng phụ nữ đặc thù") :]
    assert not any(line == "Hội viên" for line in section)


async def test_the_dues_section_adds_up_the_branches(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    text = await _text(maker, commune["WX"])
    assert _after(text, "8. Hội phí và quỹ chi hội", 3) == [
        "- Năm 2026, tính đến ngày 30/06/2026",
        "- Hội phí: 7 đã đóng, 1 đóng một phần, 1 được miễn, 15 chưa đóng trên 24; "
        "đã thu 180.000 đ/552.000 đ",
        "- Quỹ chi hội: tổng 250.000 đ, 2 chi hội có sổ quỹ",
    ]
    i = text.index("8. Hội phí và quỹ chi hội")
    table = text[i + 4 : i + 4 + 7 * 4]
    assert table[:7] == [
        "Chi hội",
        "Đã đóng",
        "Đóng một phần",
        "Miễn",
        "Chưa đóng",
        "Đã thu",
        "Số dư quỹ",
    ]
    assert table[7:] == [
        *("Chi hội Thôn Một", "5", "1", "1", "1", "132.000 đ", "150.000 đ"),
        *("Chi hội Thôn Hai", "2", "0", "0", "9", "48.000 đ", "100.000 đ"),
        *("Chi hội Tiểu thương", "0", "0", "0", "5", "0 đ", "0 đ"),
    ]


async def test_the_assessment_section_shows_the_latest_approved_year(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    text = await _text(maker, commune["WX"])
    assert _after(text, "9. Đánh giá, xếp loại năm và hội viên nòng cốt", 5) == [
        "- Đánh giá chi hội năm 2025: 3/3 chi hội đã tự đánh giá (2 đã được duyệt); "
        "vững mạnh 1, khá 0, trung bình 1, yếu 1; chi hội điển hình 1",
        "- Xếp loại Hội xã: khá (65 điểm)",
        "- Chi hội có hội viên nòng cốt: 1/3",
        "- Tổ có hội viên nòng cốt: 1/2",
        "- Cặp “1+1” đang giúp nhau: 1; chị em được hội viên vận động vào Hội: 0",
    ]
    i = text.index("9. Đánh giá, xếp loại năm và hội viên nòng cốt")
    assert text[i + 6 : i + 6 + 16] == [
        *("Chi hội", "Điểm", "Xếp loại", "Hội viên nòng cốt"),
        *("Chi hội Thôn Một", "92", "vững mạnh, chi hội điển hình", "1"),
        *("Chi hội Thôn Hai", "65", "trung bình", "0"),
        *("Chi hội Tiểu thương", "40", "yếu, chờ Hội xã duyệt", "0"),
    ]


async def test_the_province_report_sums_per_commune(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    """Tỉnh Mẫu has one commune: its rows are xã Mẫu's totals above."""
    text = await _text(maker, commune["WP"])
    i = text.index("8. Hội phí và quỹ chi hội")
    assert text[i + 4] == "Xã"
    assert text[i + 11 : i + 18] == [
        *("Hội LHPN xã Mẫu", "7", "1", "1", "15", "180.000 đ", "250.000 đ"),
    ]
    j = text.index("9. Đánh giá, xếp loại năm và hội viên nòng cốt")
    assert "- Xếp loại Hội xã: khá (65 điểm)" not in text[j : j + 6]  # no single commune
    assert text[j + 5 : j + 5 + 12] == [
        *("Xã", "Vững mạnh", "Khá", "Trung bình", "Yếu", "Mô hình"),
        *("Hội LHPN xã Mẫu", "1", "0", "1", "1", "1"),
    ]


async def test_a_year_shows_its_own_assessment_and_no_dues_without_a_rate(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    """2025: no dues amount, no payment, no fund entry in 2025 → no dues section; the
    assessment is 2025's own; the clubs section follows the review (5. and 6. here).
    Club meetings in 2025: the club's 10/12/2025 only → 1; 1 of 2 met."""
    text = await _text(maker, commune["WX"], Year(2025), D(2025, 12, 31))
    assert not any("Hội phí và quỹ chi hội" in line for line in text)
    assert "- Sinh hoạt câu lạc bộ trong kỳ: 1 buổi; 1/2 câu lạc bộ, mô hình đã sinh hoạt" in text
    heading = next(
        line for line in text if line.endswith("Đánh giá, xếp loại năm và hội viên nòng cốt")
    )
    assert _after(text, heading, 1)[0].startswith("- Đánh giá chi hội năm 2025: 3/3")


async def test_nothing_entered_means_no_section(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    """The bare worked example: no club, no migrant, no dues, no assessment → three Nones."""
    async with transaction(maker) as s:
        units = await build(s)
    async with maker() as s:
        r = await measures.measure(s, units["WX"], H1, D(2026, 6, 30), Rules())
        with language("vi"):
            for provider in (clubs_section, dues_section, assessment_section):
                assert await provider(s, r, units["WX"].id) is None


async def test_the_demo_report_has_the_three_sections(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    """`make demo`: Quảng Phú's report for the second half of 2026 (20/11/2026) shows the
    demo's clubs, its dues and funds, and its assessment (a half-year: the latest year with
    an approved one, 2026)."""
    now = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
    async with transaction(maker) as s:
        await demo.seed(s, now, random.Random(7))
        await demo.seed_history(s, now, ZoneInfo("Asia/Ho_Chi_Minh"), random.Random(11))
    async with maker() as s:
        qp = await org.by_code(s, "TH-QP")
        assert qp is not None
    text = await _text(maker, qp, HalfYear(2026, 2), now.date())
    for heading in (
        "Câu lạc bộ và các đối tượng phụ nữ đặc thù",
        "Hội phí và quỹ chi hội",
        "Đánh giá, xếp loại năm và hội viên nòng cốt",
    ):
        assert any(line.endswith(heading) for line in text), heading
    assert any(line.startswith("- Đánh giá chi hội năm 2026:") for line in text)
