"""Background work of `chihoi run` besides the HTTP server: channel pollers, scheduler, sender."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.routing import BaseRoute

from bot.runtime import Runtime


@dataclass
class Services:
    """What each configured part contributes: HTTP routes, and coroutines to run until stop."""

    routes: list[BaseRoute] = field(default_factory=list)
    tasks: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    # Called on shutdown, newest first.
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


def configure(rt: Runtime) -> Services:
    """Collect the routes and loops of every configured channel and of the scheduler."""
    from bot.channels.setup import add_channels
    from bot.scheduler.runner import add_scheduler

    services = Services()
    add_channels(rt, services)
    add_scheduler(rt, services)
    return services
