"""Wiring the Official Account and ZNS into `chihoi run` (issue 19) when ZALO_OA_ID,
ZALO_OA_APP_ID and ZALO_OA_APP_SECRET are set: the webhook route /zalo-oa/<oa id>, the
inbox worker, a token refresher that runs ahead of expiry even without traffic, and the
transports the outbox sender uses ("zalo_oa" and "zns", both keyed by the OA id)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from starlette.routing import BaseRoute

from bot import logs
from bot.channels.outbound import Transports
from bot.channels.zalo_config import ZaloSettings
from bot.channels.zalo_oa import ZaloOaChannel
from bot.channels.zalo_oa_client import OaClient, TokenRefused
from bot.channels.zalo_oa_tokens import TokenKeeper
from bot.channels.zns import ZnsTransport
from bot.core.engine import Engine
from storage.sessions import Maker

log = logging.getLogger("chihoi.zalo_oa")
Task = Callable[[], Awaitable[None]]


def sign_terms(z: ZaloSettings) -> tuple[list[str], list[str]]:
    """The ids and secrets a webhook signature may be built from (ZALO_OA_SIGNATURE_*)."""
    ids = {"app_id": [z.oa_app_id], "oa_id": [z.oa_id], "both": [z.oa_app_id, z.oa_id]}
    oa_key = z.oa_secret_key.get_secret_value() if z.oa_secret_key else None
    app_key = z.oa_app_secret.get_secret_value() if z.oa_app_secret else None
    keys = {"oa_secret": [oa_key], "app_secret": [app_key], "both": [oa_key, app_key]}
    return (
        [i for i in ids[z.oa_sign_id] if i],
        [k for k in keys[z.oa_sign_secret] if k],
    )


def add_oa(
    z: ZaloSettings,
    engine: Engine,
    maker: Maker,
    transports: Transports,
    tz: dt.tzinfo,
    locale: str,
) -> tuple[list[BaseRoute], list[Task], list[str], list[Callable[[], Awaitable[None]]]]:
    """(routes, tasks, names, closers) of the OA channel and its ZNS transport."""
    assert z.oa_id and z.oa_app_id and z.oa_app_secret
    logs.SCRUBBER.add_secrets(z.secret_values())  # app secret, OA secret key
    client = OaClient(
        z.oa_app_id,
        z.oa_app_secret.get_secret_value(),
        api_url=z.oa_api_url,
        oauth_url=z.oa_oauth_url,
        appsecret_proof=z.oa_appsecret_proof,
    )
    keeper = TokenKeeper(maker, client, z.oa_id, ahead=dt.timedelta(hours=z.oa_refresh_ahead_hours))
    ids, secrets = sign_terms(z)
    channel = ZaloOaChannel(
        client, keeper, engine, maker, oa_id=z.oa_id, sign_ids=ids, sign_secrets=secrets,
        max_buttons=z.oa_buttons, default_language=locale,
    )  # fmt: skip
    zns = ZnsTransport(client, keeper, maker, z, tz)
    transports.add(channel)
    transports.add(zns)

    async def refresher() -> None:
        # Refresh ahead even when nobody writes, so the 3-month refresh token never lapses.
        while True:
            try:
                await keeper.access()
            except TokenRefused as exc:
                log.error("oa_token_unavailable", extra={"oa": z.oa_id, "why": str(exc)[:80]})
            except Exception:
                log.exception("oa_token_check_failed", extra={"oa": z.oa_id})
            await asyncio.sleep(600)

    names = [f"zalo OA {z.oa_id} (webhook /zalo-oa/{z.oa_id})"]
    if z.templates:
        names.append(f"ZNS from OA {z.oa_id} ({len(z.templates)} templates, {z.zns_mode})")
    routes: list[BaseRoute] = list(channel.routes())
    return routes, [channel.run, refresher], names, [zns.close, channel.close]
