"""ZNS (ZBS Template Message) by phone (issue 19 item 3; ZALO-OA.md §6, §7.2): a reminder
re-addressed here by the channel steering goes out as an approved template to the phone of
a woman who consented to messages by phone.

- Night: nothing between ZNS_NIGHT (22:00-07:00 by default: sources say the ban ends at
  06:00 or 07:00) — deferred to its end, no attempt counted.
- Daily quota: read from every answer (dailyQuota / remainingQuota, strings); once it is
  0 for today, or on -144/-147, the rest waits for tomorrow morning.
- ZNS_MODE=development sends with mode "development" (to the OA's admins only).
- Every error code per the retry table: -124 refresh the token once and retry once;
  -100 back off; quota and night codes defer; recipient codes give up for her; template
  and account codes give up and tell the admins once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import httpx

from bot.channels.admin_alerts import alert
from bot.channels.outbound import Address, SendError
from bot.channels.send_outcomes import Deferred
from bot.channels.zalo_config import ZaloSettings
from bot.channels.zalo_oa_client import OaClient, OaError, TokenRefused
from bot.channels.zalo_oa_tokens import TokenKeeper
from bot.channels.zalo_quota import BotQuota
from bot.channels.zns_params import parse
from bot.core.i18n import _
from bot.core.types import Reply
from storage.db import transaction
from storage.repositories import channel_quota, person_contacts
from storage.sessions import Maker

CHANNEL = "zns"
log = logging.getLogger("chihoi.zns")

TOMORROW = frozenset({-144, -147, -1471, -1472})  # daily limits: the next morning
NEXT_MONTH = frozenset({-1441})
BACKOFF = frozenset({-100})
# The template or the account needs a human: give up on this message, tell the admins.
ALERT = frozenset(
    {-101, -102, -103, -104, -105, -109, -115, -117, -120, -1201, -1202, -125, -126, -127,
     -131, -135, -1351, -136, -137, -1381, -138, -145, -146, -1241, -1121, -1122, -1124,
     -132, -111, -112}
)  # fmt: skip


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def zns_phone(local: str) -> str:
    """0912345678 -> 84912345678 (§6.2)."""
    digits = "".join(ch for ch in local if ch.isdigit())
    return "84" + digits[1:] if digits.startswith("0") else digits


class ZnsTransport:
    channel = CHANNEL

    def __init__(
        self,
        client: OaClient,
        keeper: TokenKeeper,
        maker: Maker,
        z: ZaloSettings,
        tz: dt.tzinfo,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        assert z.oa_id
        self.client = client
        self.keeper = keeper
        self.maker = maker
        self.bot_id = z.oa_id
        self.base = z.zns_api_url
        self.development = z.zns_mode == "development"
        self.night = z.night()
        self.tz = tz
        self.clock = clock
        self.usage = BotQuota(maker, self.bot_id, None, 100, tz, clock=clock, channel=CHANNEL)

    # --- when --------------------------------------------------------------------------------

    def morning(self, now: dt.datetime, days: int = 0) -> dt.datetime:
        """The end of the night window on the local day `days` after the night we are in."""
        local = now.astimezone(self.tz)
        day = local.date()
        if local.time() >= self.night[0] and days == 0:
            day += dt.timedelta(days=1)  # after 22:00: tomorrow morning
        end = dt.datetime.combine(day + dt.timedelta(days=days), self.night[1], tzinfo=self.tz)
        return end.astimezone(dt.UTC)

    def at_night(self, now: dt.datetime) -> bool:
        t = now.astimezone(self.tz).time()
        start, end = self.night
        return (t >= start or t < end) if start > end else start <= t < end

    def day(self, now: dt.datetime) -> str:
        return now.astimezone(self.tz).strftime("%Y-%m-%d")

    # --- sending -----------------------------------------------------------------------------

    async def deliver(self, address: Address, reply: Reply) -> None:
        request = parse(reply.text)
        if request is None:
            raise SendError("zns: not a template request", permanent=True)
        now = self.clock()
        if self.at_night(now):
            raise Deferred("zns: night", self.morning(now))
        async with self.maker() as s:
            used = await channel_quota.get(s, CHANNEL, self.bot_id, self.day(now))
            phone = await person_contacts.consented_phone(s, int(request["person"]))
        if used is not None and used.remaining == 0:
            raise Deferred("zns: daily quota used", self.morning(now, days=1))
        if phone is None:
            raise SendError("zns: no phone or no consent", permanent=True)
        body = {
            "phone": zns_phone(phone),
            "template_id": request["template_id"],
            "template_data": request["template_data"],
            "tracking_id": request["tracking_id"],
        }
        if self.development:
            body["mode"] = "development"
        try:
            answer = await self._send(body)
        except OaError as exc:
            raise await self._failed(exc, request, now) from exc
        except TokenRefused as exc:
            raise SendError(f"zns token: {exc}", retry_after=3600) from exc
        except httpx.HTTPError as exc:
            raise SendError(f"zns network: {type(exc).__name__}") from exc
        await self._quota(answer, now)

    async def _send(self, body: dict[str, object]) -> dict[str, object]:
        access, version = await self.keeper.access()
        try:
            return await self.client.call(access, "POST", "/message/template", body, base=self.base)
        except OaError as exc:
            if exc.code != -124:
                raise
            access, _v = await self.keeper.after_refused(version)  # refresh once, retry once
            return await self.client.call(access, "POST", "/message/template", body, base=self.base)

    async def _quota(self, answer: dict[str, object], now: dt.datetime) -> None:
        data = answer.get("data")
        quota = data.get("quota") if isinstance(data, dict) else None
        await self.usage.count()
        if not isinstance(quota, dict):
            return
        try:
            daily, left = int(str(quota["dailyQuota"])), int(str(quota["remainingQuota"]))
        except (KeyError, ValueError):
            return
        async with transaction(self.maker) as s:
            await channel_quota.set_quota(s, CHANNEL, self.bot_id, self.day(now), daily, left, now)

    async def _failed(
        self, exc: OaError, request: dict[str, object], now: dt.datetime
    ) -> SendError:
        reason = f"zns {exc.code}: {exc.message[:120]}"
        if exc.code == -133:
            return Deferred(reason, self.morning(now))
        if exc.code in TOMORROW or exc.code == -115:
            if exc.code in (-144, -115):
                async with transaction(self.maker) as s:
                    await channel_quota.set_quota(
                        s, CHANNEL, self.bot_id, self.day(now), None, 0, now
                    )
            if exc.code == -115:
                await self._alert(exc, request, now)
            return Deferred(reason, self.morning(now, days=1))
        if exc.code in NEXT_MONTH:
            local = now.astimezone(self.tz)
            first = (local.replace(day=28) + dt.timedelta(days=4)).replace(day=1).date()
            return Deferred(reason, dt.datetime.combine(first, self.night[1], tzinfo=self.tz))
        if exc.code in BACKOFF or exc.code >= 500:
            return SendError(reason)
        if exc.code in ALERT:
            await self._alert(exc, request, now)
        log.warning("zns_gave_up", extra={"code": exc.code})
        return SendError(reason, permanent=True)  # for her (-108, -114, -118, -119...) or it

    async def _alert(self, exc: OaError, request: dict[str, object], now: dt.datetime) -> None:
        template = str(request.get("template_id", ""))
        key = f"zns|{self.bot_id}|{template}|{exc.code}|{now:%Y%m%d}"

        def text() -> str:
            return _("ZNS template {template} was refused: error {code} ({message}).").format(
                template=template, code=exc.code, message=exc.message[:120]
            )

        async with transaction(self.maker) as s:
            await alert(s, key, text, now)

    async def close(self) -> None:
        await self.usage.flush()
