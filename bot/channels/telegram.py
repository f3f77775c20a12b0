"""Telegram channel on python-telegram-bot as transport only: long polling or webhook."""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import logging
from collections import defaultdict
from collections.abc import Callable
from functools import partial

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Bot, Update
from telegram.constants import ChatType
from telegram.error import (
    InvalidToken,
    RetryAfter,
    TelegramError,
)

from bot.channels.delivery import Progress, Reachability, TurnRunner, finish
from bot.channels.outbound import Address
from bot.channels.retry import Backoff
from bot.channels.telegram_send import TelegramSender
from bot.channels.telegram_wire import (
    CHANNEL,
    Me,
    bot_id_of,
    parse_updates,
    seconds_of,
    to_incoming,
    transient,
    utcnow,
)
from bot.core.engine import Engine
from bot.core.types import ChatKind, Reply
from storage.sessions import Maker

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
log = logging.getLogger("chihoi.telegram")


class TelegramChannel:
    """One Telegram bot: long polling or webhook, and the `Transport` the outbox sender uses."""

    channel = CHANNEL

    def __init__(
        self,
        bot: Bot,
        engine: Engine,
        maker: Maker,
        *,
        secret: str,
        webhook_url: str | None = None,
        poll_timeout: int = 25,
        backoff: Backoff | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.bot = bot
        self.bot_id = bot_id_of(bot.token)
        self.secret = secret
        self.webhook_url = webhook_url
        self.poll_timeout = poll_timeout
        self.backoff = backoff or Backoff()
        self.clock = clock
        self.me = Me(0, "")
        self.offset: int | None = None  # in memory only; see poll()
        self.skipped = 0  # updates that would not parse, stepped over
        self.reach = Reachability(maker)
        self.runner = TurnRunner(engine, self.reach, self.deliver)
        self.progress = Progress()
        self.sender = TelegramSender(bot, self.backoff, self.reach)
        self.ready = asyncio.Event()

    # --- receiving --------------------------------------------------------

    async def start(self) -> bool:
        """getMe, then setWebhook or deleteWebhook; False when the token is refused."""
        attempt = 0
        while True:
            try:
                await self.bot.initialize()
                self.me = Me(self.bot.bot.id, self.bot.bot.username or "")
                if self.webhook_url:
                    await self.bot.set_webhook(
                        url=f"{self.webhook_url.rstrip('/')}/telegram/{self.bot_id}",
                        secret_token=self.secret,
                        allowed_updates=ALLOWED_UPDATES,
                        drop_pending_updates=False,
                    )
                else:
                    await self.bot.delete_webhook(drop_pending_updates=False)
                self.ready.set()
                return True
            except InvalidToken:
                log.error("telegram_token_refused", extra={"bot": self.bot_id})
                return False
            except TelegramError as exc:
                attempt += 1
                log.warning(
                    "telegram_start_retry", extra={"bot": self.bot_id, "error": type(exc).__name__}
                )
                after = transient(exc)
                wait = after.after if after and after.after else self.backoff.delay(min(attempt, 6))
                await self.backoff.sleep(wait)

    async def poll(self) -> None:
        """Long-poll forever; cancel to stop. The offset lives in memory: after a restart
        Telegram resends what was not confirmed and the engine drops what it already did."""
        failures = 0
        while True:
            try:
                raw = await self.bot.do_api_request(
                    "getUpdates",
                    api_kwargs=self._poll_params(),
                    read_timeout=self.poll_timeout + 10,
                )
            except RetryAfter as exc:
                await self.backoff.sleep(seconds_of(exc))
                continue
            except InvalidToken:
                log.error("telegram_token_refused", extra={"bot": self.bot_id})
                return
            except TelegramError as exc:  # network, 5xx, 409 another poller
                failures += 1
                log.warning(
                    "telegram_poll_failed", extra={"bot": self.bot_id, "error": type(exc).__name__}
                )
                await self.backoff.sleep(self.backoff.delay(min(failures, 6)))
                continue
            failures = 0
            updates, offset, skipped = parse_updates(raw, self.bot)
            for uid in skipped:
                self.skipped += 1
                log.warning("telegram_update_skipped", extra={"bot": self.bot_id, "update": uid})
            if updates:
                await finish(self._batch(tuple(updates)))
            if offset is not None:
                self.offset = offset

    def _poll_params(self) -> dict[str, object]:
        params: dict[str, object] = {
            "timeout": self.poll_timeout,
            "allowed_updates": ALLOWED_UPDATES,
        }
        if self.offset is not None:
            params["offset"] = self.offset
        return params

    async def _batch(self, updates: tuple[Update, ...]) -> None:
        """Different chats in parallel, each chat's updates in order."""
        by_chat: dict[int, list[Update]] = defaultdict(list)
        for u in updates:
            chat = u.effective_chat
            by_chat[chat.id if chat else 0].append(u)

        async def in_order(chat_updates: list[Update]) -> None:
            for u in chat_updates:
                await self.handle(u)

        await asyncio.gather(*(in_order(us) for us in by_chat.values()))

    async def handle(self, update: Update) -> None:
        """Never raises: one odd update must not stop the poller (logged by id only)."""
        try:
            if update.callback_query is not None:
                await self._answer(update.callback_query.id)
            if update.my_chat_member is not None:
                await self._membership(update)
                return
            inc = to_incoming(update, self.bot_id, self.me, self.clock)
            if inc is not None:
                group = inc.chat_kind == ChatKind.GROUP
                query = update.callback_query
                on = query.message if query is not None else None
                reply = partial(self._reply, [on.message_id] if on is not None else [])
                address = Address(CHANNEL, self.bot_id, inc.chat_id, group)
                await self.runner.run(inc, address, reply)
        except Exception:
            log.exception("update_failed", extra={"bot": self.bot_id, "update": update.update_id})
        finally:
            await self.progress.bump()

    async def _answer(self, query_id: str) -> None:
        # Always answered, so the user's button stops spinning even for an expired menu.
        try:
            await self.bot.answer_callback_query(query_id)
        except TelegramError as exc:
            log.info(
                "callback_answer_failed", extra={"bot": self.bot_id, "error": type(exc).__name__}
            )

    async def _membership(self, update: Update) -> None:
        """A private chat's "kicked" status means the user blocked the bot."""
        change = update.my_chat_member
        if change is None or change.chat.type != ChatType.PRIVATE:
            return
        address = Address(CHANNEL, self.bot_id, str(change.chat.id))
        if change.new_chat_member.status == "kicked":
            await self.reach.blocked(address)
        else:
            await self.reach.heard_from(address)

    async def webhook(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return Response(status_code=403)
        try:
            update = Update.de_json(await request.json(), self.bot)
        except Exception:  # not JSON, or not an Update
            return Response(status_code=400)
        try:
            await asyncio.wait_for(self.ready.wait(), timeout=10)
        except TimeoutError:
            return Response(status_code=503)  # Telegram retries; the engine dedupes
        await self.handle(update)
        return JSONResponse({"ok": True})

    def routes(self) -> list[Route]:
        return [Route(f"/telegram/{self.bot_id}", self.webhook, methods=["POST"])]

    # --- sending ----------------------------------------------------------

    async def deliver(self, address: Address, reply: Reply) -> None:
        """Send one reply; a blocked chat is marked unreachable and raises `Unreachable`."""
        await self.sender.deliver(address, reply)

    async def _reply(self, pressed: list[int], address: Address, reply: Reply) -> None:
        """A turn's reply: one that replaces the pressed button's message edits it (once)."""
        if reply.edit and pressed and await self.sender.replace(address, pressed.pop(), reply):
            return
        await self.sender.deliver(address, reply)

    async def close(self) -> None:
        await self.bot.shutdown()
