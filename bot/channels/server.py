"""The one ASGI app of a process: health, then the routes the composition root gives it."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route


def build_app(routes: Sequence[BaseRoute] = ()) -> Starlette:
    """Webhooks of every channel, file links and the simulator, behind /health."""

    async def health(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/health", health), *routes])
