"""What the dues, fund and assessment screens share: her branch, money read into a kind
re-ask, the year a screen is about."""

from __future__ import annotations

import datetime as dt

from bot.core.context import BRANCH_ROLES, Ctx
from bot.core.dates import day_done
from bot.core.dialogs import Option, Retry, Values
from bot.core.i18n import _
from bot.domain.money import MoneyProblem, money_digits, read_money
from bot.reports.dues_text import money
from storage.models import OrgUnit
from storage.repositories import org


async def start_branch(ctx: Ctx, values: Values) -> Retry | None:
    """A branch head's screen: her branch, picked when she leads several."""
    branches = ctx.units_for(BRANCH_ROLES)
    if not branches:
        return Retry(_("Only a branch head or deputy can do this, for her own branch."))
    if len(branches) == 1:
        values.setdefault("branch_id", branches[0].id)
    values.setdefault("year", ctx.today.year)
    return None


async def branch_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(u.id, u.name) for u in ctx.units_for(BRANCH_ROLES)]


async def branch(ctx: Ctx, values: Values) -> OrgUnit:
    unit = await org.by_id(ctx.session, int(values["branch_id"]))
    if unit is None:
        raise LookupError("branch vanished during the dialog")
    return unit


def read_amount(text: str, most: int) -> int | Retry:
    """An amount in đồng, or the reason it is not one she can save."""
    got = read_money(text)
    if got == MoneyProblem.NEGATIVE:
        return Retry(_("An amount cannot be negative. Please type it again."))
    if got == MoneyProblem.ZERO:
        return Retry(_("An amount of 0 đồng records nothing. Please type the amount paid."))
    if got == MoneyProblem.NO_UNIT:
        return Retry(
            _('I am not sure how much "{text}" is. Please add "k" for thousands, e.g. 50k.').format(
                text=text.strip()
            )
        )
    if isinstance(got, MoneyProblem):
        return Retry(_("I could not read this amount. Please type only the amount of money."))
    if got > most:
        return Retry(
            _("{amount} is more than {most}; it looks like a typing slip. Please check.").format(
                amount=money(got), most=money(most)
            )
        )
    return got


def read_day(text: str, ctx: Ctx, values: Values) -> dt.date | Retry:
    day = day_done(text, ctx.today, values)
    if isinstance(day, Retry):
        return day
    return day


__all__ = ["money", "money_digits"]
