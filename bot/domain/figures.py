"""Figures of units and their roll-up up the tree by materialised path (plain Python, no SQL).

Every figure a report shows is a sum of per-unit facts, so one bottom-up pass adds each
unit into its parent at any depth: branch → commune → (district) → province → central.
Only the coverage denominator and the new-member target are not plain sums; both are
resolved here too (see `roll_up` and `annual_targets`).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

from bot.domain.enums import Level


@dataclass(frozen=True)
class Targets:
    """The Union's national thresholds that every figure is judged by (DOMAIN.md)."""

    coverage: float = 0.60  # rule 6: above 60% in every commune
    coverage_weak: float = 0.50  # under 50% is weak
    commune_new_members: int = 15  # rule 5: at least 15 new members a year per commune
    attendance: float = 2 / 3  # rule 2
    # Below this share of branches (meetings held, leaders' visits, reviews) a row is flagged
    # in files; a single branch is flagged whenever it misses.
    weak_share: float = 0.8


TARGETS = Targets()


class CoverageFlag(enum.StrEnum):
    MET = "met"
    BELOW = "below"
    WEAK = "weak"
    NO_DATA = "no_data"


class UnitRow(NamedTuple):
    """One unit as a report sees it. A named tuple, not a frozen dataclass: a national
    report makes ~116,000 of them, and a tuple is made several times faster."""

    id: int
    parent_id: int | None
    level: Level
    code: str
    name: str
    path: str
    founded_on: dt.date | None = None
    new_member_target: int | None = None

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def path_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]


_SCALARS = (
    "members",
    "members_start",
    "joined",
    "joined_ytd",
    "population",
    "covered_members",
    "communes",
    "communes_no_data",
    "meetings",
    "rated",
    "rate_sum",
    "two_thirds",
    "review_branches",
    "reviewed",
    "on_time",
)
_PER_QUARTER = ("meeting_units", "met", "branches", "visited")


@dataclass(slots=True)
class Figures:
    """Additive facts of one unit's subtree for one period, as of one day."""

    members: int = 0
    members_start: int = 0
    joined: int = 0
    joined_ytd: int = 0
    # Coverage: women 18+ of the units that hold a figure, and the members of those units.
    population: int = 0
    covered_members: int = 0
    communes: int = 0
    communes_no_data: int = 0
    # Per quarter of the period (index 0 = first quarter): branches and groups that must
    # meet, those that held a regular meeting, branches, branches a commune leader visited.
    meeting_units: list[int] = field(default_factory=list)
    met: list[int] = field(default_factory=list)
    branches: list[int] = field(default_factory=list)
    visited: list[int] = field(default_factory=list)
    meetings: int = 0
    rated: int = 0
    rate_sum: float = 0.0
    two_thirds: int = 0
    review_branches: int = 0
    reviewed: int = 0
    on_time: int = 0

    @classmethod
    def empty(cls, quarters: int) -> Figures:
        return cls(
            meeting_units=[0] * quarters,
            met=[0] * quarters,
            branches=[0] * quarters,
            visited=[0] * quarters,
        )

    def add(self, other: Figures) -> None:
        for name in _SCALARS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in _PER_QUARTER:
            mine, theirs = getattr(self, name), getattr(other, name)
            for i, v in enumerate(theirs):
                mine[i] += v

    # --- derived figures: None where there is nothing to divide by ---------------------

    @property
    def net_change(self) -> int:
        return self.members - self.members_start

    @property
    def coverage(self) -> float | None:
        return self.covered_members / self.population if self.population else None

    @property
    def coverage_flag(self) -> CoverageFlag:
        c = self.coverage
        if c is None:
            return CoverageFlag.NO_DATA
        if c >= TARGETS.coverage:
            return CoverageFlag.MET
        return CoverageFlag.WEAK if c < TARGETS.coverage_weak else CoverageFlag.BELOW

    def compliance(self, q: int) -> float | None:
        return self.met[q] / self.meeting_units[q] if self.meeting_units[q] else None

    def leader_share(self, q: int) -> float | None:
        return self.visited[q] / self.branches[q] if self.branches[q] else None

    @property
    def attendance(self) -> float | None:
        return self.rate_sum / self.rated if self.rated else None

    @property
    def two_thirds_share(self) -> float | None:
        return self.two_thirds / self.rated if self.rated else None

    @property
    def review_share(self) -> float | None:
        return self.reviewed / self.review_branches if self.review_branches else None


def field_names() -> list[str]:
    return [f.name for f in fields(Figures)]


def population_holders(units: Mapping[int, UnitRow], rows: Mapping[int, int]) -> dict[int, int]:
    """Units whose women-18+ figure counts: those with a row and no row further down.

    The figure is entered per commune; a stray figure on a province or district would
    otherwise be counted twice, so the lowest entered figure wins.
    """
    has_row_below: set[int] = set()
    for uid in rows:
        unit = units.get(uid)
        if unit is not None:
            has_row_below.update(unit.path_ids()[:-1])
    return {uid: n for uid, n in rows.items() if uid in units and uid not in has_row_below}


def communes_without_data(units: Mapping[int, UnitRow], holders: Iterable[int]) -> set[int]:
    """Communes with no women-18+ figure at, above or below them."""
    holder_set = set(holders)
    touched: set[int] = set()  # units at or above a holder
    for uid in holder_set:
        touched.update(units[uid].path_ids())
    return {
        u.id
        for u in units.values()
        if u.level == Level.COMMUNE
        and u.id not in touched
        and not any(a in holder_set for a in u.path_ids())
    }


def roll_up(
    units: Mapping[int, UnitRow],
    leaves: dict[int, Figures],
    holders: Mapping[int, int],
) -> dict[int, Figures]:
    """Add every unit's figures into its parent's, deepest first; `leaves` is updated in place.

    A holder's coverage numerator is its own subtree's members, known only once its
    children are added: it is set just before the holder is added upward. (The reference
    for `Table.roll_up`, which does the same on columns; tests compare the two.)
    """
    for unit in sorted(units.values(), key=lambda u: -u.depth):
        figs = leaves[unit.id]
        if unit.id in holders:
            figs.population = holders[unit.id]
            figs.covered_members = figs.members
        if unit.parent_id is not None and unit.parent_id in leaves:
            leaves[unit.parent_id].add(figs)
    return leaves


class Table(Mapping[int, Figures]):
    """The figures of many units as columns (one list per field, one slot per unit).

    Units are laid out by depth, then parent, then id, so the children of one parent at
    one depth are a contiguous slice: rolling up adds a slice's sum into its parent, at C
    speed, instead of adding 20-odd fields unit by unit. A `Figures` is made only for the
    units asked for (a national report reads a few dozen of its ~100,000 units).
    """

    def __init__(self, units: Mapping[int, UnitRow], quarters: int) -> None:
        depth = {uid: u.depth for uid, u in units.items()}
        order = sorted(
            units.values(),
            key=lambda u: (depth[u.id], -1 if u.parent_id is None else u.parent_id, u.id),
        )
        self.depth = depth
        self.units = units
        self.quarters = quarters
        self.ids = [u.id for u in order]
        self.pos = {uid: i for i, uid in enumerate(self.ids)}
        n = len(order)
        self.cols: dict[str, list[int]] = {name: [0] * n for name in _SCALARS if name != "rate_sum"}
        self.rate_sum: list[float] = [0.0] * n
        self.per_quarter: dict[str, list[list[int]]] = {
            name: [[0] * n for _ in range(quarters)] for name in _PER_QUARTER
        }
        self._order = order

    def col(self, name: str) -> list[int]:
        """A whole-number column by field name (`rate_sum` is `self.rate_sum`)."""
        return self.cols[name]

    def quarter(self, name: str, i: int) -> list[int]:
        return self.per_quarter[name][i]

    def __getitem__(self, uid: int) -> Figures:
        i = self.pos[uid]
        scalars: dict[str, Any] = {name: col[i] for name, col in self.cols.items()}
        f = Figures(**scalars)
        f.rate_sum = self.rate_sum[i]
        for name, by_q in self.per_quarter.items():
            setattr(f, name, [q[i] for q in by_q])
        return f

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def roll_up(self, holders: Mapping[int, int]) -> None:
        """What `roll_up` does, on columns: deepest level first, each run of siblings added
        into its parent; a holder's population and covered members set before it is."""
        runs: dict[int, list[tuple[int, int, int]]] = {}  # depth -> (parent, start, end)
        i, n = 0, len(self._order)
        while i < n:
            u = self._order[i]
            d = self.depth[u.id]
            j = i + 1
            while (
                j < n
                and self._order[j].parent_id == u.parent_id
                and self.depth[self._order[j].id] == d
            ):
                j += 1
            p = self.pos.get(u.parent_id) if u.parent_id is not None else None
            if p is not None:
                runs.setdefault(d, []).append((p, i, j))
            i = j
        held: dict[int, list[tuple[int, int]]] = {}
        for uid, population in holders.items():
            if uid in self.pos:
                held.setdefault(self.depth[uid], []).append((self.pos[uid], population))
        columns: list[list[Any]] = [*self.cols.values(), self.rate_sum]
        for by_q in self.per_quarter.values():
            columns.extend(by_q)
        members, pop, covered = (
            self.cols["members"],
            self.cols["population"],
            self.cols["covered_members"],
        )
        for depth in sorted(set(runs) | set(held), reverse=True):
            for k, population in held.get(depth, ()):
                pop[k] = population
                covered[k] = members[k]
            for col in columns:
                for p, start, end in runs.get(depth, ()):
                    col[p] += sum(col[start:end]) if end - start > 1 else col[start]


def annual_targets(units: Mapping[int, UnitRow]) -> dict[int, int | None]:
    """New members expected a year: a unit's own target, else 15 for a commune, else the
    sum of its children's (None where nobody below has one, e.g. a branch)."""
    out: dict[int, int | None] = {}
    sums: dict[int, int] = {}
    for unit in sorted(units.values(), key=lambda u: -u.depth):
        if unit.new_member_target is not None:
            target: int | None = unit.new_member_target
        elif unit.level == Level.COMMUNE:
            target = TARGETS.commune_new_members
        else:
            target = sums.get(unit.id)
        out[unit.id] = target
        if target is not None and unit.parent_id is not None:
            sums[unit.parent_id] = sums.get(unit.parent_id, 0) + target
    return out


def target_to_date(annual: int | None, period_last_day: dt.date) -> int | None:
    """The year-to-date target at the end of a period, rounded up to whole members.

    Decision: new members are judged year to date (1 January to the period's end) against
    the annual target pro-rated by whole months, so the first half-year of a 15-a-year
    commune aims at 8 and the second half (the annual report) at 15; no half members.
    """
    if annual is None:
        return None
    return math.ceil(annual * period_last_day.month / 12)
