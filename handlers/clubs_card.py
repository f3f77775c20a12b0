"""Her card's issue-16 lines: the clubs she belongs to and where she works far away."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.i18n import _, format_date
from bot.domain.enums import MemberStatus
from storage.models import Member
from storage.repositories import clubs, migrants


async def card_lines(ctx: Ctx, m: Member) -> list[str]:
    lines = []
    names = await clubs.names_for_member(ctx.session, m.id)
    if names:
        lines.append(_("Clubs: {names}").format(names=", ".join(names)))
    if m.status == MemberStatus.MIGRANT:
        row = await migrants.info(ctx.session, m.id)
        visits = await migrants.visits_of(ctx.session, m.id)
        last = format_date(visits[-1]) if visits else _("no visit yet")
        if row is None:
            msg = _('Works far away: place not recorded yet (type "ghi nơi làm ăn xa")')
            lines.append(msg)
        else:
            msg = _("Works far away: {place}, since {since}; last family visit: {visit}")
            lines.append(
                msg.format(place=row.destination, since=format_date(row.since), visit=last)
            )
    return lines
