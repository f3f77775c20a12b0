"""The coverage map: each commune at its official position, coloured by coverage band.

Drawn from coordinates alone (no tiles, no network): as an SVG for the dashboard and as a
PNG for the chat ("Bản đồ tỷ lệ tập hợp"). matplotlib is imported only when a PNG is made,
so loading this module costs nothing at start.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from bot.core.i18n import _, format_pct
from bot.domain.enums import Level
from bot.domain.targets import CoverageFlag
from bot.reports.charts import short_name
from bot.reports.coverage_lines import shows_coverage
from bot.reports.labels import label, threshold
from storage.repositories.measures import Rollup

# Band colours chosen for AA contrast of their labels on white and for colour-blind
# readers (blue/orange/red-purple, grey), each band also drawn with its own marker shape.
BAND_COLOURS = {
    CoverageFlag.MET: "#1b5e20",
    CoverageFlag.BELOW: "#8a5a00",
    CoverageFlag.WEAK: "#b71c1c",
    CoverageFlag.NO_DATA: "#5f6368",
}
BAND_ORDER = (CoverageFlag.MET, CoverageFlag.BELOW, CoverageFlag.WEAK, CoverageFlag.NO_DATA)


@dataclass(frozen=True)
class MapPoint:
    unit_id: int
    name: str
    lat: float
    lon: float
    band: CoverageFlag
    coverage: float | None


def band_labels(r: Rollup) -> dict[CoverageFlag, str]:
    weak = format_pct(r.rules.coverage_weak)
    return {
        CoverageFlag.MET: _("coverage {rule}").format(rule=threshold(r.rules)),
        CoverageFlag.BELOW: _("coverage {weak} to {target}").format(
            weak=weak, target=format_pct(r.rules.coverage)
        ),
        CoverageFlag.WEAK: _("coverage under {weak}").format(weak=weak),
        CoverageFlag.NO_DATA: _("no figure yet"),
    }


def communes_of(r: Rollup, unit_id: int) -> list[int]:
    """The communes the map of `unit_id` shows: those under it, or itself if a commune."""
    root = r.units[unit_id]
    if root.level == Level.COMMUNE:
        return [unit_id]
    return sorted(
        (
            u.id
            for u in r.units.values()
            if u.level == Level.COMMUNE and u.path.startswith(root.path)
        ),
        key=lambda uid: r.units[uid].code,
    )


def map_points(
    r: Rollup, unit_id: int, positions: dict[int, tuple[float, float]]
) -> tuple[list[MapPoint], list[int]]:
    """Communes with a position as points, and the ids of those without one."""
    points, missing = [], []
    for uid in communes_of(r, unit_id):
        f = r.of(uid)
        cov = f.coverage if shows_coverage(f) else None
        where = positions.get(uid)
        if where is None:
            missing.append(uid)
            continue
        name = short_name(r.units[uid].name)
        points.append(MapPoint(uid, name, where[0], where[1], r.rules.flag(cov), cov))
    return points, missing


def _project(
    points: list[MapPoint], width: float, height: float, pad: float
) -> list[tuple[float, float]]:
    """Equirectangular, longitude shrunk by cos(latitude): right for a province's extent."""
    if not points:
        return []
    lat0 = sum(p.lat for p in points) / len(points)
    k = math.cos(math.radians(lat0))
    xs = [p.lon * k for p in points]
    ys = [p.lat for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.02)
    scale = min(width - 2 * pad, height - 2 * pad) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [
        (width / 2 + (x - cx) * scale, height / 2 - (y - cy) * scale)
        for x, y in zip(xs, ys, strict=True)
    ]


MARKERS = {
    CoverageFlag.MET: "circle",
    CoverageFlag.BELOW: "square",
    CoverageFlag.WEAK: "triangle",
    CoverageFlag.NO_DATA: "diamond",
}


def _marker(band: CoverageFlag, x: float, y: float, r: float) -> str:
    fill = BAND_COLOURS[band]
    shape = MARKERS[band]
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}"/>'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" fill="{fill}"/>'
    if shape == "triangle":
        pts = f"{x:.1f},{y - r * 1.2:.1f} {x - r * 1.1:.1f},{y + r * 0.8:.1f} {x + r * 1.1:.1f},{y + r * 0.8:.1f}"
    else:
        pts = f"{x:.1f},{y - r * 1.2:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r * 1.2:.1f} {x - r:.1f},{y:.1f}"
    return f'<polygon points="{pts}" fill="{fill}"/>'


def svg(r: Rollup, unit_id: int, points: list[MapPoint], link: str = "") -> str:
    """The map as an SVG document: one marker per commune (a link to its page when `link`
    holds a "{id}" pattern), its name, its figure, and the legend below."""
    width, height, pad = 800.0, 640.0, 60.0
    title = _("Coverage by commune – {unit}, {period}").format(
        unit=r.units[unit_id].name, period=label(r.period)
    )
    labels = band_labels(r)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height + 150:.0f}" '
        f'role="img" aria-labelledby="map-title" class="coverage-map" font-family="DejaVu Sans, sans-serif">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#f7f9fc" stroke="#c5cbd3"/>',
    ]
    radius = 9.0 if len(points) < 60 else 6.0
    for p, (x, y) in zip(points, _project(points, width, height, pad), strict=True):
        figure = format_pct(p.coverage) if p.coverage is not None else "–"
        text = f"{p.name}: {figure}"
        item = (
            f'<g class="commune" data-unit="{p.unit_id}" data-band="{p.band.value}">'
            f"<title>{escape(text)}</title>{_marker(p.band, x, y, radius)}"
        )
        if len(points) <= 40:  # names only where they do not pile up on each other
            item += (
                f'<text x="{x + radius + 4:.1f}" y="{y + 5:.1f}" font-size="16" fill="#1f2328">'
                f"{escape(text)}</text>"
            )
        item += "</g>"
        if link:
            item = f'<a href="{escape(link.format(id=p.unit_id))}">{item}</a>'
        out.append(item)
    y = height + 30
    for band in BAND_ORDER:
        count = sum(1 for p in points if p.band == band)
        text = f"{labels[band]} ({count})"
        out.append(_marker(band, 30, y - 5, 9))
        out.append(f'<text x="50" y="{y:.0f}" font-size="18" fill="#1f2328">{escape(text)}</text>')
        y += 30
    out.append("</svg>")
    return "\n".join(out)


def png(r: Rollup, unit_id: int, points: list[MapPoint]) -> bytes:
    """The same map as a PNG for the chat, 1080 px wide like the other charts."""
    from matplotlib.backends.backend_agg import (
        FigureCanvasAgg,  # heavy; only when a PNG is asked for
    )
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 10), dpi=120, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = band_labels(r)
    shapes = {"circle": "o", "square": "s", "triangle": "^", "diamond": "D"}
    lat0 = sum(p.lat for p in points) / len(points) if points else 0.0
    k = math.cos(math.radians(lat0))
    for band in BAND_ORDER:
        mine = [p for p in points if p.band == band]
        ax.scatter(
            [p.lon * k for p in mine],
            [p.lat for p in mine],
            s=160 if len(points) < 60 else 60,
            c=BAND_COLOURS[band],
            marker=shapes[MARKERS[band]],
            label=f"{labels[band]} ({len(mine)})",
        )
    if len(points) <= 40:
        for p in points:
            ax.annotate(
                p.name, (p.lon * k, p.lat), xytext=(8, 4), textcoords="offset points", fontsize=14
            )
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(
        _("Coverage by commune – {unit}, {period}").format(
            unit=short_name(r.units[unit_id].name), period=label(r.period)
        ),
        fontsize=18,
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), fontsize=15, frameon=False)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
