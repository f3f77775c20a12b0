"""`chihoi jobs`: run one sweep at any time, drain the outbox once, and look at failed sends."""

from __future__ import annotations

import datetime as dt
import time
from typing import Annotated

import typer

from bot.cli.common import CliError, run_async, session, settings
from storage.repositories import outbox

app = typer.Typer(no_args_is_help=True, help="Reminders: sweeps and the outbox.")


def parse_at(text: str | None, tz: dt.tzinfo) -> dt.datetime:
    """An ISO time ("2026-03-20T08:00+07:00"); without an offset it is local time."""
    if not text:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CliError("--at: expected an ISO time such as 2026-03-20T08:00+07:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(dt.UTC)


@app.command("run-once")
def run_once(
    at: str = typer.Option(None, "--at", help="When the sweep believes it is (default: now)."),
    drain: bool = typer.Option(True, help="Send what is due afterwards (--no-drain: only sweep)."),
) -> None:
    """One sweep as of --at, then one drain of the outbox (sends at most what is due)."""
    # The whole runtime (handlers, channels) only for the command that sweeps and sends.
    from bot.app import Runtime, channels
    from bot.config import SchedulerSettings, load
    from bot.scheduler.runner import make_sender, with_web
    from bot.scheduler.sweep import sweep

    cfg = settings()
    sched = load(SchedulerSettings)

    async def go() -> None:
        rt = Runtime.create(cfg)
        moment = parse_at(at, cfg.zone)
        # The configured bots as transports (their polling loops are not started here).
        closers = channels(rt).closers
        try:
            report = await sweep(rt.maker, moment, rt.rules, rt.engine.registry)
            if report.skipped:
                typer.echo("another sweep is running; nothing done")
                return
            added = ", ".join(f"{k} {n}" for k, n in sorted(report.added.items())) or "none"
            typer.echo(f"sweep {report.day.isoformat()}: {report.total()} new messages ({added})")
            if drain:
                # The sender's clock starts at --at and runs at wall speed from there.
                start = time.monotonic()
                sender = make_sender(
                    rt.maker,
                    with_web(rt.transports),
                    rt.rules,
                    sched,
                    clock=lambda: moment + dt.timedelta(seconds=time.monotonic() - start),
                )
                r = await sender.drain()
                typer.echo(
                    f"outbox: sent {r.sent}, retry later {r.retried}, failed {r.failed}, "
                    f"skipped {r.skipped}, waiting {r.released}"
                )
        finally:
            for close in reversed(closers):
                await close()
            await rt.close()

    run_async(go)


@app.command("failed")
def failed(limit: int = typer.Option(50, help="How many, newest first.")) -> None:
    """Messages given up on after every retry (ids and errors only, no message text)."""

    async def go() -> None:
        async with session() as s:
            rows = await outbox.failed(s, limit)
            totals = await outbox.counts(s)
        typer.echo("outbox: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
        if not rows:
            typer.echo("no failed messages")
            return
        typer.echo("id\tkind\tchannel\tperson\ttries\tcreated\terror")
        for r in rows:
            created = r.created_at.isoformat(timespec="minutes")
            typer.echo(
                f"{r.id}\t{r.kind}\t{r.channel}\t{r.person_id or '-'}\t{r.attempts}\t"
                f"{created}\t{r.last_error or ''}"
            )

    run_async(go)


@app.command("retry")
def retry(
    ids: Annotated[
        list[int] | None, typer.Argument(help="Failed message ids (none: every failed one).")
    ] = None,
) -> None:
    """Put failed messages back in the queue with a fresh set of attempts."""

    async def go() -> None:
        async with session() as s:
            n = await outbox.requeue_failed(s, dt.datetime.now(dt.UTC), ids or None)
        typer.echo(f"requeued {n} messages")

    run_async(go)
