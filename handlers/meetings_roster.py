"""\"Sĩ số theo sổ\": a branch head states her branch's member total from the paper register.

While the members typed into the bot are fewer than the register, attendance rates use the
register's total (storage.repositories.unit_figures.rate_base); once the entered roster
reaches it, the stated total no longer matters. Written only on "Đúng, lưu", audited.
"""

from __future__ import annotations

from bot.core.context import BRANCH_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.features import MenuEntry
from bot.core.i18n import N_, _, format_date
from bot.core.types import Reply
from bot.domain.enums import Level
from handlers.meetings_common import branch_of, roster_line
from handlers.meetings_steps import check_total
from handlers.scope import still_covers
from storage.repositories import unit_figures

NAME = "roster_total"


def _branches(ctx: Ctx) -> list[Option]:
    units = sorted(
        (u for u in ctx.units_for(BRANCH_ROLES) if u.level == Level.BRANCH), key=lambda u: u.path
    )
    return [Option(u.id, u.name) for u in units]


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    units = _branches(ctx)
    if not units:
        return Retry(_("You do not look after a branch."))
    if len(units) == 1:
        values.setdefault("branch_id", units[0].value)
    return None


async def _choices(ctx: Ctx, values: Values) -> list[Option]:
    return _branches(ctx)


async def _prompt(ctx: Ctx, values: Values) -> str:
    unit = await branch_of(ctx, values)
    s = ctx.session
    entered = await unit_figures.entered_on(s, unit.id, ctx.today)
    stated = await unit_figures.register_total(s, unit.id, ctx.today)
    lines = [
        _("{count} members of {branch} are entered in the bot so far.").format(
            count=entered, branch=unit.name
        )
    ]
    if stated is not None:
        lines.append(_("The register total given before: {count}.").format(count=stated))
    lines.append(_("How many members does the branch have in its paper register? Type the number."))
    return "\n".join(lines)


async def _parse(text: str, ctx: Ctx, values: Values) -> int | Retry:
    return await check_total(ctx, values["branch_id"], ctx.today, text)


async def _summary(ctx: Ctx, values: Values) -> str:
    unit = await branch_of(ctx, values)
    msg = _("{branch} has {count} members in its paper register, as of {date}.")
    return msg.format(branch=unit.name, count=values["total"], date=format_date(ctx.today))


async def _done(ctx: Ctx, values: Values) -> list[Reply]:
    unit = await branch_of(ctx, values)
    if not ctx.covers(unit):
        return [Reply(_("You no longer look after this branch; nothing was saved."), notice=True)]
    total = int(values["total"])
    await unit_figures.state_total(ctx.session, unit.id, ctx.today, total, ctx.person_id, ctx.now)
    base = await unit_figures.roster_base(ctx.session, unit.id, ctx.today)
    lines = [
        _("Saved: {branch} has {count} members in its register.").format(
            branch=unit.name, count=total
        )
    ]
    if (line := roster_line(base)) is not None:
        lines.append(line)
        lines.append(
            _("Until all of them are entered, attendance rates count {count} members.").format(
                count=total
            )
        )
    else:
        lines.append(_("Every member of the register is entered in the bot."))
    return [Reply("\n".join(lines))]


ROSTER_TOTAL = Dialog(
    NAME,
    steps=[
        Choose("branch_id", N_("Which branch?"), _choices, when=lambda v: "branch_id" not in v),
        Ask(
            "total",
            _prompt,
            parse=_parse,
            example=N_("For example: 80, or tám mươi."),
            when=lambda v: "total" not in v,
            label=N_("Members in the register"),
        ),
        Confirm(_summary),
    ],
    on_done=_done,
    recheck=still_covers("branch_id", BRANCH_ROLES),
    on_start=_start,
    help=N_(
        "Type how many members your branch has in its paper register. Until they are all "
        "entered in the bot, attendance rates are counted against this total."
    ),
)

DIALOGS = [ROSTER_TOTAL]
MENU_ENTRY = MenuEntry(
    "roster_total",
    N_("Members in the register"),
    ROSTER_TOTAL,
    roles=BRANCH_ROLES,
    words=("si so theo so", "si so", "so hoi vien theo so"),
    order=12,
)
