"""The report as an Excel workbook: one sheet per measure, units as rows with their parent."""

# Percentages are stored as fractions with a percent format (so Excel can sum and chart
# them), weak rows are filled light red, the header row is frozen; printing is set up by
# bot/reports/print_setup.py (A4 fitted to the width, header repeated, footer).

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.core.i18n import _, format_date
from bot.domain.calendar import Quarter
from bot.domain.enums import Level
from bot.domain.figures import Figures, UnitRow
from bot.domain.targets import CoverageFlag
from bot.reports import print_setup, xlsx_rows
from bot.reports.coverage_lines import coverage_text
from bot.reports.labels import coverage_footnote
from bot.reports.labels import label as period_label
from storage.repositories.measures import Rollup

PCT = "0.0%"
WEAK_FILL = PatternFill("solid", start_color="FFF4CCCC", end_color="FFF4CCCC")
HEADER_FILL = PatternFill("solid", start_color="FFD9E2F3", end_color="FFD9E2F3")
HEADER_ROW = 2  # row 1 holds the title


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Rollup, UnitRow, Figures], Any]
    percent: bool = False
    width: int = 11  # numbers; the header wraps (print_setup sizes its row)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _q(get: Callable[[Figures, int], Any], i: int) -> Callable[[Rollup, UnitRow, Figures], Any]:
    """A column of quarter `i`."""
    return lambda r, u, f: get(f, i)


def _weak_share(r: Rollup, part: int, whole: int) -> bool:
    return bool(whole) and part / whole < r.rules.weak_share


def _progress(part: int, whole: int | None) -> float | None:
    return part / whole if whole else None


def _growth(f: Figures) -> float | None:
    return f.members / f.members_start - 1 if f.members_start else None


def _stated(f: Figures) -> int | None:
    return f.roster_stated if f.roster_incomplete else None


def _coverage_target(r: Rollup, u: UnitRow, f: Figures) -> float | None:
    return r.coverage_target(u.id) if f.population else None


Weak = Callable[[Rollup, UnitRow, Figures], bool]


def _sheets(r: Rollup) -> list[tuple[str, list[Column], Weak]]:
    qs: Sequence[Quarter] = r.quarters
    members = [
        Column(_("Members at the start"), lambda r, u, f: f.members_start),
        Column(_("Members now"), lambda r, u, f: f.members),
        Column(_("Change"), lambda r, u, f: f.net_change),
        Column(_("New members in the period"), lambda r, u, f: f.joined),
        Column(_("New members this year"), lambda r, u, f: f.joined_ytd),
        Column(_("Target to date"), lambda r, u, f: r.new_members(u.id)[1]),
        Column(
            _("Progress to target"),
            lambda r, u, f: _progress(*r.new_members(u.id)),
            percent=True,
        ),
        Column(_("Branches not fully entered"), lambda r, u, f: f.roster_incomplete or None),
        Column(
            _("Members entered"), lambda r, u, f: f.roster_entered if f.roster_incomplete else None
        ),
        Column(_("Stated total (paper register)"), lambda r, u, f: _stated(f)),
    ]
    if r.is_term:  # growth over the term against its target (Khánh Hòa: +5%, 002)
        members += [
            Column(_("Growth over the term"), lambda r, u, f: _growth(f), percent=True),
            Column(_("Growth target"), lambda r, u, f: r.growth_target(u.id), percent=True),
        ]
    coverage = [
        Column(_("Members counted"), lambda r, u, f: f.covered_members if f.population else None),
        Column(_("In branches and tổ"), lambda r, u, f: f.residential_members),
        Column(_("In special bases"), lambda r, u, f: f.base_members),
        Column(_("Trade union"), lambda r, u, f: f.agg_trade_union),
        Column(_("Armed forces"), lambda r, u, f: f.agg_armed_forces),
        Column(_("Member organisations"), lambda r, u, f: f.agg_member_org),
        Column(_("Club members in no branch"), lambda r, u, f: f.agg_club_only),
        Column(_("Not resident"), lambda r, u, f: f.uncounted),
        Column(_("Women aged 18+"), lambda r, u, f: f.population or None),
        Column(_("Provisional"), lambda r, u, f: _("yes") if f.provisional else None),
        Column(_("Tracking figure"), lambda r, u, f: f.tracking or None),
        Column(_("Coverage"), lambda r, u, f: f.coverage, percent=True),
        Column(_("Target"), _coverage_target, percent=True),
        Column(
            _("Progress to target"),
            lambda r, u, f: None if f.coverage is None else f.coverage / r.coverage_target(u.id),
            percent=True,
        ),
        Column(_("Assessment"), lambda r, u, f: coverage_text(r, f), width=24),
        Column(_("Communes without a figure"), lambda r, u, f: f.communes_no_data or None),
    ]
    meetings: list[Column] = []
    leaders: list[Column] = []
    for i, q in enumerate(qs):
        meetings += [
            Column(
                _("{quarter}: branches").format(quarter=period_label(q)),
                _q(lambda f, i: f.branch_units(i), i),
            ),
            Column(
                _("{quarter}: branches met").format(quarter=period_label(q)),
                _q(lambda f, i: f.branches_met(i), i),
            ),
            Column(
                _("{quarter}: tổ").format(quarter=period_label(q)),
                _q(lambda f, i: f.groups[i], i),
            ),
            Column(
                _("{quarter}: tổ met").format(quarter=period_label(q)),
                _q(lambda f, i: f.groups_met[i], i),
            ),
            Column(
                _("{quarter}: share").format(quarter=period_label(q)),
                _q(lambda f, i: f.compliance(i), i),
                percent=True,
            ),
        ]
        leaders += [
            Column(
                _("{quarter}: branches").format(quarter=period_label(q)),
                _q(lambda f, i: f.branches[i], i),
            ),
            Column(
                _("{quarter}: with a leader").format(quarter=period_label(q)),
                _q(lambda f, i: f.visited[i], i),
            ),
            Column(
                _("{quarter}: share").format(quarter=period_label(q)),
                _q(lambda f, i: f.leader_share(i), i),
                percent=True,
            ),
        ]
    attendance = [
        Column(_("Regular meetings"), lambda r, u, f: f.meetings),
        Column(_("Meetings with a member count"), lambda r, u, f: f.rated),
        Column(_("Average attendance"), lambda r, u, f: f.attendance, percent=True),
        Column(_("Meetings reaching two thirds"), lambda r, u, f: f.two_thirds),
        Column(_("Share reaching two thirds"), lambda r, u, f: f.two_thirds_share, percent=True),
    ]
    reviews = [
        Column(_("Branches"), lambda r, u, f: f.review_branches),
        Column(_("Confirmed"), lambda r, u, f: f.reviewed),
        Column(_("On time"), lambda r, u, f: f.on_time),
        Column(_("Share confirmed"), lambda r, u, f: f.review_share, percent=True),
    ]
    last = len(qs) - 1

    def target_missed(r: Rollup, u: UnitRow, f: Figures) -> bool:
        joined, target = r.new_members(u.id)
        return target is not None and joined < target

    out: list[tuple[str, list[Column], Weak]] = [
        (_("Members"), members, target_missed),
        (_("Coverage"), coverage, lambda r, u, f: r.rules.flag(f.coverage) == CoverageFlag.WEAK),
        (
            _("Meetings"),
            meetings,
            lambda r, u, f: last >= 0 and _weak_share(r, f.met[last], f.meeting_units[last]),
        ),
        (
            _("Attendance"),
            attendance,
            lambda r, u, f: f.attendance is not None and f.attendance < r.rules.attendance,
        ),
        (
            _("Leader visits"),
            leaders,
            lambda r, u, f: last >= 0 and _weak_share(r, f.visited[last], f.branches[last]),
        ),
    ]
    if r.review_deadline is not None:
        out.append(
            (
                _("Member review"),
                reviews,
                lambda r, u, f: _weak_share(r, f.reviewed, f.review_branches),
            )
        )
    return out


def rows_of(r: Rollup, depth: int) -> list[UnitRow]:
    """The root and the units down to `depth` levels below it (groups left out), tree order."""
    top = r.root.depth
    return sorted(
        (u for u in r.units.values() if u.depth - top <= depth and u.level != Level.GROUP),
        key=lambda u: u.path_ids(),  # numerically: "/1/12/" comes after "/1/2/"
    )


def workbook(r: Rollup, depth: int = 2) -> bytes:
    """The whole report of `r.root` as .xlsx bytes (a province is ~3,000 rows a sheet:
    openpyxl writes the settings, title and headers, bot/reports/xlsx_rows.py the rows)."""
    wb = Workbook(write_only=True)
    units = rows_of(r, depth)
    figures = [r.of(u.id) for u in units]  # once, not once a sheet
    period = period_label(r.period)
    title = _("Report for the {period} – {unit}").format(period=period, unit=r.root.name)
    title += " " + _("(figures up to {date})").format(date=format_date(r.as_of))
    written = []
    for n, (name, columns, weak) in enumerate(_sheets(r), start=1):
        ws = wb.create_sheet(name[:31])
        rows = _fill(ws, r, units, figures, columns, weak, title)
        if name == _("Coverage"):
            rows.row += 1  # a blank row, then the footnote
            rows.append([coverage_footnote(r.rules)], [0])
        written.append((n, rows))
    out = io.BytesIO()
    wb.save(out)
    return xlsx_rows.splice(out.getvalue(), written)


def _style_ids(ws: Any) -> dict[tuple[bool, bool], int]:
    """The workbook's style id of each (weak, percent) cell look (registered by openpyxl)."""
    out = {}
    for weak in (False, True):
        for percent in (False, True):
            cell = WriteOnlyCell(ws)
            if weak:
                cell.fill = WEAK_FILL
            if percent:
                cell.number_format = PCT
            out[(weak, percent)] = cell.style_id if weak or percent else 0
    return out


def _fill(
    ws: Any,
    r: Rollup,
    units: list[UnitRow],
    figures: list[Figures],
    columns: list[Column],
    weak: Weak,
    title: str,
) -> xlsx_rows.SheetRows:
    """Settings, title and header rows through openpyxl; the unit rows, returned, to be
    spliced in after it saves (`xlsx_rows.splice`)."""
    # Layout first: a streamed sheet writes its settings before the rows.
    widths = [11, 28, 24, *(col.width for col in columns)]
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    headers = [_("Code"), _("Unit"), _("Part of"), *(col.header for col in columns)]
    print_setup.prepare(
        ws,
        widths=widths,
        header_row=HEADER_ROW,
        headers=headers,
        unit=r.root.name,
        period=period_label(r.period),
        page_label=_("Page"),
    )
    heading = WriteOnlyCell(ws, value=title)
    heading.font = Font(bold=True, size=12)
    ws.append([heading])
    header = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    ws.append(header)
    ids = _style_ids(ws)
    looks = {
        flag: [ids[(flag, False)]] * 3 + [ids[(flag, col.percent)] for col in columns]
        for flag in (False, True)
    }
    rows = xlsx_rows.SheetRows(HEADER_ROW + 1, len(headers))
    values = [col.value for col in columns]
    for unit, f in zip(units, figures, strict=True):
        parent = r.units.get(unit.parent_id) if unit.parent_id is not None else None
        row = [unit.code, unit.name, parent.name if parent else ""]
        row += [value(r, unit, f) for value in values]
        rows.append(row, looks[bool(weak(r, unit, f))])
    return rows
