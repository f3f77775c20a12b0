"""The yearly assessment: facts the bot already knows of a branch's year, the quarterly
"3 có, 3 biết" answers, the province's rubric, submission and the chair's approval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import assessment as A
from bot.domain.calendar import HalfYear, Quarter
from bot.domain.enums import MemberStatus, TargetMeasure
from bot.domain.paths import path_ids
from storage.models import Meeting, Member, OrgUnit, Review
from storage.models.dues import AssessmentRubric, BranchAssessment, SelfAssessment
from storage.repositories import audit, dues, fund, member_counts, unit_figures
from storage.repositories.meetings import held_regular

ON_ROLL = (MemberStatus.ACTIVE, MemberStatus.MIGRANT)


def year_quarters(year: int, day: dt.date) -> list[Quarter]:
    """The year's quarters begun by `day` (all four when assessed after the year)."""
    return [q for n in (1, 2, 3, 4) if (q := Quarter(year, n)).first_day <= day]


async def branch_facts(
    s: AsyncSession,
    branch: OrgUnit,
    year: int,
    day: dt.date,
    review_deadline: dict[str, dt.date],
    tz: ZoneInfo | dt.tzinfo,
) -> A.BranchFacts:
    """What counts for `branch` in `year` up to `day`; `review_deadline` maps each half-year
    key of the year to the branches' deadline (Rules.review_deadline)."""
    last = min(day, dt.date(year, 12, 31))
    first = dt.date(year, 1, 1)
    quarters = year_quarters(year, last)
    met = 0
    for q in quarters:
        met += branch.id in await held_regular(s, q, [branch.id])
    meetings = (
        await s.execute(
            select(Meeting.held_on, Meeting.present_count).where(
                Meeting.unit_id == branch.id,
                Meeting.superseded_by.is_(None),
                Meeting.held_on.between(first, last),
            )
        )
    ).all()
    at_two_thirds = rated = 0
    for held_on, present in meetings:
        base = await unit_figures.rate_base(s, branch.id, held_on)
        if base > 0:
            rated += 1
            at_two_thirds += present * 3 >= base * 2
    new = await member_counts.joined_between(s, branch, first, last)
    key = str(year)
    target = (await unit_figures.targets(s, [branch.id], [key])).get(
        (branch.id, TargetMeasure.NEW_MEMBERS, key), branch.new_member_target
    )
    on_time = due_reviews = 0
    for half_key, deadline in review_deadline.items():
        if deadline > last:
            continue
        due_reviews += 1
        at = await s.scalar(
            select(Review.confirmed_at).where(
                Review.unit_id == branch.id, Review.period == half_key
            )
        )
        on_time += at is not None and at.astimezone(tz).date() <= deadline
    d = await dues.branch_dues(s, branch, year, last)
    core = await s.scalar(
        select(func.count()).where(
            Member.branch_id == branch.id, Member.is_core, Member.status.in_(ON_ROLL)
        )
    )
    bal, entries = (await fund.balances(s, [branch.id], last)).get(branch.id, (0, 0))
    answers = (
        await s.scalars(
            select(SelfAssessment).where(
                SelfAssessment.unit_id == branch.id,
                SelfAssessment.quarter.in_([q.key for q in quarters]),
            )
        )
    ).all()
    ticked = sum(min(len(set(a.ticked) & set(A.THREE_THREE)), len(A.THREE_THREE)) for a in answers)
    return A.BranchFacts(
        quarters_met=met,
        quarters_expected=len(quarters),
        meetings_at_two_thirds=at_two_thirds,
        meetings_with_rate=rated,
        new_members=new,
        new_target=target,
        reviews_on_time=on_time,
        reviews_due=due_reviews,
        dues_settled=d.settled,
        dues_members=len(d.rows),
        core_members=int(core or 0),
        fund_entries=entries,
        fund_balance=bal,
        self_ticked=ticked,
        quarters_answered=len(answers),
    )


def half_deadlines(year: int, deadline_of: Callable[[HalfYear], dt.date]) -> dict[str, dt.date]:
    """The branches' review deadline of each half of `year` (pass Rules.review_deadline)."""
    return {h.key: deadline_of(h) for h in (HalfYear(year, 1), HalfYear(year, 2))}


# --- the rubric -------------------------------------------------------------------------


async def rubric_for(s: AsyncSession, unit: OrgUnit, year: int) -> A.Rubric:
    """The rubric of the nearest unit at or above `unit` for the year, else the default."""
    ids = path_ids(unit.path)
    rows = (
        await s.scalars(
            select(AssessmentRubric).where(
                AssessmentRubric.unit_id.in_(ids), AssessmentRubric.year == year
            )
        )
    ).all()
    if not rows:
        return A.Rubric()
    best = max(rows, key=lambda r: ids.index(r.unit_id))
    return A.Rubric(dict(best.weights), **{k: int(v) for k, v in best.bands.items()})


async def set_rubric(
    s: AsyncSession, unit_id: int, year: int, rubric: A.Rubric, by: int | None, now: dt.datetime
) -> None:
    bands = {
        "strong": rubric.strong,
        "fair": rubric.fair,
        "average": rubric.average,
        "model_from": rubric.model_from,
    }
    row = await s.get(AssessmentRubric, (unit_id, year))
    if row is None:
        row = AssessmentRubric(unit_id=unit_id, year=year, weights={}, bands={}, set_at=now)
        s.add(row)
    row.weights, row.bands, row.set_by, row.set_at = dict(rubric.weights), bands, by, now
    detail = {"year": year, "weights": dict(rubric.weights), "bands": bands}
    await audit.record(s, now, by, "rubric.set", "org_unit", unit_id, detail)


# --- "3 có, 3 biết" each quarter ----------------------------------------------------------


async def save_self(
    s: AsyncSession,
    unit_id: int,
    quarter: str,
    ticked: Sequence[str],
    by: int | None,
    now: dt.datetime,
) -> None:
    row = await s.get(SelfAssessment, (unit_id, quarter))
    if row is None:
        row = SelfAssessment(unit_id=unit_id, quarter=quarter, submitted_at=now)
        s.add(row)
    row.ticked, row.submitted_by, row.submitted_at = sorted(ticked), by, now
    detail = {"quarter": quarter, "ticked": sorted(ticked)}
    await audit.record(s, now, by, "self_assessment.saved", "org_unit", unit_id, detail)


async def self_of(s: AsyncSession, unit_id: int, quarter: str) -> list[str] | None:
    row = await s.get(SelfAssessment, (unit_id, quarter))
    return None if row is None else list(row.ticked)


async def self_done(s: AsyncSession, quarter: str, units: Iterable[int] | None = None) -> set[int]:
    stmt = select(SelfAssessment.unit_id).where(SelfAssessment.quarter == quarter)
    if units is not None:
        stmt = stmt.where(SelfAssessment.unit_id.in_(list(units)))
    return set((await s.scalars(stmt)).all())


# --- the yearly assessment ----------------------------------------------------------------


def facts_json(result: A.Result) -> dict[str, object]:
    return {
        "lines": [[ln.indicator, ln.points, ln.weight, ln.part, ln.whole] for ln in result.lines]
    }


def lines_of(row: BranchAssessment) -> list[A.Line]:
    return [
        A.Line(str(k), int(p), int(w), int(a), int(b))
        for k, p, w, a, b in row.facts.get("lines", [])
    ]


async def submit(
    s: AsyncSession, unit_id: int, year: int, result: A.Result, by: int | None, now: dt.datetime
) -> None:
    """The branch head's submission; a new one replaces an earlier one not yet approved."""
    row = await s.get(BranchAssessment, (unit_id, year))
    if row is None:
        row = BranchAssessment(unit_id=unit_id, year=year, submitted_at=now)
        s.add(row)
    row.score, row.computed, row.grade, row.model = (
        result.score,
        result.grade,
        result.grade,
        result.model,
    )
    row.facts = facts_json(result)
    row.approved, row.adjust_reason, row.reviewed_by, row.reviewed_at = False, None, None, None
    row.submitted_by, row.submitted_at = by, now
    detail = {"year": year, "score": result.score, "grade": result.grade.value}
    await audit.record(s, now, by, "assessment.submitted", "org_unit", unit_id, detail)


async def get(s: AsyncSession, unit_id: int, year: int) -> BranchAssessment | None:
    return await s.get(BranchAssessment, (unit_id, year))


async def approve(
    s: AsyncSession,
    unit_id: int,
    year: int,
    grade: A.Grade,
    model: bool,
    reason: str | None,
    by: int | None,
    now: dt.datetime,
) -> bool:
    """The chair's decision; an adjusted grade or model flag carries her reason."""
    row = await s.get(BranchAssessment, (unit_id, year))
    if row is None:
        return False
    row.grade, row.model, row.adjust_reason = grade, model, reason
    row.approved, row.reviewed_by, row.reviewed_at = True, by, now
    detail = {
        "year": year,
        "grade": grade.value,
        "computed": row.computed.value,
        "model": model,
        "adjusted": reason is not None,
    }
    await audit.record(s, now, by, "assessment.approved", "org_unit", unit_id, detail)
    return True


async def of_units(
    s: AsyncSession, unit_ids: Iterable[int], year: int
) -> dict[int, BranchAssessment]:
    ids = list(unit_ids)
    if not ids:
        return {}
    stmt = select(BranchAssessment).where(
        BranchAssessment.unit_id.in_(ids), BranchAssessment.year == year
    )
    return {r.unit_id: r for r in (await s.scalars(stmt)).all()}


async def rubric_units(s: AsyncSession, year: int) -> set[int]:
    """Units (provinces, usually) that saved a rubric for `year`: the yearly assessment is in
    use below them, so their branches are reminded of "3 có, 3 biết"."""
    stmt = select(AssessmentRubric.unit_id).where(AssessmentRubric.year == year)
    return set((await s.scalars(stmt)).all())
