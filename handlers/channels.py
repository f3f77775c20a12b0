"""Channels (issue 19 item 4): where reminders reach her first, and for admins what each
channel sent, failed and has left this month."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.dialogs import Choose, Dialog, Option, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, format_number, tr
from bot.core.types import Reply
from bot.domain.enums import RoleKind
from storage.repositories import channel_quota, person_contacts

NAMES = {
    "zalo_oa": N_("Zalo Official Account"),
    "zalo": N_("Zalo"),
    "telegram": N_("Telegram"),
    "zns": N_("Zalo message to your phone number (ZNS)"),
    "web": N_("Web simulator"),
}
ALL = "all"


async def _options(ctx: Ctx, values: Values) -> list[Option]:
    """Every chat she uses, ZNS if she gave her phone for it, and "all of them"."""
    used = {r.channel for r in await person_contacts.routes(ctx.session, ctx.person_id)}
    contact = await person_contacts.contact(ctx.session, ctx.person_id)
    if contact.consented:
        used.add("zns")
    options = [Option(ALL, N_("Every app I use (as before)"))]
    options += [Option(c, NAMES[c]) for c in ("zalo_oa", "zalo", "telegram", "zns") if c in used]
    return options


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    chosen = values["channel"]
    await person_contacts.set_preferred(
        ctx.session, ctx.person_id, None if chosen == ALL else chosen, ctx.now
    )
    if chosen == ALL:
        return [Reply(_("Reminders will come to every app you use chihoi from."))]
    msg = _("Reminders will come by {channel} first; if it cannot reach you, by another app.")
    return [Reply(msg.format(channel=tr(NAMES[chosen])))]


async def _own_setting(ctx: Ctx, values: Values) -> Retry | None:
    """Her own setting, like her language: no unit to re-check at save time."""
    return None


PREFERENCE = Dialog(
    "channel_preference",
    steps=[Choose("channel", N_("Where should reminders reach you first?"), _options)],
    on_done=_save,
    recheck=_own_setting,
)


async def channel_figures(ctx: Ctx) -> list[Reply]:
    lines = [_("Messages this month, by channel:")]
    for line in await channel_quota.summary(ctx.session, ctx.now, ctx.tz):
        name = tr(NAMES[line.channel]) if line.channel in NAMES else line.channel
        lines.append(
            _("{channel}: {sent} sent, {failed} failed, {waiting} waiting").format(
                channel=name,
                sent=format_number(line.sent),
                failed=format_number(line.failed),
                waiting=format_number(line.waiting),
            )
        )
        for bot, used, allowance, left in line.quotas:
            if allowance is None and left is None:
                continue
            lines.append(
                "  "
                + _("bot {bot}: {used} used, {left} left").format(
                    bot=bot,
                    used=format_number(used),
                    left=format_number(left) if left is not None else "?",
                )
            )
    if len(lines) == 1:
        lines.append(_("Nothing sent yet this month."))
    return [Reply("\n".join(lines))]


FEATURE = Feature(
    name="channels",
    dialogs=[PREFERENCE],
    menu=[
        MenuEntry(
            "channel_preference",
            N_("Where reminders reach me"),
            PREFERENCE,
            words=("kenh nhan tin", "kenh nhan nhac viec", "reminder channel"),
            order=905,
            listed=False,
        ),
        MenuEntry(
            "channel_figures",
            N_("Messages by channel"),
            channel_figures,
            roles=frozenset({RoleKind.ADMIN}),
            words=("tin theo kenh", "kenh gui tin", "messages by channel"),
            order=950,
        ),
    ],
)
