"""The yearly assessment's rubric of a province (issue 17): shown to everyone under it, and
set here by its province officers (or an admin) instead of `chihoi dues rubric` only.

A saved rubric also switches the quarterly "3 có, 3 biết" reminders on for the province's
branches (bot/scheduler/dues_due.py), as the command does.
"""

from __future__ import annotations

from starlette.responses import Response

from bot.core.context import PROVINCE_ROLES
from bot.core.i18n import _
from bot.dashboard.web import PREFIX, NotFound, Page
from bot.domain import assessment as A
from bot.domain.enums import Level
from bot.reports.dues_text import GRADE_NAMES, INDICATOR_NAMES
from storage.models import OrgUnit
from storage.models.dues import AssessmentRubric
from storage.repositories import assessment

BANDS = ("strong", "fair", "average", "model_from")


def _may_set(p: Page, unit: OrgUnit) -> bool:
    return p.officer.is_admin or p.officer.holds_at(unit, PROVINCE_ROLES)


def _year(p: Page) -> int:
    raw = p.arg("year") or str(p.today.year)
    if not raw.isdigit() or not p.today.year - 5 <= int(raw) <= p.today.year + 1:
        raise NotFound
    return int(raw)


async def _own(p: Page, unit: OrgUnit, year: int) -> bool:
    return await p.s.get(AssessmentRubric, (unit.id, year)) is not None


async def _render(
    p: Page, unit: OrgUnit, year: int, r: A.Rubric, own: bool, errors: list[str], saved: bool
) -> Response:
    rows = [(i, _(INDICATOR_NAMES[i]), r.weights.get(i, 0)) for i in A.INDICATORS]
    grades = [
        ("strong", _(GRADE_NAMES[A.Grade.STRONG]), r.strong),
        ("fair", _(GRADE_NAMES[A.Grade.FAIR]), r.fair),
        ("average", _(GRADE_NAMES[A.Grade.AVERAGE]), r.average),
        ("model_from", _("model branch (strong, and at least)"), r.model_from),
    ]
    return p.render(
        "rubric.html",
        400 if errors else 200,
        unit=unit,
        crumbs=await p.breadcrumb(unit),
        year=year,
        years=list(range(p.today.year + 1, p.today.year - 3, -1)),
        rows=rows,
        grades=grades,
        total=sum(w for _i, _n, w in rows),
        own=own,
        may_set=_may_set(p, unit),
        errors=errors,
        saved=saved,
    )


async def rubric_page(p: Page) -> Response:
    unit = await p.unit()
    if unit.level != Level.PROVINCE:
        raise NotFound
    year = _year(p)
    r = await assessment.rubric_for(p.s, unit, year)
    own = await _own(p, unit, year)
    return await _render(p, unit, year, r, own, [], p.arg("saved") == "1")


def _numbers(form: dict[str, str], names: tuple[str, ...]) -> tuple[dict[str, int], list[str]]:
    out, bad = {}, []
    for name in names:
        raw = form.get(name, "").strip()
        if not raw.isdigit() or len(raw) > 3:
            bad.append(name)
        else:
            out[name] = int(raw)
    return out, bad


async def save_rubric(p: Page) -> Response:
    """Save the province's rubric for the year: weights adding up to 100, bands rising."""
    unit = await p.unit()
    if unit.level != Level.PROVINCE or not _may_set(p, unit):
        raise NotFound
    year = _year(p)
    form = {k: str(v) for k, v in (await p.request.form()).items()}
    weights, bad_w = _numbers(form, A.INDICATORS)
    bands, bad_b = _numbers(form, BANDS)
    errors = []
    if bad_w or bad_b:
        errors.append(_("Every box takes a whole number from 0 to 100."))
    r = A.Rubric({**A.DEFAULT_WEIGHTS, **weights}, **bands)
    problems = r.problems() if not errors else []
    if "weights" in problems:
        total = sum(r.weights.values())
        errors.append(
            _("The points add up to {total}; they must add up to 100.").format(total=total)
        )
    if "bands" in problems:
        errors.append(
            _(
                "The grades must rise: average below fair, fair below strong, strong at most the model branch's score, all up to 100."
            )
        )
    if errors:
        own = await _own(p, unit, year)
        return await _render(p, unit, year, r, own, errors, False)
    await assessment.set_rubric(p.s, unit.id, year, r, p.officer.person_id, p.now)
    return p.site.redirect(f"{PREFIX}/unit/{unit.id}/rubric?year={year}&saved=1")
