"""Link a member of the commune to a club, or count the club's women who are in no branch.

A linked member is already counted by her branch, so coverage counts her once; women in no
branch are only counted (never named) and reach coverage through the commune's club-only
total (004 §II.1.2 (1)). A member of another commune is refused with the reason.
"""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.dialogs import Ask, Confirm, Dialog, Option, Retry, Values
from bot.core.i18n import N_, _, format_number
from bot.core.parsing import read_count
from bot.core.types import Reply
from bot.domain.audiences import SENSITIVE
from bot.domain.enums import Level
from handlers.clubs_common import (
    CLUB_ROLES,
    club_of,
    club_options,
    commune_of_club,
    need_clubs,
    parse_club,
)
from handlers.members_rules import SENSITIVE_PURPOSE
from handlers.scope import still_covers
from storage.repositories import clubs, members, org

OUTSIDE = "outside"
MAX_OUTSIDE = 5000


async def _who(text: str, ctx: Ctx, values: Values) -> object:
    commune = await commune_of_club(ctx, values)
    found = await clubs.linkable(ctx.session, commune, text)
    values.pop("picked", None)  # a name typed again replaces an earlier pick
    if len(found) == 1:
        return await _consented(ctx, values, found[0][0].id)
    if found:
        values["candidates"] = [[m.id, f"{m.full_name} ({u.name})"] for m, u in found]
        return "pick"
    root = await org.ancestor_at(ctx.session, commune, Level.PROVINCE) or commune
    elsewhere = await clubs.linkable(ctx.session, root, text, limit=1)
    if elsewhere:
        other = await org.ancestor_at(ctx.session, elsewhere[0][1], Level.COMMUNE)
        msg = _(
            "{name} is a member in {commune}, not in {club_commune}: a club takes members of "
            "its own commune. Please type another name."
        )
        return Retry(
            msg.format(
                name=elsewhere[0][0].full_name,
                commune=other.name if other else elsewhere[0][1].name,
                club_commune=commune.name,
            )
        )
    msg = _('I found no member of {commune} named "{text}". Please type another name.')
    return Retry(msg.format(commune=commune.name, text=text))


async def _consented(ctx: Ctx, values: Values, member_id: int) -> int | Retry:
    """A club for a sensitive audience (disability, ethnicity, religion) tells who belongs to
    it: she is linked only with the separate consent her card records (DOMAIN rule 9)."""
    codes = (await clubs.audiences_of(ctx.session, [int(values["club_id"])])).get(
        int(values["club_id"]), []
    )
    if not SENSITIVE & set(codes):
        return member_id
    if await members.has_consent(ctx.session, member_id, SENSITIVE_PURPOSE):
        return member_id
    return Retry(
        _(
            "This club is for women with a disability, of an ethnic minority or of a religion: "
            "I add her only once she has agreed to that being recorded (on her card)."
        )
    )


async def _pick(value: object, ctx: Ctx, values: Values) -> object:
    return await _consented(ctx, values, int(str(value)))


def _who_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(OUTSIDE, N_("Women not in the register"))]


def _candidates(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(mid, name) for mid, name in values.get("candidates") or []]


def _outside(text: str, ctx: Ctx, values: Values) -> int | Retry:
    n = read_count(text)
    if n is None:
        return Retry(_("Please type a number, for example 12."))
    if n > MAX_OUTSIDE:
        return Retry(_("That is more than {n}. Please check.").format(n=format_number(MAX_OUTSIDE)))
    return n


def _member_id(values: Values) -> int | None:
    for key in ("picked", "who"):
        if isinstance(values.get(key), int):
            return int(values[key])
    return None


async def _summary(ctx: Ctx, values: Values) -> str:
    club = await club_of(ctx, values)
    if values["who"] == OUTSIDE:
        line = _("{club}: {count} women of the club are in no branch of the commune.").format(
            club=club.name, count=format_number(values["outside"])
        )
    else:
        member = await members.by_id(ctx.session, _member_id(values) or 0)
        name = member.full_name if member else ""
        line = _("Add {name} to {club}.").format(name=name, club=club.name)
    return line


async def _recheck(ctx: Ctx, values: Values) -> Retry | None:
    """She still looks after the club's commune, and the member is still in it."""
    club = await club_of(ctx, values)
    values["commune_id"] = club.commune_id
    refused = await still_covers("commune_id", CLUB_ROLES)(ctx, values)
    if refused is not None or values["who"] == OUTSIDE:
        return refused
    member = await members.by_id(ctx.session, _member_id(values) or 0)
    branch = await org.by_id(ctx.session, member.branch_id) if member else None
    commune = await commune_of_club(ctx, values)
    if branch is None or not branch.path.startswith(commune.path):
        return Retry(_("She is no longer a member of this commune; nothing was saved."))
    return None


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    club = await club_of(ctx, values)
    if values["who"] == OUTSIDE:
        total = await clubs.set_outside(
            ctx.session, club, int(values["outside"]), ctx.today, ctx.person_id, ctx.now
        )
        msg = _(
            "Saved. Women in clubs but in no branch of the commune: {total} in all "
            "(counted once in the coverage rate)."
        )
        return [Reply(msg.format(total=format_number(total)))]
    mid = _member_id(values)
    assert mid is not None
    added = await clubs.link(ctx.session, club, mid, ctx.today, ctx.person_id, ctx.now)
    count = (await clubs.linked_counts(ctx.session, [club.id])).get(club.id, 0)
    if not added:
        return [Reply(_("She is already a member of {club}.").format(club=club.name))]
    msg = _("Saved. {club} now has {count} members from the register.")
    return [Reply(msg.format(club=club.name, count=format_number(count)))]


LINK = Dialog(
    "club_link",
    steps=[
        Ask(
            "club_id",
            N_("Which club or model? Choose, or type part of its name."),
            parse=parse_club,
            options=club_options,
            when=lambda v: "club_id" not in v,
        ),
        Ask(
            "who",
            N_(
                "Which member joins? Type part of her name (any branch of the commune), or "
                'choose "Women not in the register" to give their number.'
            ),
            parse=_who,
            options=_who_options,
            example=N_("For example: nguyen thi lan"),
        ),
        Ask(
            "picked",
            N_("Several members have this name. Which one?"),
            options=_candidates,
            on_pick=_pick,
            when=lambda v: v.get("who") == "pick",
        ),
        Ask(
            "outside",
            N_("How many women of the club are in no branch of the commune?"),
            parse=_outside,
            number_selects=False,
            when=lambda v: v.get("who") == OUTSIDE,
        ),
        Confirm(_summary),
    ],
    on_done=_save,
    recheck=_recheck,
    on_start=need_clubs,
    help=N_(
        "Add a member of any branch of the commune to a club by typing her name, or give the "
        "number of the club's women who are in no branch. Each woman is counted once."
    ),
)
