"""What the pages show, as plain rows built from a report's figures (no HTML here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import vn_collate

from bot.core.i18n import format_pct
from bot.domain.calendar import Quarter
from bot.domain.figures import UnitRow
from bot.domain.targets import CoverageFlag
from bot.reports import text as report_text
from bot.reports.coverage_lines import shows_coverage
from storage.repositories.measures import Rollup, Trend


@dataclass(frozen=True)
class UnitLine:
    """One unit below, as the units table shows it."""

    unit: UnitRow
    rank: int  # 1 = needs attention first
    coverage: float | None
    band: CoverageFlag
    members: int
    roster: tuple[int, int] | None  # (entered, stated) while the paper register is not in
    met: int | None  # branches and tổ that held a regular meeting in the last quarter
    must_meet: int | None
    attendance: float | None
    joined: int
    joined_target: int | None
    reviewed: int | None
    review_branches: int | None

    @property
    def compliance(self) -> float | None:
        return self.met / self.must_meet if self.must_meet and self.met is not None else None


def unit_lines(r: Rollup, unit_id: int) -> list[UnitLine]:
    """The units right under `unit_id`, ranked worst first (the chat's order)."""
    last = len(r.quarters) - 1
    out = []
    for rank, u in enumerate(report_text.ranked_children(r, unit_id), start=1):
        f = r.of(u.id)
        cov = f.coverage if shows_coverage(f) else None
        joined, target = r.new_members(u.id)
        must = f.meeting_units[last] if last >= 0 and f.meeting_units[last] else None
        out.append(
            UnitLine(
                unit=u,
                rank=rank,
                coverage=cov,
                band=r.rules.flag(cov),
                members=f.members,
                roster=(f.roster_entered, f.roster_stated) if f.roster_incomplete else None,
                met=f.met[last] if must else None,
                must_meet=must,
                attendance=f.attendance,
                joined=joined,
                joined_target=target,
                reviewed=f.reviewed if f.review_branches else None,
                review_branches=f.review_branches or None,
            )
        )
    return out


def _by(get: Callable[[UnitLine], Any]) -> Callable[[UnitLine], tuple[bool, Any, str]]:
    """A sort key that puts units without the figure last, then by code for ties."""

    def key(line: UnitLine) -> tuple[bool, Any, str]:
        value = get(line)
        return (value is None, 0 if value is None else value, line.unit.code)

    return key


SORTS: dict[str, Callable[[UnitLine], tuple[bool, Any, str]]] = {
    "worst": _by(lambda line: line.rank),
    "name": _by(lambda line: vn_collate.collate_key(line.unit.name)),  # D before Đ
    "coverage": _by(lambda line: line.coverage),
    "members": _by(lambda line: line.members),
    "meetings": _by(lambda line: line.compliance),
    "attendance": _by(lambda line: line.attendance),
    "new": _by(lambda line: line.joined),
}


def sorted_lines(lines: list[UnitLine], sort: str, descending: bool) -> list[UnitLine]:
    """Sorted by a known column; an unknown one (a tampered address) keeps worst first.
    Units without the figure stay at the end in either direction."""
    key = SORTS.get(sort, SORTS["worst"])
    ordered = sorted(lines, key=key)
    if not descending:
        return ordered
    present = [x for x in ordered if not key(x)[0]]
    return [*reversed(present), *(x for x in ordered if key(x)[0])]


@dataclass(frozen=True)
class GridRow:
    unit: UnitRow
    cells: list[tuple[int, int]]  # (met, had to meet) per quarter, oldest first


def grid_rows(t: Trend) -> tuple[list[Quarter], list[GridRow], GridRow]:
    """Each unit below by quarter: how many of its branches and tổ held a regular meeting."""
    n = len(t.quarters)
    rows = [
        GridRow(u, [(t.met[u.id][i], t.meeting_units[u.id][i]) for i in range(n)])
        for u in t.children
        if any(t.meeting_units[u.id])
    ]
    total = GridRow(
        t.root, [(t.met[t.root.id][i], t.meeting_units[t.root.id][i]) for i in range(n)]
    )
    return t.quarters, rows, total


def cell_class(met: int, must: int) -> str:
    if must == 0:
        return "none"
    if met == must:
        return "ok"
    return "part" if met else "bad"


def share(met: int, must: int) -> str:
    return format_pct(met / must) if must else "–"


def figure_lines(lines: list[str]) -> list[tuple[str, str]]:
    """The chat's figure lines without their emoji marks (no emoji font is promised on an
    office computer), each with its state for the page: "ok", "warn" or ""."""
    out = []
    for line in lines:
        state = "warn" if line.endswith(" ⚠️") else "ok" if line.endswith(" ✅") else ""
        out.append((line.removesuffix(" ⚠️").removesuffix(" ✅"), state))
    return out
