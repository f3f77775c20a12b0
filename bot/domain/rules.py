"""What is due on a given day: reminder steps, escalations, digests and quiet hours (pure dates).

Defaults follow DOMAIN.md: a regular meeting every quarter (rule 1), commune leaders at
every branch once a quarter (rule 3), the member review (rule 7): the commune must finish
updating the national member software before 10 June and 25 November (004 §II.1.1), so its
branches confirm their lists `review_lead_days` earlier (default 5: 5 June, 20 November).
Every number here is a field of `Rules`, so a province can change it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.domain.calendar import HalfYear, Quarter, half_of, quarter_of
from bot.domain.targets import Targets

# The Union's own zone; CHIHOI_TZ may name another (README "Configuration").
DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Message kinds (outbox.kind). Escalations go up one level, then to the province.
MEETING_DUE = "meeting_due"
MEETING_LATE = "meeting_late"
MEETING_LATE_PROVINCE = "meeting_late_prov"
REVIEW_DUE = "review_due"
REVIEW_LATE = "review_late"
REVIEW_LATE_PROVINCE = "review_late_prov"
# The commune chair confirms the national member software is updated; the province hears
# of communes that did not by the national deadline.
SOFTWARE_DUE = "software_due"
SOFTWARE_LATE_PROVINCE = "software_late_prov"
LEADER_VISIT = "leader_visit"
DIGEST = "digest"

# A person may put these off once per period; escalations and digests are not snoozed.
SNOOZABLE = frozenset({MEETING_DUE, REVIEW_DUE, LEADER_VISIT, SOFTWARE_DUE, "dues_due", "self_due"})
# Non-essential: a person can mute them (person.mute_digests).
MUTABLE = frozenset({DIGEST})
CHAIR_STEP = "chair"
PROVINCE_STEP = "province"


@dataclass(frozen=True)
class QuietHours:
    """No message goes out between `start` and `end` local time (default 21:00-07:00)."""

    start: dt.time = dt.time(21, 0)
    end: dt.time = dt.time(7, 0)
    tz: ZoneInfo = DEFAULT_TZ

    def is_quiet(self, moment: dt.datetime) -> bool:
        t = moment.astimezone(self.tz).time()
        if self.start <= self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def resume_at(self, moment: dt.datetime) -> dt.datetime:
        """The first instant at or after `moment` when sending is allowed (UTC)."""
        if not self.is_quiet(moment):
            return moment
        local = moment.astimezone(self.tz)
        resume = dt.datetime.combine(local.date(), self.end, tzinfo=self.tz)
        if resume <= local:
            resume += dt.timedelta(days=1)
        return resume.astimezone(dt.UTC)


@dataclass(frozen=True)
class Deadline:
    """The day a half-year's member review is due: a month and day, maybe in the next year."""

    month: int
    day: int
    next_year: bool = False

    def for_half(self, half: HalfYear) -> dt.date:
        return dt.date(half.year + (1 if self.next_year else 0), self.month, self.day)


@dataclass(frozen=True)
class Step:
    """A reminder step that is due: its name (outbox key part) and days left to the deadline."""

    name: str
    days_left: int
    deadline: dt.date


@dataclass(frozen=True)
class Rules:
    # Days before the quarter's last day when the branch head is reminded.
    meeting_steps: tuple[int, ...] = (30, 14, 5)
    # Days before the review deadline when the branch head is reminded.
    review_steps: tuple[int, ...] = (20, 7, 2)
    # The national deadlines: the commune's software update done "trước ngày 10/6 và
    # 25/11" (004 §II.1.1); we read "before" as "by the end of" that day.
    review_deadlines: tuple[Deadline, Deadline] = (Deadline(6, 10), Deadline(11, 25))
    # Branches confirm this many days before the commune's deadline, so the commune has
    # time to enter their changes (issue 13 item 8; CHIHOI_REVIEW_LEAD_DAYS).
    review_lead_days: int = 5
    # Days before the national deadline when the commune chair is reminded to confirm the
    # software update (from the day after the branches' deadline by default).
    software_steps: tuple[int, ...] = (4, 2, 0)
    # The chair hears of late branches this many days after a deadline ...
    escalate_after_days: int = 1
    # ... and the province of late communes this many days after the chair.
    province_after_days: int = 15
    # A sweep that was down longer than this after a deadline stops escalating it.
    escalation_window_days: int = 60
    # Day of the quarter (0 = first day) from which chairs hear which branches no leader visited.
    leader_check_day: int = 45
    digest_weekday: int = 0  # Monday
    digest_time: dt.time = dt.time(7, 30)
    # A digest missed on its day (process down) still goes out this many days later.
    digest_grace_days: int = 1
    snooze_days: int = 3
    quiet: QuietHours = field(default_factory=QuietHours)
    tz: ZoneInfo = DEFAULT_TZ
    # Coverage and new-member thresholds, the term and its reference year (FigureSettings).
    targets: Targets = field(default_factory=Targets)
    # Base URL of the officers' web dashboard, where sign-in links point; None: it is off.
    dashboard_url: str | None = None

    def local_day(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()

    def national_deadline(self, half: HalfYear) -> dt.date:
        """The commune's deadline: the national member software updated (004 §II.1.1)."""
        return self.review_deadlines[half.number - 1].for_half(half)

    def review_deadline(self, half: HalfYear) -> dt.date:
        """The branches' deadline: `review_lead_days` before the commune's."""
        return self.national_deadline(half) - dt.timedelta(days=self.review_lead_days)


def latest_step(steps: tuple[int, ...], deadline: dt.date, day: dt.date) -> Step | None:
    """The latest step whose day has come (a missed step is not sent late; the newest is).

    None before the first step and after the deadline.
    """
    if day > deadline:
        return None
    left = (deadline - day).days
    reached = [n for n in steps if left <= n]
    if not reached:
        return None
    n = min(reached)
    return Step(f"d{n}", left, deadline)


def meeting_step(rules: Rules, day: dt.date) -> tuple[Quarter, Step] | None:
    """The quarter-meeting reminder due on `day`, if any."""
    q = quarter_of(day)
    step = latest_step(rules.meeting_steps, q.last_day, day)
    return (q, step) if step else None


def escalation_steps(rules: Rules, deadline: dt.date, day: dt.date) -> list[str]:
    """Which escalations of a missed `deadline` are due on `day`: chair, then province."""
    first = deadline + dt.timedelta(days=rules.escalate_after_days)
    if not first <= day <= deadline + dt.timedelta(days=rules.escalation_window_days):
        return []
    steps = [CHAIR_STEP]
    if day >= first + dt.timedelta(days=rules.province_after_days):
        steps.append(PROVINCE_STEP)
    return steps


def meeting_escalation(rules: Rules, day: dt.date) -> tuple[Quarter, list[str]] | None:
    """Escalations due on `day` for the quarter that ended before it."""
    q = quarter_of(day).previous()
    steps = escalation_steps(rules, q.last_day, day)
    return (q, steps) if steps else None


def _review_candidates(day: dt.date) -> list[HalfYear]:
    # Deadlines may be set in the next calendar year, so look one half either side.
    h = half_of(day)
    return [h.previous().previous(), h.previous(), h, h.next()]


def review_step(rules: Rules, day: dt.date) -> tuple[HalfYear, Step] | None:
    """The member-review reminder due on `day`, if any."""
    for half in _review_candidates(day):
        step = latest_step(rules.review_steps, rules.review_deadline(half), day)
        if step is not None:
            return half, step
    return None


def review_escalations(rules: Rules, day: dt.date) -> list[tuple[HalfYear, list[str]]]:
    out = []
    for half in _review_candidates(day):
        steps = escalation_steps(rules, rules.review_deadline(half), day)
        if steps:
            out.append((half, steps))
    return out


def software_step(rules: Rules, day: dt.date) -> tuple[HalfYear, Step] | None:
    """The commune chair's software-update reminder due on `day`, if any."""
    for half in _review_candidates(day):
        step = latest_step(rules.software_steps, rules.national_deadline(half), day)
        if step is not None:
            return half, step
    return None


def software_escalations(rules: Rules, day: dt.date) -> list[HalfYear]:
    """Half-years whose national deadline has passed and whose province digest is due."""
    return [
        half
        for half in _review_candidates(day)
        if escalation_steps(rules, rules.national_deadline(half), day)
    ]


def review_period(rules: Rules, day: dt.date) -> HalfYear:
    """The half-year a review done on `day` is for: the latest whose reminders have begun."""
    lead = dt.timedelta(days=max(rules.review_steps, default=0))
    started = [h for h in _review_candidates(day) if rules.review_deadline(h) - lead <= day]
    return max(started) if started else half_of(day).previous()


# 004 §II.1.2 footnote 1 (Residence Law 2020): 12 months' continuous absence loses the
# permanent registration, so a member away that long is asked about at the next review.
AWAY_MONTHS = 12


def away_asked_by(day: dt.date) -> dt.date:
    """Members away since this day or earlier are asked about at a review on `day`."""
    year, month = divmod(day.year * 12 + day.month - 1 - AWAY_MONTHS, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def leader_check(rules: Rules, day: dt.date) -> Quarter | None:
    """The quarter whose leader-attendance check is due on `day` (mid-quarter to its end)."""
    q = quarter_of(day)
    return q if day >= q.first_day + dt.timedelta(days=rules.leader_check_day) else None


@dataclass(frozen=True)
class Week:
    key: str  # "2026-W12"
    first_day: dt.date  # Monday of the week the digest covers
    last_day: dt.date


def digest_week(rules: Rules, moment: dt.datetime) -> Week | None:
    """The week whose digest is due at `moment`: from the digest day and time, plus grace."""
    local = moment.astimezone(rules.tz)
    day = local.date()
    offset = (day.weekday() - rules.digest_weekday) % 7
    if offset > rules.digest_grace_days or (offset == 0 and local.time() < rules.digest_time):
        return None
    send_day = day - dt.timedelta(days=offset)
    first = send_day - dt.timedelta(days=7)
    year, week, _wd = send_day.isocalendar()
    return Week(f"{year}-W{week:02d}", first, send_day - dt.timedelta(days=1))
