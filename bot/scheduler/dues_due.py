"""Dues collection, the quarterly "3 có, 3 biết" and the "1+1" check-in join the sweep
(issue 17 item 6): once per step, stopped as soon as the task is done, escalated to the
commune chair and then the province like the meeting reminders.

Reminders go only where the feature is in use, so a province that does not use it hears
nothing: dues where a rate is set, "3 có, 3 biết" under a province that saved its rubric for
the year (`chihoi dues rubric`), check-ins where a pair exists. Dues: branches with members who have not paid in full hear `DUES_STEPS` days before the
year ends; after it, the chair, then the province. The self-assessment: `SELF_STEPS` days
before the quarter ends (the meeting reminders own its last fortnight); after it, the chair, then the province. "1+1": both branch heads of
a pair, once, `PAIR_STEP` days before the quarter ends, until each has answered.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from bot.core.i18n import period_label
from bot.domain import rules as R
from bot.domain.calendar import quarter_of
from bot.domain.enums import Level, RoleKind
from bot.scheduler import dues_messages as M
from bot.scheduler.due import Rule, _escalate, _escalation_unreached
from bot.scheduler.plan import Plan, Shared
from bot.scheduler.snapshot import Snapshot
from storage.repositories import assessment, dues, pairs, reminder_facts, unreached
from storage.repositories import recipients as recipients_repo
from storage.repositories.recipients import Recipient
from storage.repositories.reminder_facts import Unit
from storage.sessions import Session

DUES_DUE, DUES_LATE, DUES_LATE_PROVINCE = "dues_due", "dues_late", "dues_late_prov"
SELF_DUE, SELF_LATE, SELF_LATE_PROVINCE = "self_due", "self_late", "self_late_prov"
PAIR_DUE = "pair_due"
DUES_STEPS = (60, 30, 10)
SELF_STEPS = (35, 20)  # before the meeting reminders' busy last fortnight (30, 14, 5)
PAIR_STEP = (14,)


def _year_end(day: dt.date) -> dt.date:
    return dt.date(day.year, 12, 31)


async def _owing(s: Session, snap: Snapshot, year: int, day: dt.date) -> dict[int, tuple[int, int]]:
    """Branches with members not paid in full for `year`: (owing, members)."""
    branches = [b.id for b in await snap.branches(s) if b.expected(dt.date(year, 1, 1))]
    return await dues.owing(s, branches, year, day)


async def dues_reminders(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    step = R.latest_step(DUES_STEPS, _year_end(day), day)
    if step is None:
        return
    parts = plan.parts(DUES_DUE, str(day.year), step.name)
    scope = unreached.Scope(Level.BRANCH, dt.date(day.year, 1, 1))
    found = await unreached.role_pending(s, RoleKind.BRANCH_HEAD, parts, scope)
    owing = await dues.owing(s, {f.unit_id for f in found}, day.year, day)
    texts: dict[tuple[int, int], Shared] = {}
    for f in found:
        if f.unit_id not in owing:
            continue
        n, members = owing[f.unit_id]
        if (n, members) not in texts:
            texts[(n, members)] = Shared(
                (n, members),
                lambda name, n=n, m=members: M.dues_due(name, day.year, n, m, step.deadline),  # type: ignore[misc]
            )
        check = {"what": "dues", "period": str(day.year), "unit": f.unit_id}
        plan.add_pending(
            DUES_DUE, f, f"{day.year}/{f.unit_id}", step.name, texts[(n, members)], "dues", check
        )


async def dues_escalations(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    year = day.year - 1
    steps = R.escalation_steps(plan.rules, dt.date(year, 12, 31), day)
    if not steps:
        return
    if not await _escalation_unreached(s, plan, (DUES_LATE, DUES_LATE_PROVINCE), str(year), steps):
        return
    owing = await _owing(s, snap, year, dt.date(year, 12, 31))
    late = [b for b in await snap.branches(s) if b.id in owing]
    _escalate(
        snap,
        plan,
        late,
        steps,
        (DUES_LATE, DUES_LATE_PROVINCE),
        str(year),
        lambda c, names: M.dues_late(year, c.name, names),
        lambda rows: M.dues_late_province(year, rows),
        "reports",
    )


async def _assessed(s: Session, snap: Snapshot, year: int) -> list[Unit]:
    """Branches under a unit that saved a rubric for `year` (the province turned the yearly
    assessment on; its rubric may be the default)."""
    on = await assessment.rubric_units(s, year)
    if not on:
        return []
    return [b for b in await snap.branches(s) if on.intersection(b.ids())]


async def self_reminders(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    q = quarter_of(day)
    step = R.latest_step(SELF_STEPS, q.last_day, day)
    if step is None:
        return
    on = await assessment.rubric_units(s, q.year)
    if not on:
        return
    parts = plan.parts(SELF_DUE, q.key, step.name)
    scope = unreached.Scope(Level.BRANCH, q.first_day, on, unreached.self_assessed(q.key))
    text = Shared("self", lambda name: M.self_due(name, period_label(q), q.last_day))
    await plan.remind_heads(s, parts, text, "self_assessment", "self", scope)


async def self_escalations(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    q = quarter_of(day).previous()
    steps = R.escalation_steps(plan.rules, q.last_day, day)
    if not steps:
        return
    if not await _escalation_unreached(s, plan, (SELF_LATE, SELF_LATE_PROVINCE), q.key, steps):
        return
    done = await assessment.self_done(s, q.key)
    late = [
        b for b in await _assessed(s, snap, q.year) if b.id not in done and b.expected(q.first_day)
    ]
    _escalate(
        snap,
        plan,
        late,
        steps,
        (SELF_LATE, SELF_LATE_PROVINCE),
        q.key,
        lambda c, names: M.self_late(period_label(q), c.name, names),
        lambda rows: M.self_late_province(period_label(q), rows),
        "reports",
    )


async def pair_check_ins(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    q = quarter_of(day)
    step = R.latest_step(PAIR_STEP, q.last_day, day)
    if step is None:
        return
    active = await pairs.active(s)
    if not active:
        return
    answered = await pairs.checked_in(s, q.key)
    sides_of = {
        p.id: [u for u in (p.helper_unit_id, p.helped_unit_id) if u is not None] for p in active
    }
    ids = {u for sides in sides_of.values() for u in sides}
    units = await reminder_facts.units(s, ids)
    heads_of: dict[int, list[Recipient]] = defaultdict(list)
    for r in await recipients_repo.reachable(s, [RoleKind.BRANCH_HEAD], ids):
        heads_of[r.unit_id].append(r)
    for p in active:
        helper = units.get(p.helper_unit_id) if p.helper_unit_id else None
        helped = units.get(p.helped_unit_id)
        label = f"{helper.name if helper else p.mentor_name} → {helped.name if helped else '?'}"
        for uid in sides_of[p.id]:
            heads = [r for r in heads_of[uid] if (p.id, r.person_id) not in answered]
            if heads:
                plan.add(
                    PAIR_DUE,
                    heads,
                    f"{q.key}/{p.id}",
                    step.name,
                    lambda label=label: M.pair_due(label, period_label(q)),  # type: ignore[misc]
                    "pair",
                    {"what": "pair", "period": q.key, "unit": p.id},
                )


DUES_RULES: list[Rule] = [
    dues_reminders,
    dues_escalations,
    self_reminders,
    self_escalations,
    pair_check_ins,
]
