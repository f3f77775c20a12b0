"""The numbered parts of the Word report's first chapter: a Section type any feature can
return, and the core ones (members, coverage, meetings, attendance, leaders' visits, the
review), each prose lines (the chat report's sentences without their ✅/⚠️) and a table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.i18n import _, format_number, format_pct
from bot.domain.enums import Level
from bot.domain.figures import UnitRow
from bot.reports import text as report_text
from bot.reports.coverage_lines import coverage_lines, mark
from bot.reports.labels import label
from storage.repositories.measures import Rollup


class TemplateError(Exception):
    """The report template cannot be filled; the message is one line naming why."""


@dataclass(frozen=True)
class SectionTable:
    """A small table: header texts and rows of cell texts (all rows as long as the header)."""

    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths_cm: Sequence[float] = ()


@dataclass(frozen=True)
class Section:
    """One numbered part of the report's first chapter: a title, prose lines, a table."""

    key: str
    title: str
    lines: Sequence[str] = ()
    table: SectionTable | None = None

    def says_something(self) -> bool:
        return bool(self.lines or (self.table and self.table.rows))


def unmarked(line: str) -> str:
    """A chat line without its ✅/⚠️ mark: a printed report states, it does not flag."""
    for m in (mark(True), mark(False)):
        if line.endswith(m):
            return line[: -len(m)]
    return line


def _pct(part: int, whole: int) -> str:
    return format_pct(part / whole) if whole else "–"


def _of(part: int, whole: int) -> str:
    return f"{format_number(part)}/{format_number(whole)} ({_pct(part, whole)})" if whole else "–"


def members_section(r: Rollup, unit: UnitRow) -> Section:
    f, n = r.of(unit.id), format_number
    joined, target = r.new_members(unit.id)
    change = ("+" if f.net_change > 0 else "") + n(f.net_change)
    rows = [
        [_("Members at the start"), n(f.members_start), ""],
        [_("Members now"), n(f.members), ""],
        [_("Change"), change, ""],
        [_("New members in the period"), n(f.joined), ""],
        [
            _("New members in the term") if r.is_term else _("New members this year"),
            n(joined),
            ""
            if target is None
            else _("target {target} ({progress})").format(
                target=n(target), progress=_pct(joined, target)
            ),
        ],
    ]
    if f.roster_incomplete:
        rows.append(
            [
                _("Branches not fully entered"),
                n(f.roster_incomplete),
                _("{entered}/{stated} members entered").format(
                    entered=n(f.roster_entered), stated=n(f.roster_stated)
                ),
            ]
        )
    lines = [unmarked(line) for line in report_text.member_lines(r, unit)]
    return Section("members", _("Members"), lines, _figure_table(rows))


def _figure_table(rows: Sequence[Sequence[str]]) -> SectionTable:
    return SectionTable([_("Item"), _("Figure"), _("Note")], rows, (8.0, 3.0, 5.0))


def coverage_section(r: Rollup, unit: UnitRow) -> Section:
    f, n = r.of(unit.id), format_number
    lines = [unmarked(line) for line in coverage_lines(r, unit)]
    if not f.population:
        return Section("coverage", _("Coverage"), lines)
    rows = [
        [_("In branches and tổ"), n(f.residential_members), ""],
        [_("In special bases"), n(f.base_members), ""],
        [
            _("Aggregate counts"),
            n(f.aggregates),
            _(
                "trade union {union}, armed forces {forces}, member organisations {orgs}, "
                "club members in no branch {clubs}"
            ).format(
                union=n(f.agg_trade_union),
                forces=n(f.agg_armed_forces),
                orgs=n(f.agg_member_org),
                clubs=n(f.agg_club_only),
            ),
        ],
        [_("Not resident (subtracted)"), n(f.uncounted), ""],
        [_("Members counted (numerator)"), n(f.covered_members), ""],
        [
            _("Women aged 18+ (denominator)"),
            n(f.population),
            _("provisional") if f.provisional else "",
        ],
        [
            _("Coverage"),
            format_pct(f.coverage) if f.coverage is not None else "–",
            _("target {goal}").format(goal=format_pct(r.coverage_target(unit.id))),
        ],
    ]
    if f.roster_incomplete:
        rows.append(
            [
                _("Roster completeness"),
                f"{n(f.roster_entered)}/{n(f.roster_stated)}",
                _("{count} branches still entering their paper register").format(
                    count=n(f.roster_incomplete)
                ),
            ]
        )
    return Section("coverage", _("Coverage"), lines, _figure_table(rows))


def meetings_section(r: Rollup, unit: UnitRow) -> Section:
    f = r.of(unit.id)
    lines = [unmarked(line) for line in report_text.meeting_lines(r, unit)]
    with_groups = any(f.groups)
    rows = []
    for i, q in enumerate(r.quarters):
        if not f.meeting_units[i]:
            continue
        row = [label(q), _of(f.branches_met(i), f.branch_units(i))]
        if with_groups:
            row.append(_of(f.groups_met[i], f.groups[i]))
        rows.append([*row, _of(f.visited[i], f.branches[i])])
    headers = [_("Quarter"), _("Branches that met")]
    widths = [3.0, 4.5]
    if with_groups:
        headers.append(_("Tổ that met"))
        widths.append(4.0)
    headers.append(_("Branches a commune leader visited"))
    widths.append(4.5)
    table = SectionTable(headers, rows, widths) if rows else None
    return Section("meetings", _("Branch and tổ meetings"), lines, table)


def attendance_section(r: Rollup, unit: UnitRow) -> Section:
    f = r.of(unit.id)
    if not f.rated:
        text = _("No regular meeting of the period has a head count yet.")
        return Section("attendance", _("Attendance"), [text] if f.meetings else [])
    assert f.attendance is not None
    line = _("Attendance: {mean} on average; {ok} of {count} meetings reached two thirds").format(
        mean=format_pct(f.attendance), ok=format_number(f.two_thirds), count=format_number(f.rated)
    )
    return Section("attendance", _("Attendance"), [line])


def leaders_section(r: Rollup, unit: UnitRow) -> Section:
    f = r.of(unit.id)
    own = unit.level in (Level.BRANCH, Level.GROUP)
    lines = []
    for i, q in enumerate(r.quarters):
        if not f.branches[i]:
            continue
        if own:  # a branch's fact, not "1/1 branches"
            came = _("yes") if f.visited[i] else _("not yet")
            text = _("A commune leader came to a meeting in {quarter}: {state}")
            lines.append(text.format(quarter=label(q), state=came))
            continue
        lines.append(
            _("Commune leader attended: {visited} of {branches} branches in {quarter}").format(
                visited=format_number(f.visited[i]),
                branches=format_number(f.branches[i]),
                quarter=label(q),
            )
        )
    return Section("leaders", _("Commune leaders at branch meetings"), lines)


def review_section(r: Rollup, unit: UnitRow) -> Section:
    """The member review (rule 7): the chat report's review lines, without their marks."""
    lines = [unmarked(line) for line in report_text.review_lines(r, unit)]
    return Section("review", _("Member review"), lines)


def sections_of(r: Rollup, unit: UnitRow, extra: Sequence[Section]) -> list[Section]:
    core = [
        members_section(r, unit),
        coverage_section(r, unit),
        meetings_section(r, unit),
        attendance_section(r, unit),
        leaders_section(r, unit),
        review_section(r, unit),
    ]
    return [s for s in (*core, *extra) if s.says_something()]
