"""Rows of a generated organisation, province by province (loaded by bot/seeding/scale.py)."""

# Realistic enough to judge reports and speed: Vietnamese names, communes of 5-40 branches,
# branches of 30-300 members, three years of joins, departures, deaths, moves and work
# migration, quarterly meetings with some late branches, semi-annual reviews mostly on
# time, and women-18+ figures that put coverage between about 40% and 90% (a few communes
# have none). Deterministic for a given seed and day. Rows go in by COPY on PostgreSQL.

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from bot.domain.calendar import HalfYear, Quarter, half_of, quarter_of
from bot.domain.textkeys import fold, sort_key
from bot.seeding.names import BRANCH_KINDS, FAMILY, GIVEN, MIDDLE, PLACE
from storage import crypto

Rows = dict[str, list[tuple[Any, ...]]]

WINDOW_YEARS = 3
# Yearly shares of a branch's members; a branch's joins vary from a tenth to nearly double,
# so some communes miss the 15-a-year target and most make it.
JOIN_RATE, LEAVE_RATE, DEATH_RATE, MOVE_RATE, MIGRATE_RATE = 0.02, 0.008, 0.006, 0.004, 0.01
LATE_SHARE = 0.12  # branches that often miss a quarter
NO_POPULATION_SHARE = 0.03

COLUMNS: dict[str, tuple[str, ...]] = {
    "org_unit": (
        "id",
        "parent_id",
        "level",
        "code",
        "name",
        "path",
        "founded_on",
        "new_member_target",
    ),
    "unit_population": ("unit_id", "year", "women_18_plus"),
    "person": ("id", "display_name", "locale", "mute_digests", "created_at"),
    "channel_identity": (
        "id",
        "channel",
        "bot_id",
        "external_id",
        "chat_id",
        "person_id",
        "unreachable",
        "linked_at",
    ),
    "role": ("id", "person_id", "unit_id", "kind"),
    "member": (
        "id",
        "branch_id",
        "group_id",
        "full_name",
        "name_folded",
        "name_sort",
        "birth_year",
        "birth_date",
        "birth_approx",
        "gender",
        "phone_enc",
        "phone_index",
        "categories",
        "is_core",
        "status",
        "joined_on",
        "created_at",
    ),
    "member_event": (
        "id",
        "member_id",
        "kind",
        "occurred_on",
        "unit_id",
        "other_unit_id",
        "detail",
        "recorded_at",
    ),
    "meeting": (
        "id",
        "unit_id",
        "held_on",
        "kind",
        "topic",
        "present_count",
        "leader_present",
        "logged_at",
    ),
    "review": ("id", "unit_id", "period", "confirmed_at", "changes"),
}
# JSON columns as JSON text: COPY sends it as is, and no per-row object feeds the GC.
NO_DETAIL = "{}"
NO_CATEGORIES = "[]"
BULK_TABLES = ("member", "member_event", "meeting", "review")
TOPICS = [
    "Phòng chống bạo lực gia đình",
    "Nuôi con khỏe, dạy con ngoan",
    "Phát triển kinh tế hộ",
    "An toàn thực phẩm",
    "Phòng chống lừa đảo qua mạng",
    "Xây dựng gia đình 5 không 3 sạch",
]


class Generator:
    """Builds rows in memory with ids of its own; `take_rows` hands them to a loader."""

    def __init__(
        self,
        rng: random.Random,
        today: dt.date,
        now: dt.datetime,
        ids: dict[str, int],
        branch_range: tuple[int, int, int],
    ) -> None:
        self.rng, self.today, self.now, self.ids = rng, today, now, ids
        self.branch_range = branch_range
        self.start = dt.date(today.year - WINDOW_YEARS, today.month, min(today.day, 28))
        self.rows: Rows = {t: [] for t in COLUMNS}
        self.names = [self._name() for _ in range(4096)]
        self.quarters = _quarters(self.start, today)
        self.halves = _halves(self.start, today)
        self.pools = self._pools()

    def _pools(
        self,
    ) -> tuple[list[dt.date], list[dt.date], list[dt.date], list[crypto.SealedPhone | None]]:
        """Days before the window (old joins), days in it, birth days, phone numbers."""
        rng, epoch = self.rng, dt.date(1990, 1, 1)
        old = [epoch + dt.timedelta(days=d) for d in range((self.start - epoch).days)]
        new = [self.start + dt.timedelta(days=d) for d in range((self.today - self.start).days + 1)]
        born = [
            dt.date(rng.randint(1945, 2006), rng.randint(1, 12), rng.randint(1, 28))
            for _ in range(4096)
        ]
        # Phones are sealed at rest: the pool is sealed once (draws stay deterministic);
        # without a data key the generated members have none.
        k = crypto.keys() if crypto.has_key() else None
        drawn = [f"09{rng.randrange(10**8):08d}" for _ in range(4096)]
        phones = [crypto.seal_phone(p, k) if k else None for p in drawn]
        return old, new, born, phones

    def _name(self) -> tuple[str, str, str]:
        family = self.rng.choices(FAMILY[0], weights=FAMILY[1])[0]
        full = f"{family} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}"
        return full, fold(full), sort_key(full)

    def take_rows(self) -> Rows:
        """Hand over the rows made so far (to be loaded while the next province is made)."""
        rows, self.rows = self.rows, {t: [] for t in COLUMNS}
        return rows

    def province(
        self, parent: tuple[int, str] | None, code: str, name: str, communes: tuple[int, int]
    ) -> None:
        rng = self.rng
        unit = self.unit(parent, "province", code, name)
        officer = self.names[rng.randrange(4096)][0]
        self.person(officer, unit[0], "province_officer", f"officer-{code}".lower())
        for c in range(1, rng.randint(*communes) + 1):
            first, second = rng.sample(PLACE, 2)
            kind = "phường" if rng.random() < 0.2 else "xã"
            self.commune(unit, f"{code}-X{c:03d}", f"Hội LHPN {kind} {first} {second}")

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table] - 1

    def unit(
        self,
        parent: tuple[int, str] | None,
        level: str,
        code: str,
        name: str,
        target: int | None = None,
    ) -> tuple[int, str]:
        uid = self.next_id("org_unit")
        path = f"{parent[1] if parent else '/'}{uid}/"
        founded = dt.date(self.rng.randint(1990, 2015), 1, 1)
        self.rows["org_unit"].append(
            (uid, parent[0] if parent else None, level, code, name, path, founded, target)
        )
        return uid, path

    def person(self, name: str, unit_id: int, kind: str, web_id: str) -> None:
        pid = self.next_id("person")
        self.rows["person"].append((pid, name, "vi", False, self.now))
        self.rows["channel_identity"].append(
            (self.next_id("channel_identity"), "web", "sim", web_id, web_id, pid, False, self.now)
        )
        self.rows["role"].append((self.next_id("role"), pid, unit_id, kind))

    def commune(self, province: tuple[int, str], code: str, name: str) -> None:
        rng = self.rng
        cid = self.unit(province, "commune", code, name)
        self.person(
            self.names[rng.randrange(4096)][0], cid[0], "commune_chair", f"chair-{code}".lower()
        )
        count = int(rng.triangular(*self.branch_range))
        branches = []
        for b in range(1, max(count, 1) + 1):
            kind = rng.choice(BRANCH_KINDS)
            bid = self.unit(cid, "branch", f"{code}-B{b:02d}", f"Chi hội {kind} {b}")
            size = int(rng.triangular(30, 300, 260))
            groups = []
            if size >= 200 and rng.random() < 0.15:
                for g in range(1, rng.randint(2, 3) + 1):
                    groups.append(
                        self.unit(bid, "group", f"{code}-B{b:02d}-T{g}", f"Tổ phụ nữ số {g}")[0]
                    )
            branches.append((bid[0], size, groups))
        now_members = self._members(branches)
        for uid, size, groups in branches:
            late = rng.random() < LATE_SHARE
            self._meetings(uid, size, late, leader_unit=True)
            for g in groups:
                self._meetings(g, size // len(groups), late, leader_unit=False)
            self._reviews(uid, late)
        if rng.random() >= NO_POPULATION_SHARE:
            women = int(now_members / rng.uniform(0.40, 0.92))
            self.rows["unit_population"].append((cid[0], 2019, women))

    def _members(self, branches: list[tuple[int, int, list[int]]]) -> int:
        """Members of a commune's branches and their events; returns members counted today.

        Hot loop (twenty million turns nationally): dates, names, birth days and phones
        come from pools drawn once, ids from plain counters.
        """
        rnd, now, pools = self.rng.random, self.now, self.pools
        old_days, new_days, born_pool, phone_pool = pools
        n_old, n_new = len(old_days), len(new_days)
        names = self.names
        members, events = self.rows["member"], self.rows["member_event"]
        mid, eid = self.ids["member"], self.ids["member_event"]
        p_left = WINDOW_YEARS * LEAVE_RATE
        p_died = p_left + WINDOW_YEARS * DEATH_RATE
        p_moved = p_died + WINDOW_YEARS * MOVE_RATE
        p_migr = p_moved + WINDOW_YEARS * MIGRATE_RATE
        growth = 1 + WINDOW_YEARS * (JOIN_RATE - LEAVE_RATE - DEATH_RATE)
        total = 0
        for index, (bid, size, groups) in enumerate(branches):
            initial = max(1, round(size / growth))
            joins = round(initial * WINDOW_YEARS * JOIN_RATE * (0.1 + 1.8 * rnd()))
            for i in range(initial + joins):
                if i < initial:
                    joined = old_days[int(rnd() * n_old)]
                    k = int(rnd() * n_new)
                else:
                    k = int(rnd() * n_new)
                    joined = new_days[k]
                    k += int(rnd() * (n_new - k))
                events.append((eid, mid, "joined", joined, bid, None, NO_DETAIL, now))
                eid += 1
                status, branch = "active", bid
                roll = rnd()
                if roll < p_migr:
                    when = new_days[k]
                    if roll < p_left:
                        status = "left"
                    elif roll < p_died:
                        status = "died"
                    if roll < p_died:
                        events.append((eid, mid, status, when, bid, None, NO_DETAIL, now))
                        eid += 1
                    elif roll < p_moved and len(branches) > 1:
                        pick = (index + 1 + int(rnd() * (len(branches) - 1))) % len(branches)
                        branch = branches[pick][0]
                        events.append((eid, mid, "moved_out", when, bid, branch, NO_DETAIL, now))
                        events.append((eid + 1, mid, "moved_in", when, branch, bid, NO_DETAIL, now))
                        eid += 2
                    elif roll >= p_moved:
                        status = "migrant"
                        events.append((eid, mid, "migrated", when, bid, None, NO_DETAIL, now))
                        eid += 1
                        if rnd() < 0.5:
                            back = new_days[k + int(rnd() * (n_new - k))]
                            events.append((eid, mid, "returned", back, bid, None, NO_DETAIL, now))
                            eid += 1
                            status = "active"
                if status in ("active", "migrant"):
                    total += 1
                full, folded, sk = names[int(rnd() * 4096)]
                born = born_pool[int(rnd() * 4096)]
                phone = phone_pool[int(rnd() * 4096)] if rnd() < 0.6 else None
                group = groups[int(rnd() * len(groups))] if groups and branch == bid else None
                members.append(
                    (
                        mid,
                        branch,
                        group,
                        full,
                        folded,
                        sk,
                        born.year,
                        born,
                        False,
                        "female",
                        phone.blob if phone else None,
                        phone.index if phone else None,
                        NO_CATEGORIES,
                        rnd() < 0.1,
                        status,
                        joined,
                        now,
                    )
                )
                mid += 1
        self.ids["member"], self.ids["member_event"] = mid, eid
        return total

    def _meetings(self, uid: int, size: int, late: bool, leader_unit: bool) -> None:
        rng, rows = self.rng, self.rows["meeting"]
        for q in self.quarters:
            last = min(q.last_day, self.today)
            span = (last - q.first_day).days + 1
            if rng.random() < (0.55 if late else 0.96):
                count = 1 if rng.random() < 0.7 else rng.choice((2, 2, 3))
                leader_at = rng.randrange(count) if leader_unit and rng.random() < 0.65 else -1
                for i in range(count):
                    held = q.first_day + dt.timedelta(days=rng.randrange(span))
                    present = max(1, round(size * rng.uniform(0.45, 0.98)))
                    rows.append(
                        (
                            self.next_id("meeting"),
                            uid,
                            held,
                            "regular",
                            None,
                            present,
                            i == leader_at,
                            self.now,
                        )
                    )
            if rng.random() < 0.3:
                held = q.first_day + dt.timedelta(days=rng.randrange(span))
                rows.append(
                    (
                        self.next_id("meeting"),
                        uid,
                        held,
                        "themed",
                        rng.choice(TOPICS),
                        max(1, round(size * rng.uniform(0.3, 0.8))),
                        False,
                        self.now,
                    )
                )

    def _reviews(self, uid: int, late: bool) -> None:
        rng = self.rng
        for h in self.halves:
            deadline = dt.date(h.year, 6, 10) if h.number == 1 else dt.date(h.year, 11, 25)
            roll = rng.random() * (1.6 if late else 1.0)
            if roll < 0.85:
                day = deadline - dt.timedelta(days=rng.randrange(20))
            elif roll < 0.93:
                day = deadline + dt.timedelta(days=1 + rng.randrange(30))
            else:
                continue
            if day > self.today:
                continue
            at = dt.datetime.combine(day, dt.time(3, rng.randrange(60)), dt.UTC)
            self.rows["review"].append((self.next_id("review"), uid, h.key, at, NO_DETAIL))


def _quarters(start: dt.date, today: dt.date) -> list[Quarter]:
    out, q = [], quarter_of(start)
    while q.first_day <= today:
        out.append(q)
        q = q.next()
    return out


def _halves(start: dt.date, today: dt.date) -> list[HalfYear]:
    out, h = [], half_of(start)
    while h.first_day <= today:
        out.append(h)
        h = h.next()
    return out
