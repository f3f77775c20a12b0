"""Clubs and models for special audiences: kinds, founding levels, targets from the seeds."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from bot.domain.calendar import quarter_of


class ClubKind(enum.StrEnum):
    CLUB = "club"  # câu lạc bộ
    MODEL = "model"  # mô hình
    GROUP = "group"  # tổ / nhóm


class FoundedBy(enum.StrEnum):
    """The Union level that set it up: clubs "do Hội thành lập ở các cấp" all count toward
    coverage (004 §II.1.2 (1))."""

    BRANCH = "branch"
    COMMUNE = "commune"
    PROVINCE = "province"
    CENTRAL = "central"


@dataclass(frozen=True)
class ClubTarget:
    """A provincial target for clubs of one audience (DOMAIN rule 11)."""

    audience: str
    count: int
    per: str  # "year" or "term"
    source: str


# Thanh Hóa (000 §II.2): 10 "Nữ công nhân – Tôi mạnh mẽ" clubs a year, 2 clubs of women with
# disabilities per term. Guidance figures for the demo province; other provinces set their own.
GUIDANCE_TARGETS = (
    ClubTarget("worker", 10, "year", "000 §II.2"),
    ClubTarget("disabled", 2, "term", "000 §II.2"),
)
# Every commune builds at least one model for a hard-to-reach group (002 §II.2; 004 §II.2.3).
MODELS_PER_COMMUNE = 1
# A member away this long is asked at the review whether she is still registered here
# (004 §II.1.2 footnote 1: 12 months' absence loses permanent registration).
MIGRANT_REVIEW_MONTHS = 12
# The sending branch visits the family of a member away; a family not visited for this long
# is named at the review (our reading of "thăm hỏi gia đình", 000 §III.2.3: twice a year).
VISIT_EVERY_DAYS = 183


def met_in_quarter(days: list[dt.date], on: dt.date) -> bool:
    """A club is compliant for the quarter of `on` when it met at least once in it (rule 1
    read for clubs: "sinh hoạt theo câu lạc bộ" is a direct meeting form, 000 §III.2.3)."""
    q = quarter_of(on)
    return any(q.first_day <= d <= q.last_day for d in days)
