"""The Word report's dues and branch fund section and its yearly assessment section
(issue 21, from issue 17's overview in storage/repositories/dues_overview.py): figures
only, never a member's name."""

from __future__ import annotations

import datetime as dt

from bot.core.i18n import _, format_date, format_number
from bot.domain import assessment as A
from bot.domain.calendar import Year
from bot.domain.enums import Level
from bot.reports.docx_sections import Section, SectionTable
from bot.reports.dues_text import dues_line, grade_name, money
from storage.models import OrgUnit
from storage.repositories import assessment_years, dues_overview, org, pairs
from storage.repositories.dues_overview import BranchLine, CommuneLine, Overview
from storage.repositories.measures import Rollup
from storage.sessions import Session

SUMMED = ("members", "paid", "partial", "exempt", "unpaid", "collected", "expected")


def _sum(branches: list[BranchLine], unit_id: int, name: str) -> BranchLine:
    """The branches' dues added up, as one line for dues_text.dues_line (rate: any set)."""
    total = BranchLine(unit_id, name, None)
    for field in SUMMED:
        setattr(total, field, sum(int(getattr(b, field)) for b in branches))
    rates = [b.rate for b in branches if b.rate is not None]
    total.rate = rates[0] if rates else None
    return total


def _below_commune(unit: OrgUnit) -> bool:
    return unit.level in (Level.COMMUNE, Level.SPECIAL_BASE, Level.BRANCH, Level.GROUP)


async def _overview(s: Session, unit_id: int, year: int, day: dt.date) -> Overview | None:
    unit = await org.by_id(s, unit_id)
    return None if unit is None else await dues_overview.overview(s, unit, year, day)


async def dues_section(s: Session, r: Rollup, unit_id: int) -> Section | None:
    on = min(r.as_of, r.period.last_day)
    o = await _overview(s, unit_id, on.year, on)
    if o is None:
        return None
    branches = o.branches
    if not any(b.rate is not None or b.collected or b.fund_entries for b in branches):
        return None
    n = format_number
    total = _sum(branches, unit_id, o.root.name)
    lines = [
        _("Year {year}, up to {date}").format(year=o.year, date=format_date(on)),
        dues_line(total, o.year),
        _("Branch funds: {amount} in all, {branches} branches keeping one").format(
            amount=money(sum(b.fund_balance for b in branches)),
            branches=n(sum(1 for b in branches if b.fund_entries)),
        ),
    ]
    rows: list[list[str]]
    if _below_commune(o.root):
        first = _("Branch")
        rows = [_dues_row(b.name, [b]) for b in branches]
    else:
        first = _("Commune")
        rows = [_dues_row(c.name, c.branches) for c in o.communes]
    headers = [
        first,
        _("Paid"),
        _("Partly"),
        _("Exempt"),
        _("Unpaid"),
        _("Collected"),
        _("Fund balance"),
    ]
    table = SectionTable(headers, rows, (4.5, 1.5, 1.5, 1.5, 1.5, 2.8, 2.8))
    return Section("dues", _("Dues and branch fund"), lines, table)


def _dues_row(name: str, branches: list[BranchLine]) -> list[str]:
    n = format_number
    return [
        name,
        n(sum(b.paid for b in branches)),
        n(sum(b.partial for b in branches)),
        n(sum(b.exempt for b in branches)),
        n(sum(b.unpaid for b in branches)),
        money(sum(b.collected for b in branches)),
        money(sum(b.fund_balance for b in branches)),
    ]


async def assessment_section(s: Session, r: Rollup, unit_id: int) -> Section | None:
    """A yearly period's own assessment; any other period shows the latest approved one."""
    unit = await org.by_id(s, unit_id)
    if unit is None:
        return None
    on = min(r.as_of, r.period.last_day)
    if isinstance(r.period, Year):
        year: int | None = r.period.year
    else:
        year = await assessment_years.latest_approved(s, unit, on.year)
    if year is None:
        return None
    day = on if year == on.year else dt.date(year, 12, 31)
    o = await dues_overview.overview(s, unit, year, day)
    branches = o.branches
    graded = [b for b in branches if b.grade is not None]
    if not graded:
        return None
    n = format_number
    count = {g: sum(1 for b in graded if b.grade == g) for g in A.GRADES}
    lines = [
        _(
            "Branch assessment {year}: {graded} of {branches} branches graded ({approved} "
            "approved); strong {strong}, fair {fair}, average {average}, weak {weak}; "
            "model branches {model}"
        ).format(
            year=year,
            graded=n(len(graded)),
            branches=n(len(branches)),
            approved=n(sum(1 for b in graded if b.approved)),
            strong=n(count[A.Grade.STRONG]),
            fair=n(count[A.Grade.FAIR]),
            average=n(count[A.Grade.AVERAGE]),
            weak=n(count[A.Grade.WEAK]),
            model=n(sum(1 for b in graded if b.model)),
        )
    ]
    for c in o.communes if unit.level == Level.COMMUNE else ():
        if c.result is not None:
            lines.append(
                _("Commune classification: {grade} ({score} points)").format(
                    grade=grade_name(c.result.grade), score=c.result.score
                )
            )
    groups = sum(b.groups for b in branches)
    pairs_now = await pairs.for_branches(s, [b.id for b in branches])
    lines += [
        _("Branches with a core member: {count}/{total}").format(
            count=n(sum(1 for b in branches if b.core > 0)), total=n(len(branches))
        ),
        _("Tổ with a core member: {count}/{total}").format(
            count=n(groups - sum(len(b.groups_without_core) for b in branches)), total=n(groups)
        ),
        _("“1+1” pairs under way: {pairs}; women brought in by members: {brought}").format(
            pairs=n(len(pairs_now)), brought=n(sum(b.brought for b in branches))
        ),
    ]
    if _below_commune(unit):
        headers = [_("Branch"), _("Points"), _("Grade"), _("Core members")]
        rows = [_grade_row(b) for b in branches]
        widths: tuple[float, ...] = (6.0, 2.5, 4.5, 3.0)
    else:
        headers = [_("Commune"), _("Strong"), _("Fair"), _("Average"), _("Weak"), _("Model")]
        rows = [_commune_row(c) for c in o.communes]
        widths = (6.0, 2.0, 2.0, 2.0, 2.0, 2.0)
    table = SectionTable(headers, rows, widths)
    return Section("assessment", _("Yearly assessment and core members"), lines, table)


def _grade_row(b: BranchLine) -> list[str]:
    if b.grade is None or b.score is None:
        return [b.name, "–", _("not submitted"), format_number(b.core)]
    grade = grade_name(b.grade)
    if b.model:
        grade += ", " + _("model branch")
    if not b.approved:
        grade += ", " + _("waiting for the chair")
    return [b.name, format_number(b.score), grade, format_number(b.core)]


def _commune_row(c: CommuneLine) -> list[str]:
    graded = [b for b in c.branches if b.grade is not None]
    counts = [sum(1 for b in graded if b.grade == g) for g in A.GRADES]
    return [c.name, *map(format_number, counts), format_number(sum(1 for b in graded if b.model))]
