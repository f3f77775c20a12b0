"""Sums over columns of figures (bot/domain/figures.py `Table`): runs of siblings added
into their parents."""

from __future__ import annotations

import itertools
import operator
from typing import Any


def add_runs(
    columns: list[list[Any]], runs: list[tuple[int, int, int]], floats: list[float]
) -> None:
    """Add each run (parent, start, end) of each column into its parent (runs in order,
    one per parent). Whole numbers through prefix sums and maps, in C: a national report
    has ~12,000 runs of a few siblings each, whose per-run sum() of a slice cost more than
    adding the numbers. The float column (rate sums) adds its slices as before, so its
    roundings match the reference `figures.roll_up`."""
    lo = runs[0][1]
    ps = [p for p, _s, _e in runs]
    starts = [start - lo for _p, start, _e in runs]
    ends = [end - lo for _p, _s, end in runs]
    hi = runs[-1][2]
    for col in columns:
        if col is floats:
            for p, start, end in runs:
                col[p] += sum(col[start:end]) if end - start > 1 else col[start]
            continue
        prefix = list(itertools.accumulate(col[lo:hi], initial=0))
        totals = map(operator.sub, map(prefix.__getitem__, ends), map(prefix.__getitem__, starts))
        added = list(map(operator.add, map(col.__getitem__, ps), totals))
        for p, value in zip(ps, added, strict=True):
            col[p] = value
