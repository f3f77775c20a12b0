"""`chihoi report show|export|tally`: reports for operators, the same figures as in chat."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli.common import (
    CliError,
    fail,
    local_today,
    rules,
    run_async,
    session,
    settings,
    utc_now,
)
from bot.core.i18n import language
from bot.domain.calendar import half_of
from bot.domain.enums import TargetMeasure
from bot.reports import charts, docx_report, excel, targets
from bot.reports import text as report_text
from bot.reports.docx_sections import TemplateError
from storage.repositories import measures, meeting_figures, org, tally, unit_figures
from storage.repositories.measures import figure_check
from storage.sessions import Session

if TYPE_CHECKING:
    from rich.progress import TaskID

app = typer.Typer(no_args_is_help=True, help="Reports: coverage, meetings, attendance, members.")

UNIT = typer.Option(..., "--unit", help="unit code, e.g. TH-QP")
PERIOD = typer.Option(
    None,
    "--period",
    help="2026-Q3, 2026-H2, 2026 or 2022-2027 (default: the current half-year)",
)
AS_OF = typer.Option(None, "--as-of", help="count up to this day, YYYY-MM-DD (default: today)")
LANG = typer.Option("vi", "--lang", help="vi or en")
FORMAT = typer.Option(
    "xlsx", "--format", help="xlsx, docx (the report to sign), or png for the charts"
)
OUT = typer.Option(None, "--out", help="file (xlsx, docx) or file stem (png)")
DEPTH = typer.Option(2, "--depth", help="levels below the unit in the workbook")


async def _rollup(code: str, period_key: str | None, as_of: str | None) -> measures.Rollup:
    the_rules = rules()
    try:
        today = dt.date.fromisoformat(as_of) if as_of else local_today()
    except ValueError:
        raise CliError("--as-of must be a day like 2026-12-31") from None
    period = measures.parse_period(period_key) if period_key else half_of(today)
    if period is None:
        raise CliError("period must look like 2026-Q3, 2026-H2, 2026 or 2022-2027")
    async with session(settings().reports_url) as s:  # reads only: the replica will do
        unit = await org.by_code(s, code)
        if unit is None:
            raise CliError(f"no unit with code {code}")
        try:
            return await measures.measure(s, unit, period, min(today, period.last_day), the_rules)
        except ValueError as exc:
            raise CliError(str(exc)) from None


@app.command()
def show(unit: str = UNIT, period: str = PERIOD, as_of: str = AS_OF, lang: str = LANG) -> None:
    """Print the chat report of a unit."""

    async def go() -> None:
        r = await _rollup(unit, period, as_of)
        with language(lang):
            typer.echo(report_text.report(r, r.root.id, worst=10))

    run_async(go)


@app.command()
def export(
    unit: str = UNIT,
    period: str = PERIOD,
    fmt: str = FORMAT,
    out: Path = OUT,
    as_of: str = AS_OF,
    depth: int = DEPTH,
    lang: str = LANG,
) -> None:
    """Write the report as an Excel workbook, a Word document to sign (docx), or PNG charts."""
    if fmt not in ("xlsx", "docx", "png"):
        fail("format must be xlsx, docx or png")

    async def go() -> None:
        r = await _rollup(unit, period, as_of)
        # The date line: the day asked about (--as-of), else today.
        issued = dt.date.fromisoformat(as_of) if as_of else local_today()
        stem = out or Path(f"bao-cao-{r.root.code}-{r.period.key}".lower())
        with language(lang):
            if fmt == "xlsx":
                path = stem if stem.suffix == ".xlsx" else stem.with_suffix(".xlsx")
                path.write_bytes(excel.workbook(r, depth=depth))
                typer.echo(f"wrote {path}")
                return
            if fmt == "docx":
                path = stem if stem.suffix == ".docx" else stem.with_suffix(".docx")
                async with session(settings().reports_url) as s:
                    try:
                        word = await docx_report.build_report_docx(
                            s, r, r.root.id, issued_on=issued, lang=lang
                        )
                    except TemplateError as exc:
                        raise CliError(str(exc)) from None
                path.write_bytes(word.data)
                typer.echo(f"wrote {path}")
                return
            async with session(settings().reports_url) as s:
                pngs = await charts.report_charts(s, r)
            for suffix, png in pngs:
                path = stem.with_name(f"{stem.stem}-{suffix}.png")
                path.write_bytes(png)
                typer.echo(f"wrote {path}")

    run_async(go)


@app.command("tally")
def tally_cmd(
    check: bool = typer.Option(
        False, "--check", help="compare the kept figures with a recount; exit 1 if they differ"
    ),
    rebuild: bool = typer.Option(
        False, "--rebuild", help="recount every kept figure (resumes a killed rebuild)"
    ),
) -> None:
    """Build the member tallies of the last and current half-year ends (or check or rebuild
    the member tallies and the meeting figures)."""
    if check and rebuild:
        fail("choose --check or --rebuild")
    if rebuild:
        _rebuild()
        return

    async def go() -> None:
        now = utc_now()
        async with session() as s:
            if check:
                await _check(s)
                return
            built = await tally.ensure_current(s, rules().local_day(now), now)
        typer.echo("built " + ", ".join(d.isoformat() for d in built) if built else "up to date")

    run_async(go)


async def _check(s: Session) -> None:
    """Print every difference between the kept figures and a recount (exit 1 if any)."""
    wrong = [
        f"member tally {day} unit {uid}: kept {kept}, recount {fresh}"
        for day, uid, kept, fresh in await tally.recount_differences(s)
    ]
    if not await meeting_figures.trusted(s):
        typer.echo("meeting figures: a rebuild is pending (reports recount meanwhile)")
    else:
        wrong += [f"meeting figures {line}" for line in await figure_check.differences(s)]
    for line in wrong:
        typer.echo(line)
    if wrong:
        raise CliError(f"{len(wrong)} kept figure(s) differ from a recount")
    typer.echo("kept figures equal a recount")


def _rebuild() -> None:
    """Member tallies, then meeting figures batch by batch, with a progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from storage.db import make_engine

    async def go() -> bool:
        engine = make_engine(settings().database_url)
        try:
            with Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()
            ) as bar:
                tasks: dict[str, TaskID] = {}

                def show(step: str, done: int, total: int) -> None:
                    if step not in tasks:
                        tasks[step] = bar.add_task(step, total=total)
                    bar.update(tasks[step], completed=done, total=total)

                return await meeting_figures.rebuild(engine, utc_now(), show)
        finally:
            await engine.dispose()

    resumed = run_async(go)
    typer.echo(("resumed and " if resumed else "") + "rebuilt the kept figures")


SHEET = typer.Argument(..., help="xlsx: unit code, measure, period, value")
target_app = typer.Typer(no_args_is_help=True, help="Targets per unit and period (unit_target).")
app.add_typer(target_app, name="target")


@target_app.command("set")
def target_set(
    unit: str = UNIT,
    measure: str = typer.Option(..., "--measure", help="coverage, new_members or growth"),
    period: str = typer.Option(..., "--period", help="a year (2026) or a term (2022-2027)"),
    value: str = typer.Option(..., "--value", help="percent for coverage/growth, else members"),
) -> None:
    """Set one target (audited); coverage 90 means 90%, growth 5 means +5%."""
    try:
        row = targets.parse_row(unit, measure, period, value)
    except targets.TargetError as exc:
        fail(str(exc))

    async def go() -> None:
        async with session() as s:
            await _write_targets(s, [row])
        typer.echo(f"set {_describe(row)}")

    run_async(go)


@target_app.command("import")
def target_import(
    path: Path = SHEET,
    dry_run: bool = typer.Option(False, "--dry-run", help="show it, write nothing"),
) -> None:
    """Set the targets of a sheet, all or none (a bad row stops the import)."""
    try:
        rows, errors = targets.read_sheet(path.read_bytes())
    except (OSError, ValueError, KeyError) as exc:
        fail(f"cannot read {path}: {exc}")
    for line in errors:
        typer.echo(line, err=True)
    for row in rows:
        typer.echo(("would set " if dry_run else "set ") + _describe(row))
    if errors:
        fail(f"{len(errors)} bad row(s): nothing written")

    async def go() -> None:
        async with session() as s:
            await _write_targets(s, rows, write=not dry_run)

    run_async(go)


def _describe(row: targets.TargetRow) -> str:
    unit = "%" if row.measure != TargetMeasure.NEW_MEMBERS else " members"
    shown = row.value / 10 if unit == "%" else row.value
    return f"{row.unit_code} {row.measure.value} {row.period}: {shown:g}{unit}"


async def _write_targets(s: Session, rows: list[targets.TargetRow], write: bool = True) -> None:
    """Check every unit first, then write (one transaction: all or nothing)."""
    units = {}
    for row in rows:
        found = await org.by_code(s, row.unit_code)
        if found is None:
            raise CliError(f"no unit with code {row.unit_code}")
        units[row.unit_code] = found.id
    if not write:
        return
    now = dt.datetime.now(dt.UTC)
    for row in rows:
        await unit_figures.set_target(
            s, units[row.unit_code], row.measure, row.period, row.value, None, now
        )
