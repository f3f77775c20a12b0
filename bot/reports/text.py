"""Short chat reports: a unit's figures with flags, and the units below ranked worst first."""

# Reports name units, never members. Every line is a translated sentence with named
# fields; numbers and percentages are formatted for the reader's language.

from __future__ import annotations

from bot.core.i18n import _, format_date, format_number, format_pct
from bot.domain.enums import Level
from bot.domain.figures import UnitRow
from bot.domain.targets import CoverageFlag
from bot.reports.coverage_lines import coverage_lines, coverage_text, mark, shows_coverage
from bot.reports.labels import coverage_footnote, label
from storage.repositories.measures import Rollup

# The worst few units named in the report itself; the rest are behind "see details".
TOP_WORST = 5


def _pct(part: int, whole: int) -> str:
    return format_pct(part / whole) if whole else "–"


# Long periods (a year, a term) list only their last quarters in chat; files list all.
CHAT_QUARTERS = 4


def header(r: Rollup, unit: UnitRow) -> str:
    title = _("Report for the {period} – {unit}").format(period=label(r.period), unit=unit.name)
    return title + "\n" + _("(figures up to {date})").format(date=format_date(r.as_of))


def member_lines(r: Rollup, unit: UnitRow) -> list[str]:
    """Members, the roster's completeness, new members and growth against their targets."""
    f = r.of(unit.id)
    change = ("+" if f.net_change > 0 else "") + format_number(f.net_change)
    lines = [
        _("Members: {members} ({change} since the start of the period)").format(
            members=format_number(f.members), change=change
        )
    ]
    if f.roster_incomplete and unit.level == Level.BRANCH:
        lines.append(
            _("Roster: {entered}/{stated} members entered from the paper register").format(
                entered=format_number(f.roster_entered), stated=format_number(f.roster_stated)
            )
        )
    elif f.roster_incomplete:
        lines.append(
            _(
                "Rosters: {count} branches not fully entered ({entered}/{stated} members entered)"
            ).format(
                count=format_number(f.roster_incomplete),
                entered=format_number(f.roster_entered),
                stated=format_number(f.roster_stated),
            )
        )
    joined, target = r.new_members(unit.id)
    where = _("in the term") if r.is_term else _("this year")
    if target is None:
        lines.append(
            _("New members: {joined} {where}").format(joined=format_number(joined), where=where)
        )
    else:
        lines.append(
            _("New members: {joined} {where}, target {target} ({progress})").format(
                joined=format_number(joined),
                where=where,
                target=format_number(target),
                progress=_pct(joined, target),
            )
            + mark(joined >= target)
        )
    growth = r.growth_target(unit.id)
    if r.is_term and f.members_start:
        grown = f.members / f.members_start - 1
        text = _("Members since the start of the term: {pct}").format(pct=_signed(grown))
        if growth is not None:
            text += _(", target {target}").format(target=_signed(growth)) + mark(grown >= growth)
        lines.append(text)
    return lines


def _signed(ratio: float) -> str:
    return ("+" if ratio > 0 else "") + format_pct(ratio)


def meeting_lines(r: Rollup, unit: UnitRow) -> list[str]:
    """Regular meetings per quarter: branches and tổ on their own lines (000 §II.2:
    "100% chi, tổ phụ nữ sinh hoạt định kỳ")."""
    f = r.of(unit.id)
    lines = []
    first = max(0, len(r.quarters) - CHAT_QUARTERS)
    for i, q in enumerate(r.quarters[first:], start=first):
        if not f.meeting_units[i]:
            continue
        if unit.level in (Level.BRANCH, Level.GROUP) and f.meeting_units[i] == 1:
            text = _("held") if f.met[i] else _("not yet")
            lines.append(
                _("Regular meeting {quarter}: {state}").format(quarter=label(q), state=text)
                + mark(bool(f.met[i]))
            )
            continue
        branches, met = f.branch_units(i), f.branches_met(i)
        if branches and _own(unit):  # a branch head reads her branch's fact, not "1/1"
            text = _("the branch held it") if met else _("the branch has not held it yet")
            lines.append(
                _("Regular meeting {quarter}: {state}").format(quarter=label(q), state=text)
                + mark(bool(met))
            )
        elif branches:
            lines.append(
                _("Regular meetings {quarter}: {met} of {units} branches ({pct})").format(
                    quarter=label(q),
                    met=format_number(met),
                    units=format_number(branches),
                    pct=_pct(met, branches),
                )
                + mark(met == branches)
            )
        if f.groups[i]:
            lines.append(
                _("Regular meetings {quarter}: {met} of {units} tổ ({pct})").format(
                    quarter=label(q),
                    met=format_number(f.groups_met[i]),
                    units=format_number(f.groups[i]),
                    pct=_pct(f.groups_met[i], f.groups[i]),
                )
                + mark(f.groups_met[i] == f.groups[i])
            )
    return lines


def unit_lines(r: Rollup, unit: UnitRow) -> list[str]:
    """The unit's own figures, one line per measure."""
    f = r.of(unit.id)
    lines = [*member_lines(r, unit), *coverage_lines(r, unit), *meeting_lines(r, unit)]
    if f.rated:
        assert f.attendance is not None
        lines.append(
            _("Attendance: {mean} on average; {ok} of {count} meetings reached two thirds").format(
                mean=format_pct(f.attendance),
                ok=format_number(f.two_thirds),
                count=format_number(f.rated),
            )
            + mark(f.attendance >= r.rules.attendance)
        )
    if r.quarters and f.branches[-1] and _own(unit):
        i = len(r.quarters) - 1
        came = _("yes") if f.visited[i] else _("not yet")
        lines.append(
            _("A commune leader came to a meeting in {quarter}: {state}").format(
                quarter=label(r.quarters[i]), state=came
            )
        )
    elif r.quarters and f.branches[-1]:
        i = len(r.quarters) - 1
        lines.append(
            _("Commune leader attended: {visited} of {branches} branches in {quarter}").format(
                visited=format_number(f.visited[i]),
                branches=format_number(f.branches[i]),
                quarter=label(r.quarters[i]),
            )
            + mark(f.visited[i] == f.branches[i])
        )
    return lines + review_lines(r, unit)


def review_lines(r: Rollup, unit: UnitRow) -> list[str]:
    """The member review (rule 7): the branch's confirmation, or the branches' and the
    commune's software update."""
    f, deadline = r.of(unit.id), r.review_deadline
    lines: list[str] = []
    if deadline is not None and f.review_branches and _own(unit):
        if not f.reviewed:
            state = _("not confirmed yet (deadline {deadline})")
        elif f.on_time:
            state = _("the branch confirmed its list on time (deadline {deadline})")
        else:
            state = _("the branch confirmed its list after the deadline {deadline}")
        lines.append(
            _("Member review: {state}").format(state=state.format(deadline=format_date(deadline)))
            + mark(bool(f.reviewed) if r.as_of > deadline else None)
        )
    elif deadline is not None and f.review_branches:
        lines.append(
            _(
                "Member review: {done} of {branches} branches confirmed ({on_time} by {deadline})"
            ).format(
                done=format_number(f.reviewed),
                branches=format_number(f.review_branches),
                on_time=format_number(f.on_time),
                deadline=format_date(deadline),
            )
            + mark(f.reviewed == f.review_branches if r.as_of > deadline else None)
        )
        lines.extend(software_line(r, unit))
    return lines


def _own(unit: UnitRow) -> bool:
    """A branch's (or tổ's) own report: worded as its facts, not as counts of units."""
    return unit.level in (Level.BRANCH, Level.GROUP)


def software_line(r: Rollup, unit: UnitRow) -> list[str]:
    """The commune's confirmation of the national member software update (rule 7)."""
    deadline, due = r.software_deadline, r.software_deadline and r.as_of > r.software_deadline
    if deadline is None or unit.level == Level.BRANCH:
        return []
    if unit.level == Level.COMMUNE:
        at = r.software.get(unit.id)
        if at is None:
            text = _("Member software updated: not confirmed (deadline {deadline})")
            return [text.format(deadline=format_date(deadline)) + mark(False if due else None)]
        text = _("Member software updated: confirmed on {date} (deadline {deadline})")
        return [
            text.format(date=format_date(at), deadline=format_date(deadline)) + mark(at <= deadline)
        ]
    done = sum(1 for cid in r.software if r.units[cid].path.startswith(unit.path))
    total = r.of(unit.id).communes
    text = _("Member software updated: {done} of {total} communes confirmed (deadline {deadline})")
    line = text.format(done=done, total=total, deadline=format_date(deadline))
    return [line + mark(done == total if due else None)]


def badness(r: Rollup, unit: UnitRow) -> tuple[float, ...]:
    """Sort key, worst first: weak coverage, then missing meetings, attendance, leader visits."""
    f = r.of(unit.id)
    rank = {
        CoverageFlag.WEAK: 0,
        CoverageFlag.NO_DATA: 1,
        CoverageFlag.BELOW: 2,
        CoverageFlag.MET: 3,
    }
    cover = float(rank[r.rules.flag(f.coverage)]) if shows_coverage(f) else 3.0
    last = len(r.quarters) - 1
    compliance = f.compliance(last) if last >= 0 else None
    leader = f.leader_share(last) if last >= 0 else None
    return (
        cover,
        f.coverage if f.coverage is not None else 1.0,
        1.0 if compliance is None else compliance,
        f.attendance if f.attendance is not None else 0.0,
        1.0 if leader is None else leader,
    )


def ranked_children(r: Rollup, unit_id: int) -> list[UnitRow]:
    return sorted(r.children(unit_id), key=lambda u: (badness(r, u), u.code))


def child_line(r: Rollup, unit: UnitRow) -> str:
    """One short line about a unit below: its worst facts first."""
    f = r.of(unit.id)
    parts = []
    if shows_coverage(f):
        parts.append(_("coverage {coverage}").format(coverage=coverage_text(r, f)))
    if f.roster_incomplete == 1 and unit.level == Level.BRANCH:
        parts.append(
            _("{entered}/{stated} members entered").format(
                entered=format_number(f.roster_entered), stated=format_number(f.roster_stated)
            )
        )
    last = len(r.quarters) - 1
    if last >= 0 and f.meeting_units[last]:
        if f.meeting_units[last] == 1:
            parts.append(_("met this quarter") if f.met[last] else _("no meeting this quarter"))
        else:
            b = f.branch_units(last)
            if b:
                parts.append(_("meetings {pct}").format(pct=_pct(f.branches_met(last), b)))
            if f.groups[last]:
                parts.append(
                    _("tổ meetings {pct}").format(pct=_pct(f.groups_met[last], f.groups[last]))
                )
    if f.attendance is not None:
        parts.append(_("attendance {pct}").format(pct=format_pct(f.attendance)))
    if last >= 0 and f.branches[last] == 1 and not f.visited[last]:
        parts.append(_("no leader visit"))
    parts.append(_("{members} members").format(members=format_number(f.members)))
    return f"{unit.name}: " + "; ".join(parts)


def report(r: Rollup, unit_id: int, worst: int = TOP_WORST) -> str:
    """The chat report of one unit: header, its figures, and its worst units below."""
    unit = r.units[unit_id]
    lines = [header(r, unit), "", *unit_lines(r, unit)]
    below = ranked_children(r, unit_id)
    if below and worst:
        lines += ["", _("Units needing attention first:")]
        lines += [f"{i}. {child_line(r, u)}" for i, u in enumerate(below[:worst], start=1)]
    if shows_coverage(r.of(unit_id)):
        lines += ["", coverage_footnote(r.rules)]
    return "\n".join(lines)


def page_of_children(
    r: Rollup, unit_id: int, page: int, size: int
) -> tuple[str, list[UnitRow], bool]:
    """One page of the ranked units below, its units, and whether more pages follow."""
    below = ranked_children(r, unit_id)
    first = page * size
    shown = below[first : first + size]
    title = _("Units of {unit}, needing attention first ({first}-{last} of {count}):").format(
        unit=r.units[unit_id].name, first=first + 1, last=first + len(shown), count=len(below)
    )
    lines = [title] + [f"{first + i}. {child_line(r, u)}" for i, u in enumerate(shown, start=1)]
    return "\n".join(lines), shown, first + size < len(below)
