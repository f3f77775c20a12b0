"""Dues rules (DOMAIN rule 14): what a member owes for a year, and her status.

The province (or commune) sets the year's amount; a rule may waive or reduce it for the
elderly and for a further member of a household with several members (004 appendix
§2.2a: "vận dụng miễn/giảm hội phí"); a decision may waive or reduce it for one member.
A migrant member keeps paying when she can (000 §III.2.3), so she stays on the list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

ELDERLY_AGE = 60


class ReliefKind(enum.StrEnum):
    """Why a member owes less than the year's amount."""

    ELDERLY = "elderly"  # by the rule, from her birth year
    HOUSEHOLD = "household"  # marked as a further member of a household (rule amount)
    EXEMPT = "exempt"  # by decision: owes nothing
    REDUCED = "reduced"  # by decision: owes the amount decided


class DuesStatus(enum.StrEnum):
    PAID = "paid"
    PARTIAL = "partial"
    EXEMPT = "exempt"
    UNPAID = "unpaid"


@dataclass(frozen=True)
class DuesRate:
    """One year's dues; `elderly`/`household` None: no such rule, 0: waived, else the amount."""

    year: int
    amount: int
    elderly: int | None = None
    household: int | None = None
    elderly_age: int = ELDERLY_AGE


@dataclass(frozen=True)
class Relief:
    kind: ReliefKind
    amount: int | None = None  # for REDUCED


def due(
    rate: DuesRate, birth_year: int | None, relief: Relief | None
) -> tuple[int, ReliefKind | None]:
    """What she owes for `rate.year` and the reason it is less than the amount, if it is.

    A decision wins over the rules; of the rules, the lower amount applies.
    """
    if relief is not None and relief.kind == ReliefKind.EXEMPT:
        return 0, ReliefKind.EXEMPT
    if relief is not None and relief.kind == ReliefKind.REDUCED and relief.amount is not None:
        return min(relief.amount, rate.amount), ReliefKind.REDUCED
    found: list[tuple[int, ReliefKind]] = []
    if (
        rate.elderly is not None
        and birth_year is not None
        and rate.year - birth_year >= rate.elderly_age
    ):
        found.append((rate.elderly, ReliefKind.ELDERLY))
    if relief is not None and relief.kind == ReliefKind.HOUSEHOLD and rate.household is not None:
        found.append((rate.household, ReliefKind.HOUSEHOLD))
    if found:
        amount, kind = min(found)
        if amount < rate.amount:
            return amount, kind
    return rate.amount, None


def status(owed: int, paid: int) -> DuesStatus:
    if owed == 0:
        return DuesStatus.EXEMPT
    if paid >= owed:
        return DuesStatus.PAID
    return DuesStatus.PARTIAL if paid > 0 else DuesStatus.UNPAID
