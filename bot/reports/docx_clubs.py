"""The Word report's clubs and special-audiences section (issue 21, from issue 16's report):
clubs and models by kind and audience, their members counted once, their meetings in the
period, women reached, communes without a model for a hard-to-reach group, members working
far away. Counts only: no woman is named."""

from __future__ import annotations

from collections import Counter

from bot.core.i18n import N_, Msg, _, format_number
from bot.domain.audiences import AUDIENCES
from bot.domain.clubs import ClubKind
from bot.reports.audience_names import label
from bot.reports.docx_sections import Section, SectionTable
from storage.repositories import audience_report, clubs, org
from storage.repositories.measures import Rollup
from storage.sessions import Session

KIND_NAMES: dict[str, Msg] = {
    ClubKind.CLUB: N_("Club"),
    ClubKind.MODEL: N_("Model"),
    ClubKind.GROUP: N_("Group or team"),
}
# Commune names listed after the count; more are summed up (a province has hundreds).
NAMED = 12


async def clubs_section(s: Session, r: Rollup, unit_id: int) -> Section | None:
    unit = await org.by_id(s, unit_id)
    if unit is None:
        return None
    on = min(r.as_of, r.period.last_day)
    rep = await audience_report.gather(s, unit, on)
    if not (rep.clubs_total or rep.migrants or rep.incoming):
        return None
    found = await clubs.under(s, unit)
    kinds = Counter(c.kind for c, _u in found)
    days = await clubs.meeting_days(s, [c.id for c, _u in found], r.period.first_day, on)
    n = format_number
    by_kind = "; ".join(
        f"{_(name)} {n(kinds[kind])}" for kind, name in KIND_NAMES.items() if kinds[kind]
    )
    lines = [
        _("Clubs and models: {clubs} ({kinds})").format(clubs=n(rep.clubs_total), kinds=by_kind)
        if rep.clubs_total
        else _("Clubs and models: none yet"),
    ]
    if rep.clubs_total:
        lines.append(
            _("Club meetings in the period: {meetings}; {met} of {clubs} clubs met").format(
                meetings=n(sum(len(d) for d in days.values())),
                met=n(len(days)),
                clubs=n(rep.clubs_total),
            )
        )
        lines.append(
            _(
                "Club members from the register: {linked} (a member of two clubs counted "
                "once); women reached: {reached} ({outside} in no branch)"
            ).format(linked=n(rep.linked), reached=n(rep.reached), outside=n(rep.outside))
        )
    if rep.without_model:
        names = ", ".join(rep.without_model[:NAMED])
        more = len(rep.without_model) - NAMED
        lines.append(
            _("Communes without a model for a hard-to-reach group: {count} ({names})").format(
                count=n(len(rep.without_model)),
                names=names + (_(" and {n} more").format(n=more) if more > 0 else ""),
            )
        )
    lines.append(_("Members working far away: {n}").format(n=n(rep.migrants)))
    if rep.incoming:
        msg = _("Women from elsewhere living here: {n} ({invited} invited to a club)")
        lines.append(msg.format(n=n(rep.incoming), invited=n(rep.incoming_invited)))
    rows = [
        [label(a.code), n(rep.clubs_by_audience.get(a.code, 0)), n(rep.total(a.code))]
        for a in AUDIENCES
        if rep.clubs_by_audience.get(a.code, 0)
    ]
    headers = [_("Group of women"), _("Clubs and models"), _("Members in the group")]
    table = SectionTable(headers, rows, (8.0, 4.0, 4.0)) if rows else None
    return Section("clubs", _("Clubs and special audiences"), lines, table)
