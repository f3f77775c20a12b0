"""Steps of the log dialog beyond the day: the tổ, the register total, the head count and
its one-time check, the form and the commune leader.

A head count is never refused for being high: the roster may be only partly typed in. A
count above every known total, or one giving a rate under 1/3 (or a single person, which on
Zalo may be the option number typed by mistake), is asked about once.
"""

from __future__ import annotations

import datetime as dt

from bot.core.context import Ctx
from bot.core.dialogs import Option, Retry, Values
from bot.core.i18n import N_, _, format_date
from bot.core.parsing import read_count, read_head_count, read_yes_no
from bot.domain.enums import Level, MeetingForm
from handlers import meetings_ticks
from handlers.meetings_common import (
    FORM_NAMES,
    base_of,
    branch_of,
    groups_of,
    meeting_name,
    unit_of,
)
from storage.repositories import meetings, org, unit_figures

# A branch's register is in the tens or hundreds; a bigger total is a typing slip.
MAX_TOTAL = 2000
OVER, LOW = "over", "low"
FIX, NEW_TOTAL = "fix", "total"

FORM_OPTIONS = [Option(f.value, label) for f, label in FORM_NAMES.items()]


async def group_choices(ctx: Ctx, values: Values) -> list[Option]:
    """ "Cả chi hội" first, then each tổ of the branch."""
    out = [Option(None, N_("The whole branch"))]
    return out + [Option(g.id, g.name) for g in await groups_of(ctx, values["branch_id"])]


# --- the register total ---------------------------------------------------------------------


async def total_prompt(ctx: Ctx, values: Values) -> str:
    unit = await branch_of(ctx, values)
    entered = await unit_figures.entered_on(ctx.session, unit.id, values["held_on"])
    if entered == 0:
        head = _("No member of {branch} has been entered in the bot yet.")
    else:
        head = _("{count} members of {branch} are entered in the bot so far.")
    ask = _("How many members does the branch have in its paper register? Type the number.")
    return "\n".join([head.format(branch=unit.name, count=entered), ask])


async def check_total(ctx: Ctx, unit_id: int, day: dt.date, text: str) -> int | Retry:
    """A register total: a number, at least the members already entered, and plausible."""
    n = read_count(text)
    if not n:
        return Retry(_("Please send the number of members, for example 80."))
    if n > MAX_TOTAL:
        return Retry(_("{count} members is more than a branch has; please check.").format(count=n))
    entered = await unit_figures.entered_on(ctx.session, unit_id, day)
    if n < entered:
        msg = _(
            "{entered} members are already entered in the bot, so the register cannot have "
            "fewer ({count}). Please check the number."
        )
        return Retry(msg.format(entered=entered, count=n))
    return n


async def parse_total(text: str, ctx: Ctx, values: Values) -> int | Retry:
    return await check_total(ctx, values["branch_id"], values["held_on"], text)


# --- the head count -------------------------------------------------------------------------


async def present_prompt(ctx: Ctx, values: Values) -> str:
    base = await base_of(ctx, values)
    unit = await unit_of(ctx, values)
    lines = [_("How many members came? Type the number, e.g. 22.")]
    day = format_date(values["held_on"])
    if base.incomplete:
        msg = _("The branch has {total} members in its register ({entered} entered in the bot).")
        lines.append(msg.format(total=base.base, entered=base.entered))
    elif base.base and unit.level == Level.GROUP:
        msg = _("The group {group} had {count} members on {date}.")
        lines.append(msg.format(group=unit.name, count=base.base, date=day))
    elif base.base:
        lines.append(
            _("The branch had {count} members on {date}.").format(count=base.base, date=day)
        )
    return "\n".join(lines)


async def present_choices(ctx: Ctx, values: Values) -> list[Option]:
    if not await meetings_ticks.roster(ctx, values):
        return []  # no member records to tick
    return [Option(meetings_ticks.TICK, N_("Tick names from the member list"))]


async def parse_present(text: str, ctx: Ctx, values: Values) -> int | Retry:
    base = (await base_of(ctx, values)).base
    # "tất cả", "đủ", "vắng 3" count against the members on the day; "0" is asked about.
    n = read_head_count(text, base)
    if n is None:
        return Retry(_("Please send a number, for example 22."))
    values.pop("count_ok", None)  # a new count is checked afresh
    if n > base:
        values["doubt"] = OVER
    elif n <= 1 or n * 3 < base:
        values["doubt"] = LOW
    else:
        values["doubt"] = None
    return n


def doubtful(values: Values) -> bool:
    """A typed count still to be confirmed (a tick-list answer names its people)."""
    present = values.get("present")
    return (
        bool(values.get("doubt"))
        and isinstance(present, int)
        and not isinstance(present, bool)
        and "count_ok" not in values
    )


async def check_prompt(ctx: Ctx, values: Values) -> str:
    base = await base_of(ctx, values)
    unit = await unit_of(ctx, values)
    name = await meeting_name(ctx, unit)
    n = int(values["present"])
    if values.get("doubt") == OVER:
        if base.incomplete or (base.stated and base.stated >= base.entered):
            msg = _("{branch} has {total} members in its register; you wrote {count} present.")
        else:
            msg = _("{branch} had {total} members on that day; you wrote {count} present.")
        return " ".join([msg.format(branch=name, total=base.base, count=n), _("Is that right?")])
    if n == 1:
        return _("You wrote 1 member present. Is that right?")
    msg = _("You wrote {count} of {total} members present, under a third. Is that right?")
    return msg.format(count=n, total=base.base)


async def parse_check(text: str, ctx: Ctx, values: Values) -> object:
    """A typed answer to the check: yes keeps the count, no asks it again, and a number is
    the corrected count (asked about once more only if it is doubtful too)."""
    yes = read_yes_no(text)
    if yes is not None:
        return True if yes else FIX
    n = await parse_present(text, ctx, values)
    if isinstance(n, Retry):
        return Retry(_('Please answer "đúng" if the number is right, or type the right number.'))
    values["present"] = n
    if doubtful(values):
        return Retry(_("I wrote {count} present instead.").format(count=n))
    return True


async def check_choices(ctx: Ctx, values: Values) -> list[Option]:
    out = [Option(True, N_("Yes, that is right")), Option(FIX, N_("Correct the number"))]
    if values.get("doubt") == OVER and not values.get("group_id"):
        out.append(Option(NEW_TOTAL, N_("Enter the register's member total")))
    if values.get("doubt") == LOW and await meetings_ticks.roster(ctx, values):
        out.append(Option(meetings_ticks.TICK, N_("Tick names from the member list")))
    return out


# --- the commune leader ---------------------------------------------------------------------


async def leader_choices(ctx: Ctx, values: Values) -> list[Option]:
    """ "Không có" first, then the commune's chair, vice chairs and officers by name."""
    out = [Option(None, N_("None"))]
    unit = await branch_of(ctx, values)
    commune = await org.ancestor_at(ctx.session, unit, Level.COMMUNE)
    if commune is not None:
        out += [
            Option(pid, name)
            for pid, name in await meetings.commune_leaders(ctx.session, commune.id)
        ]
    if len(out) == 1 or values.get("leader") is True:
        out.append(Option(True, N_("Yes, a commune leader came")))
    return out


def leader_fields(leader: object) -> tuple[bool, int | None]:
    """(leader_present, leader_id) from the leader answer, kept in step."""
    if leader is None or leader is False:
        return False, None
    if isinstance(leader, bool):
        return True, None
    return True, int(str(leader))


FORM_DEFAULT = MeetingForm.DIRECT.value
