"""`chihoi demo seed`: the demo organisation, demo people and fresh invite codes."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import typer

from bot.cli.common import run_async, session, settings
from bot.cli.scale import seed_scale_cli
from bot.config import DashboardSettings, load
from bot.seeding import demo as seed_demo
from storage.crypto import key_file_for

app = typer.Typer(no_args_is_help=True, help="Demo data.")


def ensure_demo_key(path: Path) -> bool:
    """Write a random data key for the demo if none is configured; True when one was made."""
    if os.environ.get("CHIHOI_DATA_KEY") or path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secrets.token_urlsafe(32) + "\n")
    path.chmod(0o600)
    return True


@app.command()
def seed(
    scale: str = typer.Option(
        "small", help="small (the demo), or generated data: commune, province, national"
    ),
) -> None:
    """Create the demo organisation once; print new invite codes each time."""
    if scale != "small":
        seed_scale_cli(scale)
        return
    key_file = key_file_for(settings().database_url)
    if ensure_demo_key(key_file):
        typer.echo(
            f"generated a demo encryption key in {key_file} (set CHIHOI_DATA_KEY in production)"
        )

    async def go() -> None:
        async with session(check_key=True) as s:
            now = dt.datetime.now(dt.UTC)
            info = await seed_demo.seed(s, now)
            held = await seed_demo.seed_history(s, now, settings().zone) if info.created else 0
        if info.created:
            typer.echo(f"demo organisation created, with {held} meetings of past quarters")
        else:
            typer.echo("demo organisation present")
        typer.echo("demo invite codes (valid 7 days):")
        for code, role, unit in info.invites:
            typer.echo(f"  {code}  {role}  {unit}")
        await print_dashboard_link()

    run_async(go)


async def print_dashboard_link() -> None:
    """A sign-in link for the demo commune chair, when `chihoi run` will serve the dashboard."""
    cfg = settings()
    base = load(DashboardSettings).base_url(cfg, cfg.simulator or not cfg.has_channels)
    if base is None:
        return
    async with session() as s:
        token = await seed_demo.dashboard_link(s, dt.datetime.now(dt.UTC))
    if token is not None:
        typer.echo(
            "management page of the demo commune chair (the link works once, for 10 minutes):"
        )
        typer.echo(f"  {base}/dashboard/login?t={token}")
