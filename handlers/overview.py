"""The menu tailored to the role: a line on this quarter for each unit the person leads."""

from __future__ import annotations

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, PROVINCE_ROLES, Ctx
from bot.core.features import Feature
from bot.core.i18n import _, format_date, period_label
from bot.domain.calendar import quarter_of
from bot.domain.rules import review_period
from storage.models import OrgUnit
from storage.repositories import overview
from storage.repositories.overview import BranchStatus


async def overdue(ctx: Ctx, unit: OrgUnit, status: BranchStatus) -> list[str]:
    """A branch's tasks past their deadline, shown first: last quarter's regular meeting
    (DOMAIN rule: one a quarter) and the member review (the branches' deadline)."""
    lines: list[str] = []
    last = quarter_of(ctx.today).previous()
    founded = unit.founded_on is None or unit.founded_on <= last.first_day
    if founded and not status.met_last_quarter:
        msg = _("Overdue: {quarter} has no regular meeting logged (it ended {day}).")
        lines.append(msg.format(quarter=period_label(last), day=format_date(last.last_day)))
    deadline = ctx.rules.review_deadline(review_period(ctx.rules, ctx.today))
    if ctx.today > deadline and status.reviewed_at is None:
        msg = _('Overdue: the member list review was due {day}. Type "rà soát" to confirm it.')
        lines.append(msg.format(day=format_date(deadline)))
    return lines


async def branch_statuses(ctx: Ctx) -> list[tuple[OrgUnit, BranchStatus]]:
    """Each branch the person leads, with this and last quarter's meeting and the review:
    one query a branch, on every menu."""
    quarter = quarter_of(ctx.today)
    last = quarter.previous()
    half = review_period(ctx.rules, ctx.today).key
    return [
        (unit, await overview.branch_status(
            ctx.session, unit, (last.first_day, last.last_day),
            (quarter.first_day, quarter.last_day), half,
        ))
        for unit in ctx.units_for(BRANCH_ROLES)
    ]  # fmt: skip


async def menu_note(ctx: Ctx) -> list[str]:
    quarter = quarter_of(ctx.today)
    lines: list[str] = []
    branches = await branch_statuses(ctx)
    for unit, status in branches:
        lines.extend(await overdue(ctx, unit, status))
    for _unit, status in branches:
        if status.met_this_quarter:
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
    if ctx.units_for(COMMUNE_ROLES) and ctx.person is not None:
        lines.append(
            _('Weekly digest: off (type "bật bản tin tuần" to turn it on).')
            if ctx.person.mute_digests
            else _('Weekly digest: on (type "tắt bản tin tuần" to turn it off).')
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
