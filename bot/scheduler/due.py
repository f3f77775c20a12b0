"""What is due: each kind of reminder as one rule (which units are behind, who hears of it)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from bot.core.i18n import period_label
from bot.domain import rules as R
from bot.domain.calendar import HalfYear, Quarter, quarter_of
from bot.domain.enums import Level, RoleKind
from bot.scheduler import messages
from bot.scheduler.club_due import club_reminders
from bot.scheduler.plan import Plan
from bot.scheduler.review_due import software_escalations, software_reminders
from bot.scheduler.snapshot import Snapshot
from storage.repositories.meetings import held_regular, leader_visited
from storage.repositories.outbox import Claimed
from storage.repositories.reminder_facts import (
    Unit,
    meetings_logged,
    members_joined,
    reviewed,
)
from storage.sessions import Session

Rule = Callable[["Session", Snapshot, Plan, dt.date], Awaitable[None]]


# --- branch heads --------------------------------------------------------------------------


def _groups_by_branch(snap: Snapshot) -> dict[int, list[Unit]]:
    """Each branch's tổ (rule 1 asks a regular meeting of every branch and tổ each quarter)."""
    out: dict[int, list[Unit]] = defaultdict(list)
    for u in sorted(snap.units.values(), key=lambda u: u.id):
        if u.level == Level.GROUP and (b := snap.ancestor(u, Level.BRANCH)) is not None:
            out[b.id].append(u)
    return out


async def meeting_reminders(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    """One message per branch head for her branch and every tổ of it still without a
    regular meeting (one message, not one per tổ; the key stays one per branch)."""
    due = R.meeting_step(plan.rules, day)
    if due is None:
        return
    q, step = due
    met = await held_regular(s, q)
    groups = _groups_by_branch(snap)
    for b in snap.branches():
        heads = snap.recipients(RoleKind.BRANCH_HEAD, b.id)
        if not heads or not b.expected(q.first_day):
            continue
        waiting = [g for g in groups.get(b.id, []) if g.id not in met and g.expected(q.first_day)]
        late = ([] if b.id in met else [b]) + waiting
        if not late:
            continue
        plan.add(
            R.MEETING_DUE,
            heads,
            f"{q.key}/{b.id}",
            step.name,
            lambda b=b, t=waiting, m=b.id in met: messages.meeting_due(  # type: ignore[misc]
                b.name, period_label(q), step.days_left, q.last_day, [g.name for g in t], m
            ),
            "log_meeting",
            {"what": "meeting", "period": q.key, "unit": b.id, "units": [u.id for u in late]},
        )


async def review_reminders(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    due = R.review_step(plan.rules, day)
    if due is None:
        return
    half, step = due
    done = await reviewed(s, half.key)
    for b in snap.branches():
        heads = snap.recipients(RoleKind.BRANCH_HEAD, b.id)
        if not heads or b.id in done or not b.expected(half.first_day):
            continue
        plan.add(
            R.REVIEW_DUE,
            heads,
            f"{half.key}/{b.id}",
            step.name,
            lambda b=b: messages.review_due(
                b.name, period_label(half), step.days_left, step.deadline
            ),  # type: ignore[misc]
            "review",
            {"what": "review", "period": half.key, "unit": b.id},
        )


# --- escalations: the commune chair, then the province -------------------------------------


def _escalate(
    snap: Snapshot,
    plan: Plan,
    late: list[Unit],
    steps: list[str],
    kinds: tuple[str, str],
    period: str,
    chair_text: Callable[[Unit, list[str]], str],
    province_text: Callable[[list[tuple[str, int]]], str],
    chair_action: str,
    province_late: list[Unit] | None = None,
) -> None:
    """The chair hears of `late`; the province of `province_late` (default: `late`)."""
    by_commune = snap.by_ancestor(late, Level.COMMUNE)
    for cid, branches in by_commune.items():
        commune = snap.units[cid]
        names = [b.name for b in branches]
        plan.add(
            kinds[0],
            snap.recipients(RoleKind.COMMUNE_CHAIR, cid),
            f"{period}/{cid}",
            R.CHAIR_STEP,
            lambda c=commune, n=names: chair_text(c, n),  # type: ignore[misc]
            chair_action,
        )
    if R.PROVINCE_STEP not in steps:
        return
    if province_late is not None:
        by_commune = snap.by_ancestor(province_late, Level.COMMUNE)
    communes = [snap.units[cid] for cid in by_commune]
    for pid, in_province in snap.by_ancestor(communes, Level.PROVINCE).items():
        rows = [(c.name, len(by_commune[c.id])) for c in sorted(in_province, key=lambda u: u.path)]
        plan.add(
            kinds[1],
            snap.recipients(RoleKind.PROVINCE_OFFICER, pid),
            f"{period}/{pid}",
            R.PROVINCE_STEP,
            lambda rows=rows: province_text(rows),  # type: ignore[misc]
            "reports",
        )


async def meeting_escalations(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    due = R.meeting_escalation(plan.rules, day)
    if due is None:
        return
    q, steps = due
    met = await held_regular(s, q)
    late = [b for b in snap.branches() if b.id not in met and b.expected(q.first_day)]
    # Late tổ go to the chair on their own line, named with their branch; the province
    # digest counts branches as before.
    labels = set()
    late_groups = []
    for bid, gs in _groups_by_branch(snap).items():
        for g in gs:
            if g.id not in met and g.expected(q.first_day):
                label = f"{g.name} ({snap.units[bid].name})"
                labels.add(label)
                late_groups.append(replace(g, name=label))
    _escalate(
        snap,
        plan,
        late + late_groups,
        steps,
        (R.MEETING_LATE, R.MEETING_LATE_PROVINCE),
        q.key,
        lambda c, names: messages.meeting_late(
            period_label(q),
            c.name,
            [n for n in names if n not in labels],
            [n for n in names if n in labels],
        ),
        lambda rows: messages.meeting_late_province(period_label(q), rows),
        "reports",
        province_late=late,
    )


async def review_escalations(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    for half, steps in R.review_escalations(plan.rules, day):
        await _review_escalation(s, snap, plan, half, steps)


async def _review_escalation(
    s: Session, snap: Snapshot, plan: Plan, half: HalfYear, steps: list[str]
) -> None:
    deadline = plan.rules.review_deadline(half)
    done = await reviewed(s, half.key)
    late = [b for b in snap.branches() if b.id not in done and b.expected(half.first_day)]
    _escalate(
        snap,
        plan,
        late,
        steps,
        (R.REVIEW_LATE, R.REVIEW_LATE_PROVINCE),
        half.key,
        lambda c, names: messages.review_late(deadline, c.name, names),
        lambda rows: messages.review_late_province(period_label(half), deadline, rows),
        "review_status",
    )


# --- commune chairs ------------------------------------------------------------------------


async def leader_visits(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    q = R.leader_check(plan.rules, day)
    if q is None:
        return
    visited = await leader_visited(s, q)
    todo = [b for b in snap.branches() if b.id not in visited and b.expected(q.first_day)]
    for cid, branches in snap.by_ancestor(todo, Level.COMMUNE).items():
        names = [b.name for b in branches]
        plan.add(
            R.LEADER_VISIT,
            snap.recipients(RoleKind.COMMUNE_CHAIR, cid),
            f"{q.key}/{cid}",
            "mid",
            lambda n=names: messages.leader_visit(period_label(q), n),  # type: ignore[misc]
            "reports",
        )


async def weekly_digest(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    week = R.digest_week(plan.rules, plan.now)
    if week is None:
        return
    chaired = sorted({uid for kind, uid in snap.roles if kind == RoleKind.COMMUNE_CHAIR})
    if not chaired:
        return
    tz = plan.rules.tz
    start = dt.datetime.combine(week.first_day, dt.time(), tzinfo=tz)
    end = start + dt.timedelta(days=7)
    logged = await meetings_logged(s, week, start, end)
    joined = await members_joined(s, week)
    meetings = _per_commune(snap, logged)
    members = _per_commune(snap, joined)
    q = quarter_of(day)
    met = await held_regular(s, q)
    not_met = snap.by_ancestor(
        [b for b in snap.branches() if b.id not in met and b.expected(q.first_day)],
        Level.COMMUNE,
    )
    show_names = day >= q.last_day - dt.timedelta(days=max(plan.rules.meeting_steps, default=0))
    for cid in chaired:
        commune = snap.units.get(cid)
        if commune is None:
            continue
        figures = messages.DigestFigures(
            commune.name,
            week.first_day,
            week.last_day,
            meetings.get(cid, 0),
            members.get(cid, 0),
            "",
            [b.name for b in not_met.get(cid, [])],
            show_names,
        )
        plan.add(
            R.DIGEST,
            snap.recipients(RoleKind.COMMUNE_CHAIR, cid),
            f"{week.key}/{cid}",
            "week",
            lambda f=figures: messages.digest(replace(f, quarter=period_label(q))),  # type: ignore[misc]
            None,
        )


def _per_commune(snap: Snapshot, rows: Sequence[tuple[int, int]]) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for unit_id, n in rows:
        unit = snap.units.get(unit_id)
        commune = snap.ancestor(unit, Level.COMMUNE) if unit else None
        if commune is not None:
            out[commune.id] += int(n)
    return out


RULES: list[Rule] = [
    meeting_reminders,
    meeting_escalations,
    review_reminders,
    review_escalations,
    software_reminders,
    software_escalations,
    leader_visits,
    weekly_digest,
    club_reminders,  # issue 16: clubs with no meeting this quarter
]


# --- the sender's last look ----------------------------------------------------------------


async def obsolete(s: Session, rows: list[Claimed]) -> set[int]:
    """Reminders whose task got done after the sweep wrote them: they need not go out."""
    checks: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        check = row.payload.get("check")
        if isinstance(check, dict) and check.get("what") in ("meeting", "review"):
            # a meeting reminder may cover the branch and its tổ: obsolete once all have met
            for unit in check.get("units") or [check["unit"]]:
                key = (str(check["what"]), str(check["period"]))
                checks[key].append((row.id, int(unit)))
    skip: set[int] = set()
    for (what, period), pairs in checks.items():
        units = [u for _id, u in pairs]
        if what == "meeting":
            q = Quarter.parse(period)
            done = await held_regular(s, q, units) if q else set()
        else:
            done = await reviewed(s, period, units)
        pending = {row_id for row_id, unit in pairs if unit not in done}
        skip.update(row_id for row_id, _unit in pairs if row_id not in pending)
    return skip
