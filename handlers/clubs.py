"""Register a club or model for special audiences in a few replies (DOMAIN rule 11; issue 16).

Name, kind, the audiences it serves (one numbered multi-choice, at least one), founding day
and leader; the founding level starts as hers (a commune officer: the commune; a province
officer: the province) and is changed with "Correct a field". Every commune needs at least
one model for a hard-to-reach group (002 §II.2; 004 §II.2.3).
"""

from __future__ import annotations

import re

from bot.core.choices import match_typed
from bot.core.context import COMMUNE_ROLES, PROVINCE_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, format_date, tr
from bot.core.parsing import read_name, read_number_list
from bot.core.types import Reply
from bot.domain.audiences import AUDIENCES
from bot.domain.clubs import ClubKind, FoundedBy
from bot.domain.textkeys import fold
from bot.reports.audience_names import label, labels
from handlers import clubs_meetings, clubs_members, clubs_view, migrants, migrants_incoming
from handlers.clubs_common import (
    CLUB_ROLES,
    KIND_NAMES,
    commune_options,
    communes,
    day_options,
    parse_commune,
    read_past_day,
)
from handlers.scope import still_covers
from storage.repositories import clubs, org

FOUNDED_NAMES = {
    FoundedBy.BRANCH: N_("The branch"),
    FoundedBy.COMMUNE: N_("The commune Women's Union"),
    FoundedBy.PROVINCE: N_("The province Women's Union"),
    FoundedBy.CENTRAL: N_("The central Women's Union"),
}
MAX_NAME = 200
_NONE_WORDS = {"0", "khong", "khong co", "none"}


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    units = await communes(ctx)
    if not units:
        return Retry(_("Only a commune or province officer can register a club or model."))
    if len(units) == 1:
        values.setdefault("commune_id", units[0].id)
    # Set up by her own level unless she says otherwise ("Correct a field").
    higher = ctx.has_role(PROVINCE_ROLES) and not ctx.units_for(COMMUNE_ROLES)
    values.setdefault("founded_by", (FoundedBy.PROVINCE if higher else FoundedBy.COMMUNE).value)
    return None


async def _name(text: str, ctx: Ctx, values: Values) -> str | Retry:
    name = " ".join(text.split())
    if len(name) < 3 or not re.search(r"[^\W\d_]", name):
        return Retry(_("Please type the name of the club or model."))
    if len(name) > MAX_NAME:
        return Retry(_("That is too long; please keep it under {n} characters.").format(n=MAX_NAME))
    existing = await clubs.of_communes(ctx.session, [int(values["commune_id"])])
    if any(fold(c.name) == fold(name) for c in existing):
        msg = _('The commune already has "{name}". To add members to it, type "thêm vào clb".')
        return Retry(msg.format(name=name))
    return name


KIND_OPTIONS = [Option(k.value, label) for k, label in KIND_NAMES.items()]


def _audience_prompt(ctx: Ctx, values: Values) -> str:
    lines = [_("Which women does it serve? Type the numbers, for example 1 3.")]
    lines += [f"{i}. {label(a.code)}" for i, a in enumerate(AUDIENCES, 1)]
    return "\n".join(lines)


def read_audiences(text: str) -> list[str] | Retry:
    """ "1 3", "2-4", or names ("cao tuổi, khuyết tật"); at least one audience."""
    if fold(text) in _NONE_WORDS:
        return Retry(_("A club or model serves at least one group of women. Please choose one."))
    numbers = read_number_list(text, len(AUDIENCES))
    if numbers is not None:
        return [AUDIENCES[n - 1].code for n in sorted(numbers)]
    names = [label(a.code) for a in AUDIENCES]
    picked: list[str] = []
    for part in re.split(r"[,;\n]+|\s+và\s+|\s+va\s+", text):
        if not part.strip():
            continue
        idx = match_typed(part, names, allow_number=False)
        if idx is None:
            return Retry(_("Please type the numbers of the groups of women, for example 1 3."))
        picked.append(AUDIENCES[idx].code)
    if not picked:
        return Retry(_("A club or model serves at least one group of women. Please choose one."))
    return sorted(set(picked), key=[a.code for a in AUDIENCES].index)


def _audiences(text: str, ctx: Ctx, values: Values) -> list[str] | Retry:
    return read_audiences(text)


def _founded_on(text: str, ctx: Ctx, values: Values) -> object:
    return read_past_day(text, ctx, values, None)


def _leader(text: str, ctx: Ctx, values: Values) -> str | Retry:
    name = read_name(text)
    if name is None or len(name.split()) < 2:
        return Retry(_('Please type the leader\'s full name, or choose "No leader yet".'))
    return name


FOUNDED_OPTIONS = [Option(k.value, label) for k, label in FOUNDED_NAMES.items()]


async def _summary(ctx: Ctx, values: Values) -> str:
    commune = await org.by_id(ctx.session, int(values["commune_id"]))
    assert commune is not None
    lines = [
        _("• Name: {value}").format(value=values["name"]),
        _("• Kind: {value}").format(value=tr(KIND_NAMES[ClubKind(values["kind"])])),
        _("• For: {value}").format(value=", ".join(labels(values["audiences"]))),
        _("• Founded on: {value}").format(value=format_date(values["founded_on"])),
        _("• Set up by: {value}").format(value=tr(FOUNDED_NAMES[FoundedBy(values["founded_by"])])),
        _("• Leader: {value}").format(value=values.get("leader") or _("not yet")),
        _("• Commune: {value}").format(value=commune.name),
    ]
    return "\n".join(lines)


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    club = await clubs.add_club(
        ctx.session,
        int(values["commune_id"]),
        values["name"],
        values["kind"],
        values["audiences"],
        values["founded_on"],
        values["founded_by"],
        values.get("leader"),
        ctx.person_id,
        ctx.now,
    )
    msg = _(
        'Saved {name}. To add its members, type "thêm vào clb"; to log a meeting, type '
        '"ghi sinh hoạt clb".'
    )
    return [Reply(msg.format(name=club.name))]


REGISTER = Dialog(
    "club_register",
    steps=[
        Ask(
            "commune_id",
            N_("For which commune? Choose, or type part of its name."),
            parse=parse_commune,
            options=commune_options,
            when=lambda v: "commune_id" not in v,
        ),
        Ask(
            "name",
            N_("What is the name of the club or model?"),
            parse=_name,
            label=N_("Name"),
            example=N_("For example: CLB Phụ nữ cao tuổi"),
        ),
        Choose("kind", N_("Is it a club, a model, or a group?"), KIND_OPTIONS, label=N_("Kind")),
        Ask(
            "audiences",
            _audience_prompt,
            parse=_audiences,
            number_selects=False,
            label=N_("Women it serves"),
        ),
        Ask(
            "founded_on",
            N_("On which day was it founded? Choose, or type a date like 5/3/2024."),
            parse=_founded_on,
            options=lambda ctx, v: day_options(ctx),
            label=N_("Founded on"),
        ),
        Ask(
            "leader",
            N_('Who leads it? Type her full name, or choose "No leader yet".'),
            parse=_leader,
            options=[Option(None, N_("No leader yet"))],
            when=lambda v: "leader" not in v,
            label=N_("Leader"),
        ),
        Choose(
            "founded_by",
            N_("Which level of the Union set it up?"),
            FOUNDED_OPTIONS,
            when=lambda v: "founded_by" not in v,
            label=N_("Set up by"),
        ),
        Confirm(_summary),
    ],
    on_done=_save,
    recheck=still_covers("commune_id", CLUB_ROLES),
    on_start=_start,
    help=N_(
        "Register a club or model: its name, whether it is a club, model or group, the women it "
        "serves, the day it was founded and its leader; then check and save."
    ),
)

FEATURE = Feature(
    name="clubs",
    dialogs=[
        REGISTER,
        clubs_members.LINK,
        clubs_meetings.LOG,
        migrants.RECORD,
        migrants.VISIT,
        migrants_incoming.INCOMING,
    ],
    menu=[
        MenuEntry(
            "club_register",
            N_("Register a club or model"),
            REGISTER,
            roles=CLUB_ROLES,
            words=("dang ky clb", "dang ky cau lac bo", "them clb", "them mo hinh"),
            order=50,
        ),
        MenuEntry(
            "club_members",
            N_("Add members to a club"),
            clubs_members.LINK,
            roles=CLUB_ROLES,
            words=("them vao clb", "them hoi vien vao clb"),
            order=51,
            listed=False,
        ),
        MenuEntry(
            "club_meeting",
            N_("Log a club meeting"),
            clubs_meetings.LOG,
            roles=CLUB_ROLES,
            words=("ghi sinh hoat clb", "sinh hoat clb", "ghi sinh hoat cau lac bo"),
            order=52,
        ),
        MenuEntry(
            "clubs_view",
            N_("Clubs and models"),
            clubs_view.show,
            roles=CLUB_ROLES,
            words=("xem clb", "cau lac bo", "clb", "mo hinh"),
            order=53,
        ),
        *migrants.MENU,
        migrants_incoming.MENU_ENTRY,
    ],
)
