"""`chihoi privacy export|erase MEMBER_ID` (a member) and `export-person|erase-person PERSON_ID`
(an officer's ZNS phone and contact choices, issue 19): data-subject requests, audited."""

from __future__ import annotations

import datetime as dt
import json

import typer

from bot.cli.common import CliError, run_async, session, settings
from storage.repositories import privacy, privacy_person

app = typer.Typer(no_args_is_help=True, help="Data-subject requests for members and officers.")


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


@app.command("export-person")
def export_person(
    person_id: int,
    phone_in_clear: bool = typer.Option(
        False, "--phone-in-clear", help="her phone in full (only on her own request)"
    ),
) -> None:
    """Print what is held about officer PERSON_ID (her ZNS phone masked, consent, channels)."""

    async def go() -> str:
        async with session(check_key=True) as s:
            now = dt.datetime.now(dt.UTC)
            data = await privacy_person.export(s, person_id, now, clear=phone_in_clear)
        if data is None:
            raise CliError(f"no person with id {person_id}")
        return json.dumps(data, ensure_ascii=False, indent=2)

    typer.echo(run_async(go))


@app.command("erase-person")
def erase_person(
    person_id: int,
    yes: bool = typer.Option(False, "--yes", help="do not ask for confirmation"),
) -> None:
    """Remove officer PERSON_ID's phone, its consent and her preferred channel."""
    if not yes:
        typer.confirm(f"Erase the phone and contact choices of person {person_id}?", abort=True)

    async def go() -> None:
        async with session(check_key=True) as s:
            if not await privacy_person.erase_contact(s, person_id, dt.datetime.now(dt.UTC)):
                raise CliError(f"no person with id {person_id}")

    run_async(go)
    typer.echo(f"person {person_id}: phone and contact choices erased")
