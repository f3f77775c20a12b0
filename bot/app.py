"""The composition root: settings, rules, database, engine, channels, scheduler, HTTP app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from bot import dashboard
from bot.channels import web
from bot.channels.outbound import Transports
from bot.channels.server import build_app
from bot.channels.setup import Services, add_channels
from bot.channels.supervise import Health
from bot.channels.web_guard import Guard
from bot.config import DashboardSettings, SchedulerSettings, Settings, load, load_rules
from bot.core.engine import Engine
from bot.domain.rules import Rules
from bot.scheduler.runner import scheduler_task
from handlers import registry
from storage import crypto
from storage.db import make_engine, make_sessionmaker
from storage.sessions import Database, Maker

__all__ = ["Runtime", "Services", "channels", "configure", "http_app"]


@dataclass
class Runtime:
    """The objects one bot process shares; built here, handed out piece by piece."""

    settings: Settings
    rules: Rules
    db: Database
    maker: Maker
    engine: Engine
    # Where reports and the dashboard's figures are read: a read-only replica when
    # REPORTS_DATABASE_URL is set, else the same database (and engine) as everything else.
    reports: Maker
    reports_db: Database | None = None
    # Every configured channel bot, for sending outside a turn (the outbox sender).
    transports: Transports = field(default_factory=Transports)

    @classmethod
    def create(cls, settings: Settings) -> Runtime:
        # Sign-in links in the chat point at the dashboard's base URL (None: it is off).
        simulator = settings.simulator or not settings.has_channels
        dash_url = load(DashboardSettings).base_url(settings, simulator)
        rules = replace(load_rules(settings), dashboard_url=dash_url)
        key = settings.data_key.get_secret_value() if settings.data_key else None
        crypto.configure(key, crypto.key_file_for(settings.database_url))
        db = make_engine(settings.database_url)
        maker = make_sessionmaker(db)
        engine = Engine(maker, registry(), rules, default_language=settings.locale)
        reports_db = None
        if settings.reports_database_url:
            reports_db = make_engine(settings.reports_database_url)
        reports = make_sessionmaker(reports_db) if reports_db is not None else maker
        return cls(settings, rules, db, maker, engine, reports, reports_db)

    async def close(self) -> None:
        await self.db.dispose()
        if self.reports_db is not None:
            await self.reports_db.dispose()


def channels(rt: Runtime) -> Services:
    """The configured bots: their routes, loops and closers; each also joins `rt.transports`."""
    return add_channels(rt.settings, rt.engine, rt.maker, rt.transports)


def configure(rt: Runtime) -> Services:
    """Collect the routes and loops of every configured channel and of the scheduler."""
    cfg = load(SchedulerSettings)  # a bad value stops the start with one line
    services = channels(rt)
    task, name = scheduler_task(
        rt.maker, rt.rules, rt.engine.registry, rt.transports, rt.settings, cfg
    )
    services.tasks.append(task)
    services.names.append(name)
    return services


def http_app(
    rt: Runtime,
    routes: Sequence[BaseRoute] = (),
    simulator: bool = True,
    guard: Guard | None = None,
    health: Health | None = None,
) -> Starlette:
    """The process's one ASGI app: health, the channels' routes, and the simulator if asked,
    behind `guard` (a fresh key when none is given: `app.state.sim_key`)."""
    guard = guard or Guard.fresh(rt.settings.simulator_hosts)
    sim = web.routes(rt.engine, rt.maker, rt.settings.zone, guard) if simulator else []
    dash: list[BaseRoute] = []
    if rt.rules.dashboard_url is not None:
        idle = dt.timedelta(minutes=load(DashboardSettings).idle_minutes)
        replica = rt.reports if rt.reports_db is not None else None
        dash = dashboard.routes(rt.maker, rt.rules, rt.engine.registry, idle, reports=replica)
    app = build_app([*routes, *sim, *dash], health)
    app.state.sim_key = guard.key
    return app
