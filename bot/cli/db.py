"""`chihoi db upgrade|downgrade`: Alembic migrations of the configured database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import typer

from bot.cli.common import fail, run_async, session, settings
from bot.config import SchedulerSettings, load
from storage import crypto, db
from storage.repositories import retention

app = typer.Typer(no_args_is_help=True, help="Database schema.")


def _migrate(move: Callable[[str, str], None], revision: str) -> None:
    """Move the configured database to `revision`; a refused key or revision is one line."""
    from alembic.util import CommandError

    try:
        move(settings().database_url, revision)
    except (crypto.KeyMissing, crypto.KeyMismatch) as exc:  # a migration that seals data
        fail(str(exc))
    except CommandError as exc:  # e.g. a database migrated by a newer chihoi
        fail(f"cannot migrate: {exc}")
    typer.echo(f"database at {revision}")


@app.command()
def upgrade(revision: str = "head") -> None:
    """Migrate the database to REVISION (default: the newest)."""
    _migrate(db.upgrade, revision)


@app.command()
def downgrade(revision: str = typer.Argument(..., help="target, e.g. base")) -> None:
    """Migrate the database down to REVISION."""
    _migrate(db.downgrade, revision)


@app.command()
def prune(
    days: int = typer.Option(None, min=2, help="default: CHIHOI_RETENTION_DAYS (30)"),
) -> None:
    """Forget replay keys and conversations idle longer than the retention period."""
    keep = days or load(SchedulerSettings).retention_days

    async def go() -> retention.Pruned:
        async with session() as s:
            return await retention.prune(s, dt.datetime.now(dt.UTC) - dt.timedelta(days=keep))

    done = run_async(go)
    typer.echo(f"pruned {done.updates} update ids and {done.conversations} idle conversations")
