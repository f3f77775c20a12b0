"""The kept meeting figures (storage/repositories/meeting_figures.py) against the recount
path the reports used before them (measures/meetings.py): per year and unit, the figures a
report shows. Used by tests and `chihoi report tally --check`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import Year
from storage.models import Meeting, MeetingFigure
from storage.repositories.measures import meetings as measured
from storage.repositories.measures.members import period_base
from storage.repositories.measures.report import quarters_in
from storage.repositories.measures.scope import Scope


def _close(a: Sequence[Any], b: Sequence[Any]) -> bool:
    """Rows of `meeting_rows` equal, the rate sum (index 3: floats added in another order)
    to rounding."""
    if len(a) != len(b):
        return False
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if i == 3:
            if not math.isclose(float(x or 0.0), float(y or 0.0), rel_tol=1e-9, abs_tol=1e-9):
                return False
        elif int(x or 0) != int(y or 0):
            return False
    return True


async def differences(s: AsyncSession) -> list[str]:
    """Where the figures a report reads from meeting_figure differ from the recount of
    meetings, events and roster totals: per year and unit (empty when the triggers did
    their job). Compares what reports show: counted, rated, rate sum, two-thirds, and the
    met and visited flags of every quarter."""
    first, last = (
        await s.execute(select(func.min(Meeting.held_on), func.max(Meeting.held_on)))
    ).one()
    if first is None:
        stored = await s.scalar(select(func.count()).select_from(MeetingFigure))
        return [f"{stored} figure rows without any meeting"] if stored else []
    everything = Scope("", None, everything=True)
    out = []
    for year in range(first.year, last.year + 1):
        period = Year(year)
        quarters = quarters_in(period)
        base = await period_base(s, period)
        args = (everything, period, period.last_day, quarters, base)
        fresh = {r[0]: tuple(r) for r in await measured.meeting_rows(s, *args, True)}
        kept = {r[0]: tuple(r) for r in await measured.meeting_rows(s, *args, stored=True)}
        for uid in sorted(set(fresh) | set(kept)):
            a, b = kept.get(uid), fresh.get(uid)
            if a is None or b is None or not _close(a, b):
                out.append(f"{year} unit {uid}: kept {a and a[1:]}, recount {b and b[1:]}")
    return out
