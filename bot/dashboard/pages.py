"""The report pages: a unit's overview with the units below, the quarter grid, the files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from bot.core.i18n import _, current_language
from bot.core.lazy import lazy
from bot.dashboard import views
from bot.dashboard.web import PREFIX, NotFound, Page
from bot.domain.calendar import quarter_of
from bot.domain.enums import Level
from bot.reports import text as report_text
from bot.reports.coverage_lines import shows_coverage
from bot.reports.docx_report import DOCX_MIME, build_report_docx
from bot.reports.docx_sections import TemplateError
from bot.reports.labels import coverage_footnote
from handlers.reports import periods
from storage.repositories import measures, official_units

if TYPE_CHECKING:
    from bot.reports import charts, coverage_map, excel
else:  # matplotlib and openpyxl load with the first chart, map or workbook
    charts, excel = lazy("bot.reports.charts"), lazy("bot.reports.excel")
    coverage_map = lazy("bot.reports.coverage_map")

DOWNLOAD_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


async def home(p: Page) -> Response:
    """Her widest unit's page (the first, when her roles sit in several places)."""
    return p.site.redirect(f"{PREFIX}/unit/{p.officer.top_units()[0].id}")


async def overview(p: Page) -> Response:
    unit = await p.unit()
    period = p.period()
    r = await p.rollup(unit, period)
    sort = p.arg("sort", "worst")
    descending = p.arg("dir") == "desc"
    lines = views.sorted_lines(views.unit_lines(r, unit.id), sort, descending)
    row = r.units[unit.id]
    figures = views.figure_lines(report_text.unit_lines(r, row))
    map_svg, unplaced = (
        await _map(p, r, unit.id) if unit.level in (Level.PROVINCE, Level.DISTRICT) else (None, [])
    )
    chart_names = names_of_charts(r)
    return p.render(
        "overview.html",
        unit=unit,
        row=row,
        r=r,
        period=period,
        periods=periods(p.today, p.rules.targets.term),
        figures=figures,
        footnote=coverage_footnote(p.rules.targets) if shows_coverage(r.of(unit.id)) else "",
        lines=lines,
        sort=sort if sort in views.SORTS else "worst",
        descending=descending,
        crumbs=await p.breadcrumb(unit),
        map_svg=map_svg,
        unplaced=unplaced,
        chart_names=chart_names,
        is_branch=unit.level == Level.BRANCH,
    )


async def _map(p: Page, r: measures.Rollup, unit_id: int) -> tuple[str | None, list[str]]:
    """The province's map (None when no commune has a position) and the communes left off."""
    wanted = coverage_map.communes_of(r, unit_id)
    points, missing = coverage_map.map_points(
        r, unit_id, await official_units.positions(p.s, wanted)
    )
    names = [r.units[uid].name for uid in missing]
    if not points:
        return None, names
    link = f"{PREFIX}/unit/{{id}}?period={r.period.key}"
    # The SVG is built from our own figures with every name escaped (coverage_map.svg).
    from markupsafe import Markup  # with Jinja2: loaded once the dashboard is on

    return Markup(coverage_map.svg(r, unit_id, points, link)), names


async def grid(p: Page) -> Response:
    """Each unit below × the last 8 quarters: regular meetings held of those due."""
    unit = await p.unit()
    trend = await p.trend(unit)
    quarters, rows, total = views.grid_rows(trend)
    return p.render(
        "grid.html",
        unit=unit,
        crumbs=await p.breadcrumb(unit),
        quarters=quarters,
        rows=rows,
        total=total,
        cell_class=views.cell_class,
        share=views.share,
    )


async def downloads(p: Page) -> Response:
    unit = await p.unit()
    period = p.period()
    r = await p.rollup(unit, period)
    return p.render(
        "downloads.html",
        unit=unit,
        crumbs=await p.breadcrumb(unit),
        period=period,
        periods=periods(p.today, p.rules.targets.term),
        chart_names=names_of_charts(r),
        stem=_stem(r),
    )


def _stem(r: measures.Rollup) -> str:
    return f"bao-cao-{r.root.code}-{r.period.key}".lower()


async def workbook(p: Page) -> Response:
    unit = await p.unit()
    r = await p.rollup(unit, p.period())
    return _file(excel.workbook(r), _stem(r) + ".xlsx", excel_type())


async def word_report(p: Page) -> Response:
    """The Word report to print and sign, as the chat and the CLI build it."""
    unit = await p.unit()
    r = await p.rollup(unit, p.period())
    try:
        word = await build_report_docx(p.s, r, unit.id, issued_on=p.today, lang=current_language())
    except TemplateError as e:  # a province's own template that cannot be filled
        return p.site.kind_page(500, _("The Word report could not be made"), str(e), p.officer)
    return _file(word.data, word.filename, DOCX_MIME)


def excel_type() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def names_of_charts(r: measures.Rollup) -> list[str]:
    """The charts the chat would send for this report, named without drawing them."""
    below = [r.of(u.id) for u in r.children(r.root.id)]
    out = []
    if any(f.coverage is not None for f in below):
        out.append(charts.COVERAGE)
    elif any(f.attendance is not None for f in below):
        out.append(charts.ATTENDANCE)
    return [*out, charts.TREND]


async def chart(p: Page) -> Response:
    """One chart of the report, drawn when asked for (each takes a few hundred ms)."""
    unit = await p.unit()
    r = await p.rollup(unit, p.period())
    wanted = str(p.request.path_params.get("name", ""))
    png: bytes | None = None
    if wanted == charts.COVERAGE:
        png = charts.coverage_chart(r, unit.id)
    elif wanted == charts.ATTENDANCE:
        png = charts.attendance_chart(r, unit.id)
    elif wanted == charts.TREND:
        # The chat's trend ends with the report's last day's quarter; so does the page's.
        trend = await measures.compliance_trend(p.s, unit, quarter_of(r.as_of))
        png = charts.trend_chart(trend)
    if png is None:
        raise NotFound
    return _file(png, f"{_stem(r)}-{wanted}.png", "image/png", inline=True)


async def map_png(p: Page) -> Response:
    unit = await p.unit()
    r = await p.rollup(unit, p.period())
    wanted = coverage_map.communes_of(r, unit.id)
    points, _missing = coverage_map.map_points(
        r, unit.id, await official_units.positions(p.s, wanted)
    )
    if not points:
        raise NotFound
    return _file(coverage_map.png(r, unit.id, points), f"ban-do-{_stem(r)}.png", "image/png")


def _file(data: bytes, name: str, media: str, inline: bool = False) -> Response:
    how = "inline" if inline else "attachment"
    headers = {**DOWNLOAD_HEADERS, "Content-Disposition": f'{how}; filename="{name}"'}
    return Response(data, media_type=media, headers=headers)
