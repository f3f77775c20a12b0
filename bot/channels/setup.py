"""The configured Telegram and Zalo bots of `chihoi run`: routes, polling loops, transports."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.channels import telegram, telegram_wire, zalo
from bot.channels.files import FileShelf
from bot.channels.zalo_client import ZaloClient, bot_id_of
from bot.runtime import Runtime

if TYPE_CHECKING:
    from bot.services import Services

TELEGRAM_API = "https://api.telegram.org/bot"


def telegram_base_url(api_url: str | None) -> str:
    """TELEGRAM_API_URL is a server root ("http://127.0.0.1:8081"); PTB wants ".../bot"."""
    if not api_url:
        return TELEGRAM_API
    url = api_url.rstrip("/")
    return url if url.endswith("/bot") or "{token}" in url else f"{url}/bot"


def add_channels(rt: Runtime, services: Services) -> None:
    """Register every channel the settings name; each bot is also a transport for the sender."""
    # httpx logs each request URL at INFO, and Bot API URLs carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if rt.settings.telegram_bot_token is not None:
        _add_telegram(rt, services)
    if rt.settings.zalo_tokens:
        _add_zalo(rt, services)


def _add_telegram(rt: Runtime, services: Services) -> None:
    s = rt.settings
    assert s.telegram_bot_token is not None
    token = s.telegram_bot_token.get_secret_value()
    bot = Bot(
        token,
        base_url=telegram_base_url(s.telegram_api_url),
        request=HTTPXRequest(connection_pool_size=32),
    )
    configured = s.telegram_webhook_secret.get_secret_value() if s.telegram_webhook_secret else None
    channel = telegram.TelegramChannel(
        bot,
        rt.engine,
        rt.maker,
        secret=telegram_wire.webhook_secret(token, configured),
        webhook_url=s.telegram_webhook_url,
    )
    rt.transports.add(channel)
    services.closers.append(channel.close)
    if s.telegram_webhook_url:
        services.routes.extend(channel.routes())

    async def run() -> None:
        if await channel.start() and not s.telegram_webhook_url:
            await channel.poll()

    services.tasks.append(run)
    mode = "webhook" if s.telegram_webhook_url else "polling"
    services.names.append(f"telegram bot {channel.bot_id} ({mode})")


def _add_zalo(rt: Runtime, services: Services) -> None:
    s = rt.settings
    # Zalo takes photos by URL only: with a public address we serve short-lived links,
    # without one the user gets a short note instead of the file (see README).
    shelf = FileShelf(s.zalo_webhook_url) if s.zalo_webhook_url else None
    if shelf is not None:
        services.routes.extend(shelf.routes())
    configured = s.zalo_webhook_secret.get_secret_value() if s.zalo_webhook_secret else None
    bots: list[zalo.ZaloChannel] = []
    for token in s.zalo_tokens:
        channel = zalo.ZaloChannel(
            ZaloClient(token, s.zalo_api_url),
            rt.engine,
            rt.maker,
            bot_id=bot_id_of(token),
            secret=zalo.webhook_secret(token, configured),
            webhook_url=s.zalo_webhook_url,
            shelf=shelf,
            default_language=s.locale,
        )
        bots.append(channel)
        services.closers.append(channel.close)
        services.tasks.append(_zalo_runner(rt, channel, polling=not s.zalo_webhook_url))
        mode = "webhook" if s.zalo_webhook_url else "polling"
        services.names.append(f"zalo bot {channel.bot_id or '(id from getMe)'} ({mode})")
    if s.zalo_webhook_url:
        services.routes.extend(zalo.webhook_routes(lambda: bots))


Task = Callable[[], Awaitable[None]]


def _zalo_runner(rt: Runtime, channel: zalo.ZaloChannel, polling: bool) -> Task:
    known = bool(channel.bot_id)
    if known:
        rt.transports.add(channel)

    async def run() -> None:
        if not await channel.start():
            return
        if not known:  # the token had no "<id>:" prefix: getMe told us the id
            rt.transports.add(channel)
        if polling:
            await channel.poll()

    return run
