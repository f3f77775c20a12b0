"""Zalo Bot Platform channel: updates become `Incoming`, replies numbered text (no buttons)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Callable, Iterable

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.delivery import Progress, Reachability, TurnRunner, finish
from bot.channels.files import FileShelf
from bot.channels.outbound import Address, SendError, Unreachable
from bot.channels.retry import Again, Backoff, TooLongWait
from bot.channels.zalo_client import (
    RecentIds,
    ZaloClient,
    ZaloError,
    ZaloUpdate,
    parse_update,
)
from bot.channels.zalo_events import reply_for
from bot.channels.zalo_identity import SharedIds
from bot.channels.zalo_quota import BotQuota
from bot.core.choices import numbered, split_text
from bot.core.engine import Engine
from bot.core.i18n import _, language
from bot.core.types import ZALO_CAPS, Attachment, ChatKind, Incoming, Reply
from storage.repositories import people
from storage.sessions import Maker

CHANNEL = "zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
log = logging.getLogger("chihoi.zalo")


def to_incoming(bot_id: str, update: ZaloUpdate, bot_name: str = "") -> Incoming:
    """Groups only deliver messages that mention or reply to the bot, so they are addressed."""
    group = update.chat_type == "GROUP"
    text = update.text
    if group and text and bot_name:
        text = text.replace(f"@{bot_name}", "").strip()
    return Incoming(
        channel=CHANNEL,
        bot_id=bot_id,
        chat_id=update.chat_id,
        user_id=update.user_id,
        update_id=update.message_id,
        sent_at=update.sent_at,
        display_name=update.display_name,
        text=text,
        chat_kind=ChatKind.GROUP if group else ChatKind.PRIVATE,
        addressed=group,
        caps=ZALO_CAPS,
    )


def render(reply: Reply) -> list[str]:
    """Choices as a numbered list ("1. …"), split on line boundaries at Zalo's 2,000 chars."""
    text = numbered(reply.text, reply.choices, reply.numbered)
    return [part for part in split_text(text, ZALO_CAPS.text_limit) if part.strip()]


def webhook_secret(token: str, configured: str | None) -> str:
    """ZALO_WEBHOOK_SECRET, else derived from the token: the same in every process."""
    if configured:
        return configured
    return hmac.new(token.encode(), b"chihoi-zalo-webhook", hashlib.sha256).hexdigest()[:48]


def _transient(exc: BaseException) -> Again | None:
    if isinstance(exc, ZaloError):
        return Again() if exc.retryable else None  # 429 carries no retry_after: back off ourselves
    if isinstance(exc, httpx.TimeoutException | httpx.TransportError):
        return Again()
    return None


class ZaloChannel:
    """One Zalo bot: long polling or webhook, and the `Transport` the outbox sender uses."""

    channel = CHANNEL

    def __init__(
        self,
        client: ZaloClient,
        engine: Engine,
        maker: Maker,
        *,
        bot_id: str,
        secret: str,
        webhook_url: str | None = None,
        shelf: FileShelf | None = None,
        poll_timeout: int = 30,
        backoff: Backoff | None = None,
        default_language: str = "vi",
        quota: BotQuota | None = None,
        shared_ids: bool = False,
    ) -> None:
        self.client = client
        self.maker = maker
        self.bot_id = bot_id
        self.secret = secret
        self.webhook_url = webhook_url
        self.shelf = shelf
        self.poll_timeout = poll_timeout
        self.backoff = backoff or Backoff()
        self.default_language = default_language
        self.bot_name = ""
        self.reach = Reachability(maker)
        self.runner = TurnRunner(engine, self.reach, self.deliver)
        self.recent = RecentIds()
        self.ready = asyncio.Event()
        self.progress = Progress()
        # Issue 19: the month's allowance; a user id known on another bot (zalo_identity.py).
        self.quota = quota
        self.shared_ids = shared_ids
        self._shared = SharedIds(maker)

    # --- receiving --------------------------------------------------------

    async def start(self) -> bool:
        """getMe, then webhook or polling mode; False when the token is refused (401)."""
        attempt = 0
        while True:
            try:
                me = await self.client.get_me()
                self.bot_id = self.bot_id or str(me.get("id", ""))
                self.bot_name = str(me.get("display_name") or me.get("name") or "")
                if self.webhook_url:
                    url = f"{self.webhook_url.rstrip('/')}/zalo/{self.bot_id}"
                    await self.client.set_webhook(url, self.secret)
                else:
                    await self.client.delete_webhook()
                    # getUpdates has no offset: what arrives while no one polls is lost.
                    log.warning("zalo_polling_is_development_mode", extra={"bot": self.bot_id})
                self.ready.set()
                return True
            except ZaloError as exc:
                if exc.error_code == 401:
                    log.error("zalo_token_refused", extra={"bot": self.bot_id})
                    return False
                attempt += 1
                log.warning("zalo_start_retry", extra={"bot": self.bot_id, "code": exc.error_code})
            except httpx.HTTPError:
                attempt += 1
                log.warning("zalo_start_retry", extra={"bot": self.bot_id})
            except ValueError:  # a ZALO_WEBHOOK_SECRET the platform would refuse
                log.error("zalo_webhook_secret_refused", extra={"bot": self.bot_id})
                return False
            await self.backoff.sleep(self.backoff.delay(min(attempt, 6)))

    async def poll(self) -> None:
        """Long-poll forever; cancel to stop (a turn in flight finishes first)."""
        failures = 0
        while True:
            try:
                updates = await self.client.get_updates(self.poll_timeout)
            except ZaloError as exc:
                if exc.error_code == 401:
                    log.error("zalo_token_refused", extra={"bot": self.bot_id})
                    return
                failures += 1
                log.warning("zalo_poll_failed", extra={"bot": self.bot_id, "code": exc.error_code})
                await self.backoff.sleep(self.backoff.delay(min(failures, 6)))
                continue
            except httpx.HTTPError:
                failures += 1
                await self.backoff.sleep(self.backoff.delay(min(failures, 6)))
                continue
            failures = 0
            for update in updates:
                await finish(self.handle(update))

    async def handle(self, update: ZaloUpdate) -> None:
        """Never raises: one odd update must not stop the poller (logged by id only)."""
        try:
            if self.recent.first_time(update.message_id):
                inc = to_incoming(self.bot_id, update, self.bot_name)
                group = inc.chat_kind == ChatKind.GROUP
                address = Address(CHANNEL, self.bot_id, inc.chat_id, group)
                if update.text is None and reply_for(update.event_name) is not None:
                    if not group:  # a picture, sticker, voice, file, protected account
                        with language(await self._language_of(address)):
                            kind = Reply(reply_for(update.event_name) or "")
                        await self.deliver(address, kind)
                    return  # in a group, media between members is not for the bot
                if self.shared_ids and not group:
                    await self._shared.adopt(self.bot_id, inc.user_id, inc.chat_id)
                await self.runner.run(inc, address)
        except Exception:
            log.exception("update_failed", extra={"bot": self.bot_id, "update": update.message_id})
        finally:
            await self.progress.bump()

    async def webhook(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return Response(status_code=403)
        try:
            body = await request.json()
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past reason
            return Response(status_code=400)
        if not isinstance(body, dict):
            return Response(status_code=400)
        update = parse_update(body)
        if update is None:  # an event we cannot read: acknowledged, so it is not resent
            self.client.skipped += 1
            log.warning("zalo_update_skipped", extra={"bot": self.bot_id})
        else:
            try:
                await asyncio.wait_for(self.ready.wait(), timeout=10)
            except TimeoutError:
                return Response(status_code=503)  # the platform retries; the engine dedupes
            await self.handle(update)
        return JSONResponse({"ok": True})

    # --- sending ----------------------------------------------------------

    async def deliver(self, address: Address, reply: Reply) -> None:
        """Send one reply; 403 marks the person unreachable and raises `Unreachable`."""
        try:
            for text in render(reply):
                await self._send(address.chat_id, text)
            if reply.attachment is not None:
                await self._send_attachment(address, reply.attachment)
        except ZaloError as exc:
            if exc.blocked:
                await self.reach.blocked(address)
                raise Unreachable(f"zalo {exc.error_code}") from exc
            raise SendError(f"zalo {exc.error_code}", permanent=not exc.retryable) from exc
        except TooLongWait as exc:
            raise SendError("zalo asked to wait", retry_after=exc.seconds) from exc
        except httpx.HTTPError as exc:
            raise SendError(f"zalo network: {type(exc).__name__}") from exc

    async def _send(self, chat_id: str, text: str) -> None:
        await self.backoff.call(lambda: self.client.send_message(chat_id, text), _transient)
        if self.quota is not None:
            await self.quota.count()

    async def _send_attachment(self, address: Address, attachment: Attachment) -> None:
        """Zalo takes photos by URL only and has no documents: link them, or say so."""
        if self.shelf is not None and attachment.kind == "photo":
            url = self.shelf.put(attachment)
            caption = attachment.caption[: ZALO_CAPS.text_limit]
            await self.backoff.call(
                lambda: self.client.send_photo(address.chat_id, url, caption), _transient
            )
            if self.quota is not None:
                await self.quota.count()
            return
        with language(await self._language_of(address)):
            if self.shelf is not None:
                msg = _("Download {filename} here (the link works for one hour): {url}")
                text = msg.format(filename=attachment.filename, url=self.shelf.put(attachment))
            else:
                msg = _(
                    "Zalo cannot receive the file {filename}. Please get it from chihoi on "
                    "Telegram, or ask your commune Women's Union office."
                )
                text = msg.format(filename=attachment.filename)
        if attachment.caption:
            text = f"{attachment.caption}\n{text}"
        for part in split_text(text, ZALO_CAPS.text_limit):
            await self._send(address.chat_id, part)

    async def _language_of(self, address: Address) -> str:
        if address.is_group:
            return self.default_language
        async with self.maker() as s:
            # In a private Zalo chat the chat id is the user's id.
            locale = await people.locale_of(s, CHANNEL, self.bot_id, address.chat_id)
        return locale or self.default_language

    async def close(self) -> None:
        if self.quota is not None:
            await self.quota.flush()
        await self.client.aclose()


def webhook_routes(bots: Callable[[], Iterable[ZaloChannel]]) -> list[Route]:
    """One route for every Zalo bot of the process: /zalo/<bot-id>."""

    async def receive(request: Request) -> Response:
        wanted = request.path_params["bot_id"]
        for bot in bots():
            if bot.bot_id == wanted:
                return await bot.webhook(request)
        return Response(status_code=404)

    return [Route("/zalo/{bot_id}", receive, methods=["POST"])]
