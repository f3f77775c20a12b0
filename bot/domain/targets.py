"""The thresholds figures are judged by, and targets per unit: set by the level above
(unit_target), else the seeds' defaults, else the sum of the units below (DOMAIN rules 5, 6)."""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.domain.calendar import CURRENT_TERM, Term
from bot.domain.enums import Level
from bot.domain.figures import UnitRow


class CoverageFlag(enum.StrEnum):
    MET = "met"
    BELOW = "below"
    WEAK = "weak"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class Targets:
    """The thresholds every figure is judged by (DOMAIN.md); a province changes them through
    settings (bot/config.py FigureSettings), and targets per unit come from unit_target."""

    coverage: float = 0.60  # rule 6, 004 §II.1.2: 60% of women 18+ in every commune
    # "trên 60%" (004 §II.1.2, text: strictly above) or "từ 60% trở lên" (004 appendix: at
    # least); the appendix is the default.
    coverage_strict: bool = False
    coverage_weak: float = 0.50  # under 50% is weak (000 §III.3.1)
    commune_new_members: int = 15  # rule 5, 000 §II.2: at least 15 new members a year per commune
    attendance: float = 2 / 3  # rule 2
    # Below this share of branches (meetings held, leaders' visits, reviews) a row is flagged
    # in files; a single branch is flagged whenever it misses.
    weak_share: float = 0.8
    # The term whose reference-year women-18+ figure is the denominator throughout it
    # (004 §II.1.2 (2): the 2019 statistics for the whole 2022-2027 term).
    term: Term = CURRENT_TERM
    reference_year: int = 2019

    def coverage_met(self, coverage: float, target: float | None = None) -> bool:
        goal = self.coverage if target is None else target
        return coverage > goal if self.coverage_strict else coverage >= goal

    def flag(self, coverage: float | None) -> CoverageFlag:
        if coverage is None:
            return CoverageFlag.NO_DATA
        if self.coverage_met(coverage):
            return CoverageFlag.MET
        return CoverageFlag.WEAK if coverage < self.coverage_weak else CoverageFlag.BELOW


TARGETS = Targets()


def summed_targets(
    units: Mapping[int, UnitRow], own: Callable[[UnitRow], int | None]
) -> dict[int, int | None]:
    """A target per unit: its own (set, or the seeds' default), else the sum of its
    children's (None where nobody below has one, e.g. a branch or a special base)."""
    # Deepest first, by levels of depth (no sort of ~116,000 units); most units (branches,
    # groups) have no target of their own nor below them, and keep the None they start with.
    out: dict[int, int | None] = dict.fromkeys(units)
    sums: dict[int, int] = {}
    by_depth: dict[int, list[UnitRow]] = {}
    for unit in units.values():
        by_depth.setdefault(unit.path.count("/"), []).append(unit)
    for depth in sorted(by_depth, reverse=True):
        for unit in by_depth[depth]:
            mine = own(unit)
            target = mine if mine is not None else sums.get(unit.id)
            if target is not None:
                out[unit.id] = target
                if unit.parent_id is not None:
                    sums[unit.parent_id] = sums.get(unit.parent_id, 0) + target
    return out


def annual_targets(
    units: Mapping[int, UnitRow],
    targets: Targets = TARGETS,
    set_for_year: Mapping[int, int] | None = None,
) -> dict[int, int | None]:
    """New members expected a year: the target set for the year (unit_target), else the
    unit's own, else 15 for a commune (rule 5, 000 §II.2), else the sum of its children's."""
    chosen = set_for_year or {}

    def own(u: UnitRow) -> int | None:
        if u.id in chosen:
            return chosen[u.id]
        if u.new_member_target is not None:
            return u.new_member_target
        return targets.commune_new_members if u.level == Level.COMMUNE else None

    return summed_targets(units, own)


def term_targets(
    units: Mapping[int, UnitRow],
    annual: Mapping[int, int | None],
    years: int,
    set_for_term: Mapping[int, int],
) -> dict[int, int | None]:
    """New members expected over a term: the target set for the term, else a commune's
    yearly target times the term's years, else the sum of its children's."""

    def own(u: UnitRow) -> int | None:
        if u.id in set_for_term:
            return set_for_term[u.id]
        a = annual.get(u.id)
        return a * years if u.level == Level.COMMUNE and a is not None else None

    return summed_targets(units, own)


def target_to_date(annual: int | None, period_last_day: dt.date) -> int | None:
    """The year-to-date target at the end of a period, rounded up to whole members.

    Decision: new members are judged year to date (1 January to the period's end) against
    the annual target pro-rated by whole months, so the first half-year of a 15-a-year
    commune aims at 8 and the second half (the annual report) at 15; no half members.
    """
    if annual is None:
        return None
    return math.ceil(annual * period_last_day.month / 12)
