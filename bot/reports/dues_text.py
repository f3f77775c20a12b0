"""The dues, fund and assessment report in chat (issue 17): figures only, never a name."""

from __future__ import annotations

from bot.core.i18n import N_, Msg, _, format_date, format_number
from bot.domain import assessment as A
from storage.models.dues import FundEntry
from storage.repositories.dues_overview import BranchLine, CommuneLine, Overview
from storage.repositories.fund import Statement

GRADE_NAMES: dict[A.Grade, Msg] = {
    A.Grade.STRONG: N_("strong"),
    A.Grade.FAIR: N_("fair"),
    A.Grade.AVERAGE: N_("average"),
    A.Grade.WEAK: N_("weak"),
}
INDICATOR_NAMES: dict[str, Msg] = {
    A.MEETINGS: N_("quarters with a regular meeting"),
    A.ATTENDANCE: N_("meetings with 2/3 present"),
    A.NEW_MEMBERS: N_("new members against the target"),
    A.REVIEW: N_("member reviews on time"),
    A.DUES: N_("members who paid dues or are exempt"),
    A.CORE: N_("core members"),
    A.FUND: N_("branch fund kept"),
    A.SELF: N_("“3 có, 3 biết” items"),
}


def money(amount: int) -> str:
    """Integer đồng as she writes it: "50.000 đ"."""
    return f"{format_number(amount)} đ"


def grade_name(grade: A.Grade) -> str:
    return _(GRADE_NAMES[grade])


def indicator_line(line: A.Line) -> str:
    return _("{name}: {part}/{whole} ({points}/{weight} points)").format(
        name=_(INDICATOR_NAMES[line.indicator]),
        part=line.part,
        whole=line.whole,
        points=line.points,
        weight=line.weight,
    )


def dues_line(b: BranchLine, year: int) -> str:
    if b.rate is None:
        text = _("Dues: no amount set for {year}").format(year=year)
        return text + (f"; {money(b.collected)}" if b.collected else "")
    return _(
        "Dues: {paid} paid, {partial} partly, {exempt} exempt, {unpaid} unpaid of {members}; "
        "collected {collected} of {expected}"
    ).format(
        paid=b.paid,
        partial=b.partial,
        exempt=b.exempt,
        unpaid=b.unpaid,
        members=b.members,
        collected=money(b.collected),
        expected=money(b.expected),
    )


def grade_line(b: BranchLine) -> str:
    if b.grade is None or b.score is None:
        return _("Assessment: not submitted")
    text = _("Assessment: {grade} ({score} points)").format(
        grade=grade_name(b.grade), score=b.score
    )
    if b.model:
        text += ", " + _("model branch")
    text += ", " + (_("approved") if b.approved else _("waiting for the chair"))
    return text


def branch_block(b: BranchLine, year: int) -> list[str]:
    lines = [f"• {b.name}", "  " + dues_line(b, year)]
    lines.append("  " + _("Fund balance: {amount}").format(amount=money(b.fund_balance)))
    lines.append("  " + grade_line(b))
    if b.reason:
        lines.append("  " + _("Chair's reason: {reason}").format(reason=b.reason))
    lost = [ln for ln in b.lines if ln.points < ln.weight]
    lost.sort(key=lambda ln: ln.points - ln.weight)
    for ln in lost[:2]:
        lines.append("  – " + indicator_line(ln))
    if b.core == 0:
        lines.append("  ⚠ " + _("No core member yet"))
    if b.groups_without_core:
        names = ", ".join(b.groups_without_core)
        lines.append("  ⚠ " + _("Tổ without a core member: {names}").format(names=names))
    if b.brought:
        lines.append("  " + _("Women brought in by members (1+1): {count}").format(count=b.brought))
    return lines


def commune_head(c: CommuneLine) -> list[str]:
    lines = [f"{c.name}"]
    branches = len(c.branches)
    with_core = sum(1 for b in c.branches if b.core > 0)
    lines.append(
        _("Dues collected: {collected} of {expected}; {unpaid} members unpaid").format(
            collected=money(c.total("collected")),
            expected=money(c.total("expected")),
            unpaid=c.total("unpaid") + c.total("partial"),
        )
    )
    lines.append(
        _("Branches with a core member: {count}/{total}").format(count=with_core, total=branches)
    )
    if c.result is not None:
        r = c.result
        lines.append(
            _(
                "Classification: {grade} ({score} points); strong {strong}, fair {fair}, "
                "average {average}, weak {weak}; model branches {model}/{total}"
            ).format(
                grade=grade_name(r.grade),
                score=r.score,
                strong=r.by_grade[A.Grade.STRONG],
                fair=r.by_grade[A.Grade.FAIR],
                average=r.by_grade[A.Grade.AVERAGE],
                weak=r.by_grade[A.Grade.WEAK],
                model=r.model_branches,
                total=r.branches,
            )
        )
    return lines


def report(o: Overview) -> str:
    head = _("Dues, fund and assessment {year} – {unit} (up to {date})").format(
        year=o.year, unit=o.root.name, date=format_date(min(o.day, o.day.replace(month=12, day=31)))
    )
    lines = [head]
    many = len(o.communes) > 1
    for c in o.communes:
        lines.append("")
        lines += commune_head(c) if (many or len(c.branches) > 1) else []
        if not many:
            for b in c.branches:
                lines += branch_block(b, o.year)
    return "\n".join(lines)


def statement_text(st: Statement, branch: str) -> str:
    lines = [
        _("Branch fund {year} – {branch}").format(year=st.year, branch=branch),
        _("Carried in: {amount}").format(amount=money(st.opening)),
        _("Income: {amount}").format(amount=money(st.income)),
        _("Spending: {amount}").format(amount=money(st.spending)),
        _("Balance: {amount}").format(amount=money(st.closing)),
    ]
    for ln in st.lines[-10:]:
        mark = " ↩" if ln.reverses_id else (" ✗" if ln.reversed else "")
        lines.append(f"{format_date(ln.on_day)[:5]} {money(ln.amount)} {ln.purpose}{mark}")
    return "\n".join(lines)


def entry_label(e: FundEntry) -> str:
    return f"{format_date(e.on_day)[:5]} {money(e.amount)} {e.purpose}"[:60]
