"""`chihoi demo seed --scale commune|province|national`: generated data for demos and benchmarks."""

from __future__ import annotations

import time

import typer

from bot.cli.common import CliError, rules, run_async, settings, utc_now
from bot.seeding import scale as seed_scale
from storage.db import make_engine
from storage.repositories import seeding


def seed_scale_cli(scale: str) -> None:
    if scale not in seed_scale.SCALES:
        choices = ", ".join(["small", *seed_scale.SCALES])
        raise typer.BadParameter(f"scale must be one of: {choices}")

    async def go() -> None:
        engine = make_engine(settings().database_url)
        started = time.monotonic()
        try:
            probe = seed_scale.root_code(scale)
            if await seeding.unit_exists(engine, probe):
                raise CliError(f"scale {scale} is already seeded (unit {probe} exists)")
            now = utc_now()
            result = await seed_scale.seed(
                engine, scale, rules().local_day(now), now, progress=lambda msg: typer.echo(msg)
            )
        finally:
            await engine.dispose()
        elapsed = time.monotonic() - started
        counts = ", ".join(f"{t} {n:,}" for t, n in result.rows.items() if n)
        typer.echo(f"seeded {scale} in {elapsed:.0f} s: {counts}")

    run_async(go)
