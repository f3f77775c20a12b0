"""`chihoi run`: the HTTP server (webhooks, simulator), channels and scheduler in one process."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
import socket
from collections.abc import Iterator

import typer
import uvicorn

from bot import logs
from bot.app import Runtime, configure, http_app
from bot.channels.supervise import Health, start_all
from bot.channels.web_guard import Guard, is_loopback
from bot.cli.common import settings as load
from bot.config import Settings
from bot.core.dates import warm_up
from storage import crypto
from storage.db import at_head, transaction
from storage.repositories import data_keys

log = logging.getLogger("chihoi.run")


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: `serve` owns SIGTERM for every part."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class KeyValueFormatter(logging.Formatter):
    """Adds a record's `extra` fields as key=value: "sweep_done day=2026-03-20 added=14".

    Our log calls pass ids, counts and error names as extras, never personal data.
    """

    STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def formatMessage(self, record: logging.LogRecord) -> str:
        extras = " ".join(f"{k}={v}" for k, v in vars(record).items() if k not in self.STANDARD)
        line = super().formatMessage(record)
        return f"{line} {extras}" if extras else line


def run() -> None:
    """Serve every configured channel; the web simulator when none is (or CHIHOI_SIMULATOR=1)."""
    settings = load()
    handler = logs.scrubbed(logging.StreamHandler(), settings.secret_values())
    handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=settings.log_level, handlers=[handler])
    asyncio.run(serve(settings))


def listen(host: str, port: int) -> socket.socket:
    """Bind before starting anything, so a taken port is one clear line, not a traceback."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        typer.echo(
            f"error: cannot listen on {host}:{port} ({exc.strerror}); set CHIHOI_WEB_PORT", err=True
        )
        raise typer.Exit(1) from None
    return sock


async def serve(settings: Settings) -> None:
    simulator = settings.simulator or not settings.has_channels
    if simulator and not is_loopback(settings.web_host) and not settings.simulator_public:
        typer.echo(
            f"error: the web simulator acts as any user; it is served on {settings.web_host} "
            "only with CHIHOI_SIMULATOR_PUBLIC=1 (use CHIHOI_WEB_HOST=127.0.0.1)",
            err=True,
        )
        raise typer.Exit(1)
    sock = listen(settings.web_host, settings.web_port)
    rt = Runtime.create(settings)
    if not await at_head(rt.db):
        await rt.close()
        typer.echo("error: the database is not migrated; run `chihoi db upgrade`", err=True)
        raise typer.Exit(1)
    try:
        async with transaction(rt.maker) as s:
            await data_keys.verify(s, dt.datetime.now(dt.UTC))
    except (data_keys.KeyRefused, crypto.KeyMissing) as exc:
        await rt.close()
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    services = configure(rt)
    guard = Guard.fresh(settings.simulator_hosts)
    health = Health()
    app = http_app(rt, services.routes, simulator=simulator, guard=guard, health=health)
    config = uvicorn.Config(
        app, host=settings.web_host, port=settings.web_port, log_level="warning", lifespan="off"
    )
    server = _Server(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tasks = start_all(services.tasks, services.names, health)
    http = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not http.done():
        await asyncio.sleep(0.05)
    if simulator:
        typer.echo(
            f"chihoi web simulator: http://{settings.web_host}:{settings.web_port}/?key={guard.key}",
            err=False,
        )
    for name in services.names:
        typer.echo(f"chihoi serving: {name}")
    # What the first turns need but serving does not (dateparser's Vietnamese data): loaded
    # now, in a thread, so neither the start nor the event loop waits for it.
    warming = asyncio.create_task(asyncio.to_thread(warm_up))
    await stop.wait()
    # Pollers stop taking updates; a turn in flight finishes inside its task's cancel shielding.
    server.should_exit = True
    for t in tasks:
        t.cancel()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(
            asyncio.gather(http, warming, *tasks, return_exceptions=True), timeout=4
        )
    for close in reversed(services.closers):
        await close()
    await rt.close()
