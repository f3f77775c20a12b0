"""The dues, fund and assessment report, and a branch's fund statement, as Excel workbooks.

Money cells are integers of đồng with a thousands format, so sums in Excel stay exact.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.core.i18n import _, format_date
from bot.reports.dues_text import grade_name, indicator_line
from storage.repositories.dues_overview import Overview
from storage.repositories.fund import Statement

MONEY = "#,##0"


def _header(ws: object, title: str, headers: list[str]) -> None:
    ws.append([title])  # type: ignore[attr-defined]
    ws.append(headers)  # type: ignore[attr-defined]
    for cell in ws[2]:  # type: ignore[index]
        cell.font = Font(bold=True)
    ws.freeze_panes = "A3"  # type: ignore[attr-defined]


def overview_workbook(o: Overview) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Branches")[:31]
    title = _("Dues, fund and assessment {year} – {unit} (up to {date})").format(
        year=o.year, unit=o.root.name, date=format_date(o.day)
    )
    headers = [
        _("Commune"),
        _("Branch"),
        _("Members"),
        _("Paid"),
        _("Partly paid"),
        _("Exempt"),
        _("Unpaid"),
        _("Collected (đ)"),
        _("Expected (đ)"),
        _("Fund balance (đ)"),
        _("Score"),
        _("Grade"),
        _("Model branch"),
        _("Approved"),
        _("Reasons"),
        _("Core members"),
        _("Tổ without a core member"),
        _("Brought in (1+1)"),
    ]
    _header(ws, title, headers)
    for c in o.communes:
        for b in c.branches:
            lost = [ln for ln in b.lines if ln.points < ln.weight]
            reasons = "; ".join(indicator_line(ln) for ln in lost)
            if b.reason:
                reasons = f"{b.reason}; {reasons}" if reasons else b.reason
            ws.append([
                c.name,
                b.name,
                b.members,
                b.paid,
                b.partial,
                b.exempt,
                b.unpaid,
                b.collected,
                b.expected,
                b.fund_balance,
                b.score,
                grade_name(b.grade) if b.grade else "",
                _("yes") if b.model else "",
                _("yes") if b.approved else "",
                reasons,
                b.core,
                ", ".join(b.groups_without_core),
                b.brought,
            ])  # fmt: skip
    for row in ws.iter_rows(min_row=3, min_col=8, max_col=10):
        for cell in row:
            cell.number_format = MONEY
    cs = wb.create_sheet(_("Communes")[:31])
    _header(cs, title, [_("Commune"), _("Branches"), _("Score"), _("Grade"), _("Model branches")])
    for c in o.communes:
        r = c.result
        cs.append([
            c.name,
            len(c.branches),
            r.score if r else None,
            grade_name(r.grade) if r else "",
            r.model_branches if r else 0,
        ])  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def statement_workbook(st: Statement, branch: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = str(st.year)
    title = _("Branch fund {year} – {branch}").format(year=st.year, branch=branch)
    _header(
        ws,
        title,
        [_("Date"), _("Income (đ)"), _("Spending (đ)"), _("Purpose"), _("Recorded by"), _("Note")],
    )
    ws.append(
        [
            "",
            st.opening if st.opening >= 0 else None,
            -st.opening if st.opening < 0 else None,
            _("Carried in"),
            "",
            "",
        ]
    )
    for ln in st.lines:
        note = ""
        if ln.reverses_id:
            note = _("reverses entry {id}").format(id=ln.reverses_id)
        elif ln.reversed:
            note = _("reversed")
        income = ln.amount if ln.amount > 0 else None
        spending = -ln.amount if ln.amount < 0 else None
        ws.append([ln.on_day, income, spending, ln.purpose, ln.by, note])
    ws.append([_("Total"), st.income, st.spending, "", "", ""])
    ws.append([_("Balance"), st.closing, None, "", "", ""])
    for row in ws.iter_rows(min_row=3, min_col=2, max_col=3):
        for cell in row:
            cell.number_format = MONEY
    for row in ws.iter_rows(min_row=3, max_col=1):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
