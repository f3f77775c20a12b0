"""The special-audience report in chat (issue 16 item 3; DOMAIN rule 11)."""

from __future__ import annotations

from bot.core.i18n import _, format_date, format_number, period_label
from bot.domain.audience_figures import AudienceReport
from bot.domain.audiences import AUDIENCES
from bot.domain.calendar import quarter_of
from bot.reports.audience_names import label

# Audiences shown in chat: those with any member or club; the Excel sheet shows them all.
TOP_ROWS = 12


def report_text(r: AudienceReport) -> str:
    lines = [
        _("Special audiences: {unit}, on {date}").format(unit=r.unit_name, date=format_date(r.on))
    ]
    lines.append(_("Members by group of women (a member may be in several groups):"))
    shown = 0
    for a in AUDIENCES:
        n, clubs = r.total(a.code), r.clubs_by_audience.get(a.code, 0)
        if not n and not clubs:
            continue
        lines.append(
            _("• {audience}: {members} members, {clubs} clubs").format(
                audience=label(a.code), members=format_number(n), clubs=format_number(clubs)
            )
        )
        shown += 1
    if not shown:
        lines.append(_("• none recorded yet"))
    lines.append(
        _(
            "Clubs and models: {clubs}; {met} met in {quarter}. Women reached: {reached} "
            "({linked} from the register, {outside} in no branch; each counted once)."
        ).format(
            clubs=format_number(r.clubs_total),
            met=format_number(r.clubs_met),
            quarter=period_label(quarter_of(r.on)),
            reached=format_number(r.reached),
            linked=format_number(r.linked),
            outside=format_number(r.outside),
        )
    )
    lines.append(_("Members working far away: {n}").format(n=format_number(r.migrants)))
    if r.incoming:
        msg = _("Women from elsewhere living here: {n} ({invited} invited to a club)")
        lines.append(
            msg.format(n=format_number(r.incoming), invited=format_number(r.incoming_invited))
        )
    if r.without_model:
        names = ", ".join(r.without_model[:TOP_ROWS])
        more = len(r.without_model) - TOP_ROWS
        lines.append(
            _("⚠ No model for a hard-to-reach group yet: {names}").format(names=names)
            + (_(" and {n} more").format(n=more) if more > 0 else "")
        )
    for p in r.progress:
        msg = _('Target ({source}): {count}/{target} clubs for "{audience}" in {period}')
        lines.append(
            msg.format(
                source=p.source,
                count=format_number(p.founded),
                target=format_number(p.target),
                audience=label(p.audience),
                period=p.period,
            )
        )
    return "\n".join(lines)
