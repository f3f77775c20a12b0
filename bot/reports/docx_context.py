"""What the Word report template is filled with: the figures of one unit and period, as
prose lines and small tables, the issuing body, the date line and the signature block.

Names in it are units' names and the signer's; no member is named (004 §II.1.1: the list of
members is an annex governed by the role, `chihoi members export`, never this report).

A template sees these fields (all always present, so a template can test any of them):
    issuer_parent, issuer, national, place, place_date, title, subject, period, as_of, intro,
    unit {name, code, level}, has_data, no_data, sections [Section...], members, coverage,
    meetings, attendance, leaders, review, clubs, dues, assessment (a Section or None),
    attention [{no, name, issue}], footnote, closing, signer {on_behalf, title, name},
    recipients [str].
A Section is {key, heading, title, lines [str], table (a table, or None)}; `sections`
holds the ones that have something to say, numbered in order. A later feature adds its
own by returning a `Section` from a provider listed in bot/reports/docx_report.py; known
keys (`clubs`, `dues`, `assessment`) are also reachable by name and are None when absent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.i18n import _, format_date
from bot.domain.calendar import Year
from bot.domain.enums import Level
from bot.domain.figures import Figures, UnitRow
from bot.domain.targets import CoverageFlag
from bot.reports import text as report_text
from bot.reports.coverage_lines import shows_coverage
from bot.reports.docx_sections import Section, sections_of
from bot.reports.labels import coverage_footnote, label
from storage.repositories.measures import Rollup

# Sections every template can name; a feature's section with one of these keys is also
# reachable as a top-level field (None when the feature has nothing for the period).
CORE_KEYS = ("members", "coverage", "meetings", "attendance", "leaders", "review")
OPTIONAL_KEYS = ("clubs", "dues", "assessment")
ATTENTION_MAX = 10


@dataclass(frozen=True)
class Signer:
    on_behalf: str
    title: str
    name: str


@dataclass
class Issue:
    """Who issues the report, on which day, signed by whom (what the database knows)."""

    issued_on: dt.date
    signer_name: str = ""
    parent_name: str = ""
    extra: list[Section] = field(default_factory=list)


_PLACE = re.compile(
    r"^(hội\s+(lhpn|liên\s+hiệp\s+phụ\s+nữ|phụ\s+nữ)\s+)?"
    r"(tỉnh|thành\s+phố|tp\.?|xã|phường|thị\s+trấn|đặc\s+khu|huyện|quận|thị\s+xã)\s+",
    re.IGNORECASE,
)
_BODY = re.compile(r"^hội\s+(lhpn|liên\s+hiệp\s+phụ\s+nữ|phụ\s+nữ)\s+", re.IGNORECASE)


def place_of(name: str) -> str:
    """ "Hội LHPN xã Quảng Phú" → "Quảng Phú" (the place of the date line)."""
    return _PLACE.sub("", name.strip()) or name.strip()


def area_of(name: str) -> str:
    """ "Hội LHPN xã Quảng Phú" → "xã Quảng Phú" (the commune, for its Party committee)."""
    return _BODY.sub("", name.strip())


def _two(n: int) -> str:
    return f"{n:02d}"


def place_date(place: str, day: dt.date) -> str:
    """ "Quảng Phú, ngày 05 tháng 3 năm 2026": days under 10 and months 1–2 with a 0
    (Decree 30/2020/NĐ-CP, as the seeds write it: "ngày 02 tháng 3 năm 2023")."""
    month = _two(day.month) if day.month <= 2 else str(day.month)
    return _("{place}, {day}/{month}/{year}").format(
        place=place, day=_two(day.day), month=month, year=day.year
    )


def period_words(r: Rollup) -> str:
    if isinstance(r.period, Year):
        return _("the year {year}").format(year=r.period.year)
    return label(r.period)


def has_data(f: Figures) -> bool:
    """Anything at all to report: members, a meeting, a women-18+ figure or a review."""
    return bool(
        f.members
        or f.members_start
        or f.joined
        or f.meetings
        or any(f.met)
        or f.population
        or f.reviewed
        or f.aggregates
        or f.roster_stated
    )


def attention(r: Rollup, unit_id: int) -> list[dict[str, Any]]:
    """The units below that fall short somewhere, worst first (at most ATTENTION_MAX)."""
    out: list[dict[str, Any]] = []
    for u in report_text.ranked_children(r, unit_id):
        if not _falls_short(r, u):
            continue
        line = report_text.child_line(r, u)
        issue = line[len(u.name) + 2 :] if line.startswith(u.name + ": ") else line
        out.append({"no": len(out) + 1, "name": u.name, "issue": issue})
        if len(out) == ATTENTION_MAX:
            break
    return out


def _falls_short(r: Rollup, u: UnitRow) -> bool:
    f = r.of(u.id)
    last = len(r.quarters) - 1
    weak_cover = shows_coverage(f) and r.rules.flag(f.coverage) != CoverageFlag.MET
    compliance = f.compliance(last) if last >= 0 else None
    leader = f.leader_share(last) if last >= 0 else None
    return bool(
        weak_cover
        or (compliance is not None and compliance < 1)
        or (f.attendance is not None and f.attendance < r.rules.attendance)
        or (leader is not None and leader < 1)
        or f.roster_incomplete
    )


def signer_of(unit: UnitRow, name: str) -> Signer:
    """ "TM. BAN THƯỜNG VỤ / CHỦ TỊCH" for a commune or province, "CHI HỘI TRƯỞNG" for a
    branch; the name is the holder of the role, empty when there is none."""
    if unit.level in (Level.BRANCH, Level.GROUP):
        title = _("BRANCH HEAD") if unit.level == Level.BRANCH else _("TỔ HEAD")
        return Signer("", title, name)
    return Signer(_("ON BEHALF OF THE STANDING COMMITTEE"), _("CHAIR"), name)


def recipients(unit: UnitRow, parent_name: str) -> list[str]:
    out = []
    if parent_name:
        out.append(_("Standing committee of {unit} (to report);").format(unit=parent_name))
    if unit.level == Level.COMMUNE:
        out.append(_("Party committee of {area} (to report);").format(area=area_of(unit.name)))
    elif unit.level == Level.PROVINCE:
        out.append(_("Presidium of the Central Women's Union (Organisation Department);"))
    out.append(_("Archive."))
    return out


def context(r: Rollup, unit_id: int, issue: Issue) -> dict[str, Any]:
    """The template's fields for `unit_id` of `r` (see the module docstring)."""
    unit = r.units[unit_id]
    f = r.of(unit_id)
    shown = sections_of(r, unit, issue.extra) if has_data(f) else []
    numbered = [_section_fields(s, i) for i, s in enumerate(shown, start=1)]
    by_key = {s["key"]: s for s in numbered}
    period = period_words(r)
    place = place_of(unit.name) if unit.level != Level.BRANCH else place_of(issue.parent_name)
    out: dict[str, Any] = {
        "issuer_parent": issue.parent_name.upper(),
        "issuer": unit.name.upper(),
        "national": _("VIETNAM WOMEN'S UNION"),
        "place": place,
        "place_date": place_date(place, issue.issued_on),
        "title": _("REPORT"),
        "subject": _("Results of the membership work in {period}").format(period=period),
        "period": period,
        "as_of": format_date(r.as_of),
        "intro": _(
            "{unit} reports the results of its membership work in {period} (figures up to "
            "{date}) as follows:"
        ).format(unit=unit.name, period=period, date=format_date(r.as_of)),
        "unit": {"name": unit.name, "code": unit.code, "level": unit.level.value},
        "has_data": has_data(f),
        "no_data": ""
        if has_data(f)
        else _(
            "{unit} has no figures for {period}: no member has been entered and no meeting "
            "logged up to {date}."
        ).format(unit=unit.name, period=period, date=format_date(r.as_of)),
        "sections": numbered,
        "attention": attention(r, unit_id) if has_data(f) else [],
        "footnote": coverage_footnote(r.rules) if has_data(f) and shows_coverage(f) else "",
        "closing": _("This is the report on the membership work of {unit} in {period}.").format(
            unit=unit.name, period=period
        ),
        "signer": vars(signer_of(unit, issue.signer_name)),
        "recipients": recipients(unit, issue.parent_name),
    }
    for key in (*CORE_KEYS, *OPTIONAL_KEYS):
        out[key] = by_key.get(key)
    for key, value in by_key.items():  # a later feature's own key, e.g. "clubs"
        out.setdefault(key, value)
    return out


def _section_fields(s: Section, number: int) -> dict[str, Any]:
    return {
        "key": s.key,
        "number": number,
        "heading": f"{number}. {s.title}",
        "title": s.title,
        "lines": list(s.lines),
        "table": s.table,  # made into a Word table when the template is rendered
    }


FIELDS = frozenset(
    [
        "issuer_parent",
        "issuer",
        "national",
        "place",
        "place_date",
        "title",
        "subject",
        "period",
        "as_of",
        "intro",
        "unit",
        "has_data",
        "no_data",
        "sections",
        "attention",
        "footnote",
        "closing",
        "signer",
        "recipients",
        *CORE_KEYS,
        *OPTIONAL_KEYS,
    ]
)
