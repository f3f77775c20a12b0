"""Typing in the members of a paper register: a short loop that never counts them as new.

Per member: name, consent, birth, joining year ("không nhớ" allowed), phone and ID when she
agrees, then "Đúng, lưu" and straight on to the next; "Xong" stops.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.context import Ctx
from bot.core.dialogs import Ask, Confirm, Dialog, Option, Retry, Values
from bot.core.i18n import N_, _
from bot.core.types import Reply
from bot.domain.textkeys import fold
from handlers.members_intake import (
    BIRTH_STEP,
    CCCD_STEP,
    CONSENT_STEP,
    PHONE_STEP,
    SAME_PERSON_STEP,
    going,
    joined_of,
    joined_step,
    store,
)
from handlers.members_steps import (
    BRANCH_STEP,
    birth_of,
    branch_still_hers,
    parse_name,
    pick_branch,
    shown_phone,
)
from storage.repositories import member_counts

DONE = ""  # the name answer that ends the loop
DONE_WORDS = {"xong", "het", "dung", "da xong", "done", "stop", "het roi", "xong roi", "het a"}


def entering(v: Values) -> bool:
    return bool(v.get("name"))


async def parse_name_or_done(text: str, ctx: Ctx, values: Values) -> str | Retry:
    return DONE if fold(text) in DONE_WORDS else await parse_name(text, ctx, values)


def name_prompt(ctx: Ctx, values: Values) -> str:
    if values.get("entered"):
        return _("Next member: her full name? Choose Done when you have finished.")
    return _(
        "Typing in the members of {branch} from the paper register: they count as members, "
        "never as new members. After each one I go straight on to the next; choose Done to "
        "stop.\nFirst member: her full name?"
    ).format(branch=values["branch"]["name"])


STEPS = [
    BRANCH_STEP,
    Ask(
        "name",
        name_prompt,
        parse_name_or_done,
        options=[Option(DONE, N_("Done"))],
        example=N_("For example: Nguyễn Thị Lan"),
        label=N_("Full name"),
    ),
    replace(CONSENT_STEP, when=entering),
    replace(BIRTH_STEP, when=entering),
    replace(SAME_PERSON_STEP, when=lambda v: entering(v) and bool(v["birth"]["dup"])),
    joined_step("joined_when", lambda v: entering(v) and going(v)),
    PHONE_STEP,
    CCCD_STEP,
]


def summary(ctx: Ctx, values: Values) -> str:
    birth = birth_of(values)
    assert birth is not None
    consent = bool(values["consent"])
    none = _("none")
    lines = [
        _("Member from the register of {branch}:").format(branch=values["branch"]["name"]),
        _("Full name: {name}").format(name=values["name"]),
    ]
    if consent:
        lines.append(_("Date of birth: {birth}").format(birth=birth.show()))
    else:
        lines.append(_("Year of birth: {year}").format(year=birth.day.year))
    lines.append(_("Joined the Union: {joined}").format(joined=joined_of(values).show()))
    if consent:
        phone = shown_phone(values.get("phone"))
        cccd = values.get("cccd")
        lines.append(_("Phone: {phone}").format(phone=phone or none))
        lines.append(_("ID number: {masked}").format(masked=cccd["masked"] if cccd else none))
    else:
        lines.append(_("Without her consent only her name and year of birth are kept."))
    return "\n".join(lines)


async def save(ctx: Ctx, values: Values) -> list[Reply]:
    branch = values["branch"]
    entered = int(values.get("entered") or 0)
    if not entering(values):
        count = await member_counts.members_on(ctx.session, branch["id"], ctx.today)
        msg = _("Done: {entered} members entered from the register. {branch} now has {count}.")
        return [Reply(msg.format(entered=entered, branch=branch["name"], count=count))]
    if values.get("same_person"):
        note = _("All right: she is already on the list, nothing was added.")
    else:
        got = await store(ctx, values)
        if isinstance(got, Reply):
            return [got]
        entered += 1
        note = _("Saved {name} ({entered} entered).").format(name=values["name"], entered=entered)
    ctx.begin(ENTER.name, {"branch": branch, "entered": entered})
    return [Reply(note)]


ENTER = Dialog(
    "member_enter_existing",
    steps=[*STEPS, Confirm(summary, when=lambda v: entering(v) and going(v))],
    on_done=save,
    on_start=pick_branch,
    recheck=branch_still_hers,
    help=N_(
        "I ask only her name, birth, joining year, and phone and ID if she agrees; "
        'nothing is saved until you confirm. Type "xong" when the register is done.'
    ),
)
