"""Membership changes as events: moved, migrated for work, returned, left, died, corrected."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.core.context import BRANCH_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.i18n import N_, Msg, _, format_date, tr
from bot.core.types import Reply
from bot.domain.enums import EventKind, Level
from bot.domain.textkeys import fold, mask_id
from handlers import clubs_card, members_residence
from handlers import members_rules as rules
from handlers.dues_card import dues_line  # issue 17
from handlers.members_actions import action_options, parse_action
from handlers.members_residence import residence_line
from handlers.members_rules import Birth, Joined, Problem
from handlers.members_search import status_name
from handlers.members_steps import (
    birth_of,
    parse_name,
    parse_phone,
    seal_new_id,
    sealed_phone,
    sensitive_consent_step,
    shown_phone,
    ticks_step,
)
from storage import crypto
from storage.crypto import SealedId
from storage.models import Member
from storage.repositories import audit, member_counts, members, org

EVENTS = {
    "migrate": EventKind.MIGRATED,
    "return": EventKind.RETURNED,
    "leave": EventKind.LEFT,
    "die": EventKind.DIED,
}
DATED = {"move", *EVENTS}
FIELDS: dict[str, Msg] = {
    "full_name": N_("Full name"),
    "birth": N_("Date of birth"),
    "phone": N_("Phone number"),
    "cccd": N_("ID number"),
    "ticks": N_("Groups and core member"),
}


async def load(ctx: Ctx, values: Values) -> Member:
    member = await members.by_id(ctx.session, int(values["member_id"]))
    assert member is not None
    return member


def _in_her_branch(ctx: Ctx, member: Member | None) -> bool:
    """Only the head or deputy of the member's current branch records changes for her."""
    mine = {u.id for u in ctx.units_for(BRANCH_ROLES)}
    return member is not None and member.erased_at is None and member.branch_id in mine


async def still_hers(ctx: Ctx, values: Values) -> Retry | None:
    """At save time: she is still in a branch this person leads (someone may have moved her)."""
    if not _in_her_branch(ctx, await members.locked(ctx.session, int(values["member_id"]))):
        return Retry(_("This member is no longer in your branch (her record changed meanwhile)."))
    return None


async def start(ctx: Ctx, values: Values) -> Retry | None:
    member = await members.by_id(ctx.session, int(values["member_id"]))
    if member is None or not _in_her_branch(ctx, member):
        return Retry(_("You can change only the members of your own branch."))
    s = ctx.session
    values["status"] = member.status.value
    values["consent"] = await members.has_consent(s, member.id, rules.MEMBERSHIP)
    values["sensitive"] = await members.has_consent(s, member.id, rules.SENSITIVE_PURPOSE)
    values["last_on"] = await members.last_event_on(s, member.id) or member.joined_on
    # A joining year alone is dated 1 January: her age is then checked on today instead.
    values["joined_on"] = None if member.joined_approx else member.joined_on
    if member.birth_year:
        day = member.birth_date or dt.date(member.birth_year, 1, 1)
        values["birth"] = {"day": day, "approx": member.birth_date is None}
    return None


def masked_id(m: Member) -> str | None:
    if m.cccd_enc is None:
        return None
    return mask_id(crypto.decrypt_id(m.cccd_enc)) if crypto.has_key() else "***"


def card_phone(ctx: Ctx, m: Member) -> str | None:
    """In full to the officers of her own branch, who call her; masked to anyone else."""
    phone = members.phone_of(m)
    if phone is None:
        return None
    if m.branch_id in {u.id for u in ctx.units_for(BRANCH_ROLES)}:
        return rules.show_phone(phone)
    return rules.mask_phone(phone)


async def card(ctx: Ctx, values: Values) -> str:
    m = await load(ctx, values)
    none = _("none")
    if m.birth_date:
        born = format_date(m.birth_date)
    else:
        born = _("{year} (year only)").format(year=m.birth_year or "?")
    lines = [
        f"{m.full_name}",
        _("Date of birth: {birth}").format(birth=born),
        _("Joined the Union: {joined}").format(joined=Joined(m.joined_on, m.joined_approx).show()),
        _("Status: {status}").format(status=status_name(m.status)),
        residence_line(m),
    ]
    if values["consent"]:
        lines.append(_("Phone: {phone}").format(phone=card_phone(ctx, m) or none))
        lines.append(_("ID number: {masked}").format(masked=masked_id(m) or none))
        names = rules.category_names(m.categories, m.birth_date, ctx.today)
        lines.append(_("Groups: {names}").format(names=", ".join(names) or _("no special group")))
        lines.append(_("Core member: {answer}").format(answer=rules.yes_no(m.is_core)))
        lines += await clubs_card.card_lines(ctx, m)  # issue 16: clubs, working far away
    if (paid := await dues_line(ctx, m)) is not None:  # issue 17
        lines.append(paid)
    lines.append(_("What has changed for her?"))
    return "\n".join(lines)


def is_action(*keys: str) -> Any:
    return lambda v: v.get("action") in keys


def is_field(key: str) -> Any:
    return lambda v: v.get("action") == "correct" and v.get("field") == key


async def branch_options(ctx: Ctx, values: Values) -> list[Option]:
    m = await load(ctx, values)
    here = await org.by_id(ctx.session, m.branch_id)
    assert here is not None and here.parent_id is not None
    siblings = await org.children(ctx.session, here.parent_id)
    return [
        Option({"id": u.id, "name": u.name}, u.name)
        for u in siblings
        if u.level == Level.BRANCH and u.id != here.id
    ]


async def parse_branch(text: str, ctx: Ctx, values: Values) -> dict[str, Any] | Retry:
    """A branch by its code anywhere, or by part of its name within her province."""
    m = await load(ctx, values)
    s = ctx.session
    unit = await org.by_code(s, text.strip().upper())
    if unit is None:
        here = await org.by_id(s, m.branch_id)
        assert here is not None
        top = await org.ancestor_at(s, here, Level.PROVINCE) or here
        words = fold(text).split()
        found = [
            u
            for u in await org.subtree(s, top, Level.BRANCH)
            if words and all(w in fold(u.name).split() for w in words)
        ]
        if len(found) > 1:
            names = ", ".join(u.name for u in found[:5])
            return Retry(
                _("Several branches match: {names}. Type more of the name.").format(names=names)
            )
        unit = found[0] if found else None
    if unit is None or unit.level != Level.BRANCH:
        return Retry(
            _("I cannot find that branch. Type its name or its code, for example TH-QP-02.")
        )
    if unit.id == m.branch_id:
        return Retry(_("She is already in this branch."))
    return {"id": unit.id, "name": unit.name}


def field_options(ctx: Ctx, values: Values) -> list[Option]:
    # Without her consent only the name and year of birth are kept, so only they can change.
    keys = list(FIELDS) if values["consent"] else ["full_name", "birth"]
    return [Option(k, FIELDS[k]) for k in keys]


def parse_birth(text: str, ctx: Ctx, values: Values) -> dict[str, Any] | Retry:
    got = rules.check_birth(text, ctx.today, joined_on=values["joined_on"])
    if isinstance(got, Problem):
        return Retry(got.reason)
    return {"day": got.day, "approx": got.approx or not values["consent"]}


async def parse_id(text: str, ctx: Ctx, values: Values) -> dict[str, str] | Retry:
    return await seal_new_id(ctx, text, birth_of(values), int(values["member_id"]))


def day_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(ctx.today, N_("Today"))]


def parse_day(text: str, ctx: Ctx, values: Values) -> dt.date | Retry:
    day = members_residence.parse_past(text, ctx, values)
    if isinstance(day, Retry):
        return day
    if day < values["last_on"]:
        msg = _("Her last recorded change was on {day}; the date cannot be earlier.")
        return Retry(msg.format(day=format_date(values["last_on"])))
    return day


def needs_sensitive(v: Values) -> bool:
    ticked = rules.SENSITIVE & set(v.get("new_ticks") or ())
    return is_field("ticks")(v) and bool(ticked) and not v["sensitive"]


STEPS = [
    Ask("action", card, parse_action, options=action_options),
    Ask(
        "to_branch",
        N_("Which branch is she moving to? Choose one, or type its name or code."),
        parse_branch,
        options=branch_options,
        example=N_("For example: part of the branch's name, or its code such as TH-QP-02."),
        when=is_action("move"),
        label=N_("New branch"),
    ),
    Choose("field", N_("What should be corrected?"), field_options, when=is_action("correct")),
    Ask(
        "new_name",
        N_("Her full name?"),
        parse_name,
        example=N_("For example: Nguyễn Thị Lan"),
        when=is_field("full_name"),
        label=N_("Full name"),
    ),
    Ask(
        "new_birth",
        N_("Her date of birth? If you know only the year, type the year."),
        parse_birth,
        when=is_field("birth"),
        label=N_("Date of birth"),
    ),
    Ask(
        "new_phone",
        N_("Her mobile phone number?"),
        parse_phone,
        options=[Option(None, N_("Remove the number"))],
        when=is_field("phone"),
        label=N_("Phone number"),
    ),
    Ask(
        "new_cccd",
        N_("Her citizen ID number (CCCD, 12 digits; an old CMND has 9)?"),
        parse_id,
        options=[Option(None, N_("Remove the number"))],
        when=is_field("cccd"),
        label=N_("ID number"),
    ),
    ticks_step("new_ticks", is_field("ticks")),
    sensitive_consent_step(needs_sensitive),
    *members_residence.STEPS,
    Ask(
        "on",
        N_("From which day?"),
        parse_day,
        options=day_options,
        when=is_action(*DATED),
        label=N_("Date"),
    ),
]


def new_ticks(values: Values) -> set[str]:
    ticks = set(values.get("new_ticks") or ())
    if not (values["sensitive"] or values.get("sensitive_ok")):
        ticks -= rules.SENSITIVE
    return ticks


async def summary(ctx: Ctx, values: Values) -> str:
    m = await load(ctx, values)
    here = await org.by_id(ctx.session, m.branch_id)
    assert here is not None
    action = values["action"]
    name = m.full_name or ""
    if action == "move":
        msg = _("{name} moves from {old} to {new}, from {day}.")
        return msg.format(
            name=name, old=here.name, new=values["to_branch"]["name"], day=format_date(values["on"])
        )
    if action == members_residence.ACTION:
        return members_residence.summary(values, name)
    if action in EVENTS:
        texts = {
            "migrate": N_("{name} went to work far away on {day}; she stays a member of {branch}."),
            "return": N_("{name} came back on {day}."),
            "leave": N_("{name} left the Union on {day}."),
            "die": N_("{name} died on {day}."),
        }
        return tr(texts[action]).format(name=name, day=format_date(values["on"]), branch=here.name)
    return _("Correct the {field} of {name}: {value}").format(
        field=tr(FIELDS[values["field"]]).lower(), name=name, value=new_value(ctx, values)
    )


def new_value(ctx: Ctx, values: Values) -> str:
    field = values["field"]
    none = _("none")
    if field == "full_name":
        return str(values["new_name"])
    if field == "birth":
        b = birth_of(values, "new_birth")
        assert b is not None
        return b.show()
    if field == "phone":
        return shown_phone(values["new_phone"]) or none
    if field == "cccd":
        return values["new_cccd"]["masked"] if values["new_cccd"] else none
    b = birth_of(values)
    names = rules.category_names(new_ticks(values), b.day if b else None, ctx.today)
    core = _("Core member: {answer}").format(answer=rules.yes_no(rules.CORE in new_ticks(values)))
    return f"{', '.join(names) or _('no special group')}; {core}"


def changes_of(values: Values) -> dict[str, Any]:
    field = values["field"]
    if field == "full_name":
        return {"full_name": values["new_name"]}
    if field == "birth":
        b: Birth | None = birth_of(values, "new_birth")
        assert b is not None
        return {"birth": (b.day, b.approx)}
    if field == "phone":
        return {"phone": sealed_phone(values["new_phone"])}
    if field == "cccd":
        return {"cccd": SealedId.from_json(values["new_cccd"]) if values["new_cccd"] else None}
    ticks = new_ticks(values)
    return {"categories": ticks - {rules.CORE}, "is_core": rules.CORE in ticks}


async def save(ctx: Ctx, values: Values) -> list[Reply]:
    action = values["action"]
    if action == "close":
        return [Reply(_("All right, nothing was changed."))]
    s = ctx.session
    m = await load(ctx, values)
    branch_id = m.branch_id
    if action == "move":
        to = values["to_branch"]
        await members.move(s, m, to["id"], values["on"], ctx.now, ctx.person_id)
        detail: dict[str, Any] = {"from": branch_id, "to": to["id"]}
    elif action == members_residence.ACTION:
        detail = await members_residence.save(ctx, m, values)
    elif action in EVENTS:
        await members.change_status(s, m, EVENTS[action], values["on"], ctx.now, ctx.person_id)
        detail = {"branch_id": branch_id}
    else:
        if values.get("sensitive_ok"):
            await members.add_consent(s, m.id, rules.SENSITIVE_PURPOSE, ctx.now, ctx.person_id)
        fields = await members.correct(s, m, changes_of(values), ctx.today, ctx.now, ctx.person_id)
        detail = {"fields": fields}
    await audit.record(s, ctx.now, ctx.person_id, f"member_{action}", "member", m.id, detail)
    branch = await org.by_id(s, branch_id)
    count = await member_counts.members_on(s, branch_id, ctx.today)
    msg = _("Saved. {branch} now has {count} members.")
    return [Reply(msg.format(branch=branch.name if branch else "", count=count))]


CHANGE = Dialog(
    "member_change",
    steps=[*STEPS, Confirm(summary, when=lambda v: v.get("action") != "close")],
    on_done=save,
    on_start=start,
    recheck=still_hers,
)
