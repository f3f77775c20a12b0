"""`chihoi invite create`: a one-time code that links a chat to a role in a unit."""

from __future__ import annotations

import datetime as dt
import re

import typer

from bot.cli import zalo as zalo_cli
from bot.cli.common import CliError, run_async, session
from bot.domain.enums import RoleKind
from storage.repositories import audit, invites, org

app = typer.Typer(no_args_is_help=True, help="Invite codes.")


MAX_TTL = dt.timedelta(days=90)


def parse_ttl(text: str) -> dt.timedelta:
    m = re.fullmatch(r"(\d{1,6})\s*([dhm])", text.strip().lower())
    if not m or int(m.group(1)) == 0:
        raise CliError(f"--expires '{text}': expected a duration like 7d, 12h or 30m")
    n, unit = int(m.group(1)), m.group(2)
    ttl = {"d": dt.timedelta(days=n), "h": dt.timedelta(hours=n), "m": dt.timedelta(minutes=n)}
    if ttl[unit] > MAX_TTL:
        raise CliError(f"--expires '{text}': at most 90 days (an invite is a key to a role)")
    return ttl[unit]


@app.command()
def create(
    unit: str = typer.Option(..., help="unit code"),
    role: str = typer.Option(..., help=", ".join(r.value for r in RoleKind)),
    expires: str = typer.Option("7d", help="lifetime: 7d, 12h, 30m"),
    name: str = typer.Option(None, help="the person's display name"),
) -> None:
    """Create an invite and print its code (shown once; only a hash is stored)."""

    async def go() -> None:
        try:
            kind = RoleKind(role)
        except ValueError:
            allowed = ", ".join(r.value for r in RoleKind)
            raise CliError(f"--role '{role}': expected one of {allowed}") from None
        ttl = parse_ttl(expires)
        async with session() as s:
            target = await org.by_code(s, unit)
            if target is None:
                raise CliError(f"--unit: no unit with code {unit}")
            now = dt.datetime.now(dt.UTC)
            code = await invites.create_invite(s, target.id, kind, now, ttl, display_name=name)
            zalo_bot = await zalo_cli.bot_of_unit(s, unit)  # issue 19: one bot per commune
        typer.echo(code)
        if zalo_bot:
            typer.echo(f"Zalo: write to bot {zalo_bot}")

    run_async(go)


@app.command("list")
def list_open() -> None:
    """Open invites: id, unit, role, name, expiry (the codes themselves are not stored)."""

    async def go() -> list[str]:
        async with session() as s:
            rows = await invites.open_invites(s, dt.datetime.now(dt.UTC))
        return [
            f"{i.id}\t{code}\t{i.role.value}\t{i.display_name or '-'}\t{i.expires_at:%Y-%m-%d %H:%M}Z"
            for i, code in rows
        ]

    for line in run_async(go) or ["no open invites"]:
        typer.echo(line)


@app.command()
def cancel(invite_id: int) -> None:
    """Make open invite INVITE_ID unusable at once (audited)."""

    async def go() -> None:
        now = dt.datetime.now(dt.UTC)
        async with session() as s:
            if not await invites.cancel(s, invite_id, now):
                raise CliError(f"no open invite with id {invite_id}")
            await audit.record(s, now, None, "invite_cancel", "invite", invite_id, {"via": "cli"})

    run_async(go)
    typer.echo(f"invite {invite_id} cancelled")
