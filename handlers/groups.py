"""Group chats: link a branch's Telegram or Zalo group with a one-time code, then totals only.

The code is asked for in a private chat and sent in the group as "/lienket CODE"
("/link CODE"). Only a branch or commune officer whose role covers the unit may link.
In a group the bot answers commands and mentions only; everything else is chatter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, Ctx
from bot.core.dialogs import Choose, Dialog, Option, Retry, Values
from bot.core.features import Command, Feature, MenuEntry
from bot.core.i18n import N_, _
from bot.core.types import Reply
from bot.domain.enums import Level
from bot.domain.pii import NO_NAMES, redact
from handlers.scope import still_covers
from storage.models import OrgUnit
from storage.repositories import audit, groups, invites, name_marks, org

LINK_ROLES = BRANCH_ROLES | COMMUNE_ROLES
LINK_TTL = dt.timedelta(hours=24)


def may_link(ctx: Ctx, unit: OrgUnit) -> bool:
    """A branch head/deputy or commune officer whose unit is `unit` or above it."""
    return any(r.kind in LINK_ROLES and unit.path.startswith(r.unit.path) for r in ctx.roles)


async def _linkable(ctx: Ctx) -> list[OrgUnit]:
    found: dict[int, OrgUnit] = {}
    for unit in ctx.units_for(LINK_ROLES):
        found[unit.id] = unit
        if unit.level != Level.BRANCH:
            for branch in await org.subtree(ctx.session, unit, Level.BRANCH):
                found[branch.id] = branch
    return sorted(found.values(), key=lambda u: u.path)


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    units = await _linkable(ctx)
    if not units:
        return Retry(_("Only branch and commune officers can link a group chat."))
    if len(units) == 1:
        values["unit_id"] = units[0].id
    return None


async def _unit_choices(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(u.id, u.name) for u in await _linkable(ctx)]


async def _give_code(ctx: Ctx, values: Values) -> list[Reply]:
    unit = await org.by_id(ctx.session, int(values["unit_id"]))
    if unit is None or not may_link(ctx, unit):
        return [Reply(_("Only branch and commune officers can link a group chat."), notice=True)]
    code = await groups.create_link_code(ctx.session, unit.id, ctx.person_id, ctx.now, LINK_TTL)
    await audit.record(
        ctx.session, ctx.now, ctx.person_id, "link_code_created", "org_unit", unit.id
    )
    msg = _(
        "To link the chat group of {unit}: add chihoi to the group, then send this message "
        "in the group within 24 hours:\n/lienket {code}\nThe group will only get short "
        "summaries after each meeting: no names, no phone numbers."
    )
    return [Reply(msg.format(unit=unit.name, code=code))]


LINK_GROUP = Dialog(
    "link_group",
    steps=[
        Choose(
            "unit_id",
            N_("Which unit is the group chat for?"),
            _unit_choices,
            when=lambda v: "unit_id" not in v,
        )
    ],
    on_done=_give_code,
    recheck=still_covers("unit_id", LINK_ROLES),
    on_start=_start,
)


async def link_command(ctx: Ctx, arg: str) -> list[Reply]:
    """`/lienket CODE` in a group chat."""
    s, inc = ctx.session, ctx.incoming
    if not arg:
        return [Reply(_("Send /lienket followed by the code chihoi gave you in a private chat."))]
    if await invites.guessing_blocked(s, inc.channel, inc.bot_id, inc.chat_id, ctx.now):
        return [Reply(_("Too many wrong codes. Please wait an hour, then try again."))]
    code = await groups.take_link_code(s, arg, ctx.now)
    if code is None:
        await invites.record_wrong_attempt(s, inc.channel, inc.bot_id, inc.chat_id, ctx.now)
        return [Reply(_("That code is not valid or has expired. Please ask chihoi for a new one."))]
    unit = await org.by_id(s, code.unit_id)
    if unit is None or ctx.person is None or not may_link(ctx, unit):
        return [
            Reply(
                _(
                    "Only the branch head, the branch deputy or a commune officer of this "
                    "branch can link the group. Please send the code from your own account."
                )
            )
        ]
    row = await groups.link(
        s, unit.id, inc.channel, inc.bot_id, inc.chat_id, ctx.person_id, ctx.now
    )
    await groups.mark_code_used(s, code, ctx.now)
    await audit.record(
        s, ctx.now, ctx.person_id, "group_linked", "group_link", row.id, {"unit_id": unit.id}
    )
    msg = _(
        "This group is now linked to {unit}. After each meeting it will get a short summary: "
        "the date, the topic and how many came. No names, no phone numbers."
    )
    return [Reply(msg.format(unit=unit.name))]


async def unlink_command(ctx: Ctx, arg: str) -> list[Reply]:
    """`/huylienket` in a group chat: stop the summaries."""
    s, inc = ctx.session, ctx.incoming
    row = await groups.find(s, inc.channel, inc.bot_id, inc.chat_id)
    if row is None:
        return [Reply(_("This group is not linked to any unit."))]
    unit = await org.by_id(s, row.unit_id)
    if unit is None or not may_link(ctx, unit):
        return [Reply(_("Only an officer of the linked unit can unlink the group."))]
    await groups.unlink(s, inc.channel, inc.bot_id, inc.chat_id)
    await audit.record(s, ctx.now, ctx.person_id, "group_unlinked", "group_link", row.id)
    return [Reply(_("Unlinked. This group will get no more summaries."))]


async def help_command(ctx: Ctx, arg: str) -> list[Reply]:
    """What the bot does in a group; the engine sends unknown commands and mentions here."""
    inc = ctx.incoming
    lines = [
        _(
            "I am chihoi, the assistant of the Women's Union branches. In this group I only "
            "post a short summary after each meeting, without names or phone numbers."
        )
    ]
    row = await groups.find(ctx.session, inc.channel, inc.bot_id, inc.chat_id)
    unit = await org.by_id(ctx.session, row.unit_id) if row else None
    if unit is not None:
        lines.append(_("This group is linked to {unit}.").format(unit=unit.name))
    else:
        lines.append(
            _(
                'To link it, the branch head chooses "Link the branch group chat" in her '
                "private chat with me, then sends /lienket CODE here."
            )
        )
    lines.append(_("For anything else, please message me privately."))
    return [Reply("\n".join(lines))]


def _guarded(command: Command) -> Command:
    """Every text this module sends into a group passes the personal-data wall: numbers that
    read as an ID or phone, and names of the linked commune's members, are masked."""

    async def run(ctx: Ctx, arg: str) -> list[Reply]:
        replies = await command(ctx, arg)
        inc = ctx.incoming
        row = await groups.find(ctx.session, inc.channel, inc.bot_id, inc.chat_id)
        unit = await org.by_id(ctx.session, row.unit_id) if row else None
        marks = await name_marks.of_commune(ctx.session, unit) if unit else NO_NAMES
        return [replace(r, text=redact(r.text, marks)) for r in replies]

    return run


async def link_in_private(ctx: Ctx, arg: str) -> list[Reply]:
    """`/lienket` typed in a private chat: the code belongs in the group."""
    msg = _(
        "Please send /lienket with the code inside the group chat, after adding chihoi to "
        'the group. To get a code, choose "Link the branch group chat" in the menu.'
    )
    return [Reply(msg)]


FEATURE = Feature(
    name="groups",
    dialogs=[LINK_GROUP],
    menu=[
        MenuEntry(
            "link_group",
            N_("Link the branch group chat"),
            LINK_GROUP,
            roles=LINK_ROLES,
            words=("ket noi nhom", "lien ket nhom"),
            order=18,
        )
    ],
    commands={"lienket": link_in_private},
    group_commands={
        "lienket": _guarded(link_command),
        "link": _guarded(link_command),
        "huylienket": _guarded(unlink_command),
        "unlink": _guarded(unlink_command),
        "help": _guarded(help_command),
        "giup": _guarded(help_command),
        "start": _guarded(help_command),
    },
)
