""" "1+1" in chat (issue 17 item 4, DOMAIN rule 13): the commune records pairs (a strong or
fair branch helping a weak one, a mentor helping a branch head); each quarter both sides
are asked whether they met; a branch head records who brought a new member in."""

from __future__ import annotations

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, period_label
from bot.core.parsing import read_name
from bot.core.types import Reply
from bot.domain.calendar import quarter_of
from bot.domain.enums import Level
from handlers.dues_common import branch_options, start_branch
from handlers.scope import still_covers
from storage.models.dues import HelpPair
from storage.repositories import org, pairs

BRANCH, MENTOR = pairs.BRANCH, pairs.MENTOR


async def _communes(ctx: Ctx) -> list[Option]:
    return [Option(u.id, u.name) for u in ctx.units_for(COMMUNE_ROLES) if u.level == Level.COMMUNE]


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    communes = await _communes(ctx)
    if not communes:
        return Retry(_("Only the commune's chair or officers can record “1+1” pairs."))
    if len(communes) == 1:
        values.setdefault("commune_id", communes[0].value)
    return None


async def _commune_options(ctx: Ctx, values: Values) -> list[Option]:
    return await _communes(ctx)


async def _branches(ctx: Ctx, values: Values) -> list[Option]:
    commune = await org.by_id(ctx.session, int(values["commune_id"]))
    assert commune is not None
    return [Option(b.id, b.name) for b in await org.subtree(ctx.session, commune, Level.BRANCH)]


def _kinds(ctx: Ctx, values: Values) -> list[Option]:
    return [
        Option(BRANCH, N_("A branch helps a branch")),
        Option(MENTOR, N_("A mentor helps a branch head")),
    ]


def _mentor(text: str, ctx: Ctx, values: Values) -> str | Retry:
    name = read_name(text)
    if name is None:
        return Retry(_("Please type the mentor's full name."))
    return name


async def _helped_picked(value: int, ctx: Ctx, values: Values) -> int | Retry:
    if values.get("kind") == BRANCH and int(value) == int(values.get("helper", 0)):
        return Retry(_("A branch cannot be paired with itself. Please choose another branch."))
    return int(value)


async def _names(ctx: Ctx, ids: list[int]) -> dict[int, str]:
    out = {}
    for uid in ids:
        u = await org.by_id(ctx.session, uid)
        out[uid] = u.name if u else "?"
    return out


async def _summary(ctx: Ctx, values: Values) -> str:
    names = await _names(
        ctx, [int(values["helped"]), *([int(values["helper"])] if values.get("helper") else [])]
    )
    helper = names[int(values["helper"])] if values["kind"] == BRANCH else values["mentor"]
    text = _("“1+1”: {helper} helps {helped}").format(
        helper=helper, helped=names[int(values["helped"])]
    )
    return text


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    kind = values["kind"]
    await pairs.add_pair(
        ctx.session,
        int(values["commune_id"]),
        kind,
        int(values["helper"]) if kind == BRANCH else None,
        values.get("mentor") if kind == MENTOR else None,
        int(values["helped"]),
        ctx.today,
        ctx.person_id,
        ctx.now,
    )
    return [Reply(_("Saved. Each quarter I will ask both sides how it went."))]


PAIR = Dialog(
    "help_pair",
    steps=[
        Choose(
            "commune_id",
            N_("Which commune?"),
            _commune_options,
            when=lambda v: "commune_id" not in v,
        ),
        Choose("kind", N_("What kind of “1+1” pair?"), _kinds, label=N_("Kind")),
        Choose(
            "helper",
            N_("Which branch helps?"),
            _branches,
            when=lambda v: v.get("kind") == BRANCH,
            label=N_("Helping branch"),
        ),
        Ask(
            "mentor",
            N_("What is the mentor's full name?"),
            parse=_mentor,
            when=lambda v: v.get("kind") == MENTOR,
            label=N_("Mentor"),
        ),
        Ask(
            "helped",
            N_("Which branch is helped?"),
            options=_branches,
            on_pick=_helped_picked,
            label=N_("Helped branch"),
        ),
        Confirm(_summary),
    ],
    on_done=_save,
    on_start=_start,
    recheck=still_covers("commune_id", COMMUNE_ROLES),
    help=N_(
        "“1+1”: a strong or fair branch helps a weak one; a party member mentors a branch head."
    ),
)


# --- the quarterly check-in ---------------------------------------------------------------


async def my_pairs(ctx: Ctx, values: Values) -> list[HelpPair]:
    return await pairs.for_branches(ctx.session, [int(values["branch_id"])])


async def pair_label(ctx: Ctx, p: HelpPair) -> str:
    names = await _names(ctx, [x for x in (p.helper_unit_id, p.helped_unit_id) if x is not None])
    helper = names.get(p.helper_unit_id or 0) or p.mentor_name or "?"
    return f"{helper} → {names.get(p.helped_unit_id, '?')}"


async def _pair_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(p.id, await pair_label(ctx, p)) for p in await my_pairs(ctx, values)]


async def _checkin_start(ctx: Ctx, values: Values) -> Retry | None:
    refused = await start_branch(ctx, values)
    if refused is not None or "branch_id" not in values:
        return refused
    found = await my_pairs(ctx, values)
    if not found:
        return Retry(_("Your branch has no “1+1” pair yet."))
    if len(found) == 1:
        values["pair_id"] = found[0].id
    return None


def _yes_no(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(True, N_("Yes, we did")), Option(False, N_("Not yet"))]


async def _checkin_prompt(ctx: Ctx, values: Values) -> str:
    return _("{quarter}: did the two sides of the pair meet and help each other?").format(
        quarter=period_label(quarter_of(ctx.today))
    )


async def _checkin_save(ctx: Ctx, values: Values) -> list[Reply]:
    q = quarter_of(ctx.today)
    await pairs.check_in(
        ctx.session, int(values["pair_id"]), q.key, ctx.person_id, bool(values["helped"]), ctx.now
    )
    return [Reply(_("Saved. Thank you!"))]


CHECK_IN = Dialog(
    "pair_check_in",
    steps=[
        Choose(
            "branch_id", N_("Which branch?"), branch_options, when=lambda v: "branch_id" not in v
        ),
        Choose("pair_id", N_("Which pair?"), _pair_options, when=lambda v: "pair_id" not in v),
        Choose("helped", _checkin_prompt, _yes_no),
    ],
    on_done=_checkin_save,
    on_start=_checkin_start,
    recheck=still_covers("branch_id", BRANCH_ROLES),
)


FEATURE = Feature(
    name="pairs",
    dialogs=[PAIR, CHECK_IN],
    menu=[
        MenuEntry(
            "help_pair",
            N_("Record a “1+1” pair"),
            PAIR,
            roles=COMMUNE_ROLES,
            words=("ghep cap", "ghep cap 1 1", "mot cong mot"),
            order=47,
        ),
        MenuEntry(
            "pair_check_in",
            N_("Answer about the “1+1” pair"),
            CHECK_IN,
            roles=BRANCH_ROLES,
            words=("tra loi cap", "cap giup nhau"),
            order=33,
            listed=False,
        ),
    ],
)
