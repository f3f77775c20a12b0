"""Figures of units and their roll-up up the tree by materialised path (plain Python, no SQL).

Every figure a report shows is a sum of per-unit facts, so one bottom-up pass adds each
unit into its parent at any depth: branch → commune → (district) → province → central.
Only the coverage denominator and the new-member target are not plain sums; both are
resolved here or in bot/domain/targets.py (see `roll_up` and `annual_targets`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple, TypeVar

from bot.domain.enums import Level


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
    "tracking",
    "provisional",
    "base_members",
    "agg_trade_union",
    "agg_armed_forces",
    "agg_member_org",
    "agg_club_only",
    "uncounted",
    "roster_incomplete",
    "roster_entered",
    "roster_stated",
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
_PER_QUARTER = ("meeting_units", "met", "groups", "groups_met", "branches", "visited")


@dataclass(slots=True)
class Figures:
    """Additive facts of one unit's subtree for one period, as of one day."""

    members: int = 0
    members_start: int = 0
    joined: int = 0
    joined_ytd: int = 0
    # Coverage (004 §II.1.2): women 18+ of the units that hold a figure (the term's
    # reference year, else the latest figure: then `provisional` counts the unit), the
    # latest figure entered (`tracking`, shown beside, never used), and the numerator of
    # those units: members + aggregate counts - members not resident (temporary under 6
    # months, away).
    population: int = 0
    covered_members: int = 0
    tracking: int = 0
    provisional: int = 0
    # Numerator parts: members in special bases (in `members` too), the commune's
    # aggregate counts (004 §II.1.1: totals only), members not counted for residence.
    base_members: int = 0
    agg_trade_union: int = 0
    agg_armed_forces: int = 0
    agg_member_org: int = 0
    agg_club_only: int = 0
    uncounted: int = 0
    # Branches whose entered roster is short of the total stated from the paper register:
    # how many, their entered members and their stated totals.
    roster_incomplete: int = 0
    roster_entered: int = 0
    roster_stated: int = 0
    communes: int = 0
    communes_no_data: int = 0
    # Per quarter of the period (index 0 = first quarter): branches and groups that must
    # meet, those that held a regular meeting, the groups (tổ) among both, branches,
    # branches a commune leader visited.
    meeting_units: list[int] = field(default_factory=list)
    met: list[int] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    groups_met: list[int] = field(default_factory=list)
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
        f = cls()
        for name in _PER_QUARTER:
            setattr(f, name, [0] * quarters)
        return f

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
    def aggregates(self) -> int:
        return (
            self.agg_trade_union + self.agg_armed_forces + self.agg_member_org + self.agg_club_only
        )

    @property
    def residential_members(self) -> int:
        """Members of residential branches and tổ (not of special bases)."""
        return self.members - self.base_members

    def compliance(self, q: int) -> float | None:
        return self.met[q] / self.meeting_units[q] if self.meeting_units[q] else None

    def branch_units(self, q: int) -> int:
        return self.meeting_units[q] - self.groups[q]

    def branches_met(self, q: int) -> int:
        return self.met[q] - self.groups_met[q]

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


class Denominator(NamedTuple):
    """A unit's women-18+ figure as a report uses it (004 §II.1.2 (2))."""

    population: int  # the term's reference-year figure, else the latest (provisional)
    tracking: int  # the latest figure entered up to the period: shown, never used
    provisional: bool  # no reference-year figure: coverage is tạm tính
    year: int  # the year of `population`
    tracking_year: int


def denominators(
    rows: Iterable[tuple[int, int, int]], reference_year: int, up_to: int
) -> dict[int, Denominator]:
    """(unit, year, women 18+) rows into each unit's denominator: the reference year's
    figure for the whole term; later years up to `up_to` are tracking figures only."""
    by_unit: dict[int, dict[int, int]] = {}
    for uid, year, women in rows:
        if year <= max(up_to, reference_year):
            by_unit.setdefault(uid, {})[year] = women
    out = {}
    for uid, years in by_unit.items():
        latest = max(y for y in years if y <= up_to) if any(y <= up_to for y in years) else None
        if reference_year in years:
            y_t = latest if latest is not None else reference_year
            out[uid] = Denominator(years[reference_year], years[y_t], False, reference_year, y_t)
        elif latest is not None:
            out[uid] = Denominator(years[latest], years[latest], True, latest, latest)
    return out


V = TypeVar("V")


def population_holders(units: Mapping[int, UnitRow], rows: Mapping[int, V]) -> dict[int, V]:
    """Units whose women-18+ figure counts: those with a row and no row further down.

    The figure is entered per commune; a stray figure on a province or district would
    otherwise be counted twice, so the lowest entered figure wins.
    """
    # A special base has no coverage of its own (004 §II.1.2): a figure on it, or under
    # it, is not a holder; its members count in its commune's numerator.
    special = {uid for uid, u in units.items() if u.level == Level.SPECIAL_BASE}
    kept = {
        uid: n
        for uid, n in rows.items()
        if uid in units and not special.intersection(units[uid].path_ids())
    }
    has_row_below: set[int] = set()
    for uid in kept:
        has_row_below.update(units[uid].path_ids()[:-1])
    return {uid: n for uid, n in kept.items() if uid not in has_row_below}


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


def numerator(members: int, aggregates: int, uncounted: int) -> int:
    """004 §II.1.2 (1): members of branches, tổ and special bases, plus the aggregate
    counts, less members not resident (temporary under 6 months, away)."""
    return members + aggregates - uncounted


def roll_up(
    units: Mapping[int, UnitRow],
    leaves: dict[int, Figures],
    holders: Mapping[int, Denominator],
) -> dict[int, Figures]:
    """Add every unit's figures into its parent's, deepest first; `leaves` is updated in place.

    A holder's coverage numerator comes from its own subtree, known only once its
    children are added: it is set just before the holder is added upward; so are a
    special base's members. (The reference for `Table.roll_up`, which does the same on
    columns; tests compare the two.)
    """
    for unit in sorted(units.values(), key=lambda u: -u.depth):
        figs = leaves[unit.id]
        if unit.level == Level.SPECIAL_BASE:
            figs.base_members = figs.members
        if unit.id in holders:
            d = holders[unit.id]
            figs.population, figs.tracking, figs.provisional = (
                d.population,
                d.tracking,
                int(d.provisional),
            )
            figs.covered_members = numerator(figs.members, figs.aggregates, figs.uncounted)
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

    def copy(self) -> Table:
        """The same units (the layout is read-only: shared) with columns of its own."""
        t = Table.__new__(Table)
        t.__dict__.update(self.__dict__)
        t.cols = {name: list(col) for name, col in self.cols.items()}
        t.rate_sum = list(self.rate_sum)
        t.per_quarter = {name: [list(q) for q in qs] for name, qs in self.per_quarter.items()}
        return t

    def row(self, k: int) -> UnitRow:  # the unit at position k
        return self._order[k]

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

    def roll_up(self, holders: Mapping[int, Denominator]) -> None:
        """What `roll_up` does, on columns: deepest level first, each run of siblings added
        into its parent; a holder's population and covered members (and a special base's
        members) set before it is."""
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
        held: dict[int, list[tuple[int, Denominator]]] = {}
        for uid, denominator in holders.items():
            if uid in self.pos:
                held.setdefault(self.depth[uid], []).append((self.pos[uid], denominator))
        bases: dict[int, list[int]] = {}
        for uid, u in self.units.items():
            if u.level == Level.SPECIAL_BASE:
                bases.setdefault(self.depth[uid], []).append(self.pos[uid])
        c = self.cols
        # Columns still all zero stay so (most of the nation has no aggregate count, stated
        # total or non-resident member): only those written below are added regardless.
        written = {"population", "tracking", "provisional", "covered_members", "base_members"}
        columns: list[list[Any]] = [
            col for name, col in c.items() if name in written or any(col)
        ] + [self.rate_sum]
        for by_q in self.per_quarter.values():
            columns.extend(q for q in by_q if any(q))
        members, covered, uncounted = c["members"], c["covered_members"], c["uncounted"]
        aggs = [
            c[n] for n in ("agg_trade_union", "agg_armed_forces", "agg_member_org", "agg_club_only")
        ]
        for depth in sorted(set(runs) | set(held) | set(bases), reverse=True):
            for k in bases.get(depth, ()):
                c["base_members"][k] = members[k]
            for k, den in held.get(depth, ()):
                c["population"][k], c["tracking"][k] = den.population, den.tracking
                c["provisional"][k] = int(den.provisional)
                covered[k] = numerator(members[k], sum(a[k] for a in aggs), uncounted[k])
            for col in columns:
                for p, start, end in runs.get(depth, ()):
                    col[p] += sum(col[start:end]) if end - start > 1 else col[start]
