"""Report charts as PNG bytes: coverage or attendance by unit, and compliance over 8 quarters."""

# Drawn with matplotlib's object API on the Agg canvas (no pyplot state, safe in a server).
# DejaVu Sans, bundled with matplotlib, carries every Vietnamese letter with its marks.

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from bot.core.i18n import _, format_date, format_number, format_pct
from bot.domain.calendar import quarter_of
from bot.domain.figures import Figures
from bot.domain.targets import CoverageFlag
from bot.reports.labels import label as period_label
from bot.reports.labels import threshold
from storage.repositories import measures
from storage.repositories.measures import Rollup, Trend
from storage.sessions import Session as AsyncSession

# Charts look the same whatever matplotlibrc the host has.
STYLE: Any = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.facecolor": "white",
}
GREEN, AMBER, RED = "#2e7d32", "#f9a825", "#c62828"
COLOURS = {CoverageFlag.MET: GREEN, CoverageFlag.BELOW: AMBER, CoverageFlag.WEAK: RED}
DPI = 120


def short_name(name: str) -> str:
    """ "Hội LHPN xã Quảng Phú" -> "xã Quảng Phú": the prefix is the same on every bar."""
    for prefix in ("Hội LHPN ", "Hội Liên hiệp Phụ nữ "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    out = io.BytesIO()
    with rc_context(STYLE):
        fig.savefig(out, format="png", dpi=DPI, bbox_inches="tight")
    return out.getvalue()


def coverage_chart(r: Rollup, unit_id: int) -> bytes | None:
    """Coverage of each unit directly under `unit_id` as a PNG (see `coverage_figure`)."""
    fig = coverage_figure(r, unit_id)
    return None if fig is None else _png(fig)


@dataclass(frozen=True)
class Line:
    """A reference line across the bars (a target), with its legend text."""

    at: float
    colour: str
    style: str
    label: str


def _bars(
    r: Rollup,
    unit_id: int,
    measure: Callable[[Figures], float | None],
    colour: Callable[[Figures, float], str],
    lines: list[Line],
    title: str,
    missing_note: str,
) -> Figure | None:
    """One bar per unit directly under `unit_id`, best at the top; units without a value
    are counted in the footnote (`missing_note`, with {count}). None when no unit has one."""
    children = r.children(unit_id)
    below = [u for u in children if measure(r.of(u.id)) is not None]
    if not below:
        return None
    below.sort(key=lambda u: (measure(r.of(u.id)) or 0.0, u.code))
    values = [measure(r.of(u.id)) or 0.0 for u in below]
    with rc_context(STYLE):
        fig = Figure(figsize=(8.5, max(3.5, 0.24 * len(below) + 1.8)))
        ax = fig.add_subplot()
        # Positions, not names, on the axis: two communes may share a name (a categorical
        # axis would draw them on one bar).
        colours = [colour(r.of(u.id), v) for u, v in zip(below, values, strict=True)]
        ax.barh(range(len(below)), values, color=colours)
        names = [short_name(u.name) for u in below]
        twice = {n for n in names if names.count(n) > 1}
        labels = [f"{n} ({u.code})" if n in twice else n for n, u in zip(names, below, strict=True)]
        ax.set_yticks(range(len(below)), labels)
        for line in lines:
            ax.axvline(
                line.at, color=line.colour, linestyle=line.style, linewidth=1.2, label=line.label
            )
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlim(0, max(1.0, max(values) * 1.05))
        ax.margins(y=0.01)
        ax.legend(loc="lower right")
        ax.set_title(title.format(unit=r.units[unit_id].name), fontweight="bold")
        note = _("{period}, figures up to {date}").format(
            period=period_label(r.period), date=format_date(r.as_of)
        )
        if len(children) > len(below):
            note += " · " + missing_note.format(count=len(children) - len(below))
        ax.set_xlabel(note)
        return fig


def coverage_figure(r: Rollup, unit_id: int) -> Figure | None:
    """Coverage of each unit directly under `unit_id`, best at the top, with the 60% and
    50% lines. None when no unit below has a women-18+ figure.
    """
    t = r.rules
    return _bars(
        r,
        unit_id,
        lambda f: f.coverage,
        lambda f, _v: COLOURS[t.flag(f.coverage)],
        [
            Line(t.coverage, GREEN, "--", _("Target {pct}").format(pct=threshold(t))),
            Line(
                t.coverage_weak,
                RED,
                ":",
                _("Weak under {pct}").format(pct=format_pct(t.coverage_weak)),
            ),
        ],
        _("Membership coverage – {unit}"),
        _("{count} without a figure for women aged 18+"),
    )


def attendance_chart(r: Rollup, unit_id: int) -> bytes | None:
    """Mean attendance at the meetings of each unit directly under `unit_id`, as a PNG.

    The chart for a commune: its branches hold no women-18+ figure, so no coverage chart.
    """
    fig = attendance_figure(r, unit_id)
    return None if fig is None else _png(fig)


def attendance_figure(r: Rollup, unit_id: int) -> Figure | None:
    """Attendance by unit, best at the top, with the 2/3 line; None when no unit below met."""
    return _bars(
        r,
        unit_id,
        lambda f: f.attendance,
        lambda _f, v: GREEN if v >= r.rules.attendance else RED,
        [Line(r.rules.attendance, GREEN, "--", _("Two thirds of the members"))],
        _("Attendance at meetings – {unit}"),
        _("{count} without a meeting logged"),
    )


def unit_chart(r: Rollup, unit_id: int) -> tuple[str, bytes] | None:
    """The by-unit chart that fits the level: coverage where the units below hold a
    women-18+ figure, attendance otherwise. ("tap-hop" | "du-sinh-hoat", PNG) or None."""
    coverage = coverage_chart(r, unit_id)
    if coverage is not None:
        return "tap-hop", coverage
    attendance = attendance_chart(r, unit_id)
    return None if attendance is None else ("du-sinh-hoat", attendance)


TREND = "sinh-hoat"


def caption(r: Rollup) -> str:
    """The charts' caption (Zalo shows photos with a caption only): coverage and new
    members against their targets, branches and tổ that met, the rosters' completeness."""
    f = r.of(r.root.id)
    n, parts = format_number, []
    if f.coverage is not None:
        goal = r.coverage_target(r.root.id)
        parts.append(
            _("coverage {pct} (target {goal})").format(
                pct=format_pct(f.coverage), goal=threshold(r.rules, goal)
            )
            + (" " + _("provisional") if f.provisional else "")
        )
    weak = sum(
        1 for u in r.children(r.root.id) if r.rules.flag(r.of(u.id).coverage) == CoverageFlag.WEAK
    )
    if weak:
        parts.append(
            _("{count} units under {pct}").format(count=weak, pct=format_pct(r.rules.coverage_weak))
        )
    joined, target = r.new_members(r.root.id)
    if target is not None:
        parts.append(_("new members {joined}/{target}").format(joined=n(joined), target=n(target)))
    growth = r.growth_target(r.root.id)
    if r.is_term and growth is not None and f.members_start:
        grown = f.members / f.members_start - 1
        parts.append(
            _("members {pct} since the term began (target {target})").format(
                pct=format_pct(grown), target=format_pct(growth)
            )
        )
    if r.quarters and f.meeting_units[-1]:
        i, q = len(r.quarters) - 1, period_label(r.quarters[-1])
        if f.branch_units(i):
            parts.append(
                _("{pct} of branches met in {quarter}").format(
                    pct=format_pct(f.branches_met(i) / f.branch_units(i)), quarter=q
                )
            )
        if f.groups[i]:
            parts.append(
                _("{pct} of tổ met in {quarter}").format(
                    pct=format_pct(f.groups_met[i] / f.groups[i]), quarter=q
                )
            )
    if f.roster_incomplete:
        parts.append(
            _("rosters {entered}/{stated} entered").format(
                entered=n(f.roster_entered), stated=n(f.roster_stated)
            )
        )
    return f"{r.root.name}: " + "; ".join(parts)


async def report_charts(s: AsyncSession, r: Rollup) -> list[tuple[str, bytes]]:
    """Every chart of a report as (file-name suffix, PNG): the by-unit chart that fits the
    level (if any unit below has a value), then the compliance trend up to the report's day."""
    out = [c for c in [unit_chart(r, r.root.id)] if c is not None]
    trend = await measures.compliance_trend(s, r.root, quarter_of(r.as_of))
    out.append((TREND, trend_chart(trend)))
    return out


def trend_chart(t: Trend) -> bytes:
    """Share of branches and groups with a regular meeting, per quarter, as a PNG."""
    return _png(trend_figure(t))


def trend_figure(t: Trend) -> Figure:
    """Share of branches, and of tổ on their own line (000 §II.2: "100% chi, tổ"), with a
    regular meeting, per quarter, oldest first."""
    labels = [period_label(q) for q in t.quarters]
    n = range(len(t.quarters))
    series = [(_("Branches with a meeting"), "#1565c0", [t.branch_share(t.root.id, i) for i in n])]
    if any(t.groups[t.root.id]):
        series.append((_("Tổ with a meeting"), "#6a1b9a", [t.group_share(t.root.id, i) for i in n]))
    with rc_context(STYLE):
        fig = Figure(figsize=(8.5, 4.2))
        ax = fig.add_subplot()
        for name, colour, shares in series:
            xs = [i for i, v in enumerate(shares) if v is not None]
            ys = [v for v in shares if v is not None]
            ax.plot(xs, ys, marker="o", linewidth=2.2, color=colour, label=name)
            for x, y in zip(xs, ys, strict=True):
                ax.annotate(
                    format_pct(y),
                    (x, y),
                    textcoords="offset points",
                    xytext=(0, 8),
                    ha="center",
                    fontsize=9,
                    color=colour,
                )
        ax.axhline(1.0, color=GREEN, linestyle="--", linewidth=1)
        # "Quý 1/2026" on two lines: eight one-line labels run into each other.
        ax.set_xticks(range(len(labels)), [label.replace("/", "\n", 1) for label in labels])
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylim(0, 1.1)
        ax.grid(axis="y", alpha=0.3)
        if len(series) > 1:
            ax.legend(loc="lower right")
        ax.set_title(
            _("Branches and groups with a regular meeting – {unit}").format(unit=t.root.name),
            fontweight="bold",
        )
        return fig
