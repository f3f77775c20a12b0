"""What is due: each kind of reminder as one rule (which units are behind, who hears of it)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from bot.core.i18n import period_label
from bot.domain import rules as R
from bot.domain.calendar import HalfYear, Quarter, quarter_of
from bot.domain.enums import Level, RoleKind
from bot.scheduler import messages
from bot.scheduler.club_due import club_reminders
from bot.scheduler.obsolete import obsolete as obsolete  # the sender's last look
from bot.scheduler.plan import Plan, Shared
from bot.scheduler.review_due import software_escalations, software_reminders
from bot.scheduler.snapshot import Snapshot
from storage.repositories import reminder_facts, unreached
from storage.repositories.reminder_facts import (
    Unit,
    meetings_logged,
    members_joined,
)
from storage.repositories.unreached import Scope
from storage.sessions import Session

Rule = Callable[["Session", Snapshot, Plan, dt.date], Awaitable[None]]


# --- branch heads --------------------------------------------------------------------------


async def _late_groups(s: Session, q: Quarter) -> dict[Unit, list[Unit]]:
    """Each branch with tổ without a regular meeting in `q` (rule 1 asks one of every branch
    and tổ each quarter): the tổ, by id, under their nearest branch ancestor."""
    met = unreached.met_in(q.first_day, q.last_day)
    late = sorted(await unreached.late_units(s, Level.GROUP, q.first_day, met), key=lambda g: g.id)
    if not late:
        return {}
    above = await reminder_facts.units(s, {uid for g in late for uid in g.ids()[:-1]})
    out: dict[Unit, list[Unit]] = defaultdict(list)
    for g in late:
        up = (above.get(uid) for uid in reversed(g.ids()[:-1]))
        branch = next((u for u in up if u is not None and u.level == Level.BRANCH), None)
        if branch is not None:
            out[branch].append(g)
    return dict(out)


async def meeting_reminders(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    """One message per branch head for her branch and every tổ of it still without a
    regular meeting (one message, not one per tổ; the key stays one per branch)."""
    due = R.meeting_step(plan.rules, day)
    if due is None:
        return
    q, step = due
    waiting = {b.id: groups for b, groups in (await _late_groups(s, q)).items()}
    parts = plan.parts(R.MEETING_DUE, q.key, step.name)
    scope = Scope(Level.BRANCH, q.first_day, done=unreached.met_in(q.first_day, q.last_day))
    texts: dict[tuple[bool, tuple[str, ...]], Shared] = {}

    def text(met: bool, groups: tuple[str, ...]) -> Shared:
        if (met, groups) not in texts:
            texts[(met, groups)] = Shared(
                (met, groups),
                lambda name: messages.meeting_due(
                    name, period_label(q), step.days_left, q.last_day, list(groups), met
                ),
            )
        return texts[(met, groups)]

    head = RoleKind.BRANCH_HEAD
    # The many branches without tổ to name, written by the database at once; snoozed heads
    # and branches with late tổ one by one below.
    bulk = len(waiting) <= unreached.IN_LIMIT
    if bulk:
        ids = unreached.ID_MARK
        check = {"what": "meeting", "period": q.key, "unit": ids, "units": [ids]}
        await plan.write_shared(
            s, head, parts, text(False, ()), "log_meeting", check, scope, exclude=waiting
        )
    found = await unreached.role_pending(s, head, parts, scope, snoozed_only=bulk)
    if waiting:  # branches that met while a tổ did not
        more = await unreached.role_pending(s, head, parts, scope, only=waiting)
        found = unreached.merged(found, more)
    for f in found:
        groups = waiting.get(f.unit_id, [])
        late = ([] if f.done else [f.unit_id]) + [g.id for g in groups]
        if not late:
            continue
        plan.add_pending(
            R.MEETING_DUE,
            f,
            f"{q.key}/{f.unit_id}",
            step.name,
            text(f.done, tuple(g.name for g in groups)),
            "log_meeting",
            {"what": "meeting", "period": q.key, "unit": f.unit_id, "units": late},
        )


async def review_reminders(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    due = R.review_step(plan.rules, day)
    if due is None:
        return
    half, step = due
    parts = plan.parts(R.REVIEW_DUE, half.key, step.name)
    scope = Scope(Level.BRANCH, half.first_day, done=unreached.reviewed_for(half.key))
    text = Shared(
        "review",
        lambda name: messages.review_due(name, period_label(half), step.days_left, step.deadline),
    )
    await plan.remind_heads(s, parts, text, "review", "review", scope)


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
    tell: Unreached | None = None,
) -> None:
    """The chair hears of `late`; the province of `province_late` (default: `late`); only
    those `tell` names (default: all) are written to."""
    by_commune = snap.by_ancestor(late, Level.COMMUNE)
    for cid, branches in by_commune.items():
        if tell is not None and cid not in tell.chairs:
            continue
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
        if tell is not None and pid not in tell.officers:
            continue
        rows = [(c.name, len(by_commune[c.id])) for c in sorted(in_province, key=lambda u: u.path)]
        plan.add(
            kinds[1],
            snap.recipients(RoleKind.PROVINCE_OFFICER, pid),
            f"{period}/{pid}",
            R.PROVINCE_STEP,
            lambda rows=rows: province_text(rows),  # type: ignore[misc]
            "reports",
        )


async def unreached_units(
    s: Session, plan: Plan, role: RoleKind, kind: str, period: str, step: str
) -> set[int]:
    """Units whose `role` holder `kind`'s step has not reached: a commune-level rule with
    none has nothing to write, and reads no tree."""
    return await unreached.role_units_pending(s, role, plan.parts(kind, period, step))


@dataclass(frozen=True)
class Unreached:
    """Communes whose chair, and provinces whose officers, an escalation has not reached."""

    chairs: set[int]
    officers: set[int]

    def __bool__(self) -> bool:
        return bool(self.chairs or self.officers)

    def under(self) -> set[int] | None:
        return few(self.chairs | self.officers)


# Once a step has reached nearly everyone, those left (a chair whose commune has nothing
# late, say) are looked at alone: their branches read with a LIKE on the path each, not
# every late branch of the country on every sweep.
FEW = 20


def few(units: set[int]) -> set[int] | None:
    """`units` to read below, when they are few; None: read everything."""
    return units if len(units) <= FEW else None


async def _escalation_unreached(
    s: Session, plan: Plan, kinds: tuple[str, str], period: str, steps: list[str]
) -> Unreached:
    """Who has yet to hear of `period`: chairs, and on its step province officers."""
    chair, officer = RoleKind.COMMUNE_CHAIR, RoleKind.PROVINCE_OFFICER
    chairs = await unreached_units(s, plan, chair, kinds[0], period, R.CHAIR_STEP)
    officers = set()
    if R.PROVINCE_STEP in steps:
        officers = await unreached_units(s, plan, officer, kinds[1], period, R.PROVINCE_STEP)
    return Unreached(chairs, officers)


async def meeting_escalations(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    due = R.meeting_escalation(plan.rules, day)
    if due is None:
        return
    q, steps = due
    tell = await _escalation_unreached(
        s, plan, (R.MEETING_LATE, R.MEETING_LATE_PROVINCE), q.key, steps
    )
    if not tell:
        return
    await snap.load(s)
    met = unreached.met_in(q.first_day, q.last_day)
    late = snap.add(await unreached.late_units(s, Level.BRANCH, q.first_day, met, tell.under()))
    # Late tổ go to the chair on their own line, named with their branch; the province
    # digest counts branches as before.
    labels = set()
    late_groups = []
    for branch, groups in (await _late_groups(s, q)).items():
        for g in groups:
            label = f"{g.name} ({branch.name})"
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
        tell=tell,
    )


async def review_escalations(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    for half, steps in R.review_escalations(plan.rules, day):
        await _review_escalation(s, snap, plan, half, steps)


async def _review_escalation(
    s: Session, snap: Snapshot, plan: Plan, half: HalfYear, steps: list[str]
) -> None:
    kinds = (R.REVIEW_LATE, R.REVIEW_LATE_PROVINCE)
    tell = await _escalation_unreached(s, plan, kinds, half.key, steps)
    if not tell:
        return
    await snap.load(s)
    deadline = plan.rules.review_deadline(half)
    done = unreached.reviewed_for(half.key)
    late = snap.add(await unreached.late_units(s, Level.BRANCH, half.first_day, done, tell.under()))
    _escalate(
        snap,
        plan,
        late,
        steps,
        kinds,
        half.key,
        lambda c, names: messages.review_late(deadline, c.name, names),
        lambda rows: messages.review_late_province(period_label(half), deadline, rows),
        "review_status",
        tell=tell,
    )


# --- commune chairs ------------------------------------------------------------------------


async def leader_visits(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    q = R.leader_check(plan.rules, day)
    if q is None:
        return
    chairs = await unreached_units(s, plan, RoleKind.COMMUNE_CHAIR, R.LEADER_VISIT, q.key, "mid")
    if not chairs:
        return
    await snap.load(s)
    visited = unreached.visited_in(q.first_day, q.last_day)
    todo = snap.add(await unreached.late_units(s, Level.BRANCH, q.first_day, visited, few(chairs)))
    for cid, branches in snap.by_ancestor(todo, Level.COMMUNE).items():
        if cid not in chairs:
            continue
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
    chaired = sorted(
        await unreached_units(s, plan, RoleKind.COMMUNE_CHAIR, R.DIGEST, week.key, "week")
    )
    if not chaired:
        return
    await snap.load(s)
    tz = plan.rules.tz
    start = dt.datetime.combine(week.first_day, dt.time(), tzinfo=tz)
    end = start + dt.timedelta(days=7)
    logged = await meetings_logged(s, week, start, end)
    joined = await members_joined(s, week)
    snap.add((await reminder_facts.units(s, {u for u, _n in [*logged, *joined]})).values())
    meetings = _per_commune(snap, logged)
    members = _per_commune(snap, joined)
    q = quarter_of(day)
    met = unreached.met_in(q.first_day, q.last_day)
    late = await unreached.late_units(s, Level.BRANCH, q.first_day, met, few(set(chaired)))
    not_met = snap.by_ancestor(snap.add(late), Level.COMMUNE)
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
