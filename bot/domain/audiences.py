"""The Union's special audiences (DOMAIN rule 11) as one table of data: code, names, source.

000 §III.2.3, 004 §II.2.3 and 002 §II.2 name the hard-to-reach women each commune must reach
with at least one model or club. Each audience is either derived from what the register
already holds (her age, her status, her residence), asked at registration as one numbered
multi-choice, or sensitive (ethnicity, religion, disability: Decree 356/2025 and DOMAIN rule 9)
and kept only with the separate consent the register already asks for. Adding an audience
is one row here; the chat, the reports and the Excel sheet read this table.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Source(enum.StrEnum):
    DERIVED = "derived"  # computed from the register, never ticked
    ASKED = "asked"  # one tick in the registration multi-choice
    SENSITIVE = "sensitive"  # ticked only with the separate consent (ethnicity, religion, health)


# Elderly: 60 or older, the age the Law on the Elderly (Luật Người cao tuổi 2009, art. 2)
# counts from; the seeds name "phụ nữ cao tuổi" (000 §III.2.3) without an age.
ELDERLY_FROM = 60
# Young women: under 35. The seeds name "nữ thanh niên" / "phụ nữ trẻ" (000 §III.2.3; 004
# §II.2.3 adds that young women lean to the Youth Union "trừ thanh niên đã lập gia đình") but
# give no age, and neither does DOMAIN.md. The Youth Law (Luật Thanh niên 2020, art. 1) ends
# youth at 30; the Union's young-women clubs ("CLB phụ nữ trẻ", "CLB gia đình trẻ") take
# married women into their early thirties, so 35 stays the working line (issue 14.3) until
# the lead confirms it.
YOUNG_UNDER = 35


@dataclass(frozen=True)
class Audience:
    code: str
    # The Union's own words (the chat's labels are msgids in handlers/audience_names.py).
    vietnamese: str
    source: Source
    # A Union club serving this audience is a hard-to-reach model (002 §II.2; 004 §II.2.3).
    hard_to_reach: bool = True


AUDIENCES: tuple[Audience, ...] = (
    Audience("young", "Nữ thanh niên, phụ nữ trẻ", Source.DERIVED),
    Audience("elderly", "Phụ nữ cao tuổi", Source.ASKED),
    Audience("worker", "Nữ công nhân lao động", Source.ASKED),
    Audience("migrant", "Phụ nữ đi làm ăn xa", Source.DERIVED),
    Audience("trader", "Nữ tiểu thương, doanh nhân", Source.ASKED),
    Audience(
        "civil_servant",
        "Nữ cán bộ, công chức, viên chức",
        Source.ASKED,
        hard_to_reach=False,
    ),
    Audience("intellectual", "Nữ trí thức", Source.ASKED),
    Audience("student", "Nữ sinh viên", Source.ASKED),
    Audience("temporary", "Phụ nữ tạm trú", Source.DERIVED),
    Audience("urban", "Phụ nữ khu đô thị, chung cư", Source.ASKED),
    Audience("farm_owner", "Nữ chủ trang trại", Source.ASKED, hard_to_reach=False),
    Audience(
        "disadvantaged",
        "Phụ nữ nghèo, đơn thân, yếu thế",
        Source.ASKED,
    ),
    Audience("disabled", "Phụ nữ khuyết tật", Source.SENSITIVE),
    Audience("ethnic_minority", "Phụ nữ dân tộc thiểu số", Source.SENSITIVE),
    Audience("religious", "Phụ nữ có đạo, vùng giáo", Source.SENSITIVE),
)
BY_CODE = {a.code: a for a in AUDIENCES}
# The codes the registration multi-choice offers, in the table's order.
TICKABLE = tuple(a.code for a in AUDIENCES if a.source != Source.DERIVED)
SENSITIVE = frozenset(a.code for a in AUDIENCES if a.source == Source.SENSITIVE)
# The seven flags before issue 16 (core member + six categories): "migrant_worker" merged
# workers and migrants; a migrant is now known from her status, so it becomes "worker".
LEGACY = {"migrant_worker": "worker"}


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_of(born: dt.date | None, approx: bool, day: dt.date) -> int | None:
    """Her age on `day`; with a year alone, the age she reaches that year."""
    if born is None:
        return None
    return day.year - born.year if approx else age_on(born, day)


def audiences_of(
    ticked: Iterable[str],
    born: dt.date | None,
    on: dt.date,
    *,
    approx: bool = False,
    migrant: bool = False,
    temporary: bool = False,
    young: bool = False,
    elderly: bool = False,
) -> list[str]:
    """Every audience she belongs to on `on`: the ticked ones plus the derived ones, in the
    table's order. Elderly is ticked or derived (a member without a birth date can be ticked).
    `young`/`elderly`: the age bands already worked out (by the database, for a report)."""
    got = {LEGACY.get(c, c) for c in ticked}
    age = age_of(born, approx, on)
    if young or (age is not None and age < YOUNG_UNDER):
        got.add("young")
    if elderly or (age is not None and age >= ELDERLY_FROM):
        got.add("elderly")
    if migrant:
        got.add("migrant")
    if temporary:
        got.add("temporary")
    return [a.code for a in AUDIENCES if a.code in got]


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_doubt(ticked: Iterable[str], born: dt.date | None, approx: bool, on: dt.date) -> str | None:
    """The ticked audience her age contradicts ("elderly" at 41), to be confirmed, or None."""
    age = age_of(born, approx, on)
    if age is None:
        return None
    if "elderly" in ticked and age < ELDERLY_FROM:
        return "elderly"
    if "student" in ticked and age >= ELDERLY_FROM:
        return "student"
    return None
