"""Plumbing for the fake Bot API servers: a real HTTP server on 127.0.0.1, clocks, bodies."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

import httpx
import uvicorn
from starlette.requests import Request
from starlette.types import ASGIApp


class ManualClock:
    """A time source that only moves when told: rate limits without waiting.

    Pass `clock.sleep` as a channel's `Backoff.sleep`: a platform's "retry after 1 s"
    then moves this clock by a second instead of stopping the test for one.
    """

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)


def real_clock() -> float:
    return time.time()


@dataclass
class Running:
    """A server started by `serve`; `url` is its root, `stop()` ends it."""

    url: str
    server: uvicorn.Server
    task: asyncio.Task[None]

    async def stop(self) -> None:
        self.server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self.task, timeout=5)


async def serve(app: ASGIApp) -> Running:
    """Serve `app` on a free port of 127.0.0.1 inside the running event loop."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    # Tests own the process's signals; uvicorn must not take SIGINT/SIGTERM over.
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    await wait_until(lambda: server.started or task.done(), timeout=10)
    if task.done():
        task.result()
    return Running(f"http://127.0.0.1:{port}", server, task)


class WebhookPoster:
    """Delivers updates to a bot's webhook the way a platform does: a POST on one kept
    client (a platform reuses its connections too)."""

    def __init__(self) -> None:
        self._http: httpx.AsyncClient | None = None

    async def post(self, url: str, update: dict[str, Any], headers: dict[str, str]) -> int:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=30)
        response = await self._http.post(url, json=update, headers=headers)
        return response.status_code

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll a condition owned by something without events (a server, another process)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.01)


async def read_params(request: Request) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """(params, files, form): JSON bodies keep JSON types; form and multipart values are text."""
    params: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    kind = request.headers.get("content-type", "")
    if not body:
        return params, {}, True
    if kind.startswith("application/json"):
        decoded = json.loads(body)
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        return {**params, **decoded}, {}, False
    if kind.startswith("multipart/form-data"):
        files: dict[str, Any] = {}
        head = f"Content-Type: {kind}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            payload = part.get_payload(decode=True)
            payload = payload if isinstance(payload, bytes) else b""
            if filename is not None:
                files[str(name)] = (filename, payload)
            else:
                params[str(name)] = payload.decode()
        return params, files, True
    return {**params, **dict(parse_qsl(body.decode(), keep_blank_values=True))}, {}, True
