"""Issue 17 in the demo: Thanh Hóa's dues for the year (elderly exempt, a household's
further member half), payments in batches with one partial, a decision, fund books with a
correction, core members, "3 có, 3 biết" answers, submitted and approved assessments, a
"1+1" pair and members brought in by members."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from bot.domain import assessment as A
from bot.domain.calendar import quarter_of
from bot.domain.dues import ReliefKind
from bot.domain.rules import Rules
from storage.models import Member
from storage.repositories import assessment, dues, fund, org, pairs
from storage.repositories.meetings import roster_on
from storage.sessions import Session as AsyncSession

RATE = 36_000  # a year's dues in the demo (3.000 đ a month)
FUNDS = {
    "TH-QP-01": [
        (25, 1_500_000, "Quỹ tiết kiệm xoay vòng: góp đầu năm"),
        (-40, -300_000, "Thăm hội viên ốm"),
    ],
    "TH-QP-02": [(30, 800_000, "Bán sản phẩm tái chế")],
    "TH-HT-01": [
        (20, 2_000_000, "Nhà hảo tâm ủng hộ"),
        (-10, -450_000, "Mua quà Tết cho hội viên khó khăn"),
    ],
}


async def seed_dues(s: AsyncSession, now: dt.datetime, tz: ZoneInfo, rng: random.Random) -> None:
    today = now.astimezone(tz).date()
    year = today.year
    province = await org.by_code(s, "TH")
    assert province is not None
    await dues.set_rate(s, province.id, year, RATE, 0, RATE // 2, None, now)
    branches = {
        code: await org.by_code(s, code)
        for code in ("TH-QP-01", "TH-QP-02", "TH-QP-03", "TH-HT-01", "TH-HT-02")
    }
    for code, unit in branches.items():
        assert unit is not None
        roster = await roster_on(s, unit.id, today)
        if not roster:
            continue
        core = await s.get(Member, roster[0][0])
        if core is not None and code != "TH-HT-02":  # one branch without a core member
            core.is_core = True
        if len(roster) > 3:
            await dues.set_relief(
                s, [roster[-1][0]], year, ReliefKind.HOUSEHOLD, None, None, None, now
            )
        owing = [r for r in (await dues.branch_dues(s, unit, year, today)).rows if r.owed > 0]
        payers = [(r.member_id, r.owed) for r in owing[: max(1, len(owing) * 2 // 3)]]
        if code == "TH-QP-01" and len(payers) > 1:
            payers[-1] = (payers[-1][0], payers[-1][1] // 3)  # partly paid
        await dues.record_payments(
            s, unit.id, year, payers, today - dt.timedelta(days=rng.randint(5, 60)), None, now
        )
        for back, amount, purpose in FUNDS.get(code, []):
            await fund.add_entry(
                s, unit.id, today - dt.timedelta(days=abs(back)), amount, purpose, None, now
            )
    qp1 = branches["TH-QP-01"]
    assert qp1 is not None
    wrong = await fund.add_entry(
        s, qp1.id, today - dt.timedelta(days=3), 200_000, "Gõ nhầm số tiền", None, now
    )
    await fund.reverse(s, wrong.id, "Gõ nhầm, đã ghi lại", today, None, now)
    q = quarter_of(today)
    for code, ticked in (("TH-QP-01", 6), ("TH-QP-02", 4), ("TH-HT-01", 5)):
        unit = branches[code]
        assert unit is not None
        for quarter in (q.previous(), q):
            await assessment.save_self(s, unit.id, quarter.key, A.THREE_THREE[:ticked], None, now)
    # Thanh Hóa uses the yearly assessment with the default rubric (reminders follow it)
    await assessment.set_rubric(s, province.id, year, A.Rubric(), None, now)
    deadlines = assessment.half_deadlines(year, Rules(tz=tz).review_deadline)
    for code, approve in (("TH-QP-01", True), ("TH-QP-02", False)):
        unit = branches[code]
        assert unit is not None
        facts = await assessment.branch_facts(s, unit, year, today, deadlines, tz)
        result = A.assess(facts, await assessment.rubric_for(s, unit, year))
        await assessment.submit(s, unit.id, year, result, None, now)
        if approve:
            await assessment.approve(s, unit.id, year, result.grade, result.model, None, None, now)
    qp = await org.by_code(s, "TH-QP")
    weak, strong = branches["TH-QP-03"], branches["TH-QP-01"]
    assert qp is not None and weak is not None and strong is not None
    await pairs.add_pair(
        s, qp.id, pairs.BRANCH, strong.id, None, weak.id, today - dt.timedelta(days=60), None, now
    )
    roster = await roster_on(s, strong.id, today)
    if len(roster) > 2:
        await pairs.set_referral(s, roster[1][0], roster[0][0], None, now)
