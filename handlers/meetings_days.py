"""The day of a meeting: the choices offered, a typed day, and a second meeting that day."""

from __future__ import annotations

import datetime as dt

from bot.core.context import Ctx
from bot.core.dates import day_done
from bot.core.dialogs import Option, Retry, Values
from bot.core.i18n import N_, _, format_date
from handlers.meetings_common import branch_of, editable, unit_id_of, unit_of
from storage.repositories import meetings


def day_key(branch_id: int, day: dt.date) -> str:
    return f"{branch_id}|{day.isoformat()}"


async def taken(ctx: Ctx, values: Values, branch_ids: list[int], first: dt.date) -> set[str]:
    """Days of `branch_ids` since `first` that already have another logged meeting."""
    days = await meetings.meeting_days(
        ctx.session, branch_ids, first, ctx.today, except_id=values.get("replaces")
    )
    return {day_key(unit_id, day) for unit_id, day in days}


async def date_prompt(ctx: Ctx, values: Values) -> str:
    unit = await unit_of(ctx, values)
    return _("Which day was the meeting of {branch}? Choose, or type a date like 5/3.").format(
        branch=unit.name
    )


async def date_choices(ctx: Ctx, values: Values) -> list[Option]:
    unit = await branch_of(ctx, values)
    today = ctx.today
    out = [Option(today, _("Today ({date})").format(date=today.strftime("%d/%m")))]
    yesterday = today - dt.timedelta(days=1)
    if unit.founded_on is None or yesterday >= unit.founded_on:
        out.append(
            Option(yesterday, _("Yesterday ({date})").format(date=yesterday.strftime("%d/%m")))
        )
    return out


async def parse_date(text: str, ctx: Ctx, values: Values) -> dt.date | Retry:
    day = day_done(text, ctx.today, values)
    if isinstance(day, Retry):
        return day
    unit = await branch_of(ctx, values)
    if unit.founded_on is not None and day < unit.founded_on:
        msg = _("The branch was founded on {founded}; the meeting cannot be earlier.")
        return Retry(msg.format(founded=format_date(unit.founded_on)))
    # A typed day may lie outside the days checked at the start; the clash goes with the answer.
    values["taken"] = set(values.get("taken") or ()) | await taken(
        ctx, values, [unit_id_of(values)], day
    )
    return day


async def same_day_prompt(ctx: Ctx, values: Values) -> str:
    day = values["held_on"]
    msg = _(
        "A meeting of this branch on {date} is already logged. "
        "Is this another meeting on the same day?"
    )
    return msg.format(date=format_date(day))


async def same_day_choices(ctx: Ctx, values: Values) -> list[Option]:
    out = [
        Option(values["held_on"], N_("Yes, another meeting")),
        Option("other", N_("No, choose another day")),
    ]
    rows = await meetings.on_day(ctx.session, unit_id_of(values), values["held_on"])
    if any([await editable(ctx, m) for m in rows]):
        out.append(Option("edit", N_("Correct the meeting already logged")))
    return out
