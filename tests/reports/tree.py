"""A small hand-counted organisation for report tests (every expected figure is in the tests).

P (province, 1000 women: ignored, communes below have figures)
├── D (legacy district)
│   └── X1 commune, 20 women (2019), 999 (2027: after the period, ignored)
│       ├── B1 branch ── G1 group
│       └── B2 branch
├── X2 commune, target 30 a year, 40 women (2019) then 50 (2024)
│   └── B3 branch
└── X3 commune, no figure
    └── B4 branch, founded 1 May 2026
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import EventKind, Level, MeetingKind
from storage.models import Meeting, MemberEvent, OrgUnit, Review
from storage.repositories import members, org

D = dt.date
NOW = dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)


@dataclass
class Tree:
    units: dict[str, OrgUnit]

    def __getitem__(self, code: str) -> OrgUnit:
        return self.units[code]


async def _join(s: AsyncSession, branch: OrgUnit, n: int, on: dt.date) -> list[int]:
    out = []
    for i in range(n):
        m = await members.add_member(s, branch.id, f"Hội viên {i}", on, NOW)
        out.append(m.id)
    await s.flush()
    return out


def _event(
    member_id: int, kind: EventKind, on: dt.date, unit: OrgUnit, other: OrgUnit | None = None
) -> MemberEvent:
    return MemberEvent(
        member_id=member_id,
        kind=kind,
        occurred_on=on,
        unit_id=unit.id,
        other_unit_id=other.id if other else None,
        detail={},
        recorded_at=NOW,
    )


def _meeting(
    unit: OrgUnit,
    on: dt.date,
    present: int,
    kind: MeetingKind = MeetingKind.REGULAR,
    leader: bool = False,
) -> Meeting:
    return Meeting(
        unit_id=unit.id,
        held_on=on,
        kind=kind,
        present_count=present,
        leader_present=leader,
        logged_at=NOW,
    )


async def build(s: AsyncSession) -> Tree:
    u: dict[str, OrgUnit] = {}
    u["P"] = await org.add_unit(s, "P", "Hội LHPN tỉnh P", Level.PROVINCE, None)
    u["D"] = await org.add_unit(s, "D", "Hội LHPN huyện D", Level.DISTRICT, u["P"])
    u["X1"] = await org.add_unit(s, "X1", "Hội LHPN xã X1", Level.COMMUNE, u["D"])
    u["X2"] = await org.add_unit(s, "X2", "Hội LHPN xã X2", Level.COMMUNE, u["P"])
    u["X3"] = await org.add_unit(s, "X3", "Hội LHPN xã X3", Level.COMMUNE, u["P"])
    u["B1"] = await org.add_unit(s, "B1", "Chi hội B1", Level.BRANCH, u["X1"])
    u["G1"] = await org.add_unit(s, "G1", "Tổ phụ nữ G1", Level.GROUP, u["B1"])
    u["B2"] = await org.add_unit(s, "B2", "Chi hội B2", Level.BRANCH, u["X1"])
    u["B3"] = await org.add_unit(s, "B3", "Chi hội B3", Level.BRANCH, u["X2"])
    u["B4"] = await org.add_unit(s, "B4", "Chi hội B4", Level.BRANCH, u["X3"])
    u["B4"].founded_on = D(2026, 5, 1)
    u["X2"].new_member_target = 30
    for code, year, women in [
        ("P", 2019, 1000),
        ("X1", 2019, 20),
        ("X1", 2027, 999),
        ("X2", 2019, 40),
        ("X2", 2024, 50),
    ]:
        await org.set_population(s, u[code].id, year, women)

    b1_old = await _join(s, u["B1"], 10, D(2025, 5, 1))
    b1_new = await _join(s, u["B1"], 2, D(2026, 2, 10))
    s.add(_event(b1_old[0], EventKind.LEFT, D(2026, 3, 5), u["B1"]))
    s.add(_event(b1_old[1], EventKind.DIED, D(2025, 12, 1), u["B1"]))
    s.add(_event(b1_new[0], EventKind.MIGRATED, D(2026, 4, 1), u["B1"]))
    b2 = await _join(s, u["B2"], 5, D(2024, 1, 1))
    s.add(_event(b2[0], EventKind.MOVED_OUT, D(2026, 1, 20), u["B2"], u["B3"]))
    s.add(_event(b2[0], EventKind.MOVED_IN, D(2026, 1, 20), u["B3"], u["B2"]))
    await _join(s, u["B3"], 20, D(2025, 7, 1))
    await _join(s, u["B3"], 3, D(2026, 6, 15))

    may = _meeting(u["B1"], D(2026, 5, 10), 8, leader=True)
    s.add_all([_meeting(u["B1"], D(2026, 2, 15), 7), may])
    await s.flush()
    edited = _meeting(u["B1"], D(2026, 4, 2), 1)
    edited.superseded_by = may.id
    s.add_all(
        [
            edited,
            _meeting(u["B2"], D(2026, 3, 1), 12, MeetingKind.THEMED, leader=True),
            _meeting(u["G1"], D(2026, 6, 1), 5, leader=True),
            _meeting(u["B3"], D(2026, 1, 25), 14),
            _meeting(u["B3"], D(2026, 6, 20), 24, leader=True),
            _meeting(u["B3"], D(2026, 6, 30), 30),
            _meeting(u["B3"], D(2026, 7, 2), 20),  # next period
        ]
    )
    # Around the branches' review deadline, 5 June (5 days before the commune's 10 June).
    vn_june_5_late_evening = dt.datetime(2026, 6, 5, 16, 30, tzinfo=dt.UTC)
    vn_june_6_after_midnight = dt.datetime(2026, 6, 5, 17, 30, tzinfo=dt.UTC)
    s.add_all(
        [
            Review(unit_id=u["B1"].id, period="2026-H1", confirmed_at=vn_june_5_late_evening),
            Review(unit_id=u["B2"].id, period="2026-H1", confirmed_at=vn_june_6_after_midnight),
            Review(
                unit_id=u["B3"].id,
                period="2025-H2",
                confirmed_at=dt.datetime(2025, 11, 2, tzinfo=dt.UTC),
            ),
        ]
    )
    await s.flush()
    return Tree(u)
