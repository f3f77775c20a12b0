"""`chihoi privacy export|erase MEMBER_ID`: data-subject requests for one member, audited."""

from __future__ import annotations

import datetime as dt
import json

import typer

from bot.cli.common import CliError, run_async, session, settings
from storage.repositories import privacy

app = typer.Typer(no_args_is_help=True, help="Data-subject requests for member records.")


@app.command()
def export(member_id: int) -> None:
    """Print everything held about member MEMBER_ID as JSON (ID number in clear)."""

    async def go() -> str:
        async with session(check_key=True) as s:
            data = await privacy.export(s, member_id, dt.datetime.now(dt.UTC))
        if data is None:
            raise CliError(f"no member with id {member_id}")
        return json.dumps(data, ensure_ascii=False, indent=2)

    typer.echo(run_async(go))


@app.command()
def erase(
    member_id: int,
    yes: bool = typer.Option(False, "--yes", help="do not ask for confirmation"),
) -> None:
    """Remove member MEMBER_ID's personal fields; her events and the counts stay."""
    if not yes:
        typer.confirm(f"Erase the personal data of member {member_id}?", abort=True)
    zone = settings().zone

    async def go() -> None:
        now = dt.datetime.now(dt.UTC)
        async with session(check_key=True) as s:
            if not await privacy.erase(s, member_id, now.astimezone(zone).date(), now):
                raise CliError(f"no member with id {member_id}")

    run_async(go)
    typer.echo(f"member {member_id}: personal data erased")
