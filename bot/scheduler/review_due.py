"""The commune's part of the member review (rule 7, 004 §II.1.1): reminders and escalation.

Branches confirm their lists by the branch deadline (`due.review_reminders`); the commune
chair then confirms "đã cập nhật vào phần mềm quản lý hội viên" (a review row for the
commune) before the national deadline, reminded until she does; after it the province hears
of communes that did not. A commune is asked only when it has branches in chihoi.
"""

from __future__ import annotations

import datetime as dt

from bot.core.i18n import period_label
from bot.domain import rules as R
from bot.domain.calendar import HalfYear
from bot.domain.enums import Level, RoleKind
from bot.scheduler import review_messages
from bot.scheduler.plan import Plan
from bot.scheduler.snapshot import Snapshot
from storage.repositories import unreached
from storage.repositories.reminder_facts import Unit, reviewed
from storage.sessions import Session


async def _branches_by_commune(s: Session, snap: Snapshot, half: HalfYear) -> dict[int, list[Unit]]:
    """The branches expected to review `half`, under their commune."""
    expected = [b for b in await snap.branches(s) if b.expected(half.first_day)]
    return snap.by_ancestor(expected, Level.COMMUNE)


async def software_reminders(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    due = R.software_step(plan.rules, day)
    if due is None:
        return
    half, step = due
    parts = plan.parts(R.SOFTWARE_DUE, half.key, step.name)
    if not await unreached.role_units_pending(s, RoleKind.COMMUNE_CHAIR, parts):
        return
    done = await reviewed(s, half.key)
    for cid, branches in (await _branches_by_commune(s, snap, half)).items():
        chairs = snap.recipients(RoleKind.COMMUNE_CHAIR, cid)
        if cid in done or not chairs:
            continue
        pending = [b.name for b in branches if b.id not in done]
        commune = snap.units[cid]
        plan.add(
            R.SOFTWARE_DUE,
            chairs,
            f"{half.key}/{cid}",
            step.name,
            lambda c=commune, p=pending: review_messages.software_due(  # type: ignore[misc]
                c.name, period_label(half), step.days_left, step.deadline, p
            ),
            "software",
            {"what": "review", "period": half.key, "unit": cid},
        )


async def software_escalations(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    officer = RoleKind.PROVINCE_OFFICER
    for half in R.software_escalations(plan.rules, day):
        parts = plan.parts(R.SOFTWARE_LATE_PROVINCE, half.key, R.PROVINCE_STEP)
        if not await unreached.role_units_pending(s, officer, parts):
            continue
        done = await reviewed(s, half.key)
        by_commune = await _branches_by_commune(s, snap, half)
        late = [snap.units[cid] for cid in by_commune if cid not in done]
        _tell_province(snap, plan, half, late)


def _tell_province(snap: Snapshot, plan: Plan, half: HalfYear, late: list[Unit]) -> None:
    deadline = plan.rules.national_deadline(half)
    for pid, communes in snap.by_ancestor(late, Level.PROVINCE).items():
        rows = [c.name for c in sorted(communes, key=lambda u: u.path)]
        plan.add(
            R.SOFTWARE_LATE_PROVINCE,
            snap.recipients(RoleKind.PROVINCE_OFFICER, pid),
            f"{half.key}/{pid}",
            R.PROVINCE_STEP,
            lambda rows=rows: review_messages.software_late_province(  # type: ignore[misc]
                period_label(half), deadline, rows
            ),
            "reports",
        )
