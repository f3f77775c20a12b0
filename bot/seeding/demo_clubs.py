"""Issue 16 in the demo: two clubs in Quảng Phú (Hạc Thành has none, so the report flags it),
members linked from two branches, club meetings, a member working far away with her place,
contact and a family visit, and a woman who came to live in Quảng Phú."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.domain.calendar import quarter_of
from bot.domain.clubs import ClubKind, FoundedBy
from bot.domain.enums import EventKind
from storage.crypto import seal_phone
from storage.repositories import clubs, members, migrants, org
from storage.sessions import Session as AsyncSession

CLUBS = [
    ("CLB Nữ công nhân – Tôi mạnh mẽ", ClubKind.CLUB, ["worker", "young"], FoundedBy.PROVINCE),
    ("Mô hình Phụ nữ cao tuổi vui khỏe", ClubKind.MODEL, ["elderly"], FoundedBy.COMMUNE),
]
# Women of the worker club in no branch: the same 2 the demo's club-only total already holds.
OUTSIDE = 2


async def seed_clubs(s: AsyncSession, now: dt.datetime, tz: ZoneInfo) -> None:
    today = now.astimezone(tz).date()
    qp = await org.by_code(s, "TH-QP")
    assert qp is not None
    found = []
    for name, kind, codes, level in CLUBS:
        club = await clubs.add_club(
            s, qp.id, name, kind.value, codes, dt.date(2024, 3, 8), level.value, None, None, now
        )
        found.append(club)
    worker, elderly = found
    linked = 0
    for code in ("TH-QP-01", "TH-QP-02"):
        branch = await org.by_code(s, code)
        assert branch is not None
        roster, _total = await members.search(s, branch.id, "", 0, 3)
        for m in roster[:2]:
            linked += await clubs.link(s, worker if linked % 2 else elderly, m.id, today, None, now)
    await clubs.set_outside(s, worker, OUTSIDE, today, None, now)
    last = quarter_of(today).previous()
    for club, present in ((worker, 14), (elderly, 9)):
        day = last.first_day + dt.timedelta(days=30)
        await clubs.add_meeting(s, club, day, "direct", None, present, None, now)
    await _migrant(s, now, today)
    await migrants.add_incoming(
        s,
        qp.id,
        "Hà Thị Duyên",
        "Nghệ An",
        today - dt.timedelta(days=90),
        seal_phone("0987654321"),
        False,
        worker.id,
        None,
        now,
    )


async def _migrant(s: AsyncSession, now: dt.datetime, today: dt.date) -> None:
    """A member of Thôn Đông working in Bình Dương since 14 months ago: the review asks."""
    branch = await org.by_code(s, "TH-QP-01")
    assert branch is not None
    roster, _total = await members.search(s, branch.id, "", 0, 8)
    member = roster[-1]
    left = today - dt.timedelta(days=425)
    await members.change_status(s, member, EventKind.MIGRATED, left, now, None)
    await migrants.save_info(
        s, member.id, "Bình Dương", left, seal_phone("0912000111"), True, None, now
    )
    await migrants.add_visit(s, member.id, today - dt.timedelta(days=60), None, now)
