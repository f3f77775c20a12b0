"""Charts made for a phone (issue 14.7): 1080 px wide, square or taller, text ≥ 28 px, every
unit shown with its value printed, reference lines on top, no points before data exists."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import format_pct
from bot.domain.calendar import Quarter
from bot.reports import charts
from storage.repositories import measures
from tests.reports.test_files import decode, rollup, tree
from tests.reports.tree import Tree

__all__ = ["tree"]  # the fixture, shared with test_files
WIDTH = 1080
MIN_TEXT_PX = 28


def keep(name: str, png: bytes) -> None:
    """CHIHOI_CHART_DIR=/some/dir keeps the PNGs to look at them."""
    folder = os.environ.get("CHIHOI_CHART_DIR")
    if folder:
        Path(folder, name).write_bytes(png)


def texts(fig: Figure) -> list[Text]:
    fig.canvas.draw()  # ticks and legends exist once drawn
    found = fig.findobj(Text)
    return [t for t in found if isinstance(t, Text) and t.get_visible() and t.get_text().strip()]


def assert_readable(fig: Figure) -> None:
    small = [
        (t.get_text(), t.get_fontsize()) for t in texts(fig)
        if t.get_fontsize() * charts.DPI / 72 < MIN_TEXT_PX
    ]  # fmt: skip
    assert small == []


def assert_phone_sized(png: bytes) -> None:
    height, width = decode(png).shape[:2]
    assert width == WIDTH
    assert height >= width  # portrait or square


def unit_labels(fig: Figure) -> list[str]:
    (ax, *_rest) = fig.axes
    return [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]


async def test_bars_show_every_unit_with_its_value_and_lines_on_top(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    r = await rollup(maker, tree)
    children = r.children(tree["P"].id)
    for make, measure, empty in [
        (charts.coverage_figure, lambda u: r.of(u.id).coverage, "chưa có số liệu"),
        (charts.attendance_figure, lambda u: r.of(u.id).attendance, "chưa sinh hoạt"),
    ]:
        fig = make(r, tree["P"].id)
        assert fig is not None
        (ax,) = fig.axes
        names = {charts.short_name(u.name) for u in children}
        assert set(unit_labels(fig)) == names and len(ax.patches) == len(children)
        values = [measure(u) for u in children]
        assert None in values  # X3 has no figure and its branch never met: still a bar
        printed = [t.get_text() for t in ax.texts]
        shown = sorted(format_pct(v) if v is not None else empty for v in values)
        assert sorted(printed) == shown
        bars = max(p.get_zorder() for p in ax.patches)
        assert ax.lines and all(line.get_zorder() > bars for line in ax.lines)
        assert_readable(fig)
    for name, png in [
        ("tap-hop.png", charts.coverage_chart(r, tree["P"].id)),
        ("du-sinh-hoat.png", charts.attendance_chart(r, tree["P"].id)),
    ]:
        assert png is not None
        assert_phone_sized(png)
        keep(name, png)


async def test_the_trend_starts_where_the_records_start(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    # The tree's first regular meeting is B1's on 15/02/2026 (Q1/2026): the six quarters
    # before it have no records and must not read as 0%.
    async with maker() as s:
        t = await measures.compliance_trend(s, tree["P"], Quarter(2026, 2))
    assert charts.first_with_data(t) == 6
    fig = charts.trend_figure(t)
    (ax,) = fig.axes
    branches = ax.lines[0]
    assert list(branches.get_xdata()) == [6, 7]
    assert "chưa ghi buổi sinh hoạt nào" in " ".join(
        t.get_text().replace("\n", " ") for t in ax.texts
    )
    labels = [tick.get_text().replace("\n", "/") for tick in ax.get_xticklabels()]
    assert labels[0] == "Quý 3/2024" and len(labels) == 8  # the span stays visible
    assert_readable(fig)
    png = charts.trend_chart(t)
    assert_phone_sized(png)
    keep("sinh-hoat.png", png)


async def test_a_unit_that_never_met_has_no_points_at_all(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    async with maker() as s:
        t = await measures.compliance_trend(s, tree["X3"], Quarter(2026, 2))
    assert charts.first_with_data(t) is None
    (ax,) = charts.trend_figure(t).axes
    assert all(len(line.get_xdata()) == 0 for line in ax.lines if line.get_marker() == "o")


async def test_each_caption_states_what_its_chart_shows(
    maker: async_sessionmaker[AsyncSession], tree: Tree
) -> None:
    r = await rollup(maker, tree)
    coverage = charts.chart_caption(r, charts.COVERAGE)
    assert coverage.startswith("Hội LHPN tỉnh P: tỷ lệ tập hợp theo đơn vị")
    assert "1 đơn vị chưa có số liệu phụ nữ từ 18 tuổi" in coverage
    assert "kết nạp" not in coverage and "sinh hoạt" not in coverage
    attendance = charts.chart_caption(r, charts.ATTENDANCE)
    assert "2/3" in attendance and "tập hợp" not in attendance
    assert charts.chart_caption(r, charts.TREND) == "Sinh hoạt định kỳ trong 8 quý gần nhất"


@pytest.mark.parametrize("count", [1, 12])
def test_names_wrap_on_spaces_only(count: int) -> None:
    name = " ".join(["Làng"] * count)
    wrapped = charts._wrap(name, charts.NAME_WRAP)
    assert wrapped.replace("\n", " ") == name
    assert all(len(line) <= charts.NAME_WRAP for line in wrapped.split("\n"))
