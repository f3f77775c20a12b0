"""Member registry: register a member from the chat (consent first, then name, birth, phone, ID).

Step order is chosen so that a member with name, birth date, phone and ID number takes
9 replies from the menu: open, consent, name, birth, new or existing, phone, ID, groups, save
(10 for a woman joining now: who brought her in, or Skip).
"""

from __future__ import annotations

from bot.core.context import BRANCH_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, tr
from bot.core.types import Reply
from bot.domain.enums import Level
from handlers import members_changes, members_existing, members_referral, members_search
from handlers import members_rules as rules
from handlers.members_intake import (
    BIRTH_STEP,
    CCCD_STEP,
    CONSENT_STEP,
    EXISTING,
    NAME_STEP,
    PHONE_STEP,
    SAME_PERSON_STEP,
    consented,
    going,
    joined_now_options,
    joined_of,
    joined_step,
    kept_ticks,
    parse_joined,
    pick_joined,
    residence_of,
    store,
)
from handlers.members_steps import (
    BRANCH_STEP,
    birth_of,
    branch_still_hers,
    parse_word,
    pick_branch,
    sensitive_consent_step,
    shown_phone,
    ticks_step,
)
from storage.repositories import member_counts, org


def sensitive_ticked(v: Values) -> bool:
    return consented(v) and bool(rules.SENSITIVE & set(v.get("ticks") or ()))


def sensitive_agreed(v: Values, key: str) -> bool:
    return sensitive_ticked(v) and bool(v.get("sensitive_ok")) and key in v["ticks"]


async def group_options(ctx: Ctx, values: Values) -> list[Option]:
    groups = await org.children(ctx.session, values["branch"]["id"])
    options = [Option(g.id, g.name) for g in groups if g.level == Level.GROUP]
    return [*options, Option(None, N_("Not in a group"))]


STEPS = [
    BRANCH_STEP,
    CONSENT_STEP,
    NAME_STEP,
    BIRTH_STEP,
    SAME_PERSON_STEP,
    Ask(
        "joined",
        N_(
            "Is she a new member joining now, or was she already a member? You can also type "
            "the day or the year she joined."
        ),
        parse_joined,
        options=joined_now_options,
        example=N_("For example: 05/03/2015 or 2015"),
        when=going,
        label=N_("Joining date"),
        on_pick=pick_joined,
    ),
    joined_step("joined_when", lambda v: going(v) and v.get("joined") == EXISTING, labelled=False),
    PHONE_STEP,
    CCCD_STEP,
    Choose(
        "group",
        N_("Which group (tổ) does she live in?"),
        group_options,
        when=lambda v: consented(v) and v["branch"]["groups"],
        label=N_("Group"),
    ),
    ticks_step("ticks", consented, register=True),
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
    members_referral.BROUGHT_BY_STEP,
]


async def summary(ctx: Ctx, values: Values) -> str:
    birth = birth_of(values)
    assert birth is not None
    consent = bool(values["consent"])
    lines = [
        _("New member of {branch}:").format(branch=values["branch"]["name"]),
        _("Full name: {name}").format(name=values["name"]),
    ]
    joined = _("Joined the Union: {joined}").format(joined=joined_of(values).show())
    if not consent:
        lines.append(_("Year of birth: {year}").format(year=birth.day.year))
        lines.append(joined)
        lines.append(_("Without her consent only her name and year of birth are kept."))
        return "\n".join(lines)
    none = _("none")
    phone = shown_phone(values.get("phone"))
    cccd = values.get("cccd")
    lines += [
        _("Date of birth: {birth}").format(birth=birth.show()),
        joined,
        _("Phone: {phone}").format(phone=phone or none),
        _("ID number: {masked}").format(masked=cccd["masked"] if cccd else none),
    ]
    if values["branch"]["groups"]:
        group = await org.by_id(ctx.session, values["group"]) if values.get("group") else None
        lines.append(_("Group: {group}").format(group=group.name if group else none))
    ticks = kept_ticks(values)
    names = rules.category_names(ticks, birth.day, ctx.today)
    lines.append(_("Groups: {names}").format(names=", ".join(names) or _("no special group")))
    lines.append(_("Core member: {answer}").format(answer=rules.yes_no(rules.CORE in ticks)))
    residence = tr(rules.RESIDENCE[residence_of(values)])
    lines.append(_("Residence: {residence}").format(residence=residence))
    for key, msg in (
        ("ethnicity", N_("Ethnic group: {value}")),
        ("religion", N_("Religion: {value}")),
    ):
        if values.get("sensitive_ok") and values.get(key):
            lines.append(tr(msg).format(value=values[key]))
    if sensitive_ticked(values) and not values.get("sensitive_ok"):
        lines.append(_("Ethnicity and religion will not be recorded (no consent)."))
    if (brought := await members_referral.summary_line(ctx, values)) is not None:
        lines.append(brought)
    lines.append(_("She agrees that her details are stored: yes"))
    return "\n".join(lines)


async def save(ctx: Ctx, values: Values) -> list[Reply]:
    if values.get("same_person"):
        return [Reply(_("All right: she is already on the list, nothing was added."))]
    got = await store(ctx, values)
    if isinstance(got, Reply):
        return [got]
    branch = values["branch"]
    count = await member_counts.members_on(ctx.session, branch["id"], ctx.today)
    msg = _("Saved {name}. {branch} now has {count} members.")
    text = msg.format(name=values["name"], branch=branch["name"], count=count)
    await members_referral.record(ctx, values, got.id)  # issue 17: who brought her in
    return [Reply(text)]


REGISTER = Dialog(
    "member_register",
    steps=[*STEPS, Confirm(summary, when=going)],
    on_done=save,
    on_start=pick_branch,
    recheck=branch_still_hers,
    help=N_("I ask for her details one by one; nothing is saved until you confirm at the end."),
)

FEATURE = Feature(
    name="members",
    dialogs=[REGISTER, members_existing.ENTER, members_search.FIND, members_changes.CHANGE],
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
            "member_enter_existing",
            N_("Enter members from the register"),
            members_existing.ENTER,
            roles=BRANCH_ROLES,
            words=("nhap hoi vien tu so", "nhap tu so", "nhap hoi vien cu", "nhap so hoi vien"),
            order=25,
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
