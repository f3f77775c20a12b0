"""A year of daily sweeps over the demo province: exactly the reminders due, each once.

The demo: commune Quảng Phú (TH-QP, chair Hồng) with Thôn Đông (QP-01, head Lan), Thôn Tây
(QP-02, head Hoa) and Làng Nam (QP-03, no head); ward Hạc Thành (TH-HT, no chair) with Ba
Đình (HT-01, head Mai) and Lê Lợi (HT-02, no head); province officer Thu. Nobody met in
the last quarter of 2025 nor reviewed for 2025-H2, so January opens with escalations.
"""

from __future__ import annotations

import datetime as dt

from bot.domain import rules as R
from bot.domain.enums import MeetingKind
from bot.domain.rules import Rules
from bot.reports.pushes import COMMUNE_PUSH as PUSH_COMMUNE
from bot.reports.pushes import PROVINCE_PUSH as PUSH_PROVINCE
from bot.scheduler.sweep import sweep
from tests.scheduler.support import (
    FakeTime,
    Recorder,
    Seen,
    add_meeting,
    add_review,
    local,
    seen,
    sender,
)
from tests.support.chat_fixtures import World

D = dt.date
REG, THEMED = MeetingKind.REGULAR, MeetingKind.THEMED
# (day, branch, kind, commune leader attended)
MEETINGS = [
    (D(2026, 1, 15), "TH-QP-02", REG, False),
    (D(2026, 2, 1), "TH-HT-01", THEMED, False),  # themed: does not make the quarter
    (D(2026, 2, 10), "TH-QP-01", REG, True),
    (D(2026, 4, 10), "TH-HT-01", REG, False),
    (D(2026, 4, 15), "TH-QP-02", REG, True),
    (D(2026, 6, 20), "TH-QP-01", REG, False),  # after two reminders: the third never comes
    (D(2026, 7, 10), "TH-HT-01", REG, False),
    (D(2026, 7, 15), "TH-QP-02", REG, False),
    (D(2026, 10, 10), "TH-HT-01", REG, False),
    (D(2026, 10, 15), "TH-QP-01", REG, False),
    (D(2026, 10, 15), "TH-QP-02", REG, False),
]
REVIEWS = [
    (D(2026, 5, 25), "TH-HT-01", "2026-H1"),
    (D(2026, 6, 1), "TH-QP-01", "2026-H1"),
    *[
        (D(2026, 10, 31), code, "2026-H2")
        for code in ("TH-QP-01", "TH-QP-03", "TH-HT-01", "TH-HT-02")
    ],
    (D(2026, 11, 20), "TH-QP-02", "2026-H2"),  # on the branches' deadline day
    # Hồng confirms Quảng Phú's software update for H2 (the commune's review row).
    (D(2026, 11, 24), "TH-QP", "2026-H2"),
]
# The process is down from 30 August to 20 September: the 31 August and 16 September
# reminders are missed, and on the 21st only the latest due step goes out.
DOWN = (D(2026, 8, 30), D(2026, 9, 20))


def S(day: dt.date, kind: str, person: str, period: str, step: str) -> Seen:
    return Seen(day, kind, person, period, step)


EXPECTED = [
    # 2025 left unfinished: escalated on the first sweep of the year.
    S(D(2026, 1, 1), R.MEETING_LATE, "Hồng", "2025-Q4/TH-QP", "chair"),
    S(D(2026, 1, 1), R.REVIEW_LATE, "Hồng", "2025-H2/TH-QP", "chair"),
    S(D(2026, 1, 1), R.REVIEW_LATE_PROVINCE, "Thu", "2025-H2/TH", "province"),
    S(D(2026, 1, 1), R.SOFTWARE_LATE_PROVINCE, "Thu", "2025-H2/TH", "province"),
    S(D(2026, 1, 16), R.MEETING_LATE_PROVINCE, "Thu", "2025-Q4/TH", "province"),
    # Q1: Mai held only a themed meeting.
    S(D(2026, 2, 15), R.LEADER_VISIT, "Hồng", "2026-Q1/TH-QP", "mid"),
    S(D(2026, 3, 1), R.MEETING_DUE, "Mai", "2026-Q1/TH-HT-01", "d30"),
    S(D(2026, 3, 17), R.MEETING_DUE, "Mai", "2026-Q1/TH-HT-01", "d14"),
    S(D(2026, 3, 26), R.MEETING_DUE, "Mai", "2026-Q1/TH-HT-01", "d5"),
    S(D(2026, 4, 1), R.MEETING_LATE, "Hồng", "2026-Q1/TH-QP", "chair"),
    S(D(2026, 4, 16), R.MEETING_LATE_PROVINCE, "Thu", "2026-Q1/TH", "province"),
    # Q2: Lan meets on 20 June, between the second and third reminder.
    S(D(2026, 5, 16), R.LEADER_VISIT, "Hồng", "2026-Q2/TH-QP", "mid"),
    # The branches' review deadline is 5 June, five days before the commune's 10 June.
    S(D(2026, 5, 16), R.REVIEW_DUE, "Lan", "2026-H1/TH-QP-01", "d20"),
    S(D(2026, 5, 16), R.REVIEW_DUE, "Hoa", "2026-H1/TH-QP-02", "d20"),
    S(D(2026, 5, 16), R.REVIEW_DUE, "Mai", "2026-H1/TH-HT-01", "d20"),
    S(D(2026, 5, 29), R.REVIEW_DUE, "Lan", "2026-H1/TH-QP-01", "d7"),
    S(D(2026, 5, 29), R.REVIEW_DUE, "Hoa", "2026-H1/TH-QP-02", "d7"),
    S(D(2026, 5, 31), R.MEETING_DUE, "Lan", "2026-Q2/TH-QP-01", "d30"),
    S(D(2026, 6, 3), R.REVIEW_DUE, "Hoa", "2026-H1/TH-QP-02", "d2"),
    S(D(2026, 6, 6), R.REVIEW_LATE, "Hồng", "2026-H1/TH-QP", "chair"),
    # Hồng never confirms the software update for H1: reminded until 10 June, then Thu hears.
    S(D(2026, 6, 6), R.SOFTWARE_DUE, "Hồng", "2026-H1/TH-QP", "d4"),
    S(D(2026, 6, 8), R.SOFTWARE_DUE, "Hồng", "2026-H1/TH-QP", "d2"),
    S(D(2026, 6, 10), R.SOFTWARE_DUE, "Hồng", "2026-H1/TH-QP", "d0"),
    S(D(2026, 6, 11), R.SOFTWARE_LATE_PROVINCE, "Thu", "2026-H1/TH", "province"),
    S(D(2026, 6, 16), R.MEETING_DUE, "Lan", "2026-Q2/TH-QP-01", "d14"),
    S(D(2026, 6, 21), R.REVIEW_LATE_PROVINCE, "Thu", "2026-H1/TH", "province"),
    S(D(2026, 7, 1), R.MEETING_LATE, "Hồng", "2026-Q2/TH-QP", "chair"),
    S(D(2026, 7, 16), R.MEETING_LATE_PROVINCE, "Thu", "2026-Q2/TH", "province"),
    # Q3: nobody attended as commune leader; Lan never meets; the process was down.
    S(D(2026, 8, 15), R.LEADER_VISIT, "Hồng", "2026-Q3/TH-QP", "mid"),
    S(D(2026, 9, 21), R.MEETING_DUE, "Lan", "2026-Q3/TH-QP-01", "d14"),
    S(D(2026, 9, 25), R.MEETING_DUE, "Lan", "2026-Q3/TH-QP-01", "d5"),
    S(D(2026, 10, 1), R.MEETING_LATE, "Hồng", "2026-Q3/TH-QP", "chair"),
    S(D(2026, 10, 16), R.MEETING_LATE_PROVINCE, "Thu", "2026-Q3/TH", "province"),
    # Q4 and H2: everyone on time except Hoa's review (done on 20 November, the deadline).
    S(D(2026, 10, 31), R.REVIEW_DUE, "Hoa", "2026-H2/TH-QP-02", "d20"),
    S(D(2026, 11, 13), R.REVIEW_DUE, "Hoa", "2026-H2/TH-QP-02", "d7"),
    S(D(2026, 11, 15), R.LEADER_VISIT, "Hồng", "2026-Q4/TH-QP", "mid"),
    S(D(2026, 11, 18), R.REVIEW_DUE, "Hoa", "2026-H2/TH-QP-02", "d2"),
    # Hồng confirms the software update on 24 November: the 25th's reminder never comes; Hạc
    # Thành (no chair) did not, so Thu hears of it.
    S(D(2026, 11, 21), R.SOFTWARE_DUE, "Hồng", "2026-H2/TH-QP", "d4"),
    S(D(2026, 11, 23), R.SOFTWARE_DUE, "Hồng", "2026-H2/TH-QP", "d2"),
    S(D(2026, 11, 26), R.SOFTWARE_LATE_PROVINCE, "Thu", "2026-H2/TH", "province"),
]


async def test_a_year_of_daily_sweeps(world: World) -> None:
    clock = FakeTime(local(2026, 1, 1))
    web = Recorder(clock)
    send = sender(world.maker, clock, web)
    registry = world.engine.registry
    day = D(2026, 1, 1)
    while day.year == 2026:
        for held_on, code, kind, leader in MEETINGS:
            if held_on == day:
                await add_meeting(world.maker, code, held_on, kind, leader)
        for on, code, period in REVIEWS:
            if on == day:
                await add_review(world.maker, code, period, local(on.year, on.month, on.day, 7))
        if not DOWN[0] <= day <= DOWN[1]:
            clock.set(local(day.year, day.month, day.day, 8))
            first = await sweep(world.maker, clock(), Rules(), registry=registry)
            if first.total():
                again = await sweep(world.maker, clock(), Rules(), registry=registry)
                assert again.total() == 0, f"second sweep on {day} added {again.added}"
            await send.drain()
        day += dt.timedelta(days=1)

    digests = await seen(world.maker, [R.DIGEST])
    assert await seen(world.maker, set(R.SNOOZABLE | {*_escalations()})) == sorted(EXPECTED)
    # A digest every Monday the process was up (2026 has 52 Mondays; 3 fell in the outage).
    assert len(digests) == 49
    assert {d.person for d in digests} == {"Hồng"}
    assert all(d.day.weekday() == 0 for d in digests)
    # The semi-annual reports: the chair the day after each review deadline, the province
    # a week later (bot/reports/pushes.py), each once.
    reports = await seen(world.maker, [PUSH_COMMUNE, PUSH_PROVINCE])
    assert [(r.day, r.kind, r.person, r.period.split("/")[0]) for r in reports] == [
        (D(2026, 6, 11), PUSH_COMMUNE, "Hồng", "2026-H1"),
        (D(2026, 6, 18), PUSH_PROVINCE, "Thu", "2026-H1"),
        (D(2026, 11, 26), PUSH_COMMUNE, "Hồng", "2026-H2"),
        (D(2026, 12, 3), PUSH_PROVINCE, "Thu", "2026-H2"),
    ]
    # Every row was delivered exactly once.
    rows = await _rows(world)
    assert len(web.sent) == len(rows) == len(EXPECTED) + len(digests) + len(reports)
    assert all(r.status.value == "sent" and r.attempts == 1 for r in rows)


def _escalations() -> set[str]:
    return {
        R.MEETING_LATE,
        R.MEETING_LATE_PROVINCE,
        R.REVIEW_LATE,
        R.REVIEW_LATE_PROVINCE,
        R.SOFTWARE_LATE_PROVINCE,
    }


async def _rows(world: World) -> list:  # type: ignore[type-arg]
    from tests.scheduler.support import outbox_rows

    return await outbox_rows(world.maker)
