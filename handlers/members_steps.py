"""Steps and parsers the member dialogs share: her branch, names, dates, phones, ID numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.core.context import BRANCH_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Option, Retry, Values
from bot.core.i18n import N_, Msg, _, tr
from bot.core.parsing import read_name
from bot.domain.enums import Level
from bot.domain.textkeys import fold
from handlers import members_names as names
from handlers import members_rules as rules
from handlers.members_rules import Birth, Problem
from handlers.scope import still_covers
from storage import crypto
from storage.crypto import SealedPhone
from storage.models import OrgUnit
from storage.repositories import members, org

SKIP = N_("Skip")


async def branch_info(ctx: Ctx, unit: OrgUnit) -> dict[str, Any]:
    groups = [u for u in await org.children(ctx.session, unit.id) if u.level == Level.GROUP]
    return {"id": unit.id, "name": unit.name, "groups": bool(groups)}


async def pick_branch(ctx: Ctx, values: Values) -> Retry | None:
    """Her own branch; a person leading several branches is asked which one."""
    branches = ctx.units_for(BRANCH_ROLES)
    if not branches:
        return Retry(_("Only a branch head or deputy can do this, for her own branch."))
    if len(branches) == 1 and "branch" not in values:
        values["branch"] = await branch_info(ctx, branches[0])
    return None


# At save time: she still leads the branch she is adding members to.
branch_still_hers = still_covers("branch", BRANCH_ROLES, N_("You no longer lead this branch."))


async def branch_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(await branch_info(ctx, u), u.name) for u in ctx.units_for(BRANCH_ROLES)]


BRANCH_STEP = Choose(
    "branch", N_("Which branch?"), branch_options, when=lambda v: "branch" not in v
)


def yes_no_options(yes: Msg, no: Msg) -> list[Option]:
    return [Option(True, yes), Option(False, no)]


def birth_of(values: Values, key: str = "birth") -> Birth | None:
    got = values.get(key)
    return Birth(got["day"], got["approx"]) if got else None


async def parse_name(text: str, ctx: Ctx, values: Values) -> str | Retry:
    """Misplaced answers refused, accents offered or confirmed (handlers/members_names.py)."""
    return await names.parse_name(text, ctx, values)


# "She has none", said the ways people say it: the same as the Skip option.
NONE_WORDS = frozenset(
    ("khong co", "khong", "ko", "ko co", "chua co", "khong nho", "khong biet", "bo qua", "skip")
)


def said_none(text: str) -> bool:
    return fold(text) in NONE_WORDS


def parse_phone(text: str, ctx: Ctx, values: Values) -> dict[str, str] | Retry | None:
    """A mobile number, kept sealed in the dialog: the conversation row never holds it."""
    if said_none(text):
        return None
    got = rules.check_phone(text)
    if isinstance(got, Problem):
        return Retry(got.reason)
    if not crypto.has_key():
        return Retry(
            _("Phone numbers cannot be stored yet: the data key is not set up. Please skip.")
        )
    sealed = crypto.seal_phone(got)
    assert sealed is not None
    return sealed.to_json()


def sealed_phone(value: dict[str, str] | str | None) -> SealedPhone | None:
    # A str: a dialog saved before phones were sealed (still open at the upgrade).
    if isinstance(value, str):
        return crypto.seal_phone(value)
    return SealedPhone.from_json(value) if value else None


def shown_phone(value: dict[str, str] | str | None) -> str | None:
    """The phone a dialog holds, for her own summary (she has just typed it)."""
    sealed = sealed_phone(value)
    return rules.show_phone(sealed.digits()) if sealed else None


def parse_ticks(text: str, ctx: Ctx, values: Values) -> list[str] | Retry:
    got = rules.read_ticks(text)
    if isinstance(got, Problem):
        return Retry(got.reason)
    return _age_checked(got, ctx, values)


def _age_checked(got: set[str], ctx: Ctx, values: Values) -> list[str] | Retry:
    """An audience her age contradicts is asked about once: the same answer again keeps it."""
    answer = sorted(got)
    aged = rules.check_ticks_age(got, birth_of(values), ctx.today)
    if aged is None or values.get("age_kept") == answer:
        return answer
    values["age_kept"] = answer
    return Retry(aged.reason)


def parse_register_ticks(text: str, ctx: Ctx, values: Values) -> list[str] | Retry:
    """The registration tick-list, whose last items are temporary residence."""
    got = rules.read_ticks(text, rules.REGISTER_TICKS)
    if isinstance(got, Problem):
        return Retry(got.reason)
    residence = rules.residence_ticked(got)
    if isinstance(residence, Problem):
        return Retry(residence.reason)
    return _age_checked(got, ctx, values)


def parse_word(text: str, ctx: Ctx, values: Values) -> str | Retry:
    got = read_name(text)
    return Retry(_("Please type the name in letters, for example Tày.")) if got is None else got


def refused_id(branch: str) -> str:
    msg = _("This ID number is already registered in {branch}; a person is a member of one branch.")
    return msg.format(branch=branch)


async def seal_new_id(
    ctx: Ctx, text: str, birth: Birth | None, member_id: int | None = None
) -> dict[str, str] | Retry:
    """Check an ID number, refuse one already registered anywhere, and seal it for storage.

    The dialog keeps only the sealed form, so the conversation row never holds the digits.
    """
    if not crypto.has_key():
        return Retry(_("ID numbers cannot be stored yet: the data key is not set up. Please skip."))
    got = rules.check_id(text, birth, ctx.today)
    if isinstance(got, Problem):
        return Retry(got.reason)
    sealed = crypto.seal_id(got)
    holder = await members.branch_holding_id(ctx.session, sealed.index, except_member=member_id)
    if holder is not None:
        return Retry(refused_id(holder.name))
    return sealed.to_json()


def ticks_prompt(ctx: Ctx, values: Values, ticks: list[tuple[str, Msg]] = rules.TICKS) -> str:
    lines = [_("Which of these is she? Type the numbers, for example 1 3, or 0 for none.")]
    lines += [f"{i}. {tr(label)}" for i, (_key, label) in enumerate(ticks, 1)]
    birth = birth_of(values)
    if birth and rules.is_young(birth.day, ctx.today):
        lines.append(_("(She is under 35, so she is counted as a young woman.)"))
    return "\n".join(lines)


def register_ticks_prompt(ctx: Ctx, values: Values) -> str:
    return ticks_prompt(ctx, values, rules.REGISTER_TICKS)


def ticks_step(name: str, when: Callable[[Values], bool], *, register: bool = False) -> Ask:
    """Core member and the groups she belongs to, as one typed list ("1 3", "0" for none)."""
    return Ask(
        name,
        register_ticks_prompt if register else ticks_prompt,
        parse_register_ticks if register else parse_ticks,
        options=[Option([], N_("None of these"))],
        number_selects=False,
        when=when,
        label=N_("Groups and core member"),
    )


def sensitive_consent_step(when: Callable[[Values], bool]) -> Ask:
    """The separate, explicit consent ethnicity, religion and disability need (sensitive data)."""
    return Choose(
        "sensitive_ok",
        N_(
            "Ethnicity, religion and disability are sensitive personal data. Does she explicitly "
            "agree that the Union records them, only to organise activities for these women?"
        ),
        yes_no_options(N_("Yes, she agrees"), N_("No: do not record them")),
        when=when,
    )
