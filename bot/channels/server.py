"""The one ASGI app of a process: health, then the routes the composition root gives it."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.supervise import Health


def build_app(routes: Sequence[BaseRoute] = (), health: Health | None = None) -> Starlette:
    """Webhooks of every channel, file links and the simulator, behind /health: 200 while
    every background task is up or done, 503 naming them when one is down."""

    async def health_check(_request: Request) -> Response:
        if health is None:
            return JSONResponse({"ok": True})
        return JSONResponse(health.report(), status_code=200 if health.ok else 503)

    return Starlette(routes=[Route("/health", health_check), *routes])
