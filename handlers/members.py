"""Member registry: register a member from the chat (consent first, then name, birth, phone, ID).

Step order is chosen so that a member with name, birth date, phone and ID number takes
8 replies from the menu: open, consent, name, birth, phone, ID, groups, save.
"""

from __future__ import annotations

from typing import Any

from bot.core.context import BRANCH_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, tr
from bot.core.types import Reply
from bot.domain.enums import Level
from handlers import members_changes, members_search
from handlers import members_rules as rules
from handlers.members_rules import Problem
from handlers.members_steps import (
    BRANCH_STEP,
    SKIP,
    birth_of,
    parse_name,
    parse_phone,
    parse_word,
    pick_branch,
    refused_id,
    seal_new_id,
    sensitive_consent_step,
    ticks_step,
    yes_no_options,
)
from storage.crypto import SealedId
from storage.repositories import audit, member_counts, members, org


def going(v: Values) -> bool:
    return not v.get("same_person")


def consented(v: Values) -> bool:
    return going(v) and bool(v.get("consent"))


def sensitive_ticked(v: Values) -> bool:
    return consented(v) and bool(rules.SENSITIVE & set(v.get("ticks") or ()))


def sensitive_agreed(v: Values, key: str) -> bool:
    return sensitive_ticked(v) and bool(v.get("sensitive_ok")) and key in v["ticks"]


async def parse_birth(text: str, ctx: Ctx, values: Values) -> dict[str, Any] | Retry:
    """A birth date of an adult, and whether the branch has someone of that name and birth."""
    got = rules.check_birth(text, ctx.today)
    if isinstance(got, Problem):
        return Retry(got.reason)
    same = await members.same_name_and_birth(
        ctx.session, values["branch"]["id"], values["name"], got.day, got.approx
    )
    return {"day": got.day, "approx": got.approx, "dup": same.id if same else None}


async def parse_id(text: str, ctx: Ctx, values: Values) -> dict[str, str] | Retry:
    return await seal_new_id(ctx, text, birth_of(values))


# --- prompts ------------------------------------------------------------------------


def same_person_prompt(ctx: Ctx, values: Values) -> str:
    birth = birth_of(values)
    assert birth is not None
    return _(
        "{branch} already has a member called {name}, born {birth}. Is this the same person?"
    ).format(branch=values["branch"]["name"], name=values["name"], birth=birth.show())


async def group_options(ctx: Ctx, values: Values) -> list[Option]:
    groups = await org.children(ctx.session, values["branch"]["id"])
    options = [Option(g.id, g.name) for g in groups if g.level == Level.GROUP]
    return [*options, Option(None, N_("Not in a group"))]


STEPS = [
    BRANCH_STEP,
    Choose(
        "consent",
        N_(
            "First, does she agree that the Union stores her details (date of birth, phone, "
            "ID number) to manage membership?"
        ),
        yes_no_options(N_("Yes, she agrees"), N_("No: keep only her name and year of birth")),
        label=N_("Consent"),
    ),
    Ask(
        "name",
        N_("Her full name?"),
        parse_name,
        example=N_("For example: Nguyễn Thị Lan"),
        label=N_("Full name"),
    ),
    Ask(
        "birth",
        N_("Her date of birth? If you know only the year, type the year."),
        parse_birth,
        example=N_("For example: 05/03/1985 or 1985"),
        label=N_("Date of birth"),
    ),
    Choose(
        "same_person",
        same_person_prompt,
        yes_no_options(
            N_("Yes, the same person: do not add her again"), N_("No, a different person")
        ),
        when=lambda v: bool(v["birth"]["dup"]),
    ),
    Ask(
        "phone",
        N_("Her mobile phone number? Press Skip if she has none."),
        parse_phone,
        options=[Option(None, SKIP)],
        example=N_("For example: 0912 345 678"),
        when=consented,
        label=N_("Phone number"),
    ),
    Ask(
        "cccd",
        N_("Her citizen ID number (CCCD, 12 digits; an old CMND has 9)? Press Skip if not known."),
        parse_id,
        options=[Option(None, SKIP)],
        example=N_("For example: 038 188 001 234"),
        when=consented,
        label=N_("ID number"),
    ),
    Choose(
        "group",
        N_("Which group (tổ) does she live in?"),
        group_options,
        when=lambda v: consented(v) and v["branch"]["groups"],
        label=N_("Group"),
    ),
    ticks_step("ticks", consented),
    sensitive_consent_step(sensitive_ticked),
    Ask(
        "ethnicity",
        N_("Which ethnic group?"),
        parse_word,
        example=N_("For example: Tày, Mường"),
        when=lambda v: sensitive_agreed(v, "ethnic_minority"),
        label=N_("Ethnic group"),
    ),
    Ask(
        "religion",
        N_("Which religion?"),
        parse_word,
        example=N_("For example: Công giáo, Phật giáo"),
        when=lambda v: sensitive_agreed(v, "religious"),
        label=N_("Religion"),
    ),
]


async def summary(ctx: Ctx, values: Values) -> str:
    birth = birth_of(values)
    assert birth is not None
    consent = bool(values["consent"])
    lines = [
        _("New member of {branch}:").format(branch=values["branch"]["name"]),
        _("Full name: {name}").format(name=values["name"]),
    ]
    if not consent:
        lines.append(_("Year of birth: {year}").format(year=birth.day.year))
        lines.append(_("Without her consent only her name and year of birth are kept."))
        return "\n".join(lines)
    none = _("none")
    phone = values.get("phone")
    cccd = values.get("cccd")
    lines += [
        _("Date of birth: {birth}").format(birth=birth.show()),
        _("Phone: {phone}").format(phone=rules.show_phone(phone) if phone else none),
        _("ID number: {masked}").format(masked=cccd["masked"] if cccd else none),
    ]
    if values["branch"]["groups"]:
        group = await org.by_id(ctx.session, values["group"]) if values.get("group") else None
        lines.append(_("Group: {group}").format(group=group.name if group else none))
    ticks = set(values.get("ticks") or ())
    if not values.get("sensitive_ok"):
        ticks -= rules.SENSITIVE
    names = rules.category_names(ticks, birth.day, ctx.today)
    lines.append(_("Groups: {names}").format(names=", ".join(names) or _("no special group")))
    lines.append(_("Core member: {answer}").format(answer=rules.yes_no(rules.CORE in ticks)))
    for key, msg in (
        ("ethnicity", N_("Ethnic group: {value}")),
        ("religion", N_("Religion: {value}")),
    ):
        if values.get("sensitive_ok") and values.get(key):
            lines.append(tr(msg).format(value=values[key]))
    if sensitive_ticked(values) and not values.get("sensitive_ok"):
        lines.append(_("Ethnicity and religion will not be recorded (no consent)."))
    lines.append(_("She agrees that her details are stored: yes"))
    return "\n".join(lines)


async def save(ctx: Ctx, values: Values) -> list[Reply]:
    if values.get("same_person"):
        return [Reply(_("All right: she is already on the list, nothing was added."))]
    s = ctx.session
    branch = values["branch"]
    birth = birth_of(values)
    assert birth is not None
    consent = bool(values["consent"])
    sensitive_ok = consent and bool(values.get("sensitive_ok"))
    ticks = set(values.get("ticks") or ()) if consent else set()
    if not sensitive_ok:
        ticks -= rules.SENSITIVE
    sealed = SealedId.from_json(values["cccd"]) if consent and values.get("cccd") else None
    if sealed is not None:
        # Checked when typed; checked again here in case another branch saved it meanwhile.
        holder = await members.branch_holding_id(s, sealed.index)
        if holder is not None:
            return [Reply(refused_id(holder.name) + "\n" + _("Nothing was saved."), notice=True)]
    purposes = [rules.MEMBERSHIP] if consent else []
    if sensitive_ok:
        purposes.append(rules.SENSITIVE_PURPOSE)
    member = await members.add_member(
        s,
        branch["id"],
        values["name"],
        ctx.today,
        ctx.now,
        birth_date=birth.day,
        birth_approx=birth.approx or not consent,
        phone=values.get("phone") if consent else None,
        categories=sorted(ticks - {rules.CORE}),
        is_core=rules.CORE in ticks,
        recorded_by=ctx.person_id,
        group_id=values.get("group") if consent else None,
        cccd=sealed,
        ethnicity=values.get("ethnicity") if sensitive_ok else None,
        religion=values.get("religion") if sensitive_ok else None,
        consents=purposes,
    )
    detail = {"branch_id": branch["id"], "consents": purposes}
    await audit.record(s, ctx.now, ctx.person_id, "member_registered", "member", member.id, detail)
    count = await member_counts.members_on(s, branch["id"], ctx.today)
    msg = _("Saved {name}. {branch} now has {count} members.")
    return [Reply(msg.format(name=values["name"], branch=branch["name"], count=count))]


REGISTER = Dialog(
    "member_register",
    steps=[*STEPS, Confirm(summary, when=going)],
    on_done=save,
    on_start=pick_branch,
    help=N_("I ask for her details one by one; nothing is saved until you confirm at the end."),
)

FEATURE = Feature(
    name="members",
    dialogs=[REGISTER, members_search.FIND, members_changes.CHANGE],
    menu=[
        MenuEntry(
            "member_register",
            N_("Register a member"),
            REGISTER,
            roles=BRANCH_ROLES,
            words=("them hoi vien", "dang ky hoi vien", "them hv", "hoi vien moi", "ket nap"),
            order=20,
        ),
        MenuEntry(
            "member_find",
            N_("Find a member"),
            members_search.FIND,
            roles=BRANCH_ROLES,
            words=("tim hoi vien", "tim hv", "danh sach hoi vien", "tim kiem hoi vien"),
            order=30,
        ),
    ],
)
