"""`chihoi clubs list|report|erase-incoming`: clubs and models, the special-audience report
(chat text, one Excel sheet, a chart), and erasing a recorded temporary resident."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from bot.cli.common import CliError, local_today, run_async, session
from bot.core.i18n import language
from bot.reports import audiences_chart, audiences_excel
from bot.reports.audiences import report_text
from storage.repositories import audience_report, clubs, migrants, org

app = typer.Typer(no_args_is_help=True, help="Clubs, special audiences, incoming women.")
XLSX = typer.Option(None, "--xlsx", help="write the Excel sheet here")
PNG = typer.Option(None, "--png", help="write the chart here")


@app.command("list")
def list_clubs(unit: str = typer.Argument(..., help="unit code, e.g. TH or TH-QP")) -> None:
    """Open clubs and models under UNIT: commune, name, audiences, linked, outside count."""

    async def go() -> list[str]:
        async with session() as s:
            root = await org.by_code(s, unit)
            if root is None:
                raise CliError(f"no unit with code {unit}")
            found = await clubs.under(s, root)
            codes = await clubs.audiences_of(s, [c.id for c, _u in found])
            linked = await clubs.linked_counts(s, [c.id for c, _u in found])
            return [
                f"{c.id}\t{u.code}\t{c.name}\t{','.join(codes.get(c.id, []))}\t"
                f"{linked.get(c.id, 0)}\t{c.outside_count}"
                for c, u in found
            ]

    for line in run_async(go):
        typer.echo(line)


@app.command()
def report(
    unit: str = typer.Argument(..., help="unit code"),
    xlsx: Path | None = XLSX,
    png: Path | None = PNG,
    lang: str = typer.Option("vi", help="vi or en"),
) -> None:
    """The special-audience report of UNIT as text; optionally its Excel sheet and chart."""

    async def go() -> str:
        async with session() as s:
            root = await org.by_code(s, unit)
            if root is None:
                raise CliError(f"no unit with code {unit}")
            r = await audience_report.gather(s, root, local_today())
        with language(lang):
            if xlsx is not None:
                xlsx.write_bytes(audiences_excel.workbook(r))
            if png is not None:
                png.write_bytes(audiences_chart.chart(r))
            return report_text(r)

    typer.echo(run_async(go))


@app.command("erase-incoming")
def erase_incoming(
    row_id: int,
    yes: bool = typer.Option(False, "--yes", help="do not ask for confirmation"),
) -> None:
    """Remove the name, home place and phone of incoming woman ROW_ID (audited)."""
    if not yes:
        typer.confirm(f"Erase the personal data of incoming woman {row_id}?", abort=True)

    async def go() -> None:
        async with session() as s:
            if not await migrants.erase_incoming(s, row_id, dt.datetime.now(dt.UTC)):
                raise CliError(f"no incoming woman with id {row_id}")

    run_async(go)
    typer.echo(f"incoming woman {row_id}: personal data erased")
