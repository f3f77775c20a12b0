"""The worked example (tests/reports/test_worked_example.py) with what issues 16 and 17 add:
clubs, dues, branch funds, the 2025 assessment, core members and a "1+1" pair. Nothing here
changes the core figures (members, coverage, meetings): the club-only aggregate stays 2.

Hội LHPN xã Mẫu (WX), counted up to 30/06/2026 (H1 2026):
    Clubs of WX (open):
      "CLB Nữ công chức" (club, civil servants), founded 01/03/2025: linked the first two
        members of Thôn Một (m1, m2), 2 women in no branch; met 15/01 and 15/04/2026 (and
        10/12/2025, outside the period)
      "Mô hình Nữ chủ trang trại" (model, farm owners and civil servants), founded
        01/02/2026: linked m1 again and the first member of Thôn Hai (m3); met 20/05/2026
      m1 and m2 ticked "civil servant" on their card.
      Neither audience is hard to reach (bot/domain/audiences.py): WX has no such model.
    One member of Thôn Một, away (the one not leaving), works far away (status migrant).
    Dues 2026: 24.000 đ a member, set by WX (every branch inherits it).
      Thôn Một (8 members on 30/06): m1–m5 paid 24.000, m6 paid 12.000, m7 exempt by
        decision, m8 nothing.
      Thôn Hai (11 members): m3 and the next paid 24.000; 9 nothing.
      Tiểu thương (5 members): nothing.
    Branch funds: Thôn Một +200.000 on 10/01, −50.000 on 20/03/2026; Thôn Hai +100.000 on
      15/02/2026; Tiểu thương none.
    Assessment 2025: Thôn Một 92 strong, model branch, approved; Thôn Hai 65 fair computed,
      approved as average by the chair; Tiểu thương 40 weak, submitted, not approved.
    Core members: m1 (Thôn Một, in Tổ 1). A "1+1" pair: Thôn Một helps Tiểu thương since
      01/02/2026.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import assessment as A
from bot.domain.clubs import ClubKind, FoundedBy
from bot.domain.dues import ReliefKind
from bot.domain.enums import MemberStatus, Residence
from storage.models import Member, OrgUnit
from storage.repositories import assessment, clubs, dues, fund, meetings, pairs

D = dt.date
NOW = dt.datetime(2026, 6, 30, 3, 0, tzinfo=dt.UTC)
RATE = 24_000


async def add_features(s: AsyncSession, u: dict[str, OrgUnit]) -> None:
    one, two, market, wx = u["WX-1"], u["WX-2"], u["WX-C-1"], u["WX"]
    last = D(2026, 6, 30)
    ones = [mid for mid, _n in await meetings.roster_on(s, one.id, last)]
    twos = [mid for mid, _n in await meetings.roster_on(s, two.id, last)]
    assert (len(ones), len(twos)) == (8, 11)
    ones.sort()
    twos.sort()
    m1, m2, m3 = ones[0], ones[1], twos[0]
    for mid in (m1, m2):
        member = await s.get(Member, mid)
        assert member is not None
        member.categories = ["civil_servant"]
    m1_row = await s.get(Member, m1)
    assert m1_row is not None and m1_row.group_id == u["WX-1-T1"].id
    m1_row.is_core = True
    away = [
        m
        for m in [await s.get(Member, mid) for mid in ones]
        if m is not None and m.residence == Residence.AWAY
    ]
    assert len(away) == 1  # the other away member left on 01/02/2026
    away[0].status = MemberStatus.MIGRANT

    a = await clubs.add_club(
        s, wx.id, "CLB Nữ công chức", ClubKind.CLUB, ["civil_servant"], D(2025, 3, 1),
        FoundedBy.COMMUNE, None, None, NOW,
    )  # fmt: skip
    b = await clubs.add_club(
        s, wx.id, "Mô hình Nữ chủ trang trại", ClubKind.MODEL,
        ["farm_owner", "civil_servant"], D(2026, 2, 1), FoundedBy.COMMUNE, None, None, NOW,
    )  # fmt: skip
    a.outside_count = 2  # as the commune's club-only aggregate already says
    for club, mid in ((a, m1), (a, m2), (b, m1), (b, m3)):
        await clubs.link(s, club, mid, D(2026, 2, 1), None, NOW)
    for club, day in ((a, D(2025, 12, 10)), (a, D(2026, 1, 15)), (a, D(2026, 4, 15))):
        await clubs.add_meeting(s, club, day, "direct", None, 10, None, NOW)
    await clubs.add_meeting(s, b, D(2026, 5, 20), "direct", None, 6, None, NOW)

    await dues.set_rate(s, wx.id, 2026, RATE, None, None, None, NOW)
    await dues.set_relief(s, [ones[6]], 2026, ReliefKind.EXEMPT, None, "ốm", None, NOW)
    paid = [(mid, RATE) for mid in ones[:5]] + [(ones[5], RATE // 2)]
    await dues.record_payments(s, one.id, 2026, paid, D(2026, 3, 1), None, NOW)
    await dues.record_payments(
        s, two.id, 2026, [(mid, RATE) for mid in twos[:2]], D(2026, 3, 1), None, NOW
    )
    await fund.add_entry(s, one.id, D(2026, 1, 10), 200_000, "Quỹ đầu năm", None, NOW)
    await fund.add_entry(s, one.id, D(2026, 3, 20), -50_000, "Thăm hội viên ốm", None, NOW)
    await fund.add_entry(s, two.id, D(2026, 2, 15), 100_000, "Bán hàng gây quỹ", None, NOW)

    for unit, score, grade, model in (
        (one, 92, A.Grade.STRONG, True),
        (two, 65, A.Grade.FAIR, False),
        (market, 40, A.Grade.WEAK, False),
    ):
        await assessment.submit(s, unit.id, 2025, A.Result(score, grade, model, []), None, NOW)
    await assessment.approve(s, one.id, 2025, A.Grade.STRONG, True, None, None, NOW)
    await assessment.approve(s, two.id, 2025, A.Grade.AVERAGE, False, "chưa đủ sổ", None, NOW)
    await pairs.add_pair(s, wx.id, pairs.BRANCH, one.id, None, market.id, D(2026, 2, 1), None, NOW)
    await s.flush()
