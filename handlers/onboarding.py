"""Onboarding: strangers are told how to get an invite; a valid code links them to a role."""

from __future__ import annotations

from bot.core.context import Ctx, RoleInfo
from bot.core.features import Feature
from bot.core.i18n import _
from bot.core.roles import role_name
from bot.core.types import Reply
from storage.repositories import audit, invites, org, people


async def on_stranger(ctx: Ctx, text: str) -> list[Reply]:
    inc = ctx.incoming
    parts = text.split()
    if parts and parts[0].split("@")[0].lower() == "/start":
        text = " ".join(parts[1:])
    if not text or not invites.looks_like_code(text):
        return [welcome()]
    s = ctx.session
    if await invites.guessing_blocked(s, inc.channel, inc.bot_id, inc.chat_id, ctx.now):
        msg = _("Too many wrong codes. Please wait an hour, then try again.")
        return [Reply(msg, notice=True)]
    invite = await invites.take_invite(s, text, ctx.now)
    if invite is None:
        await invites.record_wrong_attempt(s, inc.channel, inc.bot_id, inc.chat_id, ctx.now)
        msg = _(
            "That code is not valid or has expired. Please check it with the person who "
            "gave it to you: 8 letters and digits, for example AB3D-7KXZ."
        )
        return [Reply(msg, notice=True)]
    person = ctx.person
    if person is None:
        person = await invites.invited_person(s, invite)
    if person is None:
        name = invite.display_name or inc.display_name or _("Member")
        person = await people.create_person(s, name, ctx.now)
    if await people.find_person(s, inc.channel, inc.bot_id, inc.user_id) is None:
        await people.link_identity(
            s, person.id, inc.channel, inc.bot_id, inc.user_id, inc.chat_id, ctx.now
        )
    await people.grant_role(s, person.id, invite.unit_id, invite.role)
    await invites.mark_used(s, invite, person.id, ctx.now)
    await audit.record(s, ctx.now, person.id, "invite_used", "invite", invite.id)
    ctx.person = person
    ctx.roles = [RoleInfo(k, u) for k, u in await people.roles_of(s, person.id)]
    unit = await org.by_id(s, invite.unit_id)
    msg = _("Welcome! You are now linked as {role} of {unit}.").format(
        role=role_name(invite.role), unit=unit.name if unit else ""
    )
    return [Reply(msg)]


def welcome() -> Reply:
    return Reply(
        _(
            "Hello! This is chihoi, the assistant of the Women's Union branches.\n"
            "To start, you need an invite code from your commune Women's Union chair. "
            "When you have it, type it here (for example: AB3D-7KXZ)."
        )
    )


FEATURE = Feature(name="onboarding", on_stranger=on_stranger)
