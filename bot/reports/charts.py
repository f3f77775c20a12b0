"""Report charts as PNG bytes: coverage or attendance by unit, and compliance over 8 quarters."""

# Drawn with matplotlib's object API on the Agg canvas (no pyplot state, safe in a server).
# DejaVu Sans, bundled with matplotlib, carries every Vietnamese letter with its marks.

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from bot.core.i18n import _, format_date, format_number, format_pct
from bot.domain.calendar import quarter_of
from bot.domain.figures import Figures, UnitRow
from bot.domain.targets import CoverageFlag
from bot.reports.labels import label as period_label
from bot.reports.labels import threshold
from storage.repositories import measures
from storage.repositories.measures import Rollup, Trend
from storage.sessions import Session as AsyncSession

# Made for a phone (issue 14.7): 1080 px wide, square or taller, every text at least 28 px
# at that width (17 pt at 120 dpi = 28.3 px), so a chat app showing it full width keeps
# it readable. Charts look the same whatever matplotlibrc the host has.
DPI = 120
WIDTH_IN = 9.0  # × 120 dpi = 1080 px
TEXT_PT = 17.0
TITLE_PT = 20.0
ROW_IN = 0.75  # one unit's bar and its (up to two-line) name: 90 px
NAME_WRAP, TITLE_WRAP, NOTE_WRAP = 15, 38, 52  # characters per line at those sizes
STYLE: Any = {
    "font.family": "DejaVu Sans",
    "font.size": TEXT_PT,
    "axes.titlesize": TITLE_PT,
    "axes.labelsize": TEXT_PT,
    "xtick.labelsize": TEXT_PT,
    "ytick.labelsize": TEXT_PT,
    "legend.fontsize": TEXT_PT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.facecolor": "white",
}
GREEN, AMBER, RED, GREY = "#2e7d32", "#f9a825", "#c62828", "#757575"
COLOURS = {CoverageFlag.MET: GREEN, CoverageFlag.BELOW: AMBER, CoverageFlag.WEAK: RED}


def short_name(name: str) -> str:
    """ "Hội LHPN xã Quảng Phú" -> "xã Quảng Phú": the prefix is the same on every bar."""
    for prefix in ("Hội LHPN ", "Hội Liên hiệp Phụ nữ "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _figure(height_in: float) -> Figure:
    # Constrained layout keeps the page exactly 1080 px wide (no tight bbox cropping).
    return Figure(figsize=(WIDTH_IN, max(WIDTH_IN, height_in)), dpi=DPI, layout="constrained")


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    out = io.BytesIO()
    with rc_context(STYLE):
        fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _title(text: str) -> str:
    """ "What – Unit": the unit on its own line when both do not fit on one."""
    if len(text) <= TITLE_WRAP:
        return text
    return "\n".join(_wrap(part, TITLE_WRAP) for part in text.split(" – ", 1))


# A value or a line's text stays readable where a reference line crosses it.
BEHIND = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}


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
    missing: tuple[str, str],
) -> Figure | None:
    """One bar per unit directly under `unit_id`, best at the top, its value printed at its
    end. A unit without a value stays, at the bottom, with `missing[0]` on its empty bar and
    counted in the footnote (`missing[1]`, with {count}). None when no unit has a value."""
    children = r.children(unit_id)
    if all(measure(r.of(u.id)) is None for u in children):
        return None

    def rank(u: UnitRow) -> tuple[float, str]:
        v = measure(r.of(u.id))
        return (-1.0 if v is None else v, u.code)

    below = sorted(children, key=rank)
    values = [measure(r.of(u.id)) for u in below]
    widths = [v or 0.0 for v in values]
    top = max(1.0, *widths)
    with rc_context(STYLE):
        fig = _figure(3.8 + ROW_IN * len(below))
        ax = fig.add_subplot()
        # Positions, not names, on the axis: two communes may share a name (a categorical
        # axis would draw them on one bar).
        colours = [
            GREY if v is None else colour(r.of(u.id), v) for u, v in zip(below, values, strict=True)
        ]
        ax.barh(range(len(below)), widths, color=colours, height=0.7, zorder=2)
        names = [short_name(u.name) for u in below]
        twice = {n for n in names if names.count(n) > 1}
        labels = [f"{n} ({u.code})" if n in twice else n for n, u in zip(names, below, strict=True)]
        ax.set_yticks(range(len(below)), [_wrap(label, NAME_WRAP) for label in labels])
        for y, (v, w) in enumerate(zip(values, widths, strict=True)):
            shown = missing[0] if v is None else format_pct(v)
            tint = GREY if v is None else "#212121"
            ax.text(w + top * 0.02, y, shown, va="center", color=tint, zorder=4, bbox=BEHIND)
        for line in lines:  # on top of the bars (zorder), so a long bar never hides a target
            ax.axvline(
                line.at, color=line.colour, linestyle=line.style, linewidth=3, label=line.label,
                zorder=3,
            )  # fmt: skip
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xticks([0.0, 0.5, 1.0])  # a bar past 100% carries its own value label
        ax.set_xlim(0, top * 1.25)  # room for the value after the longest bar
        ax.margins(y=0.01)
        fig.legend(loc="outside lower center", frameon=False)
        ax.set_title(_title(title.format(unit=r.units[unit_id].name)), fontweight="bold")
        note = _("{period}, figures up to {date}").format(
            period=period_label(r.period), date=format_date(r.as_of)
        )
        absent = values.count(None)
        if absent:
            note += "\n" + missing[1].format(count=absent)
        ax.set_xlabel("\n".join(_wrap(line, NOTE_WRAP) for line in note.split("\n")))
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
        (_("no figure"), _("{count} without a figure for women aged 18+")),
    )


def attendance_chart(r: Rollup, unit_id: int) -> bytes | None:
    """Mean attendance at the meetings of each unit directly under `unit_id`, as a PNG.

    The chart for a commune: its branches hold no women-18+ figure, so no coverage chart.
    """
    fig = attendance_figure(r, unit_id)
    return None if fig is None else _png(fig)


def attendance_figure(r: Rollup, unit_id: int) -> Figure | None:
    """Attendance by unit, best at the top, with the 2/3 line; a unit that never met keeps
    its (empty) bar. None when no unit below met."""
    return _bars(
        r,
        unit_id,
        lambda f: f.attendance,
        lambda _f, v: GREEN if v >= r.rules.attendance else RED,
        [Line(r.rules.attendance, GREEN, "--", _("Two thirds of the members"))],
        _("Attendance at meetings – {unit}"),
        (_("no meeting"), _("{count} without a meeting logged")),
    )


COVERAGE, ATTENDANCE = "tap-hop", "du-sinh-hoat"


def unit_chart(r: Rollup, unit_id: int) -> tuple[str, bytes] | None:
    """The by-unit chart that fits the level: coverage where the units below hold a
    women-18+ figure, attendance otherwise. (COVERAGE | ATTENDANCE, PNG) or None."""
    coverage = coverage_chart(r, unit_id)
    if coverage is not None:
        return COVERAGE, coverage
    attendance = attendance_chart(r, unit_id)
    return None if attendance is None else (ATTENDANCE, attendance)


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


def chart_caption(r: Rollup, suffix: str) -> str:
    """What one chart of `report_charts` shows, and nothing else: a photo's caption."""
    if suffix == TREND:
        return _("Regular meetings over the last eight quarters")
    children = r.children(r.root.id)
    period = period_label(r.period)
    if suffix == COVERAGE:
        values = [r.of(u.id).coverage for u in children]
        met = sum(1 for v in values if v is not None and r.rules.flag(v) == CoverageFlag.MET)
        text = _("coverage by unit, {period}: {met} of {count} reach the target {target}").format(
            period=period, met=met, count=len(children), target=threshold(r.rules)
        )
        missing = _("{count} without a figure for women aged 18+")
    else:
        values = [r.of(u.id).attendance for u in children]
        # The 2/3 line of the chart (rules.attendance).
        met = sum(1 for v in values if v is not None and v >= r.rules.attendance)
        text = _("attendance at meetings by unit, {period}: {met} of {count} reach two thirds")
        text = text.format(period=period, met=met, count=len(children))
        missing = _("{count} without a meeting logged")
    absent = values.count(None)
    if absent:
        text += "; " + missing.format(count=absent)
    return f"{r.root.name}: {text}"


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


def first_with_data(t: Trend) -> int | None:
    """The first quarter with a meeting logged anywhere under the unit: earlier quarters
    predate its records (a 0% there would say they did not meet), so they get no point."""
    return next((i for i, met in enumerate(t.met[t.root.id]) if met), None)


def trend_figure(t: Trend) -> Figure:
    """Share of branches, and of tổ on their own line (000 §II.2: "100% chi, tổ"), with a
    regular meeting, per quarter, oldest first, from the first quarter with data."""
    labels = [period_label(q) for q in t.quarters]
    n = range(len(t.quarters))
    series = [(_("Branches with a meeting"), "#1565c0", [t.branch_share(t.root.id, i) for i in n])]
    if any(t.groups[t.root.id]):
        series.append((_("Tổ with a meeting"), "#6a1b9a", [t.group_share(t.root.id, i) for i in n]))
    start = first_with_data(t)
    with rc_context(STYLE):
        fig = _figure(WIDTH_IN)
        ax = fig.add_subplot()
        # The first series' values above its points, the second's below: they never collide.
        for (name, colour, shares), dy in zip(series, (14, -14), strict=False):
            xs = [
                i
                for i, v in enumerate(shares)
                if v is not None and start is not None and i >= start
            ]
            ys = [shares[i] or 0.0 for i in xs]
            ax.plot(xs, ys, marker="o", markersize=10, linewidth=3, color=colour, label=name)
            for x, y in zip(xs, ys, strict=True):
                ax.annotate(
                    format_pct(y), (x, y), textcoords="offset points", xytext=(0, dy),
                    ha="center", va="bottom" if dy > 0 else "top", color=colour, bbox=BEHIND,
                    zorder=4,
                )  # fmt: skip
        if start is None or start > 0:
            upto = len(labels) if start is None else start
            ax.text(
                (upto - 1) / 2, 0.5, _wrap(_("no meetings logged yet"), 7 * upto), ha="center",
                va="center", color=GREY,
            )  # fmt: skip
        ax.axhline(1.0, color=GREEN, linestyle="--", linewidth=2, zorder=1)
        # "Quý 1/2026" on two lines: eight one-line labels run into each other.
        ax.set_xticks(range(len(labels)), [label.replace("/", "\n", 1) for label in labels])
        ax.set_xlim(-0.5, len(labels) - 0.5)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_yticks([0.0, 0.25, 0.5, 0.75, 1.0])
        ax.set_ylim(-0.12, 1.12)
        ax.grid(axis="y", alpha=0.3)
        if len(series) > 1:
            fig.legend(loc="outside lower center", frameon=False)
        title = _("Branches and groups with a regular meeting – {unit}").format(unit=t.root.name)
        ax.set_title(_title(title), fontweight="bold")
        return fig
