"""`chihoi members template|import|export`: member lists as Excel workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CliError, fail, run_async, session, settings
from bot.core.i18n import language
from bot.domain.enums import Level
from bot.sheets import members as member_sheet
from handlers import members_files
from storage.repositories import audit, org

app = typer.Typer(no_args_is_help=True, help="Member lists (Excel).")


@app.command()
def template(
    out: Annotated[Path, typer.Option(help="file to write")] = Path("mau-hoi-vien.xlsx"),
) -> None:
    """Write a sample workbook with the import columns and a sheet explaining them."""
    member_sheet.write_template(out)
    typer.echo(f"template written to {out}")


@app.command("import")
def import_(
    file: Path,
    branch: str = typer.Option(..., help="code of the branch the members belong to"),
    skip_bad: bool = typer.Option(
        False, "--skip-bad", help="import the good rows; write the bad ones to an error workbook"
    ),
    errors: Annotated[
        Path | None, typer.Option(help="error workbook (default: FILE-loi.xlsx)")
    ] = None,
    dry_run: bool = typer.Option(
        False, "--dry-run", help="show the column mapping and the row errors; import nothing"
    ),
) -> None:
    """Import members into a branch: every row is checked; nothing is written if one is bad."""
    conf = settings()
    today = dt.datetime.now(conf.zone).date()
    try:
        sheet = member_sheet.read_sheet(file)
    except member_sheet.SheetError as exc:
        fail(str(exc))
    # The mapping comes first, so a column read wrongly is seen before anything is written.
    typer.echo(f"header row {sheet.header_line}; columns:")
    for header, column in sheet.mapping:
        typer.echo(f"  {header} -> {column}")
    if sheet.ignored:
        typer.echo(f"ignored column(s): {', '.join(sheet.ignored)}")

    async def go() -> members_files.ImportReport:
        async with session(check_key=True) as s:
            unit = await org.by_code(s, branch)
            if unit is None or unit.level != Level.BRANCH:
                raise CliError(f"--branch: no branch with code {branch}")
            with language(conf.locale):
                return await members_files.import_rows(
                    s,
                    unit,
                    sheet.rows,
                    today,
                    dt.datetime.now(dt.UTC),
                    skip_bad=skip_bad,
                    dry_run=dry_run,
                )

    report = run_async(go)
    for line, _row, reason in report.bad:
        typer.echo(f"row {line}: {reason}", err=True)
    if dry_run:
        typer.echo(f"dry run: {report.good} good row(s), {len(report.bad)} bad; nothing imported")
        raise typer.Exit(1 if report.bad else 0)
    if report.bad and not skip_bad:
        typer.echo(f"error: {len(report.bad)} bad row(s); nothing was imported", err=True)
        raise typer.Exit(1)
    typer.echo(f"imported {report.added} member(s)")
    if report.bad:
        target = errors or file.with_name(f"{file.stem}-loi.xlsx")
        members_files.write_errors(target, report)
        typer.echo(f"skipped {len(report.bad)} bad row(s); written to {target}")


@app.command()
def export(
    unit: str = typer.Option(..., help="unit code: a branch, a commune or a province"),
    with_cccd: bool = typer.Option(False, "--with-cccd", help="full ID numbers (audited)"),
    out: Annotated[
        Path | None, typer.Option(help="file to write (default: hoi-vien-CODE.xlsx)")
    ] = None,
) -> None:
    """Write the members under UNIT to a workbook (ID numbers masked unless --with-cccd)."""
    conf = settings()
    today = dt.datetime.now(conf.zone).date()
    target = out or Path(f"hoi-vien-{unit}.xlsx")

    async def go() -> int:
        async with session(check_key=True) as s:
            root = await org.by_code(s, unit)
            if root is None:
                raise CliError(f"--unit: no unit with code {unit}")
            with language(conf.locale):
                rows = await members_files.export_rows(s, root, today, with_cccd=with_cccd)
            detail = {"rows": len(rows), "with_cccd": with_cccd, "via": "cli"}
            await audit.record(
                s, dt.datetime.now(dt.UTC), None, "members_exported", "org_unit", root.id, detail
            )
            if with_cccd:  # full ID numbers: only the owner may read the file (issue 15.9)
                target.touch(mode=0o600)
                target.chmod(0o600)
            member_sheet.write_export(target, root.name, rows, today)
        return len(rows)

    count = run_async(go)
    typer.echo(f"{count} member(s) written to {target}")
