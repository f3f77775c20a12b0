"""The one ASGI app of a process: health, webhooks of every channel, the simulator."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.runtime import Runtime


def build_app(
    rt: Runtime, extra: list[BaseRoute] | None = None, simulator: bool = True
) -> Starlette:
    async def health(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    routes: list[BaseRoute] = [Route("/health", health)]
    routes.extend(extra or [])
    if simulator:
        from bot.channels import web

        routes.extend(web.routes(rt))
    return Starlette(routes=routes)
