"""The yearly branch assessment (DOMAIN rules 12, 14, 15): a rubric of measured indicators
and the quarterly "3 có, 3 biết" self-assessment, giving strong / fair / average / weak.

The seeds name the grades ("vững mạnh", khá, trung bình, yếu: 004 note 2; 002 §II.2,
§III.4; 003 §II.6) and the things a good branch does, not points: the points and bands
below are our default, and a province sets its own (`Rubric`, saved per province and year).
Every share is integer arithmetic: points = weight × part ÷ whole, rounded down.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


class Grade(enum.StrEnum):
    STRONG = "strong"
    FAIR = "fair"
    AVERAGE = "average"
    WEAK = "weak"


GRADES = (Grade.STRONG, Grade.FAIR, Grade.AVERAGE, Grade.WEAK)

# "3 có, 3 biết" (004 note 3): has pioneering members, monthly activities, resources;
# its leaders know each member's face, circumstances and needs.
THREE_THREE = ("pioneers", "monthly", "resources", "faces", "circumstances", "needs")

# Indicators in the order reports show them.
MEETINGS = "meetings"  # quarters with a regular meeting (rule 1)
ATTENDANCE = "attendance"  # meetings at 2/3 or more (rule 2)
NEW_MEMBERS = "new_members"  # joined in the year vs the target (rule 5)
REVIEW = "review"  # half-year reviews confirmed by the branch deadline (rule 7)
DUES = "dues"  # members paid in full or exempt (rule 14)
CORE = "core"  # at least one core member (000 §III.1)
FUND = "fund"  # a fund kept: entries this year, balance not negative (000 §II.2)
SELF = "self"  # "3 có, 3 biết" items ticked over the year's quarters (rule 12)
INDICATORS = (MEETINGS, ATTENDANCE, NEW_MEMBERS, REVIEW, DUES, CORE, FUND, SELF)

DEFAULT_WEIGHTS: Mapping[str, int] = {
    MEETINGS: 20,
    ATTENDANCE: 10,
    NEW_MEMBERS: 10,
    REVIEW: 10,
    DUES: 15,
    CORE: 10,
    FUND: 10,
    SELF: 15,
}


@dataclass(frozen=True)
class Rubric:
    """Weights (points out of 100) and the lowest score of each grade."""

    weights: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    strong: int = 80
    fair: int = 65
    average: int = 50
    # A strong branch at or above this is proposed as a model branch (≥ 20% aimed for, 002).
    model_from: int = 90

    def grade(self, score: int) -> Grade:
        if score >= self.strong:
            return Grade.STRONG
        if score >= self.fair:
            return Grade.FAIR
        if score >= self.average:
            return Grade.AVERAGE
        return Grade.WEAK

    def problems(self) -> list[str]:
        """What is wrong with a rubric a province typed (empty: usable)."""
        out = []
        if set(self.weights) != set(INDICATORS):
            out.append("indicators")
        if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) != 100:
            out.append("weights")
        if not 0 < self.average < self.fair < self.strong <= self.model_from <= 100:
            out.append("bands")
        return out


@dataclass(frozen=True)
class BranchFacts:
    """What the bot already knows of a branch's year (as of the day assessed)."""

    quarters_met: int
    quarters_expected: int
    meetings_at_two_thirds: int
    meetings_with_rate: int
    new_members: int
    new_target: int | None
    reviews_on_time: int
    reviews_due: int
    dues_settled: int  # paid in full, or exempt
    dues_members: int
    core_members: int
    fund_entries: int
    fund_balance: int
    self_ticked: int
    quarters_answered: int


@dataclass(frozen=True)
class Line:
    indicator: str
    points: int
    weight: int
    part: int
    whole: int


@dataclass(frozen=True)
class Result:
    score: int
    grade: Grade
    model: bool
    lines: Sequence[Line]

    def weakest(self, n: int = 3) -> list[Line]:
        """The indicators that lost most points: the reasons shown with the grade."""
        lost = [ln for ln in self.lines if ln.points < ln.weight]
        return sorted(lost, key=lambda ln: (ln.points - ln.weight, INDICATORS.index(ln.indicator)))[
            :n
        ]


def share(weight: int, part: int, whole: int) -> int:
    """weight × part ÷ whole rounded down; an indicator with nothing to count earns it all."""
    if whole <= 0:
        return weight
    return weight * min(max(part, 0), whole) // whole


def assess(f: BranchFacts, rubric: Rubric) -> Result:
    w = rubric.weights
    target = f.new_target if f.new_target is not None and f.new_target > 0 else 1
    rows = [
        (MEETINGS, f.quarters_met, f.quarters_expected),
        # no meeting at all earns no attendance points (not "nothing to count")
        (ATTENDANCE, f.meetings_at_two_thirds, max(f.meetings_with_rate, 1)),
        (NEW_MEMBERS, f.new_members, target),
        (REVIEW, f.reviews_on_time, f.reviews_due),
        (DUES, f.dues_settled, f.dues_members),
        (CORE, min(f.core_members, 1), 1),
        (FUND, 1 if f.fund_entries > 0 and f.fund_balance >= 0 else 0, 1),
        (SELF, f.self_ticked, len(THREE_THREE) * f.quarters_expected),
    ]
    lines = [
        Line(k, share(w.get(k, 0), part, whole), w.get(k, 0), part, whole)
        for k, part, whole in rows
    ]
    score = sum(ln.points for ln in lines)
    grade = rubric.grade(score)
    return Result(score, grade, grade == Grade.STRONG and score >= rubric.model_from, lines)


@dataclass(frozen=True)
class CommuneResult:
    score: int
    grade: Grade
    branches: int
    by_grade: Mapping[Grade, int]
    model_branches: int


def classify_commune(
    grades: Sequence[tuple[int, Grade, bool]], rubric: Rubric
) -> CommuneResult | None:
    """A commune from its branches' (score, grade, model): the mean score, rounded down,
    graded by the same bands; with a weak branch it is at most fair (no weak base is the
    aim, 002 §III.4), and with under 20% model branches at most fair too (002 §II.2)."""
    if not grades:
        return None
    score = sum(s for s, _g, _m in grades) // len(grades)
    grade = rubric.grade(score)
    by = {g: sum(1 for _s, x, _m in grades if x == g) for g in GRADES}
    models = sum(1 for _s, _g, m in grades if m)
    if grade == Grade.STRONG and (by[Grade.WEAK] > 0 or models * 5 < len(grades)):
        grade = Grade.FAIR
    return CommuneResult(score, grade, len(grades), by, models)
