"""The special-audience report's figures (issue 16 item 3), plain values for text, Excel, PNG."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AudienceRow:
    """One unit of the report (a branch of a commune, or a commune of a province)."""

    unit_id: int
    name: str
    members: int
    by_audience: dict[str, int]
    clubs: int


@dataclass(frozen=True)
class TargetProgress:
    audience: str
    target: int
    per: str  # "year" | "term"
    period: str  # "2026", "2022-2027"
    founded: int  # clubs of the audience founded in the period
    source: str


@dataclass(frozen=True)
class AudienceReport:
    unit_name: str
    on: dt.date
    rows: list[AudienceRow]
    clubs_by_audience: dict[str, int]
    clubs_total: int
    linked: int  # distinct register members linked to a club
    outside: int  # club women in no branch (counted, never named)
    clubs_met: int  # clubs that met this quarter
    migrants: int
    # Women from elsewhere living here (recorded by the receiving commune), and of them
    # those invited to a club (004 §II.1.1: draw incoming women into activities).
    incoming: int = 0
    incoming_invited: int = 0
    # Communes with no club or model for a hard-to-reach group (002 §II.2; 004 §II.2.3): flagged.
    without_model: list[str] = field(default_factory=list)
    progress: list[TargetProgress] = field(default_factory=list)

    @property
    def reached(self) -> int:
        """Women reached by clubs: a member in two clubs is one woman."""
        return self.linked + self.outside

    def total(self, code: str) -> int:
        return sum(r.by_audience.get(code, 0) for r in self.rows)
