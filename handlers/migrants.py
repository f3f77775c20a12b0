"""Members working far away (DOMAIN rule 8; 000 §III.2.3, 004 §II.1.1): the sending branch
records where she went, since when, a contact (sealed like every phone) and whether she still
pays dues; logs family visits in two replies; a commune sees its migrants by destination."""

from __future__ import annotations

import datetime as dt

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.features import MenuEntry
from bot.core.i18n import N_, _, format_date, format_number
from bot.core.types import Reply
from bot.domain.enums import Level, MemberStatus
from handlers import members_rules as rules
from handlers.clubs_common import day_options, read_past_day
from handlers.meetings_common import loggable_branches
from handlers.members_steps import SKIP, sealed_phone, shown_phone
from storage.crypto import SealedPhone
from storage.repositories import members, migrants, org

FOLLOW_ROLES = BRANCH_ROLES | COMMUNE_ROLES
MAX_PLACE = 200
YES, NO = "yes", "no"


async def _away(ctx: Ctx) -> list[list[object]]:
    """[id, name] of the members working far away in the branches she looks after."""
    out: list[list[object]] = []
    for branch in await loggable_branches(ctx):
        for a in await migrants.away_under(ctx.session, branch):
            out.append([a.member_id, a.name])
    return out


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    if "away" not in values:
        values["away"] = await _away(ctx)
    if not values["away"]:
        return Retry(
            _(
                "No member of your branch is recorded as working far away. Find her "
                '("tìm hội viên") and choose "Went to work far away" first.'
            )
        )
    if len(values["away"]) == 1:
        values.setdefault("member_id", values["away"][0][0])
    return None


def _member_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(mid, name) for mid, name in values["away"]]


async def _left_on(ctx: Ctx, values: Values) -> dt.date | None:
    row = await migrants.info(ctx.session, int(values["member_id"]))
    if row is not None:
        return row.since
    return await migrants.left_on(ctx.session, int(values["member_id"]))


def _place(text: str, ctx: Ctx, values: Values) -> str | Retry:
    place = " ".join(text.split())
    if len(place) < 2 or place.isdigit():
        return Retry(_("Please type the province, commune or place where she works."))
    if len(place) > MAX_PLACE:
        return Retry(
            _("That is too long; please keep it under {n} characters.").format(n=MAX_PLACE)
        )
    return place


async def _since_options(ctx: Ctx, values: Values) -> list[Option]:
    left = await migrants.left_on(ctx.session, int(values["member_id"]))
    if left is None:
        return day_options(ctx)[:1]
    return [Option(left, _("Since {date}").format(date=format_date(left)))]


def _since(text: str, ctx: Ctx, values: Values) -> object:
    return read_past_day(text, ctx, values, None)


def _contact(text: str, ctx: Ctx, values: Values) -> dict[str, str] | Retry:
    got = rules.check_phone(text)
    if isinstance(got, rules.Problem):
        return Retry(got.reason)
    sealed = sealed_phone(got)
    assert sealed is not None
    return sealed.to_json()  # the dialog's saved state never holds the digits


DUES_OPTIONS = [Option(YES, N_("Yes, she still pays")), Option(NO, N_("No, not now"))]


async def _name(ctx: Ctx, values: Values) -> str:
    m = await members.by_id(ctx.session, int(values["member_id"]))
    return (m.full_name if m else None) or ""


async def _summary(ctx: Ctx, values: Values) -> str:
    lines = [
        _("• Member: {value}").format(value=await _name(ctx, values)),
        _("• Works in: {value}").format(value=values["place"]),
        _("• Since: {value}").format(value=format_date(values["since"])),
        _("• Contact phone: {value}").format(value=shown_phone(values.get("contact")) or _("none")),
        _("• Still pays dues: {value}").format(value=rules.yes_no(values["dues"] == YES)),
    ]
    return "\n".join(lines)


async def _recheck(ctx: Ctx, values: Values) -> Retry | None:
    """She still looks after the member's branch, and the member is still away."""
    m = await members.by_id(ctx.session, int(values["member_id"]))
    branch = await org.by_id(ctx.session, m.branch_id) if m else None
    if m is None or branch is None or not ctx.covers(branch) or m.status != MemberStatus.MIGRANT:
        return Retry(_("She is no longer a member of your branch working far away."))
    return None


async def _save_record(ctx: Ctx, values: Values) -> list[Reply]:
    contact = values.get("contact")
    await migrants.save_info(
        ctx.session,
        int(values["member_id"]),
        values["place"],
        values["since"],
        SealedPhone.from_json(contact) if contact else None,
        values["dues"] == YES,
        ctx.person_id,
        ctx.now,
    )
    msg = _('Saved: {name} works in {place}. When you visit her family, type "ghi thăm gia đình".')
    return [Reply(msg.format(name=await _name(ctx, values), place=values["place"]))]


MEMBER_STEP = Choose(
    "member_id", N_("Which member?"), _member_options, when=lambda v: "member_id" not in v
)

RECORD = Dialog(
    "migrant_record",
    steps=[
        MEMBER_STEP,
        Ask(
            "place",
            N_("Where does she work now? Type the province or place."),
            parse=_place,
            example=N_("For example: Bình Dương"),
            label=N_("Place"),
        ),
        Ask("since", N_("Since when?"), parse=_since, options=_since_options, label=N_("Since")),
        Ask(
            "contact",
            N_('A phone number to reach her? Choose "Skip" if there is none.'),
            parse=_contact,
            options=[Option(None, SKIP)],
            label=N_("Contact phone"),
        ),
        Choose("dues", N_("Does she still pay her dues?"), DUES_OPTIONS, label=N_("Dues")),
        Confirm(_summary),
    ],
    on_done=_save_record,
    recheck=_recheck,
    on_start=_start,
    help=N_(
        "Record where a member working far away is: the place, since when, a phone to reach "
        "her and whether she still pays dues."
    ),
)


async def _visit_prompt(ctx: Ctx, values: Values) -> str:
    return _("On which day did you visit the family of {name}?").format(
        name=await _name(ctx, values)
    )


async def _visit_day(text: str, ctx: Ctx, values: Values) -> object:
    left = await _left_on(ctx, values)
    day = read_past_day(text, ctx, values, None)
    if isinstance(day, dt.date) and left is not None and day < left:
        msg = _("She left on {left}; a visit to her family while she is away comes after that.")
        return Retry(msg.format(left=format_date(left)))
    return day


async def _save_visit(ctx: Ctx, values: Values) -> list[Reply]:
    mid = int(values["member_id"])
    await migrants.add_visit(ctx.session, mid, values["visited_on"], ctx.person_id, ctx.now)
    count = len(await migrants.visits_of(ctx.session, mid))
    msg = _("Saved the visit on {date} to the family of {name} ({count} visits so far). Thank you!")
    return [
        Reply(
            msg.format(
                date=format_date(values["visited_on"]),
                name=await _name(ctx, values),
                count=format_number(count),
            )
        )
    ]


VISIT = Dialog(
    "family_visit",
    steps=[
        MEMBER_STEP,
        Ask(
            "visited_on",
            _visit_prompt,
            parse=_visit_day,
            options=lambda ctx, v: day_options(ctx),
            example=N_("For example: hôm nay, hôm qua, 5/3."),
        ),
    ],
    on_done=_save_visit,
    recheck=_recheck,
    on_start=_start,
    help=N_("Log a visit to the family of a member working far away: choose her, then the day."),
)


async def overview(ctx: Ctx) -> list[Reply]:
    """Her branch's members away (name, place, since, last visit); a commune's by destination."""
    lines: list[str] = []
    for unit in ctx.units_for(COMMUNE_ROLES):
        if unit.level != Level.COMMUNE:
            continue
        rows = await migrants.away_under(ctx.session, unit)
        lines.append(
            _("{commune}: {n} members working far away").format(
                commune=unit.name, n=format_number(len(rows))
            )
        )
        for place, n, paying in migrants.by_destination(rows):
            lines.append(
                _("• {place}: {n} ({paying} still pay dues)").format(
                    place=place or _("place not recorded"),
                    n=format_number(n),
                    paying=format_number(paying),
                )
            )
    for branch in [u for u in ctx.units_for(BRANCH_ROLES) if u.level == Level.BRANCH]:
        rows = await migrants.away_under(ctx.session, branch)
        lines.append(
            _("{branch}: {n} members working far away").format(
                branch=branch.name, n=format_number(len(rows))
            )
        )
        for a in rows:
            visit = format_date(a.last_visit) if a.last_visit else _("no visit yet")
            lines.append(
                _("• {name}: {place}; last family visit: {visit}").format(
                    name=a.name, place=a.destination or _("place not recorded"), visit=visit
                )
            )
    lines.append(
        _(
            'To record where she works, type "ghi nơi làm ăn xa"; a family visit, "ghi thăm gia đình".'
        )
    )
    return [Reply("\n".join(lines))]


MENU = [
    MenuEntry(
        "migrants",
        N_("Members working far away"),
        overview,
        roles=FOLLOW_ROLES,
        words=("lam an xa", "di lam an xa", "hoi vien di lam an xa"),
        order=54,
    ),
    MenuEntry(
        "migrant_record",
        N_("Record where she works far away"),
        RECORD,
        roles=FOLLOW_ROLES,
        words=("ghi noi lam an xa", "noi lam an xa"),
        order=55,
        listed=False,
    ),
    MenuEntry(
        "family_visit",
        N_("Log a family visit"),
        VISIT,
        roles=FOLLOW_ROLES,
        words=("ghi tham gia dinh", "tham gia dinh"),
        order=56,
        listed=False,
    ),
]
