"""The special-audience report as one Excel sheet: a row per unit, a column per audience."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.core.i18n import _
from bot.domain.audience_figures import AudienceReport
from bot.domain.audiences import AUDIENCES
from bot.reports.audience_names import label

SHEET = "Doi tuong dac thu"


def add_sheet(wb: Any, r: AudienceReport) -> None:
    """Append the sheet to `wb` (a normal openpyxl Workbook)."""
    ws = wb.create_sheet(SHEET)
    ws.append([_("Special audiences: {unit}").format(unit=r.unit_name)])
    ws["A1"].font = Font(bold=True)
    header = [_("Unit"), _("Members"), *(label(a.code) for a in AUDIENCES), _("Clubs")]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in r.rows:
        ws.append(
            [
                row.name,
                row.members,
                *(row.by_audience.get(a.code, 0) for a in AUDIENCES),
                row.clubs,
            ]
        )
    ws.append(
        [
            _("Total"),
            sum(x.members for x in r.rows),
            *(r.total(a.code) for a in AUDIENCES),
            r.clubs_total,
        ]
    )
    ws.append(
        [
            _("Clubs serving the group"),
            None,
            *(r.clubs_by_audience.get(a.code, 0) for a in AUDIENCES),
        ]
    )
    ws.append([])
    ws.append([_("Women reached by clubs (each counted once)"), r.reached])
    ws.append([_("of whom members from the register"), r.linked])
    ws.append([_("of whom women in no branch"), r.outside])
    ws.append([_("Members working far away"), r.migrants])
    ws.append([_("Women from elsewhere living here"), r.incoming, r.incoming_invited])
    for name in r.without_model:
        ws.append([_("No model for a hard-to-reach group"), name])
    for p in r.progress:
        ws.append(
            [
                _("Target ({source})").format(source=p.source),
                label(p.audience),
                p.period,
                p.founded,
                p.target,
            ]
        )
    ws.column_dimensions["A"].width = 34
    ws.freeze_panes = "B3"


def workbook(r: AudienceReport) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    add_sheet(wb, r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
