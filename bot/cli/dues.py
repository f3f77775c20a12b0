"""`chihoi dues rate|report|fund`: the year's dues amount, the dues, fund and assessment
report, and a branch's fund statement (issue 17)."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import CliError, local_today, run_async, session, utc_now
from bot.core.i18n import language
from bot.domain import assessment as A
from bot.domain.money import DUES_MAX, MoneyProblem, read_money
from bot.reports.dues_excel import overview_workbook, statement_workbook
from bot.reports.dues_text import report, statement_text
from storage.repositories import assessment, dues, dues_overview, fund, org

app = typer.Typer(no_args_is_help=True, help="Dues, branch funds and the yearly assessment.")

UNIT = typer.Option(..., "--unit", help="unit code, e.g. TH or TH-QP-01")
YEAR = typer.Option(None, "--year", help="default: this year")
OUT = typer.Option(None, "--out", help="write an .xlsx file too")
LANG = typer.Option("vi", "--lang", help="vi or en")


def _money(text: str | None, what: str) -> int | None:
    if text is None:
        return None
    got = read_money(text)
    if isinstance(got, MoneyProblem) and got != MoneyProblem.ZERO:
        raise CliError(f"{what}: not an amount of money ({got.value})")
    amount = 0 if got == MoneyProblem.ZERO else int(got)
    if amount > DUES_MAX:
        raise CliError(f"{what}: over {DUES_MAX} đồng")
    return amount


@app.command()
def rate(
    unit: str = UNIT,
    amount: str = typer.Option(..., "--amount", help='e.g. 36000, "36k"'),
    elderly: str = typer.Option(None, "--elderly", help="what members 60+ pay (0: exempt)"),
    household: str = typer.Option(
        None, "--household", help="what a household's further member pays"
    ),
    year: int = YEAR,
) -> None:
    """Set the year's dues of a province or commune."""

    async def go() -> None:
        each = _money(amount, "--amount")
        if not each:
            raise CliError("--amount: dues must be more than 0")
        async with session() as s:
            u = await org.by_code(s, unit)
            if u is None:
                raise CliError(f"no unit with code {unit}")
            y = year or local_today().year
            await dues.set_rate(
                s,
                u.id,
                y,
                each,
                _money(elderly, "--elderly"),
                _money(household, "--household"),
                None,
                utc_now(),
            )
            typer.echo(f"set dues {y} of {u.code}: {each} đồng")

    run_async(go)


@app.command()
def rubric(
    unit: str = UNIT,
    year: int = YEAR,
    weights: str = typer.Option(
        None,
        "--weights",
        help="meetings=20,attendance=10,new_members=10,review=10,dues=15,core=10,fund=10,self=15",
    ),
    bands: str = typer.Option(None, "--bands", help="strong=80,fair=65,average=50,model_from=90"),
) -> None:
    """Save a province's rubric for the year (default: the seeds' default); this also turns
    the quarterly "3 có, 3 biết" reminders on for its branches."""

    def pairs_of(text: str | None, what: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for part in (text or "").split(","):
            if not part.strip():
                continue
            key, _sep, value = part.partition("=")
            if not value.strip().isdigit():
                raise CliError(f"{what}: {part.strip()} is not name=number")
            out[key.strip()] = int(value)
        return out

    async def go() -> None:
        w = dict(A.DEFAULT_WEIGHTS)
        w.update(pairs_of(weights, "--weights"))
        try:
            r = A.Rubric(w, **pairs_of(bands, "--bands"))
        except TypeError:
            raise CliError("--bands: use strong, fair, average and model_from") from None
        if r.problems():
            raise CliError(
                "rubric: " + ", ".join(r.problems()) + " (weights add up to 100; bands rise)"
            )
        async with session() as s:
            u = await org.by_code(s, unit)
            if u is None:
                raise CliError(f"no unit with code {unit}")
            y = year or local_today().year
            await assessment.set_rubric(s, u.id, y, r, None, utc_now())
            typer.echo(f"saved the {y} rubric of {u.code}")

    run_async(go)


@app.command("report")
def report_cmd(unit: str = UNIT, year: int = YEAR, out: Path = OUT, lang: str = LANG) -> None:
    """Print dues, fund balances, grades, core members and "1+1" of every branch under a unit."""

    async def go() -> None:
        async with session() as s:
            u = await org.by_code(s, unit)
            if u is None:
                raise CliError(f"no unit with code {unit}")
            today = local_today()
            o = await dues_overview.overview(s, u, year or today.year, today)
            with language(lang):
                typer.echo(report(o))
                if out is not None:
                    out.write_bytes(overview_workbook(o))
                    typer.echo(f"wrote {out}")

    run_async(go)


@app.command("fund")
def fund_cmd(unit: str = UNIT, year: int = YEAR, out: Path = OUT, lang: str = LANG) -> None:
    """Print a branch's fund statement for a year."""

    async def go() -> None:
        async with session() as s:
            u = await org.by_code(s, unit)
            if u is None:
                raise CliError(f"no unit with code {unit}")
            st = await fund.statement(s, u.id, year or local_today().year)
            with language(lang):
                typer.echo(statement_text(st, u.name))
                if out is not None:
                    out.write_bytes(statement_workbook(st, u.name))
                    typer.echo(f"wrote {out}")

    run_async(go)
