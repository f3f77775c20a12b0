"""The officers' web dashboard from the chat: a one-time sign-in link, signing out of every
browser, and the coverage map as a picture ("Bản đồ tỷ lệ tập hợp")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, PROVINCE_ROLES, Ctx
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _
from bot.core.lazy import lazy
from bot.core.types import Attachment, Reply
from bot.domain.calendar import half_of
from bot.domain.enums import RoleKind
from storage.repositories import audit, measures, official_units
from storage.repositories import dashboard as links

if TYPE_CHECKING:
    from bot.reports import coverage_map
else:  # matplotlib loads with the first map, not with the bot
    coverage_map = lazy("bot.reports.coverage_map")

OFFICER_ROLES = COMMUNE_ROLES | PROVINCE_ROLES | {RoleKind.ADMIN}
SIGN_IN_PATH = "/dashboard/login?t="


async def open_dashboard(ctx: Ctx) -> list[Reply]:
    base = ctx.rules.dashboard_url
    if base is None:
        return [Reply(_("The management page is not switched on for this bot yet."))]
    token = await links.new_link(ctx.session, ctx.person_id, ctx.now)
    await audit.record(
        ctx.session, ctx.now, ctx.person_id, "dashboard_link", "person", ctx.person_id
    )
    text = _(
        "Here is your link to the management page. It works once, only for you, for "
        "10 minutes:\n{url}\nPlease do not forward it."
    )
    return [Reply(text.format(url=base + SIGN_IN_PATH + token))]


async def sign_out_everywhere(ctx: Ctx) -> list[Reply]:
    ended = await links.end_all(ctx.session, ctx.person_id, ctx.now)
    await audit.record(
        ctx.session, ctx.now, ctx.person_id, "dashboard_sign_out_all", "person", ctx.person_id
    )
    if not ended:
        return [Reply(_("No browser was signed in to the management page; unused links are void."))]
    msg = _("Signed out of the management page on {count} browsers; unused links are void.")
    return [Reply(msg.format(count=ended))]


async def send_map(ctx: Ctx) -> list[Reply]:
    """Her widest unit's communes at their official positions, coloured by coverage band."""
    units = [r.unit for r in ctx.roles if r.kind in OFFICER_ROLES]
    if not units:
        return [Reply(_("The coverage map is for commune and province officers."))]
    top = min(units, key=lambda u: (u.path.count("/"), u.path))
    period = half_of(ctx.today)
    r = await measures.measure(ctx.session, top, period, ctx.today, ctx.rules)
    wanted = coverage_map.communes_of(r, top.id)
    points, _missing = coverage_map.map_points(
        r, top.id, await official_units.positions(ctx.session, wanted)
    )
    if not points:
        return [
            Reply(
                _(
                    "No commune of {unit} has an official position yet; an administrator "
                    "can add them with `chihoi org import --official`."
                ).format(unit=top.name)
            )
        ]
    png = coverage_map.png(r, top.id, points)
    caption = _("Coverage map – {unit}").format(unit=top.name)
    name = f"ban-do-{top.code}-{period.key}.png".lower()
    return [Reply(caption, attachment=Attachment("photo", name, png, caption))]


FEATURE = Feature(
    name="dashboard",
    menu=[
        MenuEntry(
            "dashboard",
            N_("Open the management page"),
            open_dashboard,
            roles=OFFICER_ROLES,
            words=("mo trang quan ly", "trang quan ly", "dashboard", "open the management page"),
            order=55,
        ),
        # Branch heads see their own branch there too, but their short menu stays short.
        MenuEntry(
            "dashboard_branch",
            N_("Open the management page"),
            open_dashboard,
            roles=BRANCH_ROLES,
            words=("mo trang quan ly", "trang quan ly", "dashboard"),
            listed=False,
            order=56,
        ),
        MenuEntry(
            "coverage_map",
            N_("Coverage map"),
            send_map,
            roles=OFFICER_ROLES,
            words=("ban do ty le tap hop", "ban do", "coverage map"),
            order=57,
        ),
        MenuEntry(
            "dashboard_sign_out",
            N_("Sign out of the management page everywhere"),
            sign_out_everywhere,
            words=("dang xuat moi noi", "dang xuat", "sign out everywhere"),
            listed=False,
            order=58,
        ),
    ],
)
