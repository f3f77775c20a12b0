"""Living with reminders: put the latest one off for a few days (once), mute the weekly digest."""

from __future__ import annotations

import datetime as dt

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, Ctx
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, format_date
from bot.core.types import Reply
from bot.domain.rules import SNOOZABLE
from storage.repositories import audit, snoozes

# Only a reminder received lately can be put off; an old one is about a past deadline.
RECENT = dt.timedelta(days=10)
PERIOD_LIMIT = 16  # snooze.period column


async def snooze(ctx: Ctx) -> list[Reply]:
    """Put off the latest reminder by `snooze_days`; the sweep repeats it once afterwards."""
    s = ctx.session
    row = await snoozes.latest_sent(s, ctx.person_id, SNOOZABLE, ctx.now - RECENT)
    period = str(row.payload.get("period", "")) if row is not None else ""
    if row is None or not period or len(period) > PERIOD_LIMIT:
        return [Reply(_("You have no recent reminder to put off."))]
    if await snoozes.is_snoozed(s, ctx.person_id, row.kind, period):
        return [Reply(_("You already put this reminder off once, so it cannot be put off again."))]
    until = ctx.now + dt.timedelta(days=ctx.rules.snooze_days)
    await snoozes.snooze(s, ctx.person_id, row.kind, period, until)
    await audit.record(s, ctx.now, ctx.person_id, "reminder_snoozed", "outbox", row.id)
    # The sweep runs once a day, so the repeat comes with the first sweep after `until`.
    again = until.astimezone(ctx.tz).date() + dt.timedelta(
        days=1 if _after_sweep(ctx, until) else 0
    )
    msg = _("All right. I will remind you again on {date}.")
    return [Reply(msg.format(date=format_date(again)))]


def _after_sweep(ctx: Ctx, until: dt.datetime) -> bool:
    return until.astimezone(ctx.tz).time() > dt.time(8, 0)


async def _set_digest(ctx: Ctx, muted: bool) -> list[Reply]:
    person = ctx.person
    assert person is not None
    if person.mute_digests == muted:  # "tắt bản tin tuần" twice must not turn it back on
        if muted:
            return [
                Reply(_('The weekly digest is already off. Type "bật bản tin tuần" to turn it on.'))
            ]
        return [Reply(_("The weekly digest is already on. It comes on Monday mornings."))]
    await snoozes.mute_digests(ctx.session, person.id, muted)
    person.mute_digests = muted
    if muted:
        return [Reply(_("The weekly digest is off. Choose this again to turn it back on."))]
    return [Reply(_("The weekly digest is on again. It comes on Monday mornings."))]


async def toggle_digest(ctx: Ctx) -> list[Reply]:
    assert ctx.person is not None
    return await _set_digest(ctx, not ctx.person.mute_digests)


async def digest_off(ctx: Ctx) -> list[Reply]:
    return await _set_digest(ctx, True)


async def digest_on(ctx: Ctx) -> list[Reply]:
    return await _set_digest(ctx, False)


FEATURE = Feature(
    name="reminders",
    menu=[
        MenuEntry(
            "snooze",
            N_("Remind me again later"),
            snooze,
            roles=BRANCH_ROLES | COMMUNE_ROLES,
            words=("nhac lai sau", "hoan nhac", "de sau"),
            order=880,
            listed=False,
        ),
        MenuEntry(
            "digest_toggle",
            N_("Weekly digest: turn off or on"),
            toggle_digest,
            roles=COMMUNE_ROLES,
            words=("ban tin tuan",),
            order=890,
        ),
        # Said in words, "tắt" and "bật" mean off and on, never a toggle.
        MenuEntry(
            "digest_off",
            N_("Turn the weekly digest off"),
            digest_off,
            roles=COMMUNE_ROLES,
            words=("tat ban tin", "tat ban tin tuan", "tat thong bao tuan"),
            order=891,
            listed=False,
        ),
        MenuEntry(
            "digest_on",
            N_("Turn the weekly digest on"),
            digest_on,
            roles=COMMUNE_ROLES,
            words=("bat ban tin", "bat ban tin tuan", "mo ban tin tuan"),
            order=892,
            listed=False,
        ),
    ],
)
