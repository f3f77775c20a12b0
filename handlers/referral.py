"""Who brought her in ("1+1": one member brings in one woman, 004 note 2): the branch head
names, for a member who joined this year or last, the member who brought her; reports count
the women each member and each branch brought in."""

from __future__ import annotations

import datetime as dt

from bot.core.context import BRANCH_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _
from bot.core.parsing import read_number_list
from bot.core.types import Reply
from handlers.dues_common import branch_options, start_branch
from handlers.scope import still_covers
from storage.repositories import meetings, pairs


async def _joiners(ctx: Ctx, values: Values) -> list[tuple[int, str]]:
    since = dt.date(ctx.today.year - 1, 1, 1)
    return await pairs.joined_since(ctx.session, int(values["branch_id"]), since)


async def _others(ctx: Ctx, values: Values) -> list[tuple[int, str]]:
    roster = await meetings.roster_on(ctx.session, int(values["branch_id"]), ctx.today)
    return [(mid, name) for mid, name in roster if mid != values.get("member")]


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    refused = await start_branch(ctx, values)
    if refused is not None or "branch_id" not in values:
        return refused
    if not await _joiners(ctx, values):
        return Retry(_("No member has joined the branch since last year."))
    return None


def _numbered(head: str, people: list[tuple[int, str]]) -> str:
    return "\n".join([head, *(f"{i}. {name or '?'}" for i, (_m, name) in enumerate(people, 1))])


async def _member_prompt(ctx: Ctx, values: Values) -> str:
    return _numbered(_("Which new member? Type her number."), await _joiners(ctx, values))


async def _by_prompt(ctx: Ctx, values: Values) -> str:
    return _numbered(_("Which member brought her in? Type her number."), await _others(ctx, values))


def _one(text: str, people: list[tuple[int, str]]) -> int | Retry:
    picked = read_number_list(text, len(people))
    if not picked or len(picked) != 1:
        return Retry(_("Please type one number from the list."))
    return people[min(picked) - 1][0]


async def _member(text: str, ctx: Ctx, values: Values) -> int | Retry:
    return _one(text, await _joiners(ctx, values))


async def _by(text: str, ctx: Ctx, values: Values) -> int | Retry:
    return _one(text, await _others(ctx, values))


async def _summary(ctx: Ctx, values: Values) -> str:
    names = await meetings.member_names(ctx.session, [values["member"], values["by"]])
    return _("{member} was brought in by {by}.").format(
        member=names.get(values["member"], "?"), by=names.get(values["by"], "?")
    )


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    await pairs.set_referral(
        ctx.session, int(values["member"]), int(values["by"]), ctx.person_id, ctx.now
    )
    return [Reply(_("Saved. Thank you!"))]


REFERRAL = Dialog(
    "member_referral",
    steps=[
        Choose(
            "branch_id", N_("Which branch?"), branch_options, when=lambda v: "branch_id" not in v
        ),
        Ask("member", _member_prompt, parse=_member, number_selects=False, label=N_("New member")),
        Ask("by", _by_prompt, parse=_by, number_selects=False, label=N_("Brought in by")),
        Confirm(_summary),
    ],
    on_done=_save,
    on_start=_start,
    recheck=still_covers("branch_id", BRANCH_ROLES),
    help=N_(
        "“1+1”: one member brings in one woman. Name the member who brought the new member in."
    ),
)


FEATURE = Feature(
    name="member_referral",
    dialogs=[REFERRAL],
    menu=[
        MenuEntry(
            "member_referral",
            N_("Who brought her in"),
            REFERRAL,
            roles=BRANCH_ROLES,
            words=("ai van dong", "nguoi van dong", "ai gioi thieu"),
            order=21,
            listed=False,
        ),
    ],
)
