"""What the club screens share: whose clubs, picking a commune or a club, a typed past day."""

from __future__ import annotations

import datetime as dt

from bot.core.context import COMMUNE_ROLES, PROVINCE_ROLES, Ctx
from bot.core.dates import day_done
from bot.core.dialogs import Option, Retry, Values
from bot.core.i18n import N_, _, format_date, tr
from bot.domain.clubs import ClubKind
from bot.domain.enums import Level
from bot.domain.textkeys import fold
from bot.reports.audience_names import labels
from storage.models import Club, OrgUnit
from storage.repositories import clubs, org

# Clubs belong to a commune; its chair and officers run them, a province officer may register
# one for a commune (a club set up by a higher level, 004 §II.1.2 (1)).
CLUB_ROLES = COMMUNE_ROLES | PROVINCE_ROLES
KIND_NAMES = {
    ClubKind.CLUB: N_("Club"),
    ClubKind.MODEL: N_("Model"),
    ClubKind.GROUP: N_("Group or team"),
}
# Listed as choices up to this many; more are found by typing part of the name.
LISTED = 8


async def communes(ctx: Ctx) -> list[OrgUnit]:
    """Her communes: her own as a commune officer, those under her province otherwise."""
    out = [u for u in ctx.units_for(COMMUNE_ROLES) if u.level == Level.COMMUNE]
    for unit in ctx.units_for(PROVINCE_ROLES):
        out += await org.subtree(ctx.session, unit, Level.COMMUNE)
    return out


async def her_clubs(ctx: Ctx) -> list[Club]:
    return await clubs.of_communes(ctx.session, [c.id for c in await communes(ctx)])


async def commune_options(ctx: Ctx, values: Values) -> list[Option]:
    units = await communes(ctx)
    return [Option(u.id, u.name) for u in units] if len(units) <= LISTED else []


def _pick(text: str, named: list[tuple[int, str]]) -> int | Retry:
    word = fold(text)
    found = [i for i, name in named if word and word in fold(name)]
    if len(found) == 1:
        return found[0]
    if not found:
        msg = _('I found nothing named "{text}". Please type another part of the name.')
        return Retry(msg.format(text=text))
    names = ", ".join(name for i, name in named if i in found[:5])
    return Retry(_("Several match: {names}. Please type more of the name.").format(names=names))


async def parse_commune(text: str, ctx: Ctx, values: Values) -> int | Retry:
    return _pick(text, [(u.id, u.name) for u in await communes(ctx)])


async def club_options(ctx: Ctx, values: Values) -> list[Option]:
    found = await her_clubs(ctx)
    return [Option(c.id, c.name) for c in found] if len(found) <= LISTED else []


async def parse_club(text: str, ctx: Ctx, values: Values) -> int | Retry:
    return _pick(text, [(c.id, c.name) for c in await her_clubs(ctx)])


async def need_clubs(ctx: Ctx, values: Values) -> Retry | None:
    """`on_start` of the dialogs that act on a club: one club is chosen for her."""
    found = await her_clubs(ctx)
    if not found:
        return Retry(
            _('Your commune has no club or model yet. Choose "Register a club or model" first.')
        )
    if len(found) == 1:
        values.setdefault("club_id", found[0].id)
    return None


async def club_of(ctx: Ctx, values: Values) -> Club:
    club = await clubs.by_id(ctx.session, int(values["club_id"]))
    assert club is not None
    return club


async def commune_of_club(ctx: Ctx, values: Values) -> OrgUnit:
    club = await club_of(ctx, values)
    unit = await org.by_id(ctx.session, club.commune_id)
    assert unit is not None
    return unit


def read_past_day(
    text: str, ctx: Ctx, values: Values, not_before: dt.date | None
) -> dt.date | Retry:
    day = day_done(text, ctx.today, values)
    if isinstance(day, Retry):
        return day
    if not_before is not None and day < not_before:
        msg = _("That is before {date}. Please check the day.")
        return Retry(msg.format(date=format_date(not_before)))
    return day


def day_options(ctx: Ctx) -> list[Option]:
    today = ctx.today
    yesterday = today - dt.timedelta(days=1)
    return [
        Option(today, _("Today ({date})").format(date=today.strftime("%d/%m"))),
        Option(yesterday, _("Yesterday ({date})").format(date=yesterday.strftime("%d/%m"))),
    ]


def club_line(club: Club, codes: list[str]) -> str:
    """ "CLB Phụ nữ khuyết tật (Câu lạc bộ; Khuyết tật)"."""
    kind = tr(KIND_NAMES.get(ClubKind(club.kind), KIND_NAMES[ClubKind.CLUB]))
    return f"{club.name} ({kind}; {', '.join(labels(codes))})"
