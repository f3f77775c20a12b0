"""Who brought her in ("1+1", issue 17), asked while registering a member who is joining now
(or joined this year or last): a member of the commune found by part of her name, or Skip.
A member typed in from the paper register is never asked (handlers/members_existing.py)."""

from __future__ import annotations

from typing import Any

from bot.core.context import Ctx
from bot.core.dialogs import Ask, Option, Retry, Values
from bot.core.i18n import N_, _
from bot.domain.enums import Level
from bot.domain.textkeys import fold
from handlers.members_intake import consented
from handlers.members_steps import SKIP, said_none
from storage.repositories import meetings, members, org, pairs

CHOICES = "bringer_choices"  # the members a typed name matched, offered by number
MOST = 8


def newly_joining(v: Values) -> bool:
    joined = v.get("joined")
    return consented(v) and isinstance(joined, dict) and bool(joined.get("new"))


async def _commune_branches(ctx: Ctx, values: Values) -> dict[int, str]:
    """Branch id -> name, for every branch of her branch's commune (the branch alone if none)."""
    branch = await org.by_id(ctx.session, int(values["branch"]["id"]))
    assert branch is not None
    commune = await org.ancestor_at(ctx.session, branch, Level.COMMUNE)
    if commune is None:
        return {branch.id: branch.name}
    units = await org.subtree(ctx.session, commune, Level.BRANCH)
    return {u.id: u.name for u in units}


async def _options(ctx: Ctx, values: Values) -> list[Option]:
    found = [Option(int(mid), str(label)) for mid, label in values.get(CHOICES) or []]
    return [*found, Option(None, SKIP)]


async def parse_bringer(text: str, ctx: Ctx, values: Values) -> int | Retry | None:
    if said_none(text):
        values.pop(CHOICES, None)
        return None
    branches = await _commune_branches(ctx, values)
    found = await pairs.bringers_named(ctx.session, branches, _untitled(text), MOST + 1)
    if not found:
        values.pop(CHOICES, None)
        msg = _(
            'No member of the commune has a name with "{text}". Type part of her name, '
            "or choose Skip."
        )
        return Retry(msg.format(text=text.strip()))
    if len(found) > MOST:
        return Retry(_("Many members have that name. Please type more of it."))
    if len(found) == 1:
        values.pop(CHOICES, None)
        return found[0][0]
    values[CHOICES] = [[mid, f"{name} ({branches[b]})"] for mid, name, b in found]
    return Retry(_("Several members have that name. Type the number of the one who brought her."))


# "chị Cúc", "bà Hạnh": the title is not part of her name.
TITLES = frozenset(("chi", "ba", "co", "em", "me", "di", "bac", "hoi vien", "hv"))


def _untitled(text: str) -> str:
    words = fold(text).split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


def _picked(value: Any, ctx: Ctx, values: Values) -> Any:
    values.pop(CHOICES, None)
    return value


BROUGHT_BY_STEP = Ask(
    "brought_by",
    N_(
        "“1+1”: which member brought her in? Type part of that member's name, or choose Skip "
        "if nobody did."
    ),
    parse_bringer,
    options=_options,
    example=N_("For example: Lan, or Nguyễn Thị Lan"),
    when=newly_joining,
    label=N_("Brought in by"),
    on_pick=_picked,
)


async def summary_line(ctx: Ctx, values: Values) -> str | None:
    if not newly_joining(values):
        return None
    by = values.get("brought_by")
    name = (await meetings.member_names(ctx.session, [int(by)])).get(int(by)) if by else None
    return _("Brought in by: {name}").format(name=name or _("nobody named"))


async def record(ctx: Ctx, values: Values, member_id: int) -> None:
    """In the registration's transaction; a member gone from the roll meanwhile is not named."""
    by = values.get("brought_by")
    if not newly_joining(values) or not by:
        return
    bringer = await members.by_id(ctx.session, int(by))
    if bringer is None or bringer.erased_at is not None or bringer.status not in pairs.ON_ROLL:
        return
    await pairs.set_referral(ctx.session, member_id, bringer.id, ctx.person_id, ctx.now)
