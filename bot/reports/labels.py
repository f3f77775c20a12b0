"""Names of report periods and of the coverage rule, in the turn's language."""

from __future__ import annotations

from bot.core.i18n import _, format_pct, period_label
from bot.domain.calendar import Period, Term, Year
from bot.domain.targets import Targets


def label(period: Period) -> str:
    """ "Quý 1/2026", "6 tháng đầu năm 2026", "năm 2026", "nhiệm kỳ 2022–2027"."""
    if isinstance(period, Year):
        return _("the whole year {year}").format(year=period.year)
    if isinstance(period, Term):
        return _("term {first}–{last}").format(first=period.first_year, last=period.last_year)
    return period_label(period)


def threshold(targets: Targets, goal: float | None = None) -> str:
    """ "≥ 60%" (004 appendix: từ 60% trở lên) or "> 60%" (004 §II.1.2: trên 60%)."""
    pct = format_pct(targets.coverage if goal is None else goal)
    return ("> " if targets.coverage_strict else "≥ ") + pct


def coverage_footnote(targets: Targets) -> str:
    """Which rule the coverage follows, with its source (004: 21/HD-ĐCT, 29 May 2023)."""
    return _(
        "* Coverage per guidance 21/HD-ĐCT §II.1.2: members counted (branches, tổ, special "
        "bases, aggregate counts; temporary residents under 6 months and members away not "
        "counted) ÷ women aged 18+ from the {year} statistics, for the whole {term} term; "
        "a commune meets it at {rule}."
    ).format(
        year=targets.reference_year,
        term=f"{targets.term.first_year}–{targets.term.last_year}",
        rule=threshold(targets),
    )
