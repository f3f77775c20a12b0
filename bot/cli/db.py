"""`chihoi db upgrade|downgrade`: Alembic migrations of the configured database."""

from __future__ import annotations

import typer

from bot.cli.common import settings
from storage import db

app = typer.Typer(no_args_is_help=True, help="Database schema.")


@app.command()
def upgrade(revision: str = "head") -> None:
    """Migrate the database to REVISION (default: the newest)."""
    db.upgrade(settings().database_url, revision)
    typer.echo(f"database at {revision}")


@app.command()
def downgrade(revision: str = typer.Argument(..., help="target, e.g. base")) -> None:
    """Migrate the database down to REVISION."""
    db.downgrade(settings().database_url, revision)
    typer.echo(f"database at {revision}")
