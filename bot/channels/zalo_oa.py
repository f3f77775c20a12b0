"""Zalo Official Account channel (issue 19 item 2): signed webhook events answered at once
and queued in the database, handled by a worker; replies as text with up to 5 buttons.

- Webhook: an unsigned "{}" (Zalo's URL check) gets 200 and nothing else; any other body
  must carry a valid X-ZEvent-Signature or gets 403 and is not looked at. A signed event is
  stored in oa_inbox under its msg_id (a redelivery is a no-op) and answered 200 at once:
  Zalo wants an answer within 2 s, a turn may take longer.
- The worker turns text and button taps (a hidden "#c:<key>" payload) into `Incoming`,
  answers pictures, stickers, files kindly, and records her last interaction (the 48 h /
  7-day windows; receipts and echoes are not interactions).
- Replies: the text split at 2,000 characters; 1 to ZALO_OA_BUTTONS choices become buttons
  on the last part, more become the numbered list Zalo bots use. A refused token (-216,
  -220) is refreshed once and the send retried once.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels import zalo_oa_webhook as wire
from bot.channels.admin_alerts import alert
from bot.channels.delivery import Progress, Reachability, TurnRunner
from bot.channels.outbound import Address, SendError, Unreachable
from bot.channels.send_outcomes import FallBack
from bot.channels.zalo_events import reply_for
from bot.channels.zalo_oa_client import Button, OaClient, OaError, TokenRefused
from bot.channels.zalo_oa_tokens import TokenKeeper
from bot.channels.zalo_quota import BotQuota
from bot.core.choices import numbered, split_text
from bot.core.engine import Engine
from bot.core.i18n import _, language
from bot.core.types import ZALO_CAPS, ChatKind, Incoming, Reply
from storage.db import transaction
from storage.repositories import oa_state, people
from storage.sessions import Maker

CHANNEL = "zalo_oa"
log = logging.getLogger("chihoi.zalo_oa")


def render(reply: Reply, max_buttons: int) -> tuple[list[str], list[Button]]:
    """Text parts (≤2,000 each) and the buttons for the last part. The numbered list stays
    in the text (the core speaks to the OA as to a Zalo bot: a typed "2" or the choice's
    words work too); up to `max_buttons` choices are also buttons."""
    buttons = []
    if 1 <= len(reply.choices) <= max_buttons:
        buttons = [Button(c.label[:100], wire.CHOICE + c.key) for c in reply.choices]
    text = numbered(reply.text, reply.choices, reply.numbered)
    parts = [p for p in split_text(text, ZALO_CAPS.text_limit) if p.strip()]
    return parts or ["…"], buttons


class ZaloOaChannel:
    channel = CHANNEL

    def __init__(
        self,
        client: OaClient,
        keeper: TokenKeeper,
        engine: Engine,
        maker: Maker,
        *,
        oa_id: str,
        sign_ids: Sequence[str],
        sign_secrets: Sequence[str],
        max_buttons: int = 5,
        default_language: str = "vi",
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        lease: dt.timedelta = dt.timedelta(minutes=2),
    ) -> None:
        self.client = client
        self.keeper = keeper
        self.maker = maker
        self.bot_id = oa_id
        self.sign_ids = list(sign_ids)
        self.sign_secrets = list(sign_secrets)
        self.max_buttons = max_buttons
        self.default_language = default_language
        self.clock = clock
        self.lease = lease
        self.reach = Reachability(maker)
        self.runner = TurnRunner(engine, self.reach, self.deliver)
        self.progress = Progress()
        self.wake = asyncio.Event()
        self._names: dict[str, str] = {}
        # Sends per month for the admins' view (no fixed allowance: 48 h free, then billed).
        self.usage = BotQuota(maker, oa_id, None, 100, dt.UTC, clock=clock, channel=CHANNEL)

    # --- receiving ------------------------------------------------------------------------

    async def webhook(self, request: Request) -> Response:
        raw = await request.body()
        if raw.strip() in (b"", b"{}"):
            return JSONResponse({"ok": True})  # the URL check when the webhook is saved
        if not wire.signed(
            raw, request.headers.get(wire.SIGNATURE_HEADER), self.sign_ids, self.sign_secrets
        ):
            log.warning("oa_webhook_bad_signature", extra={"oa": self.bot_id})
            return Response(status_code=403)
        try:
            body = await request.json()
        except (ValueError, RecursionError):
            return Response(status_code=400)
        if not isinstance(body, dict):
            return Response(status_code=400)
        async with transaction(self.maker) as s:
            await oa_state.inbox_add(s, wire.dedupe_key(body), self.bot_id, body, self.clock())
        self.wake.set()
        return JSONResponse({"ok": True})

    async def drain(self, limit: int = 50) -> int:
        """Handle queued events (this process's and those of a dead one); how many."""
        done = 0
        while True:
            async with transaction(self.maker) as s:
                batch = await oa_state.inbox_claim(s, self.clock(), limit, self.lease)
            if not batch:
                return done
            for item in batch:
                try:
                    await self.handle(item.body)
                finally:
                    async with transaction(self.maker) as s:
                        await oa_state.inbox_done(s, [item.id], self.clock())
                    done += 1
                    await self.progress.bump()

    async def run(self, poll: float = 2.0) -> None:
        while True:
            try:
                await self.drain()
            except Exception:
                log.exception("oa_inbox_failed", extra={"oa": self.bot_id})
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=poll)

    async def handle(self, body: dict[str, Any]) -> None:
        """One event; never raises (logged by id only)."""
        event = wire.parse(body)
        if event is None:
            return
        try:
            async with transaction(self.maker) as s:
                await oa_state.touch(s, self.bot_id, event.user_id, event.at)
            address = Address(CHANNEL, self.bot_id, event.user_id)
            if event.name in wire.MEDIA and not event.text:
                with language(await self._language_of(event.user_id)):
                    text = reply_for(wire.MEDIA[event.name]) or ""
                await self.deliver(address, Reply(text))
                return
            if event.name != "user_send_text" or not event.text:
                return  # follow, chat-now, submitted info: her window opened, nothing to say
            text, choice = event.text, None
            if text.startswith(wire.CHOICE):
                text, choice = "", text[len(wire.CHOICE) :]
            inc = Incoming(
                channel=CHANNEL, bot_id=self.bot_id, chat_id=event.user_id,
                user_id=event.user_id, update_id=event.msg_id, sent_at=event.at,
                display_name=await self._name_of(event.user_id),
                text=text or None, choice=choice, chat_kind=ChatKind.PRIVATE, caps=ZALO_CAPS,
            )  # fmt: skip
            await self.runner.run(inc, address)
        except Exception:
            log.exception("oa_event_failed", extra={"oa": self.bot_id, "update": event.msg_id})

    async def _name_of(self, user_id: str) -> str:
        """Her Zalo name (user/detail), asked once per process, only while she is a stranger
        (onboarding names a new person after it); "" when Zalo will not say."""
        if user_id in self._names:
            return self._names[user_id]
        name = ""
        async with self.maker() as s:
            known = await people.find_person(s, CHANNEL, self.bot_id, user_id) is not None
        if not known:
            try:
                access, _v = await self.keeper.access()
                detail = await self.client.user_detail(access, user_id)
                name = str(detail.get("display_name") or "")[:200]
            except (OaError, TokenRefused, httpx.HTTPError):
                log.info("oa_user_detail_failed", extra={"oa": self.bot_id})
        self._names[user_id] = name
        return name

    async def _language_of(self, user_id: str) -> str:
        async with self.maker() as s:
            locale = await people.locale_of(s, CHANNEL, self.bot_id, user_id)
        return locale or self.default_language

    # --- sending --------------------------------------------------------------------------

    async def deliver(self, address: Address, reply: Reply) -> None:
        parts, buttons = render(reply, self.max_buttons)
        if reply.attachment is not None:
            with language(await self._language_of(address.chat_id)):
                note = _(
                    "Zalo cannot receive the file {filename}. Please get it from chihoi on "
                    "Telegram, or ask your commune Women's Union office."
                ).format(filename=reply.attachment.filename)
            parts.append(note)
        try:
            for i, part in enumerate(parts):
                last = i == len(parts) - 1
                await self._send(address.chat_id, part, buttons if last else [])
        except OaError as exc:
            raise await self._failed(address, exc) from exc
        except TokenRefused as exc:
            raise SendError(f"zalo_oa token: {exc}", retry_after=3600) from exc
        except httpx.HTTPError as exc:
            raise SendError(f"zalo_oa network: {type(exc).__name__}") from exc

    async def _send(self, user_id: str, text: str, buttons: list[Button]) -> None:
        access, version = await self.keeper.access()
        try:
            await self.client.send_text(access, user_id, text, buttons)
        except OaError as exc:
            if not exc.token:
                raise
            access, _v = await self.keeper.after_refused(version)  # refresh once, retry once
            await self.client.send_text(access, user_id, text, buttons)
        await self.usage.count()

    async def _failed(self, address: Address, exc: OaError) -> SendError:
        reason = f"zalo_oa {exc.code}: {exc.message[:120]}"
        if exc.window:
            return FallBack(reason)
        if exc.unreachable:
            await self.reach.blocked(address)
            return Unreachable(reason)
        if exc.code == -32:  # the app's per-minute limit: wait for the next minute
            return SendError(reason, retry_after=60)
        if exc.retryable:
            return SendError(reason)
        if exc.alert or exc.token:
            now = self.clock()
            async with transaction(self.maker) as s:
                await alert(
                    s, f"oa|{self.bot_id}|{exc.code}|{now:%Y%m%d}", lambda: _alert(exc), now
                )
        return SendError(reason, permanent=True)

    def routes(self) -> list[Route]:
        return [Route(f"/zalo-oa/{self.bot_id}", self.webhook, methods=["POST"])]

    async def close(self) -> None:
        await self.usage.flush()
        await self.client.aclose()


def _alert(exc: OaError) -> str:
    return _("The Zalo Official Account refused a message: error {code} ({message}).").format(
        code=exc.code, message=exc.message[:120]
    )
