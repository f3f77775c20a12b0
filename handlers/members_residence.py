"""The member change "Nơi cư trú": permanent, temporary (6 months or more / under), or away.

Only permanent and temporary-6-months-or-more residents count toward coverage (004 §II.1.2
(1)); someone away 12 months or more is raised at the next review (004, footnote 1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.core.context import Ctx
from bot.core.dates import past_day
from bot.core.dialogs import Ask, Option, Retry, Values
from bot.core.i18n import N_, _, format_date, tr
from bot.domain.enums import Residence
from bot.domain.textkeys import fold
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


# Said in chat rather than in the sheet's words: she lives elsewhere.
_GONE_WORDS = ("di xa", "di lam xa", "o xa", "chuyen di noi khac", "khong o day")


def parse_residence(text: str, ctx: Ctx, values: Values) -> str | Retry:
    """Her residence in words ("thường trú", "vắng", "đi xa"); "tạm trú" alone is asked again
    for how long."""
    key = fold(text)
    if key and any(key == w or key.startswith(w + " ") for w in _GONE_WORDS):
        return Residence.AWAY.value
    got = rules.read_residence_cell(text) if key else None
    if isinstance(got, Residence):
        return got.value
    if key.startswith("tam tru"):
        return Retry(_('For how long? For example: "tạm trú từ 6 tháng" or "dưới 6 tháng".'))
    return Retry(_('Please choose where she lives now, for example "Thường trú".'))


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
    Ask(
        "residence",
        N_("Where does she live now?"),
        parse_residence,
        options=residence_options,
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
