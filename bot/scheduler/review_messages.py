"""Words of the commune's part of the member review: the national software update (rule 7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.core.i18n import N_, _, format_date
from bot.scheduler.messages import names

SOFTWARE_LABEL = N_("Confirm the software update now")


def software_due(
    commune: str, period: str, days_left: int, deadline: dt.date, pending: Sequence[str]
) -> str:
    """To the commune chair: confirm the national member software is updated."""
    if days_left == 0:
        msg = _(
            "{commune}, review of the {period}: today is the last day to finish updating the "
            "national member software. Please confirm when it is done."
        )
    else:
        msg = _(
            "{commune}, review of the {period}: the national member software must be updated "
            "by {date} ({days} days left). Please confirm when it is done."
        )
    text = msg.format(commune=commune, period=period, date=format_date(deadline), days=days_left)
    if pending:
        line = _("Branches that have not confirmed their list yet: {names}.")
        text += "\n" + line.format(names=names(pending))
    return text


def software_late_province(period: str, deadline: dt.date, late: Sequence[str]) -> str:
    """To province officers: communes that did not confirm the update by the deadline."""
    msg = _(
        "Member review of the {period}: {count} communes have not confirmed updating the "
        "national member software by {date}: {names}."
    )
    return msg.format(period=period, count=len(late), date=format_date(deadline), names=names(late))
