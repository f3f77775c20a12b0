"""`chihoi people list|revoke|unlink`: who holds which role, take a role away, forget an app."""

from __future__ import annotations

import datetime as dt

import typer

from bot.cli.common import CliError, run_async, session
from bot.domain.enums import RoleKind
from storage.repositories import audit, org, people

app = typer.Typer(no_args_is_help=True, help="Officers: roles and linked apps.")


@app.command("list")
def list_people(unit: str = typer.Option(None, help="only roles in this unit's subtree")) -> None:
    """Officers: id, name, roles (role@unit) and linked apps (identity id:channel)."""

    async def go() -> list[str]:
        async with session() as s:
            path = None
            if unit is not None:
                target = await org.by_code(s, unit)
                if target is None:
                    raise CliError(f"--unit: no unit with code {unit}")
                path = target.path
            found = await people.officers(s, path)
        return [
            f"{p.id}\t{p.display_name}\t"
            + " ".join(f"{k.value}@{code}" for k, code in p.roles)
            + "\t"
            + " ".join(f"{iid}:{channel}" for iid, channel, _bot in p.identities)
            for p in found
        ]

    for line in run_async(go) or ["no officers"]:
        typer.echo(line)


@app.command()
def revoke(
    person: int = typer.Option(..., help="person id (see `chihoi people list`)"),
    unit: str = typer.Option(..., help="unit code"),
    role: str = typer.Option(..., help=", ".join(r.value for r in RoleKind)),
) -> None:
    """Take a role away at once: her next message is answered as someone without it (audited)."""

    async def go() -> None:
        try:
            kind = RoleKind(role)
        except ValueError:
            raise CliError(f"--role '{role}': expected one of the role names") from None
        now = dt.datetime.now(dt.UTC)
        async with session() as s:
            target = await org.by_code(s, unit)
            if target is None:
                raise CliError(f"--unit: no unit with code {unit}")
            if not await people.revoke_role(s, person, target.id, kind):
                raise CliError(f"person {person} holds no {kind.value} role in {unit}")
            detail = {"via": "cli", "unit": unit, "role": kind.value}
            await audit.record(s, now, None, "role_revoke", "person", person, detail)

    run_async(go)
    typer.echo(f"person {person}: {role} in {unit} revoked")


@app.command()
def unlink(
    identity: int = typer.Argument(..., help="identity id (see `chihoi people list`)"),
) -> None:
    """Forget one linked app: that chat no longer acts as her (audited)."""

    async def go() -> None:
        now = dt.datetime.now(dt.UTC)
        async with session() as s:
            found = await people.unlink_identity(s, identity)
            if found is None:
                raise CliError(f"no linked app with id {identity}")
            person_id, channel = found
            detail = {"via": "cli", "identity": identity, "channel": channel}
            await audit.record(s, now, None, "identity_unlink", "person", person_id, detail)

    run_async(go)
    typer.echo(f"linked app {identity} removed")
