"""The member change "Nơi cư trú": permanent, temporary (6 months or more / under), or away.

Only permanent and temporary-6-months-or-more residents count toward coverage (004 §II.1.2
(1)); someone away 12 months or more is raised at the next review (004, footnote 1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.core.context import Ctx
from bot.core.dates import past_day
from bot.core.dialogs import Ask, Choose, Option, Retry, Values
from bot.core.i18n import N_, _, format_date, tr
from bot.domain.enums import Residence
from handlers import members_rules as rules
from storage.models import Member
from storage.repositories import residence as residences

ACTION = "residence"


def residence_line(m: Member) -> str:
    """Her residence as the card shows it."""
    shown = tr(rules.RESIDENCE[m.residence])
    if m.residence == Residence.AWAY and m.away_since is not None:
        shown = _("{residence} since {day}").format(residence=shown, day=format_date(m.away_since))
    return _("Residence: {residence}").format(residence=shown)


def residence_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(r.value, label) for r, label in rules.RESIDENCE.items()]


def _changing(v: Values) -> bool:
    return v.get("action") == ACTION


def _away(v: Values) -> bool:
    return _changing(v) and v.get("residence") == Residence.AWAY.value


def parse_past(text: str, ctx: Ctx, values: Values) -> dt.date | Retry:
    """A day up to today (a yearless day ahead is asked about once): the change dates'
    shared reading."""
    day = past_day(text, ctx.today, values)
    if isinstance(day, Retry):
        return day
    if day is None:
        return Retry(_("Please type the date as day/month/year, for example 05/03/2026."))
    if day > ctx.today:
        return Retry(_("That date is in the future. Please check the year."))
    return day


def since_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(ctx.today, N_("Today"))]


STEPS = [
    Choose(
        "residence",
        N_("Where does she live now?"),
        residence_options,
        when=_changing,
        label=N_("Residence"),
    ),
    Ask(
        "away_since",
        N_("Since when has she lived elsewhere? For example 01/03/2025."),
        parse_past,
        options=since_options,
        when=_away,
        label=N_("Living elsewhere since"),
    ),
]


def summary(values: Values, name: str) -> str:
    residence = Residence(values["residence"])
    shown = tr(rules.RESIDENCE[residence])
    if residence == Residence.AWAY:
        shown = _("{residence} since {day}").format(
            residence=shown, day=format_date(values["away_since"])
        )
    return _("Residence of {name}: {residence}").format(name=name, residence=shown)


async def save(ctx: Ctx, m: Member, values: Values) -> dict[str, Any]:
    residence = Residence(values["residence"])
    since = values.get("away_since") if residence == Residence.AWAY else None
    await residences.set_residence(
        ctx.session, m, residence, since, ctx.today, ctx.now, ctx.person_id
    )
    return {"branch_id": m.branch_id, "residence": residence.value}
