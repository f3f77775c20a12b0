"""Report figures for any unit, period and day (scope, member and meeting counts, reviews, trend)."""

from storage.repositories.measures.members import counts_on, events_between, tally_days
from storage.repositories.measures.report import (
    BIG_REPORT_SETTINGS,
    Rollup,
    measure,
    parse_period,
    quarters_in,
)
from storage.repositories.measures.reviews import review_deadline
from storage.repositories.measures.scope import (
    LISTED_UNITS,
    Scope,
    in_subtree,
    scope_of,
    units_under,
)
from storage.repositories.measures.trend import Trend, compliance_trend

__all__ = [
    "BIG_REPORT_SETTINGS",
    "LISTED_UNITS",
    "Rollup",
    "Scope",
    "Trend",
    "compliance_trend",
    "counts_on",
    "events_between",
    "in_subtree",
    "measure",
    "parse_period",
    "quarters_in",
    "review_deadline",
    "scope_of",
    "tally_days",
    "units_under",
]
