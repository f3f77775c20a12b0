"""The menu tailored to the role: a line on this quarter for each unit the person leads."""

from __future__ import annotations

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, PROVINCE_ROLES, Ctx
from bot.core.features import Feature
from bot.core.i18n import _, period_label
from bot.domain.calendar import quarter_of
from storage.repositories import overview


async def menu_note(ctx: Ctx) -> list[str]:
    quarter = quarter_of(ctx.today)
    lines: list[str] = []
    for unit in ctx.units_for(BRANCH_ROLES):
        met, _total = await overview.branches_met(
            ctx.session, unit, quarter.first_day, quarter.last_day
        )
        if met:
            lines.append(
                _("{quarter}: the regular meeting is logged.").format(quarter=period_label(quarter))
            )
        else:
            lines.append(
                _("{quarter}: no regular meeting logged yet (quarter ends {day}).").format(
                    quarter=period_label(quarter), day=quarter.last_day.strftime("%d/%m")
                )
            )
    for unit in ctx.units_for(COMMUNE_ROLES | PROVINCE_ROLES):
        met, total = await overview.branches_met(
            ctx.session, unit, quarter.first_day, quarter.last_day
        )
        lines.append(
            _("{quarter}: {met} of {total} branches have held their regular meeting.").format(
                quarter=period_label(quarter), met=met, total=total
            )
        )
        if unreachable := await overview.unreachable_heads(ctx.session, unit):
            lines.append(
                _("{count} branch heads cannot be reached by the bot (blocked or left).").format(
                    count=unreachable
                )
            )
    if ctx.is_admin and (failed := await overview.failed_messages(ctx.session)):
        lines.append(
            _(
                "{count} messages could not be delivered after every retry "
                "(chihoi jobs failed lists them; chihoi jobs retry sends them again)."
            ).format(count=failed)
        )
    return lines


FEATURE = Feature(name="overview", menu_note=menu_note)
