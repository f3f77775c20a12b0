"""The clubs' quarterly reminder: on the branch reminders' days (DOMAIN rule 1, read for
clubs), one message to each commune chair naming her clubs with no meeting this quarter."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from bot.core.i18n import _, format_date, period_label
from bot.domain import rules as R
from bot.domain.enums import RoleKind
from bot.scheduler.plan import Plan
from bot.scheduler.snapshot import Snapshot
from storage.models import Club
from storage.repositories import clubs
from storage.sessions import Session

CLUB_MEETING_DUE = "club_meeting_due"


def club_due_text(names: list[str], quarter: str, last_day: dt.date) -> str:
    msg = _(
        "Clubs and models with no meeting logged for {quarter} yet: {names}. The quarter ends "
        'on {date}. Type "ghi sinh hoạt clb" to log one.'
    )
    return msg.format(quarter=quarter, names=", ".join(names), date=format_date(last_day))


async def club_reminders(s: Session, snap: Snapshot, plan: Plan, day: dt.date) -> None:
    due = R.meeting_step(plan.rules, day)
    if due is None:
        return
    q, step = due
    found = [c for c in await clubs.open_clubs(s) if c.founded_on <= q.first_day]
    days = await clubs.meeting_days(s, [c.id for c in found], q.first_day, q.last_day)
    late: dict[int, list[Club]] = defaultdict(list)
    for c in found:
        if not days.get(c.id):
            late[c.commune_id].append(c)
    for commune_id, waiting in sorted(late.items()):
        chairs = snap.recipients(RoleKind.COMMUNE_CHAIR, commune_id)
        if not chairs:
            continue
        names = [c.name for c in waiting]
        plan.add(
            CLUB_MEETING_DUE,
            chairs,
            f"{q.key}/{commune_id}",
            step.name,
            lambda n=names: club_due_text(n, period_label(q), q.last_day),  # type: ignore[misc]
            None,
            # the sender drops it once every club named has met (due.obsolete)
            {"what": "club", "period": q.key, "unit": commune_id, "units": [c.id for c in waiting]},
        )
