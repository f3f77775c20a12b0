"""The configured Telegram and Zalo bots of `chihoi run`: routes, polling loops, transports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.routing import BaseRoute
from telegram import Bot
from telegram.request import HTTPXRequest

from bot import logs
from bot.channels import telegram, telegram_wire, zalo
from bot.channels.files import FileShelf
from bot.channels.http_imports import settle_missing_sniffio
from bot.channels.outbound import Transports
from bot.channels.supervise import GaveUp
from bot.channels.zalo_client import ZaloClient, bot_id_of
from bot.channels.zalo_config import ZaloSettings
from bot.channels.zalo_oa_setup import add_oa
from bot.channels.zalo_quota import BotQuota
from bot.config import Settings, load
from bot.core.engine import Engine
from storage.sessions import Maker

TELEGRAM_API = "https://api.telegram.org/bot"
Task = Callable[[], Awaitable[None]]


@dataclass
class Services:
    """What each configured part contributes: HTTP routes, and coroutines to run until stop."""

    routes: list[BaseRoute] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    # Called on shutdown, newest first.
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


@dataclass(frozen=True)
class _Wiring:
    """What every bot of a process shares."""

    settings: Settings
    engine: Engine
    maker: Maker
    transports: Transports
    services: Services


def telegram_base_url(api_url: str | None) -> str:
    """TELEGRAM_API_URL is a server root ("http://127.0.0.1:8081"); PTB wants ".../bot"."""
    if not api_url:
        return TELEGRAM_API
    url = api_url.rstrip("/")
    return url if url.endswith("/bot") or "{token}" in url else f"{url}/bot"


def add_channels(
    settings: Settings, engine: Engine, maker: Maker, transports: Transports
) -> Services:
    """Every channel the settings name; each bot is also added to `transports` for the sender."""
    # httpx logs each request URL at INFO, and Bot API URLs carry the token: the floors of
    # bot/logs.py, also for a caller that did not go through the `chihoi` command.
    logs.hold_libraries()
    settle_missing_sniffio()
    w = _Wiring(settings, engine, maker, transports, Services())
    if settings.telegram_bot_token is not None:
        _add_telegram(w)
    if settings.zalo_tokens:
        _add_zalo(w)
    z = load(ZaloSettings)
    if z.oa_enabled:  # issue 19: the Official Account and ZNS
        routes, tasks, names, closers = add_oa(
            z, engine, maker, transports, settings.zone, settings.locale
        )
        w.services.routes.extend(routes)
        w.services.tasks.extend(tasks)
        w.services.names.extend(names)
        w.services.closers.extend(closers)
    return w.services


def _add_telegram(w: _Wiring) -> None:
    s, services = w.settings, w.services
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
        w.engine,
        w.maker,
        secret=telegram_wire.webhook_secret(token, configured),
        webhook_url=s.telegram_webhook_url,
    )
    w.transports.add(channel)
    services.closers.append(channel.close)
    if s.telegram_webhook_url:
        services.routes.extend(channel.routes())

    async def run() -> None:
        if not await channel.start():
            raise GaveUp("telegram bot could not start")
        if not s.telegram_webhook_url:
            await channel.poll()
            raise GaveUp("telegram token refused")  # poll returns only then

    services.tasks.append(run)
    mode = "webhook" if s.telegram_webhook_url else "polling"
    services.names.append(f"telegram bot {channel.bot_id} ({mode})")


def _add_zalo(w: _Wiring) -> None:
    s, services = w.settings, w.services
    # Zalo takes photos by URL only: with a public address we serve short-lived links,
    # without one the user gets a short note instead of the file (see README).
    shelf = FileShelf(s.zalo_webhook_url) if s.zalo_webhook_url else None
    if shelf is not None:
        services.routes.extend(shelf.routes())
    configured = s.zalo_webhook_secret.get_secret_value() if s.zalo_webhook_secret else None
    z = load(ZaloSettings)  # issue 19: monthly quota, ids shared across bots
    bots: list[zalo.ZaloChannel] = []
    for token in s.zalo_tokens:
        quota = BotQuota(w.maker, bot_id_of(token), z.bot_monthly_quota, z.bot_warn_pct, s.zone)
        channel = zalo.ZaloChannel(
            ZaloClient(token, s.zalo_api_url),
            w.engine,
            w.maker,
            bot_id=bot_id_of(token),
            secret=zalo.webhook_secret(token, configured),
            webhook_url=s.zalo_webhook_url,
            shelf=shelf,
            default_language=s.locale,
            quota=quota,
            shared_ids=z.shared_user_ids,
        )
        bots.append(channel)
        services.closers.append(channel.close)
        services.tasks.append(_zalo_runner(w.transports, channel, polling=not s.zalo_webhook_url))
        mode = "webhook" if s.zalo_webhook_url else "polling"
        services.names.append(f"zalo bot {channel.bot_id or '(id from getMe)'} ({mode})")
    if s.zalo_webhook_url:
        services.routes.extend(zalo.webhook_routes(lambda: bots))


def _zalo_runner(transports: Transports, channel: zalo.ZaloChannel, polling: bool) -> Task:
    known = bool(channel.bot_id)
    if known:
        transports.add(channel)

    async def run() -> None:
        if not await channel.start():
            raise GaveUp("zalo bot could not start")
        if not known:  # the token had no "<id>:" prefix: getMe told us the id
            transports.add(channel)
            if channel.quota is not None:
                channel.quota.bot_id = channel.bot_id
        if polling:
            await channel.poll()
            raise GaveUp("zalo token refused")  # poll returns only then

    return run
