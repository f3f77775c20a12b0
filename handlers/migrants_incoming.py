"""A receiving commune records a woman who came to live and work here (temporary resident)
and invites her to a club (004 §II.1.1; 000 §III.2.3). Her home branch is told nothing of her
unless she agrees; only then does the record keep that she may be shared."""

from __future__ import annotations

from bot.core.context import COMMUNE_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.features import MenuEntry
from bot.core.i18n import N_, _, format_date
from bot.core.types import Reply
from bot.domain.enums import Level
from handlers import members_rules as rules
from handlers.clubs_common import day_options, read_past_day
from handlers.members_steps import SKIP, sealed_phone, shown_phone
from handlers.scope import still_covers
from storage.crypto import SealedPhone
from storage.repositories import clubs, migrants, org

YES, NO = "yes", "no"
MAX_PLACE = 200


def _communes(ctx: Ctx) -> list[int]:
    return [u.id for u in ctx.units_for(COMMUNE_ROLES) if u.level == Level.COMMUNE]


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    ids = _communes(ctx)
    if not ids:
        return Retry(_("Only a commune officer can record women who came to live here."))
    values.setdefault("commune_id", ids[0])
    return None


def _name(text: str, ctx: Ctx, values: Values) -> str | Retry:
    got = rules.check_name(text)
    return Retry(got.reason) if isinstance(got, rules.Problem) else got


def _place(text: str, ctx: Ctx, values: Values) -> str | Retry:
    place = " ".join(text.split())
    if len(place) < 2 or len(place) > MAX_PLACE or place.isdigit():
        return Retry(_("Please type the province or commune she comes from."))
    return place


def _since(text: str, ctx: Ctx, values: Values) -> object:
    return read_past_day(text, ctx, values, None)


def _phone(text: str, ctx: Ctx, values: Values) -> dict[str, str] | Retry:
    got = rules.check_phone(text)
    if isinstance(got, rules.Problem):
        return Retry(got.reason)
    sealed = sealed_phone(got)
    assert sealed is not None
    return sealed.to_json()


SHARE_OPTIONS = [
    Option(YES, N_("Yes, she agrees")),
    Option(NO, N_("No: tell her home branch nothing")),
]


async def _club_options(ctx: Ctx, values: Values) -> list[Option]:
    found = await clubs.of_communes(ctx.session, [int(values["commune_id"])])
    return [*(Option(c.id, c.name) for c in found), Option(None, N_("No club for now"))]


async def _summary(ctx: Ctx, values: Values) -> str:
    club = await clubs.by_id(ctx.session, values["club"]) if values.get("club") else None
    lines = [
        _("• Name: {value}").format(value=values["name"]),
        _("• Comes from: {value}").format(value=values["home"]),
        _("• Living here since: {value}").format(value=format_date(values["since"])),
        _("• Phone: {value}").format(value=shown_phone(values.get("phone")) or _("none")),
        _("• Her home branch may be told: {value}").format(
            value=rules.yes_no(values["share"] == YES)
        ),
        _("• Invited to: {value}").format(value=club.name if club else _("none")),
    ]
    return "\n".join(lines)


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    phone = values.get("phone")
    await migrants.add_incoming(
        ctx.session,
        int(values["commune_id"]),
        values["name"],
        values["home"],
        values["since"],
        SealedPhone.from_json(phone) if phone else None,
        values["share"] == YES,
        values.get("club"),
        ctx.person_id,
        ctx.now,
    )
    commune = await org.by_id(ctx.session, int(values["commune_id"]))
    msg = _("Saved {name} as a temporary resident of {commune}. Thank you for welcoming her!")
    return [Reply(msg.format(name=values["name"], commune=commune.name if commune else ""))]


INCOMING = Dialog(
    "incoming_woman",
    steps=[
        Ask(
            "name",
            N_("What is her full name?"),
            parse=_name,
            label=N_("Full name"),
            example=N_("For example: Nguyễn Thị Lan"),
        ),
        Ask(
            "home",
            N_("Which province or commune does she come from?"),
            parse=_place,
            label=N_("Comes from"),
        ),
        Ask(
            "since",
            N_("Since when has she lived here?"),
            parse=_since,
            options=lambda ctx, v: day_options(ctx),
            label=N_("Since"),
        ),
        Ask(
            "phone",
            N_('Her phone number? Choose "Skip" if she has none.'),
            parse=_phone,
            options=[Option(None, SKIP)],
            label=N_("Phone number"),
        ),
        Choose(
            "share",
            N_("Does she agree that the Union tells her home branch she lives here?"),
            SHARE_OPTIONS,
            label=N_("Home branch told"),
        ),
        Choose("club", N_("Which club do you invite her to?"), _club_options, label=N_("Club")),
        Confirm(_summary),
    ],
    on_done=_save,
    recheck=still_covers("commune_id", COMMUNE_ROLES),
    on_start=_start,
    help=N_(
        "Record a woman who came to live and work in the commune: her name, where she comes "
        "from, since when, a phone, whether her home branch may be told, and a club to invite "
        "her to."
    ),
)

MENU_ENTRY = MenuEntry(
    "incoming_woman",
    N_("Record a woman who came to live here"),
    INCOMING,
    roles=COMMUNE_ROLES,
    words=("ghi nguoi tam tru", "phu nu tam tru", "nguoi moi den"),
    order=57,
    listed=False,
)
