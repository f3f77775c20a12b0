"""Read-only club screens: the commune's clubs with their quarter line, and the special-audience
report in chat with its Excel sheet and chart (issue 16 items 1 and 3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.context import Ctx
from bot.core.i18n import _, format_number, period_label
from bot.core.lazy import lazy
from bot.core.types import Attachment, Reply
from bot.domain.calendar import quarter_of
from bot.domain.clubs import met_in_quarter
from bot.reports.audiences import report_text
from handlers.clubs_common import club_line, communes
from storage.models import OrgUnit
from storage.repositories import audience_report, clubs

if TYPE_CHECKING:
    from bot.reports import audiences_chart, audiences_excel
else:  # matplotlib and openpyxl load with the first chart or workbook, not with the bot
    audiences_chart = lazy("bot.reports.audiences_chart")
    audiences_excel = lazy("bot.reports.audiences_excel")


async def club_lines(ctx: Ctx, commune: OrgUnit) -> list[str]:
    """One line per club: audiences, women on its list, and whether it met this quarter."""
    found = await clubs.of_communes(ctx.session, [commune.id])
    if not found:
        return [_("{commune}: no club or model yet.").format(commune=commune.name)]
    ids = [c.id for c in found]
    codes = await clubs.audiences_of(ctx.session, ids)
    linked = await clubs.linked_counts(ctx.session, ids)
    q = quarter_of(ctx.today)
    days = await clubs.meeting_days(ctx.session, ids, q.first_day, q.last_day)
    lines = [_("{commune}, {quarter}:").format(commune=commune.name, quarter=period_label(q))]
    for c in found:
        met = met_in_quarter(days.get(c.id, []), ctx.today)
        status = _("met ✓") if met else _("no meeting yet ✗")
        msg = _("• {club}: {linked} members from the register, {outside} in no branch; {status}")
        lines.append(
            msg.format(
                club=club_line(c, codes.get(c.id, [])),
                linked=format_number(linked.get(c.id, 0)),
                outside=format_number(c.outside_count),
                status=status,
            )
        )
    return lines


def _top(ctx: Ctx) -> OrgUnit | None:
    units = [r.unit for r in ctx.roles]
    return min(units, key=lambda u: (u.path.count("/"), u.path)) if units else None


async def show(ctx: Ctx) -> list[Reply]:
    """The clubs of her commune(s) (up to a few communes), then the audience report."""
    lines: list[str] = []
    for commune in (await communes(ctx))[:5]:
        lines += await club_lines(ctx, commune)
    top = _top(ctx)
    out = [Reply("\n".join(lines))] if lines else []
    if top is None:
        return out
    report = await audience_report.gather(ctx.session, top, ctx.today)
    text = report_text(report)
    stem = f"doi-tuong-{top.code}-{ctx.today.isoformat()}"
    out.append(Reply(text))
    sheet = Attachment("document", stem + ".xlsx", audiences_excel.workbook(report), text[:100])
    out.append(Reply(_("Here is the report as an Excel file."), attachment=sheet))
    png = Attachment("photo", stem + ".png", audiences_chart.chart(report), report.unit_name)
    out.append(Reply(_("Special audiences: {unit}").format(unit=report.unit_name), attachment=png))
    out.append(
        Reply(_('To register a club, type "đăng ký clb"; to log its meeting, "ghi sinh hoạt clb".'))
    )
    return out
