"""Gathers the special-audience report for a unit (issue 16 item 3): members per audience
per unit, clubs per audience, women reached by clubs, communes without a model, targets."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.audience_figures import AudienceReport, AudienceRow, TargetProgress
from bot.domain.audiences import BY_CODE, ELDERLY_FROM, YOUNG_UNDER, audiences_of, years_before
from bot.domain.calendar import CURRENT_TERM, quarter_of
from bot.domain.clubs import GUIDANCE_TARGETS, met_in_quarter
from bot.domain.enums import Level, MemberStatus, Residence
from storage.models import Club, Member, OrgUnit
from storage.repositories import clubs, migrants

COUNTED = (MemberStatus.ACTIVE, MemberStatus.MIGRANT)
TEMPORARY = (Residence.TEMPORARY_LONG, Residence.TEMPORARY_SHORT)


def _row_of(path: str, rows: dict[str, OrgUnit]) -> OrgUnit | None:
    """The report row a unit's path falls under: its nearest ancestor (or itself) among the
    rows, found by the path's prefixes ("/1/7/42/" -> "/1/7/42/", "/1/7/", "/1/")."""
    parts = path.strip("/").split("/")
    for k in range(len(parts), 0, -1):
        row = rows.get("/" + "/".join(parts[:k]) + "/")
        if row is not None:
            return row
    return None


async def gather(s: AsyncSession, unit: OrgUnit, on: dt.date) -> AudienceReport:
    below_commune = unit.level in (Level.COMMUNE, Level.SPECIAL_BASE, Level.BRANCH, Level.GROUP)
    row_level = Level.BRANCH if below_commune else Level.COMMUNE
    row_units = await _units(s, unit, row_level)
    by_path = {u.path: u for u in row_units}
    # Members grouped in the database by branch, age band, ticked codes, status and
    # residence: a province's half a million rows become a few per branch.
    # (A subquery: PostgreSQL would not match the age bands' date parameters in GROUP BY.)
    young, elderly = _age_bands(on)
    inner = (
        select(
            OrgUnit.path.label("path"),
            young,
            elderly,
            cast(Member.categories, String).label("cats"),
            Member.status.label("status"),
            Member.residence.label("residence"),
        )
        .join(OrgUnit, OrgUnit.id == Member.branch_id)
        .where(OrgUnit.path.startswith(unit.path), Member.status.in_(COUNTED))
        .subquery()
    )
    keys = [inner.c.path, inner.c.young, inner.c.elderly, inner.c.cats, inner.c.status]
    keys.append(inner.c.residence)
    stmt = select(*keys, func.count()).group_by(*keys)
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    totals: Counter[int] = Counter()
    migrant_count = 0
    row_of: dict[str, OrgUnit | None] = {}  # per branch path, computed once
    for path, is_young, is_elderly, raw, status, residence, n in (await s.execute(stmt)).all():
        if path not in row_of:
            row_of[path] = _row_of(path, by_path)
        row = row_of[path]
        if row is None:
            continue
        migrant = status == MemberStatus.MIGRANT
        migrant_count += n if migrant else 0
        totals[row.id] += n
        codes = audiences_of(
            _codes(raw),
            None,
            on,
            migrant=migrant,
            temporary=residence in TEMPORARY,
            young=bool(is_young),
            elderly=bool(is_elderly),
        )
        for code in codes:
            counts[row.id][code] += n
    found = await clubs.under(s, unit)
    codes_of = await clubs.audiences_of(s, [c.id for c, _u in found])
    club_rows: Counter[int] = Counter()
    by_audience: Counter[str] = Counter()
    hard: set[int] = set()
    for club, commune in found:
        codes = codes_of.get(club.id, [])
        by_audience.update(codes)
        if any(BY_CODE[c].hard_to_reach for c in codes if c in BY_CODE):
            hard.add(commune.id)
        row = by_path.get(commune.path) if not below_commune else None
        if row is not None:
            club_rows[row.id] += 1
    communes = [unit] if unit.level == Level.COMMUNE else await _units(s, unit, Level.COMMUNE)
    q = quarter_of(on)
    days = await clubs.meeting_days(s, [c.id for c, _u in found], q.first_day, q.last_day)
    linked, outside = await clubs.reached_under(s, unit)
    incoming = await migrants.incoming_of(s, [c.id for c in communes])
    rows = [
        AudienceRow(u.id, u.name, totals[u.id], dict(counts[u.id]), club_rows[u.id])
        for u in row_units
    ]
    return AudienceReport(
        unit_name=unit.name,
        on=on,
        rows=rows,
        clubs_by_audience=dict(by_audience),
        clubs_total=len(found),
        linked=linked,
        outside=outside,
        clubs_met=sum(1 for c, _u in found if met_in_quarter(days.get(c.id, []), on)),
        migrants=migrant_count,
        incoming=len(incoming),
        incoming_invited=sum(1 for w in incoming if w.club_id is not None),
        without_model=[c.name for c in communes if c.id not in hard],
        progress=_progress(found, codes_of, on) if unit.level == Level.PROVINCE else [],
    )


def _progress(
    found: list[tuple[Club, OrgUnit]], codes_of: dict[int, list[str]], on: dt.date
) -> list[TargetProgress]:
    out = []
    term = CURRENT_TERM
    for t in GUIDANCE_TARGETS:
        if t.per == "year":
            first, period = dt.date(on.year, 1, 1), str(on.year)
        else:
            first, period = term.first_day, term.key
        n = sum(
            1
            for c, _u in found
            if t.audience in codes_of.get(c.id, []) and first <= c.founded_on <= on
        )
        out.append(TargetProgress(t.audience, t.count, t.per, period, n, t.source))
    return out


def _age_bands(on: dt.date) -> tuple[Any, Any]:
    """SQL flags for young (under 35) and elderly (60 or more) on `on`, the same rule as
    bot/domain/audiences.age_of: a year alone compares years, a full date compares days."""
    born, approx = Member.birth_date, Member.birth_approx
    young = case(
        (born.is_(None), False),
        (approx.is_(True), born >= dt.date(on.year - YOUNG_UNDER + 1, 1, 1)),
        else_=born > years_before(on, YOUNG_UNDER),
    )
    elderly = case(
        (born.is_(None), False),
        (approx.is_(True), born < dt.date(on.year - ELDERLY_FROM + 1, 1, 1)),
        else_=born <= years_before(on, ELDERLY_FROM),
    )
    return young.label("young"), elderly.label("elderly")


def _codes(raw: object) -> list[str]:
    """member.categories read back as text (the JSON column grouped as a string)."""
    if isinstance(raw, list):
        return [str(c) for c in raw]
    try:
        got = json.loads(str(raw or "[]"))
    except ValueError:
        return []
    return [str(c) for c in got] if isinstance(got, list) else []


async def _units(s: AsyncSession, unit: OrgUnit, level: Level) -> list[OrgUnit]:
    stmt = (
        select(OrgUnit)
        .where(OrgUnit.path.startswith(unit.path), OrgUnit.level == level)
        .order_by(OrgUnit.path)
    )
    return list((await s.scalars(stmt)).all())
