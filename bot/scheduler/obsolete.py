"""The sender's last look: a reminder whose task got done after the sweep wrote it is not
sent (the sweep stops a reminder the moment its task is done; this covers the time between
the sweep and the send).

A reminder that can go stale carries `check` in its payload: what was asked (`what`), for
which period, of which units (`units`, else `unit`). It is obsolete once every unit named
has done it; a "1+1" check-in once its recipient has answered for the pair.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable

from bot.domain.calendar import Quarter
from storage.repositories import assessment, clubs, dues, pairs
from storage.repositories.meetings import held_regular
from storage.repositories.outbox import Claimed
from storage.repositories.reminder_facts import reviewed
from storage.sessions import Session

# (unit, person): a unit whose task is done (person None), or a pair a person answered for
Token = tuple[int, int | None]
Done = Callable[[Session, str, list[int]], Awaitable[set[Token]]]


def _quarter(period: str) -> Quarter | None:
    return Quarter.parse(period)


def _each(units: set[int]) -> set[Token]:
    return {(u, None) for u in units}


async def _met(s: Session, period: str, units: list[int]) -> set[Token]:
    q = _quarter(period)
    return _each(await held_regular(s, q, units)) if q else set()


async def _reviewed(s: Session, period: str, units: list[int]) -> set[Token]:
    return _each(await reviewed(s, period, units))


async def _self(s: Session, period: str, units: list[int]) -> set[Token]:
    return _each(await assessment.self_done(s, period, units))


async def _paid(s: Session, period: str, units: list[int]) -> set[Token]:
    year = int(period)
    # The roster as last known (members who left are no longer owed for).
    still = await dues.owing(s, units, year, dt.date(year, 12, 31))
    return _each({u for u in units if u not in still})


async def _clubs_met(s: Session, period: str, units: list[int]) -> set[Token]:
    q = _quarter(period)
    if q is None:
        return set()
    days = await clubs.meeting_days(s, units, q.first_day, q.last_day)
    return _each({c for c, held in days.items() if held})


async def _answered(s: Session, period: str, units: list[int]) -> set[Token]:
    wanted = set(units)
    return {(p, who) for p, who in await pairs.checked_in(s, period) if p in wanted}


DONE: dict[str, Done] = {
    "meeting": _met,  # a branch's (and its tổ's) regular meeting of the quarter
    "review": _reviewed,  # a branch's member review; a commune's software update
    "self": _self,  # "3 có, 3 biết" of the quarter
    "dues": _paid,  # every member paid the year's dues
    "club": _clubs_met,  # each club named met in the quarter
    "pair": _answered,  # the "1+1" check-in, per recipient
}
PER_PERSON = frozenset({"pair"})


async def obsolete(s: Session, rows: list[Claimed]) -> set[int]:
    """Reminders whose task got done after the sweep wrote them: they need not go out."""
    found: dict[tuple[str, str], list[tuple[Claimed, list[int]]]] = defaultdict(list)
    for row in rows:
        check = row.payload.get("check")
        if isinstance(check, dict) and check.get("what") in DONE:
            # a meeting reminder may cover the branch and its tổ: obsolete once all have met
            units = [int(u) for u in check.get("units") or [check["unit"]]]
            found[(str(check["what"]), str(check["period"]))].append((row, units))
    skip: set[int] = set()
    for (what, period), items in found.items():
        units = sorted({u for _row, us in items for u in us})
        done = await DONE[what](s, period, units)
        for row, us in items:
            who = row.person_id if what in PER_PERSON else None
            if all((u, who) in done for u in us):
                skip.add(row.id)
    return skip
