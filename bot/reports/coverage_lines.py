"""The coverage part of a report: rate, numerator parts, denominator, target (004 §II.1.2)."""

from __future__ import annotations

from bot.core.i18n import _, format_number, format_pct
from bot.domain.enums import Level
from bot.domain.figures import Figures, UnitRow
from bot.domain.targets import CoverageFlag
from bot.reports.labels import label, threshold
from storage.repositories.measures import Rollup


def mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✅" if ok else " ⚠️")


def coverage_text(r: Rollup, f: Figures) -> str:
    c = f.coverage
    if c is None:
        return _("no data")
    flag = {
        CoverageFlag.MET: _("target met, {rule}"),
        CoverageFlag.BELOW: _("below the target, {rule}"),
        CoverageFlag.WEAK: _("weak, under {weak}"),
    }[r.rules.flag(c)].format(rule=threshold(r.rules), weak=format_pct(r.rules.coverage_weak))
    pct = format_pct(c) + (" " + _("provisional") if f.provisional else "")
    return _("{pct} ({flag})").format(pct=pct, flag=flag)


def shows_coverage(f: Figures) -> bool:
    return bool(f.communes or f.population)


def numerator_line(f: Figures) -> str:
    """The numerator's parts (004 §II.1.2 (1)), with the aggregate kinds when any."""
    n = format_number
    line = _(
        "Members counted: {counted} = {residential} in branches and tổ + {bases} in special "
        "bases + {aggregates} as totals − {uncounted} not resident"
    ).format(
        counted=n(f.covered_members),
        residential=n(f.residential_members),
        bases=n(f.base_members),
        aggregates=n(f.aggregates),
        uncounted=n(f.uncounted),
    )
    if f.aggregates:
        line += " " + _(
            "(trade union {union}, armed forces {forces}, member organisations {orgs}, "
            "club members in no branch {clubs})"
        ).format(
            union=n(f.agg_trade_union),
            forces=n(f.agg_armed_forces),
            orgs=n(f.agg_member_org),
            clubs=n(f.agg_club_only),
        )
    return line


def denominator_lines(r: Rollup, unit: UnitRow, f: Figures) -> list[str]:
    """Women 18+: the reference year's, or the latest marked provisional; tracking beside."""
    ref, n = r.rules.reference_year, format_number
    den = r.denominators.get(unit.id)
    lines = []
    if f.provisional and den is not None:
        lines.append(
            _(
                "Women aged 18+: no {ref} figure yet; provisional, against the {year} figure: {women}"
            ).format(ref=ref, year=den.year, women=n(f.population))
        )
    elif f.provisional:
        lines.append(
            _("Women aged 18+: {women} ({count} units have no {ref} figure: provisional)").format(
                women=n(f.population), count=n(f.provisional), ref=ref
            )
        )
    else:
        lines.append(
            _("Women aged 18+: {women} ({ref} figure, for the whole term)").format(
                women=n(f.population), ref=ref
            )
        )
    if f.tracking != f.population:
        year = den.tracking_year if den is not None else None
        lines.append(
            _("Tracking figure ({year}): {women}, not used for coverage").format(
                year=year, women=n(f.tracking)
            )
            if year is not None
            else _("Tracking figure (latest years): {women}, not used for coverage").format(
                women=n(f.tracking)
            )
        )
    return lines


def coverage_lines(r: Rollup, unit: UnitRow) -> list[str]:
    f = r.of(unit.id)
    if unit.level == Level.SPECIAL_BASE:
        return [
            _(
                "Special base: its members count toward the commune's coverage; no coverage "
                "or new-member target applies to it (21/HD-ĐCT §II.1.2)"
            )
        ]
    if not shows_coverage(f):
        return []
    met = None if f.coverage is None else r.rules.flag(f.coverage) == CoverageFlag.MET
    lines = [_("Coverage*: {coverage}").format(coverage=coverage_text(r, f)) + mark(met)]
    if f.population:
        if f.base_members or f.aggregates or f.uncounted:
            lines.append(numerator_line(f))
        lines += denominator_lines(r, unit, f)
    if f.coverage is not None and unit.id in r.coverage_set:
        goal = r.coverage_target(unit.id)
        lines.append(
            _("Coverage target for the {term}: {goal} ({progress} of the way)").format(
                term=label(r.rules.term),
                goal=threshold(r.rules, goal),
                progress=format_pct(f.coverage / goal),
            )
            + mark(r.rules.coverage_met(f.coverage, goal))
        )
    if f.communes_no_data and f.communes > 1:
        lines.append(
            _("{count} communes have no figure for women aged 18+").format(
                count=format_number(f.communes_no_data)
            )
        )
    return lines
