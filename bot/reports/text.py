"""Short chat reports: a unit's figures with flags, and the units below ranked worst first."""

# Reports name units, never members. Every line is a translated sentence with named
# fields; numbers and percentages are formatted for the reader's language.

from __future__ import annotations

from bot.core.i18n import _, format_date, format_number, format_pct, period_label
from bot.domain.enums import Level
from bot.domain.figures import TARGETS, CoverageFlag, Figures, UnitRow
from storage.repositories.measures import Rollup

# The worst few units named in the report itself; the rest are behind "see details".
TOP_WORST = 5


def _pct(part: int, whole: int) -> str:
    return format_pct(part / whole) if whole else "–"


def coverage_text(f: Figures) -> str:
    c = f.coverage
    if c is None:
        return _("no data")
    flag = {
        CoverageFlag.MET: _("target met"),
        CoverageFlag.BELOW: _("below the 60% target"),
        CoverageFlag.WEAK: _("weak, under 50%"),
    }[f.coverage_flag]
    return _("{pct} ({flag})").format(pct=format_pct(c), flag=flag)


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✅" if ok else " ⚠️")


def header(r: Rollup, unit: UnitRow) -> str:
    period = period_label(r.period)
    title = _("Report for the {period} – {unit}").format(period=period, unit=unit.name)
    return title + "\n" + _("(figures up to {date})").format(date=format_date(r.as_of))


def unit_lines(r: Rollup, unit: UnitRow) -> list[str]:
    """The unit's own figures, one line per measure."""
    f = r.of(unit.id)
    lines = []
    change = ("+" if f.net_change > 0 else "") + format_number(f.net_change)
    lines.append(
        _("Members: {members} ({change} since the start of the period)").format(
            members=format_number(f.members), change=change
        )
    )
    target = r.target_to_date(unit.id)
    if target is None:
        lines.append(
            _("New members: {joined} this year").format(joined=format_number(f.joined_ytd))
        )
    else:
        lines.append(
            _("New members: {joined} this year, target {target}").format(
                joined=format_number(f.joined_ytd), target=format_number(target)
            )
            + _mark(f.joined_ytd >= target)
        )
    if f.communes or f.population:
        met = None if f.coverage is None else f.coverage_flag == CoverageFlag.MET
        lines.append(_("Coverage: {coverage}").format(coverage=coverage_text(f)) + _mark(met))
        if f.communes_no_data and f.communes > 1:
            lines.append(
                _("{count} communes have no figure for women aged 18+").format(
                    count=format_number(f.communes_no_data)
                )
            )
    for i, q in enumerate(r.quarters):
        if not f.meeting_units[i]:
            continue
        ok = f.met[i] == f.meeting_units[i]
        if unit.level in (Level.BRANCH, Level.GROUP) and f.meeting_units[i] == 1:
            text = _("held") if f.met[i] else _("not yet")
            lines.append(
                _("Regular meeting {quarter}: {state}").format(quarter=period_label(q), state=text)
                + _mark(ok)
            )
        else:
            lines.append(
                _(
                    "Regular meetings {quarter}: {met} of {units} branches and groups ({pct})"
                ).format(
                    quarter=period_label(q),
                    met=format_number(f.met[i]),
                    units=format_number(f.meeting_units[i]),
                    pct=_pct(f.met[i], f.meeting_units[i]),
                )
                + _mark(ok)
            )
    if f.rated:
        assert f.attendance is not None
        lines.append(
            _("Attendance: {mean} on average; {ok} of {count} meetings reached two thirds").format(
                mean=format_pct(f.attendance),
                ok=format_number(f.two_thirds),
                count=format_number(f.rated),
            )
            + _mark(f.attendance >= TARGETS.attendance)
        )
    if r.quarters and f.branches[-1]:
        i = len(r.quarters) - 1
        lines.append(
            _("Commune leader attended: {visited} of {branches} branches in {quarter}").format(
                visited=format_number(f.visited[i]),
                branches=format_number(f.branches[i]),
                quarter=period_label(r.quarters[i]),
            )
            + _mark(f.visited[i] == f.branches[i])
        )
    deadline = r.review_deadline
    if deadline is not None and f.review_branches:
        lines.append(
            _(
                "Member review: {done} of {branches} branches confirmed ({on_time} by {deadline})"
            ).format(
                done=format_number(f.reviewed),
                branches=format_number(f.review_branches),
                on_time=format_number(f.on_time),
                deadline=format_date(deadline),
            )
            + _mark(f.reviewed == f.review_branches if r.as_of > deadline else None)
        )
        lines.extend(software_line(r, unit))
    return lines


def software_line(r: Rollup, unit: UnitRow) -> list[str]:
    """The commune's confirmation of the national member software update (rule 7)."""
    deadline, due = r.software_deadline, r.software_deadline and r.as_of > r.software_deadline
    if deadline is None or unit.level == Level.BRANCH:
        return []
    if unit.level == Level.COMMUNE:
        at = r.software.get(unit.id)
        if at is None:
            text = _("Member software updated: not confirmed (deadline {deadline})")
            return [text.format(deadline=format_date(deadline)) + _mark(False if due else None)]
        text = _("Member software updated: confirmed on {date} (deadline {deadline})")
        return [
            text.format(date=format_date(at), deadline=format_date(deadline))
            + _mark(at <= deadline)
        ]
    done = sum(1 for cid in r.software if r.units[cid].path.startswith(unit.path))
    total = r.of(unit.id).communes
    text = _("Member software updated: {done} of {total} communes confirmed (deadline {deadline})")
    line = text.format(done=done, total=total, deadline=format_date(deadline))
    return [line + _mark(done == total if due else None)]


def badness(r: Rollup, unit: UnitRow) -> tuple[float, ...]:
    """Sort key, worst first: weak coverage, then missing meetings, attendance, leader visits."""
    f = r.of(unit.id)
    rank = {
        CoverageFlag.WEAK: 0,
        CoverageFlag.NO_DATA: 1,
        CoverageFlag.BELOW: 2,
        CoverageFlag.MET: 3,
    }
    cover = float(rank[f.coverage_flag]) if (f.communes or f.population) else 3.0
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
    if f.communes or f.population:
        parts.append(_("coverage {coverage}").format(coverage=coverage_text(f)))
    last = len(r.quarters) - 1
    if last >= 0 and f.meeting_units[last]:
        if f.meeting_units[last] == 1:
            parts.append(_("met this quarter") if f.met[last] else _("no meeting this quarter"))
        else:
            parts.append(_("meetings {pct}").format(pct=_pct(f.met[last], f.meeting_units[last])))
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
