"""`chihoi zalo ...`: channels at a glance, officers' phones for ZNS and channel preference,
the Official Account's tokens (issue 19)."""

from __future__ import annotations

import datetime as dt

import typer

from bot.channels import channel_stats
from bot.channels.zalo_config import CHANNELS, ZaloSettings
from bot.channels.zalo_units import bot_for
from bot.cli.common import CliError, run_async, session, settings
from bot.config import ConfigError, load
from bot.core.parsing import read_phone
from storage.repositories import audit, channel_quota, oa_state, person_contacts
from storage.sessions import Session

app = typer.Typer(no_args_is_help=True, help="Zalo bots, Official Account, ZNS, channels.")


def zalo_settings() -> ZaloSettings:
    try:
        return load(ZaloSettings)
    except ConfigError as exc:
        raise CliError(str(exc)) from None


async def bot_of_unit(s: Session, unit_code: str) -> str | None:
    """The Zalo bot ZALO_BOT_UNITS assigns to this unit or its nearest ancestor."""
    mapping = zalo_settings().units_of_bot
    if not mapping:
        return None
    return bot_for(await person_contacts.codes_on_path(s, unit_code), mapping)


@app.command()
def channels() -> None:
    """Per channel this month: sent, failed, waiting, and each bot's quota used and left."""

    async def go() -> list[str]:
        async with session() as s:
            lines = await channel_quota.summary(s, dt.datetime.now(dt.UTC), settings().zone)
        return channel_stats.plain(lines)

    for line in run_async(go):
        typer.echo(line)


@app.command()
def phone(
    person: int = typer.Option(..., help="person id (see `chihoi people list`)"),
    number: str = typer.Option(..., help="her mobile number, e.g. 0912345678"),
    consent: bool = typer.Option(..., help="she agreed to reminders by phone (ZNS)"),
) -> None:
    """Store an officer's phone (sealed) and her consent to reminders by ZNS (audited)."""

    async def go() -> None:
        digits = read_phone(number)
        if digits is None:
            raise CliError(f"--number: '{number}' is not a Vietnamese mobile number")
        now = dt.datetime.now(dt.UTC)
        async with session(check_key=True) as s:
            await person_contacts.set_phone(s, person, digits, consent, now)
            detail = {"consent": consent, "via": "cli"}
            await audit.record(s, now, None, "zns_phone", "person", person, detail)

    run_async(go)
    typer.echo(f"person {person}: phone stored, reminders by phone {'on' if consent else 'off'}")


@app.command()
def prefer(
    person: int = typer.Option(..., help="person id"),
    channel: str = typer.Option(..., help=f"{', '.join(CHANNELS)} or none"),
) -> None:
    """Her preferred channel: only it gets reminders while it can reach her."""

    async def go() -> None:
        if channel != "none" and channel not in CHANNELS:
            raise CliError(f"--channel: expected one of {', '.join(CHANNELS)} or none")
        async with session() as s:
            value = None if channel == "none" else channel
            await person_contacts.set_preferred(s, person, value, dt.datetime.now(dt.UTC))

    run_async(go)
    typer.echo(f"person {person}: preferred channel {channel}")


@app.command("oa-token")
def oa_token(
    access: str = typer.Option(..., prompt=True, hide_input=True, help="OA access token"),
    refresh: str = typer.Option(..., prompt=True, hide_input=True, help="OA refresh token"),
    expires_in: int = typer.Option(90000, help="seconds the access token lives (25 h)"),
) -> None:
    """Store the OA's first token pair (from the consent screen or the API Explorer), sealed."""
    z = zalo_settings()
    if not z.oa_id:
        raise typer.BadParameter("set ZALO_OA_ID first")

    async def go() -> int:
        now = dt.datetime.now(dt.UTC)
        async with session(check_key=True) as s:
            assert z.oa_id is not None
            expires = now + dt.timedelta(seconds=expires_in)
            return await oa_state.save_token(s, z.oa_id, access, refresh, expires, now)

    version = run_async(go)
    typer.echo(f"OA {z.oa_id}: token pair stored (version {version})")
