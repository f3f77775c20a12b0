"""Her dues on the member card (issue 17 item 1): this year's status and the years paid."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.i18n import N_, Msg, _
from bot.domain import dues as D
from bot.reports.dues_text import money
from storage.models import Member
from storage.repositories import dues, org

STATUS: dict[D.DuesStatus, Msg] = {
    D.DuesStatus.PAID: N_("paid"),
    D.DuesStatus.PARTIAL: N_("partly paid"),
    D.DuesStatus.EXEMPT: N_("exempt"),
    D.DuesStatus.UNPAID: N_("not paid"),
}


async def dues_line(ctx: Ctx, m: Member) -> str | None:
    """ "Hội phí: 2026 đã đóng 30.000 đ; 2025: 30.000 đ", or None where nothing is known."""
    year = ctx.today.year
    paid = dict(await dues.history(ctx.session, m.id))
    unit = await org.by_id(ctx.session, m.branch_id)
    found = await dues.rate_for(ctx.session, unit, year) if unit is not None else None
    parts = []
    if found is not None:
        owed, _why = D.due(found.rate, m.birth_year, await dues.relief_of(ctx.session, m.id, year))
        status = D.status(owed, paid.get(year, 0))
        parts.append(f"{year} {_(STATUS[status])} {money(paid.get(year, 0))}/{money(owed)}")
    elif year in paid:
        parts.append(f"{year}: {money(paid[year])}")
    parts += [f"{y}: {money(a)}" for y, a in sorted(paid.items(), reverse=True) if y != year][:3]
    if not parts:
        return None
    return _("Dues: {history}").format(history="; ".join(parts))
