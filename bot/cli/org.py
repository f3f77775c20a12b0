"""`chihoi org import|tree`: the organisation tree from a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli.common import CliError, local_today, run_async, session
from storage.repositories import org

if TYPE_CHECKING:
    from bot.sheets.org import Row
    from storage.models import OrgUnit

app = typer.Typer(no_args_is_help=True, help="Organisation tree.")


FILE_ARGUMENT = typer.Argument(None, help="CSV/XLSX: code, name, level, parent_code, women_18_plus")


@app.command("import")
def import_(
    file: Path | None = FILE_ARGUMENT,
    year: int = typer.Option(0, help="year of the women_18_plus figures (default: this year)"),
    official: bool = typer.Option(
        False, "--official", help="the official provinces and communes (vietnamadminunits)"
    ),
    province: str = typer.Option("", help="with --official: only this province, e.g. 'Thanh Hóa'"),
    to_2025: bool = typer.Option(
        False, "--to-2025", help="communes under districts become today's (vietnamadminunits)"
    ),
) -> None:
    """Import units from CSV/XLSX, or the official provinces and communes with --official."""
    if official:
        official_cli(province or None)
        return
    if file is None:
        raise CliError("give a file, or --official")

    convert = legacy_converter() if to_2025 else None

    from bot.sheets.org import ImportError_, import_units  # openpyxl: only imports pay it

    async def go() -> None:
        try:
            async with session() as s:
                result = await import_units(s, file, year or local_today().year, convert)
        except ImportError_ as exc:
            raise CliError(str(exc)) from None
        typer.echo(
            f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
        )

    run_async(go)


def legacy_converter() -> Callable[[list[Row], dict[str, str]], list[Row]]:
    from bot.sheets import legacy  # the package loads shapely: only for this command

    package = legacy.package_converter()

    def convert(raw: list[Row], names: dict[str, str]) -> list[Row]:
        done = legacy.to_2025(raw, names, package)
        for note in done.notes:
            typer.echo(note)
        return done.rows

    return convert


def official_cli(province: str | None) -> None:
    from bot.sheets import official  # the package loads shapely: only for this command

    found = official.official_list(province)
    if not found:
        raise CliError(f"no official province named {province!r}")

    async def go() -> None:
        async with session() as s:
            result = await official.import_official(s, found)
        communes = sum(len(p.communes) for p in found)
        typer.echo(
            f"{len(found)} provinces, {communes} communes: created {result.created}, "
            f"given their official code {result.coded}, unchanged {result.unchanged}"
        )
        for name in result.ambiguous:
            typer.echo(f"  note: several units are named like {name}; the first was used")

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
