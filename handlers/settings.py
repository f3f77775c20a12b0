"""Personal settings: language, and linking another app (Zalo, Telegram) to the same person."""

from __future__ import annotations

import datetime as dt

from bot.core.context import Ctx
from bot.core.dialogs import Choose, Dialog, Option, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, switch_language
from bot.core.types import Reply
from storage.repositories import invites, people

LINK_TTL = dt.timedelta(hours=24)


async def _save_language(ctx: Ctx, values: Values) -> list[Reply]:
    lang = values["lang"]
    await people.set_locale(ctx.session, ctx.person_id, lang)
    assert ctx.person is not None
    ctx.person.locale = lang
    switch_language(lang)
    return [Reply(_("Language changed to English."))]


LANGUAGE = Dialog(
    "language",
    steps=[
        Choose(
            "lang",
            N_("Choose a language."),
            [Option("vi", "Tiếng Việt"), Option("en", "English")],
        )
    ],
    on_done=_save_language,
)


async def link_other_app(ctx: Ctx) -> list[Reply]:
    if not ctx.roles:
        return [Reply(_("You have no role yet."))]
    first = ctx.roles[0]
    code = await invites.create_invite(
        ctx.session, first.unit.id, first.kind, ctx.now, LINK_TTL, person_id=ctx.person_id
    )
    msg = _(
        "To use chihoi from another app (Zalo or Telegram), open the chihoi bot there and "
        "type this code within 24 hours: {code}"
    )
    return [Reply(msg.format(code=code))]


FEATURE = Feature(
    name="settings",
    dialogs=[LANGUAGE],
    menu=[
        MenuEntry(
            "language",
            N_("Language / Ngôn ngữ"),
            LANGUAGE,
            words=("ngon ngu", "language"),
            order=900,
        ),
        MenuEntry("link_app", N_("Use chihoi from another app"), link_other_app, order=910),
    ],
)
