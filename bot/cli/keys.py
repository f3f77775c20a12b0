"""`chihoi keys check|rotate`: is the data key this database's, and move it to a new key."""

from __future__ import annotations

import datetime as dt
import os

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.cli.common import CliError, fail, run_async, session, settings
from storage import crypto
from storage.repositories import data_keys, data_keys_others

app = typer.Typer(no_args_is_help=True, help="The data key that seals ID numbers.")
NEW_KEY_VAR = "CHIHOI_NEW_DATA_KEY"


@app.command()
def check() -> None:
    """Refuse (exit 1) unless CHIHOI_DATA_KEY opens this database's ID and phone numbers."""

    async def go() -> None:
        async with session(check_key=True):
            pass

    run_async(go)
    typer.echo("data key: matches this database")


@app.command()
def rotate(
    batch: int = typer.Option(500, min=1, max=10_000, help="members a transaction"),
) -> None:
    """Re-seal every ID and phone number (and rebuild their blind indexes), officers' phones, contacts far away and the OA's tokens under the key in CHIHOI_NEW_DATA_KEY (stop the bot first).

    Each batch commits with its progress: run the same command again after a kill and it
    resumes where it stopped. Then set CHIHOI_DATA_KEY to the new key."""
    cfg = settings()
    secret = os.environ.get(NEW_KEY_VAR, "")
    try:
        new = crypto.derive(secret)
        old = crypto.keys()
    except crypto.KeyMissing as exc:
        fail(f"{NEW_KEY_VAR}: {exc}" if len(secret.strip()) < crypto.MIN_SECRET else str(exc))

    async def go() -> tuple[int, int]:
        now = dt.datetime.now(dt.UTC)
        try:
            async with session(cfg.database_url) as s:
                done = await data_keys.begin_rotation(s, old, new, now)
                left = await data_keys.sealed_after(s, done)
                total = await data_keys.sealed_after(s, 0)
        except data_keys.KeyRefused as exc:
            raise CliError(str(exc)) from None
        columns = (TextColumn("re-sealing ID and phone numbers"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, TimeRemainingColumn(), transient=False) as bar:
            task = bar.add_task("rotate", total=total, completed=total - left)
            while True:
                async with session(cfg.database_url) as s:
                    step = await data_keys.rotate_batch(
                        s, old, new, done, batch, dt.datetime.now(dt.UTC)
                    )
                if step is None:
                    break
                done, n = step
                bar.advance(task, n)
        others = await _others(cfg.database_url, old, new, batch)
        async with session(cfg.database_url) as s:
            await data_keys.finish_rotation(s, dt.datetime.now(dt.UTC))
        return total, others

    total, others = run_async(go)
    typer.echo(
        f"re-sealed the ID and phone numbers of {total} members and {others} other sealed "
        "values (officers' phones, contacts far away, the OA's tokens); "
        "now set CHIHOI_DATA_KEY to the new key"
    )


async def _others(url: str, old: crypto.DataKeys, new: crypto.DataKeys, batch: int) -> int:
    """After the members: officers' ZNS phones, contacts far away and the OA's tokens, one
    transaction a batch; a value already under the new key is skipped (so a rerun resumes)."""
    async with session(url) as s:
        total, left = await data_keys_others.counts(s, new)
    columns = (TextColumn("re-sealing other sealed values"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("others", total=total, completed=total - left)
        while True:
            async with session(url) as s:
                n = await data_keys_others.reseal_batch(s, old, new, batch)
            if n == 0:
                return total
            bar.advance(task, n)
