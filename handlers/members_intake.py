"""What registering a member and typing in one from the paper register share: the steps
for her consent, name, birth, joining date, phone and ID number, and the one write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bot.core.context import Ctx
from bot.core.dates import past_day
from bot.core.dialogs import Ask, Choose, Option, Retry, Values
from bot.core.i18n import N_, _
from bot.core.types import Reply
from bot.domain.enums import Residence
from handlers import members_rules as rules
from handlers.members_rules import Joined, Problem
from handlers.members_steps import (
    SKIP,
    birth_of,
    parse_name,
    parse_phone,
    refused_id,
    said_none,
    seal_new_id,
    sealed_phone,
    yes_no_options,
)
from storage.crypto import SealedId
from storage.models import Member
from storage.repositories import audit, members

EXISTING = "existing"


def going(v: Values) -> bool:
    return not v.get("same_person")


def consented(v: Values) -> bool:
    return going(v) and bool(v.get("consent"))


async def parse_birth(text: str, ctx: Ctx, values: Values) -> dict[str, Any] | Retry:
    """A birth date of an adult, and whether the branch has someone of that name and birth."""
    got = rules.check_birth(text, ctx.today)
    if isinstance(got, Problem):
        return Retry(got.reason)
    same = await members.same_name_and_birth(
        ctx.session, values["branch"]["id"], values["name"], got.day, got.approx
    )
    return {"day": got.day, "approx": got.approx, "dup": same.id if same else None}


async def parse_id(text: str, ctx: Ctx, values: Values) -> dict[str, str] | Retry | None:
    if said_none(text):
        return None
    return await seal_new_id(ctx, text, birth_of(values))


def parse_joined(text: str, ctx: Ctx, values: Values) -> dict[str, Any] | Retry:
    """A joining day or year; a day and month without a year that lies ahead ("25/3" on
    20 March) is asked about, as the meeting day is (bot/core/dates.py past_day)."""
    asked = None if text.strip().isdigit() else past_day(text, ctx.today, values)
    if isinstance(asked, Retry):
        return asked
    typed = asked.strftime("%d/%m/%Y") if asked is not None else text
    got = rules.check_joined(typed, ctx.today, birth_of(values))
    if isinstance(got, Problem):
        return Retry(got.reason)
    # "new": joined this year or last, so who brought her in is asked (handlers/members_referral.py).
    new = got.day is not None and got.day.year >= ctx.today.year - 1
    return {"day": got.day, "approx": got.approx, "new": new}


def joined_now_options(ctx: Ctx, values: Values) -> list[Option]:
    # "New member" first: the most common answer when a branch head registers someone.
    return [
        Option({"day": ctx.today, "approx": False, "new": True}, N_("New member, joining now")),
        Option(EXISTING, N_("Already a member before")),
    ]


def joined_of(values: Values) -> Joined:
    got = values.get("joined")
    if got == EXISTING or got is None:
        got = values["joined_when"]
    day: dt.date | None = got["day"]
    return Joined(day, bool(got["approx"]))


def pick_joined(value: Any, ctx: Ctx, values: Values) -> Any:
    # Choosing again (a correction from the summary) asks the year again too.
    values.pop("joined_when", None)
    return value


def joined_step(name: str, when: Callable[[Values], bool], *, labelled: bool = True) -> Ask:
    """The year or day she joined, or "không nhớ" (a member from before records began).

    Unlabelled where it follows the new-or-existing question, which is the one corrected.
    """
    return Ask(
        name,
        N_(
            "When did she join the Union? Type the year, or the day if she joined this year. "
            "If nobody remembers, choose Don't remember."
        ),
        parse_joined,
        options=[Option({"day": None, "approx": False}, N_("Don't remember"))],
        example=N_("For example: 2015 or 05/03/2015"),
        when=when,
        label=N_("Joining date") if labelled else None,
    )


def same_person_prompt(ctx: Ctx, values: Values) -> str:
    birth = birth_of(values)
    assert birth is not None
    return _(
        "{branch} already has a member called {name}, born {birth}. Is this the same person?"
    ).format(branch=values["branch"]["name"], name=values["name"], birth=birth.show())


CONSENT_STEP = Choose(
    "consent",
    N_(
        "First, does she agree that the Union stores her details (date of birth, phone, "
        "ID number) to manage membership?"
    ),
    yes_no_options(N_("Yes, she agrees"), N_("No: keep only her name and year of birth")),
    label=N_("Consent"),
)
NAME_STEP = Ask(
    "name",
    N_("Her full name?"),
    parse_name,
    example=N_("For example: Nguyễn Thị Lan"),
    label=N_("Full name"),
)
BIRTH_STEP = Ask(
    "birth",
    N_("Her date of birth? If you know only the year, type the year."),
    parse_birth,
    example=N_("For example: 05/03/1985 or 1985"),
    label=N_("Date of birth"),
)
SAME_PERSON_STEP = Choose(
    "same_person",
    same_person_prompt,
    yes_no_options(N_("Yes, the same person: do not add her again"), N_("No, a different person")),
    when=lambda v: bool(v["birth"]["dup"]),
)
PHONE_STEP = Ask(
    "phone",
    N_("Her mobile phone number? Press Skip if she has none."),
    parse_phone,
    options=[Option(None, SKIP)],
    example=N_("For example: 0912 345 678"),
    when=consented,
    label=N_("Phone number"),
)
CCCD_STEP = Ask(
    "cccd",
    N_("Her citizen ID number (CCCD, 12 digits; an old CMND has 9)? Press Skip if not known."),
    parse_id,
    options=[Option(None, SKIP)],
    example=N_("For example: 038 188 001 234"),
    when=consented,
    label=N_("ID number"),
)


def kept_ticks(values: Values) -> set[str]:
    """Ticked core member and categories she agreed to (never residence items)."""
    ticks = set(values.get("ticks") or ()) if values.get("consent") else set()
    if not (values.get("consent") and values.get("sensitive_ok")):
        ticks -= rules.SENSITIVE
    return ticks - {r.value for r in rules.TEMPORARY}


def residence_of(values: Values) -> Residence:
    got = rules.residence_ticked(set(values.get("ticks") or ()))
    return Residence.PERMANENT if isinstance(got, Problem) else got


async def store(ctx: Ctx, values: Values) -> Member | Reply:
    """Write her record, consents, `joined` event and audit row; a Reply if refused."""
    s = ctx.session
    branch = values["branch"]
    birth = birth_of(values)
    assert birth is not None
    consent = bool(values["consent"])
    sensitive_ok = consent and bool(values.get("sensitive_ok"))
    ticks = kept_ticks(values)
    sealed = SealedId.from_json(values["cccd"]) if consent and values.get("cccd") else None
    if sealed is not None:
        # Checked when typed; checked again here in case another branch saved it meanwhile.
        holder = await members.branch_holding_id(s, sealed.index)
        if holder is not None:
            return Reply(refused_id(holder.name) + "\n" + _("Nothing was saved."), notice=True)
    purposes = [rules.MEMBERSHIP] if consent else []
    if sensitive_ok:
        purposes.append(rules.SENSITIVE_PURPOSE)
    joined = joined_of(values)
    member = await members.add_member(
        s,
        branch["id"],
        values["name"],
        joined.day,
        ctx.now,
        joined_approx=joined.approx,
        residence=residence_of(values) if consent else Residence.PERMANENT,
        birth_date=birth.day,
        birth_approx=birth.approx or not consent,
        phone=sealed_phone(values.get("phone")) if consent else None,
        categories=sorted(ticks - {rules.CORE}),
        is_core=rules.CORE in ticks,
        recorded_by=ctx.person_id,
        group_id=values.get("group") if consent else None,
        cccd=sealed,
        ethnicity=values.get("ethnicity") if sensitive_ok else None,
        religion=values.get("religion") if sensitive_ok else None,
        consents=purposes,
    )
    detail = {
        "branch_id": branch["id"],
        "consents": purposes,
        "joined_today": joined.day == ctx.today,
    }
    await audit.record(s, ctx.now, ctx.person_id, "member_registered", "member", member.id, detail)
    return member
