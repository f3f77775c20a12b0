"""Report files: the Excel workbook read back with openpyxl, and the charts as real PNGs."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pytest
from matplotlib.image import imread
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.calendar import HalfYear, Quarter
from bot.domain.enums import Level, MeetingKind
from bot.domain.rules import Rules
from bot.reports import charts, excel, print_setup
from storage.db import transaction
from storage.models import Meeting, OrgUnit
from storage.repositories import measures, members, org
from tests.reports.tree import NOW, Tree, build

H1 = HalfYear(2026, 1)
END = dt.date(2026, 6, 30)
PNG = b"\x89PNG\r\n\x1a\n"
# (code, commune name, women 18+, members): coverage 90%, 30%, 65%, 55%.
MORE = [
    ("X4", "Hội LHPN xã Đồng Tiến", 10, 9),
    ("X5", "Hội LHPN phường Quảng Hưng", 20, 6),
    ("X6", "Hội LHPN xã Hoằng Quỳ", 20, 13),
    ("X7", "Hội LHPN thị trấn Nga Sơn", 20, 11),
]


@pytest.fixture
async def tree(maker: async_sessionmaker[AsyncSession]) -> Tree:
    async with transaction(maker) as s:
        t = await build(s)
        # X2 weak in these files: 50 women in the reference year (24/50 = 48%)
        await org.set_population(s, t["X2"].id, 2019, 50)
        for code, name, women, count in MORE:
            commune = await org.add_unit(s, code, name, Level.COMMUNE, t["P"])
            branch = await org.add_unit(s, f"{code}-B", f"Chi hội {code}", Level.BRANCH, commune)
            await org.set_population(s, commune.id, 2019, women)
            for i in range(count):
                await members.add_member(s, branch.id, f"Hội viên {i}", dt.date(2024, 1, 1), NOW)
            t.units[code] = commune
        return t


async def rollup(maker: async_sessionmaker[AsyncSession], tree: Tree) -> measures.Rollup:
    async with maker() as s:
        return await measures.measure(s, tree["P"], H1, END, Rules())


def rows(ws: Worksheet) -> dict[str, tuple[object, ...]]:
    """Data rows by unit code (row 1 is the title, row 2 the header)."""
    return {str(r[0]): r for r in ws.iter_rows(min_row=3, values_only=True)}


def header(ws: Worksheet) -> list[object]:
    return [c.value for c in ws[2]]


def filled(ws: Worksheet) -> set[str]:
    """Codes of the rows highlighted as weak."""
    out = set()
    for row in ws.iter_rows(min_row=3):
        colours = {c.fill.fgColor.rgb for c in row if c.fill.fill_type == "solid"}
        if colours:
            assert colours == {excel.WEAK_FILL.fgColor.rgb}
            assert all(c.fill.fill_type == "solid" for c in row)  # the whole row
            out.add(str(row[0].value))
    return out


async def test_workbook_has_a_sheet_per_measure_with_units_and_parents(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    wb = load_workbook(io.BytesIO(excel.workbook(await rollup(maker, tree))))
    assert wb.sheetnames == [
        "Hội viên",
        "Tỷ lệ tập hợp",
        "Sinh hoạt",
        "Dự sinh hoạt",
        "Lãnh đạo dự",
        "Rà soát hội viên",
    ]
    ws = wb["Hội viên"]
    assert ws["A1"].value == (
        "Báo cáo 6 tháng đầu năm 2026 – Hội LHPN tỉnh P (số liệu đến ngày 30/06/2026)"
    )
    assert header(ws) == [
        "Mã",
        "Đơn vị",
        "Trực thuộc",
        "Hội viên đầu kỳ",
        "Hội viên hiện có",
        "Tăng/giảm",
        "Kết nạp trong kỳ",
        "Kết nạp từ đầu năm",
        "Chỉ tiêu đến cuối kỳ",
        "Đạt so với chỉ tiêu",
        "Chi hội chưa nhập đủ",
        "Đã nhập",
        "Tổng số theo sổ",
    ]
    got = rows(ws)
    # Two levels below the province, groups left out, in tree order.
    more = [code for c, *_ in MORE for code in (c, f"{c}-B")]
    assert list(got) == ["P", "D", "X1", "X2", "B3", "X3", "B4", *more]
    assert got["P"][1:9] == (
        "Hội LHPN tỉnh P",
        None,
        34 + 39,
        38 + 39,
        4,
        5,
        5,
        (6 * 15 + 30) // 2,
    )  # 15 a commune, X2 30: half by June
    assert got["X1"][1:3] == ("Hội LHPN xã X1", "Hội LHPN huyện D")
    assert got["B3"][1:10] == ("Chi hội B3", "Hội LHPN xã X2", 20, 24, 4, 3, 3, None, None)
    assert got["B3"][10:] == (None, None, None)  # no stated roster total
    assert got["X2"][3:10] == (20, 24, 4, 3, 3, 15, 0.2)  # 30 a year: 15 by the end of June
    # Missing the year-to-date target is weak: X2 (3 of 15), and the communes with none.
    assert filled(ws) == {"P", "D", "X1", "X2", "X3", "X4", "X5", "X6", "X7"}


async def test_coverage_sheet_stores_real_fractions_and_flags_weak_rows(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    wb = load_workbook(io.BytesIO(excel.workbook(await rollup(maker, tree))))
    ws = wb["Tỷ lệ tập hợp"]
    assert header(ws)[3:] == [
        "Hội viên được tính",
        "Chi, tổ theo địa bàn",
        "Cơ sở Hội đặc thù",
        "Công đoàn",
        "Lực lượng vũ trang",
        "Tổ chức thành viên",
        "CLB (ngoài chi hội)",
        "Tạm trú dưới 6 tháng, vắng mặt",
        "Phụ nữ từ 18 tuổi",
        "Tạm tính",
        "Số theo dõi",
        "Tỷ lệ tập hợp",
        "Chỉ tiêu",
        "Đạt so với chỉ tiêu",
        "Đánh giá",
        "Số xã chưa có số liệu",
    ]
    got = rows(ws)
    assert got["X1"][3:5] == (14, 14)
    assert got["X1"][11:] == (
        20,
        None,
        20,
        0.7,
        0.6,
        pytest.approx(0.7 / 0.6),
        "70% (đạt, ≥ 60%)",
        None,
    )
    # X2: the 2019 figure is used; the 2024 figure (50) is tracking only
    assert got["X2"][11:15] == (50, None, 50, 0.48)
    assert got["X2"][17] == "48% (yếu, dưới 50%)"
    assert got["X3"][11:] == (None, None, None, None, None, None, "chưa có số liệu", 1)
    assert got["X5"][14] == pytest.approx(0.3)
    total = 14 + 24 + 9 + 6 + 13 + 11
    assert got["P"][3] == total and got["P"][11] == 140
    assert got["P"][14] == pytest.approx(total / 140)
    cells = {str(r[0].value): r for r in ws.iter_rows(min_row=3)}
    assert cells["X1"][14].number_format == "0.0%"
    assert cells["X1"][11].number_format == "General"
    assert filled(ws) == {"X2", "X5"}


async def test_meetings_attendance_leaders_and_reviews_sheets(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    wb = load_workbook(io.BytesIO(excel.workbook(await rollup(maker, tree))))
    meetings = wb["Sinh hoạt"]
    assert header(meetings)[3:] == [
        f"Quý {q}/2026: {what}"
        for q in (1, 2)
        for what in ("số chi hội", "chi hội đã sinh hoạt", "số tổ", "tổ đã sinh hoạt", "tỷ lệ")
    ]
    got = rows(meetings)
    # X1: B1, G1, B2 must meet; Q1 only B1 held a regular one, Q2 B1 and G1: branches and
    # tổ counted apart, the share over both.
    assert got["X1"][3:] == (2, 1, 1, 0, pytest.approx(1 / 3), 2, 1, 1, 1, pytest.approx(2 / 3))
    assert got["B4"][3:] == (0, 0, 0, 0, None, 1, 0, 0, 0, 0.0)
    assert "B4" in filled(meetings) and "B3" not in filled(meetings)
    attendance = rows(wb["Dự sinh hoạt"])
    assert attendance["B3"][3:5] == (3, 3)
    reviews = rows(wb["Rà soát hội viên"])
    assert reviews["X1"][3:] == (2, 2, 1, 1.0)
    assert reviews["X2"][3:] == (1, 0, 0, 0.0)
    assert "X2" in filled(wb["Rà soát hội viên"])
    leaders = rows(wb["Lãnh đạo dự"])
    assert leaders["X1"][6:] == (2, 1, 0.5)  # Q2: B1 (its meeting and its group's) of B1, B2


async def test_every_sheet_is_printable_with_a_frozen_header(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    wb = load_workbook(io.BytesIO(excel.workbook(await rollup(maker, tree))))
    # Attendance (5 columns) and the review (4) are narrow: portrait; the others landscape.
    assert wb["Dự sinh hoạt"].page_setup.orientation == "portrait"
    assert wb["Tỷ lệ tập hợp"].page_setup.orientation == "landscape"
    for ws in wb.worksheets:
        assert ws.freeze_panes == "C3"  # header row and the code/name columns stay
        # Landscape, but portrait where the columns are narrow (issue 21: print_setup.py).
        width = sum(d.width * (d.max - d.min + 1) for d in ws.column_dimensions.values())
        narrow = width <= print_setup.PORTRAIT_UNITS
        assert ws.page_setup.orientation == ("portrait" if narrow else "landscape"), ws.title
        assert int(ws.page_setup.paperSize) == int(Worksheet.PAPERSIZE_A4) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert int(ws.page_setup.fitToWidth) == 1
        assert ws.print_title_rows == "$2:$2"
        assert all(c.font.bold for c in ws[2])


def decode(png: bytes) -> np.ndarray:
    assert png.startswith(PNG)
    image: np.ndarray = imread(io.BytesIO(png), format="png")
    return image


def assert_not_blank(image: np.ndarray) -> None:
    rgb = image[..., :3]
    assert rgb.std() > 0.05
    # Some clearly coloured pixels (bars or lines), not only grey text.
    saturation = rgb.max(axis=2) - rgb.min(axis=2)
    assert (saturation > 0.3).mean() > 0.005


async def test_coverage_chart_is_sorted_with_target_and_weak_lines(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    r = await rollup(maker, tree)
    fig = charts.coverage_figure(r, tree["P"].id)
    assert fig is not None
    (ax,) = fig.axes
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    widths = [p.get_width() for p in ax.patches]
    # Bottom to top, worst to best: the best commune is the top bar; X3 (no figure) stays
    # at the bottom with an empty bar.
    assert labels == [
        "xã X3",
        "phường Quảng Hưng",
        "xã X2",
        "thị trấn Nga Sơn",
        "xã Hoằng Quỳ",
        "huyện D",
        "xã Đồng Tiến",
    ]
    assert widths == pytest.approx([0.0, 0.3, 0.48, 0.55, 0.65, 0.7, 0.9])
    colours = [p.get_facecolor()[:3] for p in ax.patches]
    assert colours[0] != colours[1] == colours[2] != colours[3] != colours[4] == colours[-1]
    vertical = sorted(line.get_xdata()[0] for line in ax.lines)
    assert vertical == [0.5, 0.6]
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["Mục tiêu ≥ 60%", "Yếu dưới 50%"]
    assert "1 đơn vị chưa có số liệu phụ nữ từ 18 tuổi" in ax.get_xlabel()  # X3

    png = charts.coverage_chart(r, tree["P"].id)
    assert png is not None
    image = decode(png)
    height, width = image.shape[:2]
    assert width > 800 and height > 400
    assert_not_blank(image)
    # No unit below with a figure (a commune's branches): no chart.
    assert charts.coverage_chart(r, tree["X1"].id) is None


async def test_communes_with_the_same_name_keep_their_own_bars(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    async with transaction(maker) as s:
        x7 = await s.get(OrgUnit, tree["X7"].id)
        assert x7 is not None
        x7.name = "Hội LHPN xã Hoằng Quỳ"  # as X6
    fig = charts.coverage_figure(await rollup(maker, tree), tree["P"].id)
    assert fig is not None
    (ax,) = fig.axes
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert labels[3:5] == ["xã Hoằng Quỳ (X7)", "xã Hoằng Quỳ (X6)"]
    assert [p.get_y() + p.get_height() / 2 for p in ax.patches] == pytest.approx(range(7))
    assert [p.get_width() for p in ax.patches][3:5] == pytest.approx([0.55, 0.65])


async def test_trend_chart_covers_eight_quarters(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    async with transaction(maker) as s:
        b3 = tree["B3"]
        for day in (dt.date(2024, 8, 1), dt.date(2025, 2, 1), dt.date(2025, 8, 1)):
            s.add(
                Meeting(
                    unit_id=b3.id,
                    held_on=day,
                    kind=MeetingKind.REGULAR,
                    present_count=10,
                    logged_at=NOW,
                )
            )
    async with maker() as s:
        t = await measures.compliance_trend(s, tree["P"], Quarter(2026, 2))
    fig = charts.trend_figure(t)
    (ax,) = fig.axes
    labels = [tick.get_text() for tick in ax.get_xticklabels()]
    assert [label.replace("\n", "/") for label in labels] == [
        "Quý 3/2024",
        "Quý 4/2024",
        "Quý 1/2025",
        "Quý 2/2025",
        "Quý 3/2025",
        "Quý 4/2025",
        "Quý 1/2026",
        "Quý 2/2026",
    ]
    # B1, G1, B2, B3 and the four X*-B branches must meet; B4 too from Q2/2026 (founded
    # 1 May). B3 met in three earlier quarters; Q1/2026 B1 and B3 (B2's was themed);
    # Q2/2026 B1, G1 and B3. Branches and tổ are drawn apart (000 §II.2).
    assert t.meeting_units[t.root.id] == [8] * 7 + [9]
    assert t.groups[t.root.id] == [1] * 8
    branches, groups = ax.lines[:2]
    assert list(branches.get_xdata()) == list(range(8))
    assert list(branches.get_ydata()) == pytest.approx([1 / 7, 0, 1 / 7, 0, 1 / 7, 0, 2 / 7, 2 / 8])
    assert list(groups.get_ydata()) == pytest.approx([0] * 7 + [1])
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["Chi hội", "Tổ"]
    assert "28,6%" in [a.get_text() for a in ax.texts]
    title = ax.get_title().replace("\n", " – ")  # the unit on its own line
    assert title.startswith("Tỷ lệ chi hội, tổ sinh hoạt định kỳ – Hội LHPN tỉnh P")
    image = decode(charts.trend_chart(t))
    assert image.shape[1] > 800
    assert_not_blank(image)
