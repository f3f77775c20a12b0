"""The words of the dues, self-assessment and "1+1" reminders (issue 17 item 6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.core.i18n import N_, _, format_date
from bot.scheduler.messages import names

DUES_LABEL = N_("Record dues now")
SELF_LABEL = N_("Answer “3 có, 3 biết” now")
PAIR_LABEL = N_("Answer about the pair now")


def dues_due(branch: str, year: int, owing: int, members: int, deadline: dt.date) -> str:
    msg = _(
        "{branch}: {owing} of {members} members have not paid their dues for {year} in full. "
        "Please collect them by {date}."
    )
    return msg.format(
        branch=branch, owing=owing, members=members, year=year, date=format_date(deadline)
    )


def dues_late(year: int, commune: str, branches: Sequence[str]) -> str:
    msg = _(
        "{count} branches of {commune} have members who did not pay their dues for {year}: {names}."
    )
    return msg.format(count=len(branches), commune=commune, year=year, names=names(branches))


def dues_late_province(year: int, rows: Sequence[tuple[str, int]]) -> str:
    lines = [_("Communes with branches whose dues for {year} are not collected:").format(year=year)]
    lines += [f"• {name}: {count}" for name, count in rows]
    return "\n".join(lines)


def self_due(branch: str, quarter: str, deadline: dt.date) -> str:
    msg = _("{branch} has not answered “3 có, 3 biết” for {quarter} yet (by {date}).")
    return msg.format(branch=branch, quarter=quarter, date=format_date(deadline))


def self_late(quarter: str, commune: str, branches: Sequence[str]) -> str:
    msg = _("{count} branches of {commune} did not answer “3 có, 3 biết” for {quarter}: {names}.")
    return msg.format(count=len(branches), commune=commune, quarter=quarter, names=names(branches))


def self_late_province(quarter: str, rows: Sequence[tuple[str, int]]) -> str:
    lines = [
        _("Communes with branches that did not answer “3 có, 3 biết” for {quarter}:").format(
            quarter=quarter
        )
    ]
    lines += [f"• {name}: {count}" for name, count in rows]
    return "\n".join(lines)


def pair_due(pair: str, quarter: str) -> str:
    msg = _("“1+1” {pair}: did the two sides meet and help each other in {quarter}?")
    return msg.format(pair=pair, quarter=quarter)
