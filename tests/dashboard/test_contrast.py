"""The dashboard's colours meet WCAG AA: 4.5:1 for text on its background (the CSS holds
every colour as a variable, so the pairs are read from the stylesheet itself)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.reports.coverage_map import BAND_COLOURS

CSS = Path(__file__).resolve().parents[2] / "bot" / "dashboard" / "static" / "dash.css"


def colours() -> dict[str, str]:
    root = re.search(r":root\s*\{([^}]*)\}", CSS.read_text(encoding="utf-8"))
    assert root
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root.group(1)))


def luminance(hex_colour: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_contrast_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") < 4.5 < contrast("#767676", "#ffffff") + 0.01


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("ink", "bg"),
        ("ink", "soft"),
        ("muted", "bg"),
        ("muted", "soft"),
        ("accent", "bg"),
        ("accent", "soft"),
        ("weak", "bg"),
        ("bg", "ok"),  # white on the coverage pills
        ("bg", "below"),
        ("bg", "weak"),
        ("bg", "none"),
        ("bg", "accent"),  # the primary button
    ],
)
def test_text_colours_meet_aa(text: str, background: str) -> None:
    c = colours()
    assert contrast(c[text], c[background]) >= 4.5


def test_the_map_bands_stand_out_on_its_background() -> None:
    for colour in BAND_COLOURS.values():
        assert contrast(colour, "#f7f9fc") >= 4.5
