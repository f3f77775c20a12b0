"""The turn engine: dedupe, lock the chat, load, run one step, save, all in one transaction."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable

from bot.core.context import Ctx, RoleInfo
from bot.core.features import Registry
from bot.core.i18n import DEFAULT_LANGUAGE, _, language
from bot.core.state import ConversationState
from bot.core.turn import Turn
from bot.core.types import ChatKind, Incoming, Reply
from bot.domain.rules import Rules
from storage.db import transaction
from storage.repositories import conversations, people, turn_start
from storage.sessions import Maker, Session

log = logging.getLogger("chihoi.engine")
MAX_ATTEMPTS = 5


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Engine:
    """`await engine.handle(incoming)` is the whole bot as far as a channel knows."""

    def __init__(
        self,
        maker: Maker,
        registry: Registry,
        rules: Rules,
        clock: Callable[[], dt.datetime] = utcnow,
        default_language: str = DEFAULT_LANGUAGE,
    ) -> None:
        self.maker = maker
        self.registry = registry
        self.rules = rules
        self.tz = rules.tz
        self.clock = clock
        self.default_language = default_language

    async def handle(self, inc: Incoming) -> list[Reply]:
        for _attempt in range(MAX_ATTEMPTS):
            try:
                return await self._turn(inc)
            except conversations.StaleState:
                continue
            except Exception:
                ref = secrets.token_hex(4)
                # Ids only: the text may hold a name, phone or CCCD.
                log.exception(
                    "turn_failed",
                    extra={"ref": ref, "channel": inc.channel, "update": inc.update_id},
                )
                with language(self.default_language):
                    msg = _("Sorry, nothing was saved. Please try again (code {ref}).")
                    return [Reply(msg.format(ref=ref), notice=True)]
        raise RuntimeError("conversation kept changing under this turn")

    async def _turn(self, inc: Incoming) -> list[Reply]:
        now = self.clock()
        async with transaction(self.maker) as s:
            if inc.chat_kind == ChatKind.GROUP:
                if not await conversations.claim_update(
                    s, inc.channel, inc.bot_id, inc.update_id, now
                ):
                    return []
                return await self._group_turn(s, inc, now)
            # Dedupe, the chat's lock, its state and who writes: one round trip on PostgreSQL.
            start = await turn_start.begin_turn(
                s, inc.channel, inc.bot_id, inc.update_id, inc.chat_id, inc.user_id, now
            )
            if start is None:
                return []  # a replay
            state = ConversationState.from_json(start.state)
            roles = [RoleInfo(kind, unit) for kind, unit in start.roles]
            ctx = Ctx(
                session=s, incoming=inc, person=start.person, roles=roles, now=now, rules=self.rules
            )
            lang = ctx.person.locale if ctx.person else self.default_language
            with language(lang):
                replies = await Turn(self.registry, ctx, state).run()
            await conversations.save_state(s, start.conv_id, start.version, state.to_json(), now)
            return replies

    async def _group_turn(self, s: Session, inc: Incoming, now: dt.datetime) -> list[Reply]:
        text = (inc.text or "").strip()
        if not (text.startswith("/") or inc.addressed):
            return []  # chatter between members is not for the bot
        ctx = await self._context(s, inc, now)
        command, _sep, arg = text.lstrip("/").partition(" ")
        handler = self.registry.group_commands.get(command.split("@")[0].lower())
        lang = ctx.person.locale if ctx.person else self.default_language
        with language(lang):
            if handler is None:
                handler = self.registry.group_commands.get("help")
            if handler is None:
                return []
            return await handler(ctx, arg.strip())

    async def _context(self, s: Session, inc: Incoming, now: dt.datetime) -> Ctx:
        person, found = await people.person_and_roles(s, inc.channel, inc.bot_id, inc.user_id)
        roles = [RoleInfo(kind, unit) for kind, unit in found]
        return Ctx(session=s, incoming=inc, person=person, roles=roles, now=now, rules=self.rules)
