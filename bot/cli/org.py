"""`chihoi org import|tree`: the organisation tree from a spreadsheet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli.common import CliError, local_today, run_async, session
from storage.repositories import org

if TYPE_CHECKING:
    from storage.models import OrgUnit

app = typer.Typer(no_args_is_help=True, help="Organisation tree.")


@app.command("import")
def import_(
    file: Path,
    year: int = typer.Option(0, help="year of the women_18_plus figures (default: this year)"),
) -> None:
    """Import units from CSV/XLSX (code, name, level, parent_code, women_18_plus)."""

    from bot.sheets.org import ImportError_, import_units  # openpyxl: only imports pay it

    async def go() -> None:
        try:
            async with session() as s:
                result = await import_units(s, file, year or local_today().year)
        except ImportError_ as exc:
            raise CliError(str(exc)) from None
        typer.echo(
            f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
        )

    run_async(go)


@app.command()
def tree(code: str = typer.Argument(None, help="root unit code; default: everything")) -> None:
    """Print the tree under CODE."""

    async def go() -> None:
        async with session() as s:
            if code:
                root = await org.by_code(s, code)
                if root is None:
                    raise CliError(f"no unit with code {code}")
                units = await org.subtree(s, root)
            else:
                units = await org.all_units(s)
        for line in render_tree(units):
            typer.echo(line)

    run_async(go)


def render_tree(units: list[OrgUnit]) -> list[str]:
    if not units:
        return ["(empty)"]
    base = min(u.path.count("/") for u in units)
    return [
        f"{'  ' * (u.path.count('/') - base)}{u.code}  {u.name}  [{u.level.value}]" for u in units
    ]
