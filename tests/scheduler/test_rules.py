"""What is due on a day: steps, deadlines across year ends, digests, quiet hours (pure dates)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import ConfigError, RuleSettings, load
from bot.domain import rules as R
from bot.domain.calendar import HalfYear, Quarter
from tests.scheduler.support import local

D = dt.date
RULES = R.Rules()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 2, 28), None),  # 31 days before the end of Q1
        (D(2026, 3, 1), ("d30", 30)),
        (D(2026, 3, 16), ("d30", 15)),
        (D(2026, 3, 17), ("d14", 14)),
        (D(2026, 3, 26), ("d5", 5)),
        (D(2026, 3, 31), ("d5", 0)),
        (D(2026, 12, 1), ("d30", 30)),
    ],
)
def test_meeting_steps(day: dt.date, expected: tuple[str, int] | None) -> None:
    due = R.meeting_step(RULES, day)
    got = (due[1].name, due[1].days_left) if due else None
    assert got == expected


def test_a_late_first_sweep_sends_only_the_latest_step() -> None:
    due = R.meeting_step(RULES, D(2026, 3, 27))
    assert due is not None and due[1].name == "d5"


def test_escalations_after_the_quarter_then_the_province() -> None:
    assert R.meeting_escalation(RULES, D(2026, 3, 31)) is None  # Q1 not over; Q4 too old
    assert R.meeting_escalation(RULES, D(2026, 4, 1)) == (Quarter(2026, 1), ["chair"])
    assert R.meeting_escalation(RULES, D(2026, 4, 15)) == (Quarter(2026, 1), ["chair"])
    assert R.meeting_escalation(RULES, D(2026, 4, 16)) == (Quarter(2026, 1), ["chair", "province"])
    # Across the year end: Q4 is escalated in January.
    assert R.meeting_escalation(RULES, D(2027, 1, 1)) == (Quarter(2026, 4), ["chair"])
    assert R.meeting_escalation(RULES, D(2027, 1, 16)) == (
        Quarter(2026, 4),
        ["chair", "province"],
    )
    assert R.meeting_escalation(RULES, D(2027, 3, 2)) is None  # outside the 60-day window


@pytest.mark.parametrize(
    ("day", "half", "step"),
    [
        # Branches: 5 days before the commune's 10 June / 25 November (004 §II.1.1).
        (D(2026, 5, 15), None, None),
        (D(2026, 5, 16), HalfYear(2026, 1), "d20"),
        (D(2026, 5, 29), HalfYear(2026, 1), "d7"),
        (D(2026, 6, 5), HalfYear(2026, 1), "d2"),
        (D(2026, 6, 6), None, None),
        (D(2026, 10, 31), HalfYear(2026, 2), "d20"),
        (D(2026, 11, 20), HalfYear(2026, 2), "d2"),
        (D(2026, 11, 21), None, None),
    ],
)
def test_branch_review_deadlines_5_june_and_20_november(
    day: dt.date, half: HalfYear | None, step: str | None
) -> None:
    due = R.review_step(RULES, day)
    got = (due[0], due[1].name) if due else (None, None)
    assert got == (half, step)


def test_review_escalation_runs_into_the_next_year() -> None:
    # The chair hears of late branches the day after their deadline (20 November).
    assert R.review_escalations(RULES, D(2026, 11, 21)) == [(HalfYear(2026, 2), ["chair"])]
    assert R.review_escalations(RULES, D(2026, 12, 6)) == [
        (HalfYear(2026, 2), ["chair", "province"])
    ]
    assert R.review_escalations(RULES, D(2027, 1, 19)) == [
        (HalfYear(2026, 2), ["chair", "province"])
    ]
    assert R.review_escalations(RULES, D(2027, 1, 20)) == []


def test_the_lead_time_is_configurable_and_the_commune_keeps_the_national_dates() -> None:
    rules = R.Rules(review_lead_days=10)
    h1 = HalfYear(2026, 1)
    assert (rules.review_deadline(h1), rules.national_deadline(h1)) == (
        D(2026, 5, 31),
        D(2026, 6, 10),
    )
    assert R.Rules(review_lead_days=0).review_deadline(h1) == D(2026, 6, 10)
    # The chair is reminded from the day after the branches' deadline to the national one.
    assert R.software_step(RULES, D(2026, 6, 5)) is None
    assert R.software_step(RULES, D(2026, 6, 6)) == (h1, R.Step("d4", 4, D(2026, 6, 10)))
    assert R.software_step(RULES, D(2026, 6, 9)) == (h1, R.Step("d2", 1, D(2026, 6, 10)))
    assert R.software_step(RULES, D(2026, 6, 10)) == (h1, R.Step("d0", 0, D(2026, 6, 10)))
    assert R.software_step(RULES, D(2026, 6, 11)) is None
    # The province hears of communes that did not confirm, the day after the national one.
    assert R.software_escalations(RULES, D(2026, 6, 10)) == []
    assert R.software_escalations(RULES, D(2026, 6, 11)) == [h1]


def test_a_deadline_set_in_the_next_year() -> None:
    """A province may give the second half until 10 January of the following year."""
    rules = R.Rules(review_deadlines=(R.Deadline(6, 10), R.Deadline(1, 10, next_year=True)))
    # Branches: 5 January.
    due = R.review_step(rules, D(2026, 12, 16))
    assert due is not None and due[0] == HalfYear(2026, 2) and due[1].name == "d20"
    due = R.review_step(rules, D(2027, 1, 4))
    assert due is not None and due[0] == HalfYear(2026, 2) and due[1].days_left == 1
    assert R.review_escalations(rules, D(2027, 1, 6)) == [(HalfYear(2026, 2), ["chair"])]
    assert R.review_period(rules, D(2027, 1, 5)) == HalfYear(2026, 2)


def test_which_half_a_review_counts_for() -> None:
    assert R.review_period(RULES, D(2026, 5, 21)) == HalfYear(2026, 1)
    assert R.review_period(RULES, D(2026, 8, 1)) == HalfYear(2026, 1)  # late for H1
    assert R.review_period(RULES, D(2026, 11, 5)) == HalfYear(2026, 2)
    assert R.review_period(RULES, D(2027, 2, 1)) == HalfYear(2026, 2)


def test_leader_check_from_mid_quarter() -> None:
    assert R.leader_check(RULES, D(2026, 2, 14)) is None
    assert R.leader_check(RULES, D(2026, 2, 15)) == Quarter(2026, 1)
    assert R.leader_check(RULES, D(2026, 3, 31)) == Quarter(2026, 1)
    assert R.leader_check(RULES, D(2026, 4, 1)) is None


def test_digest_on_monday_from_half_past_seven() -> None:
    assert R.digest_week(RULES, local(2026, 3, 23, 7, 29)) is None  # Monday, too early
    week = R.digest_week(RULES, local(2026, 3, 23, 7, 30))
    assert week is not None and week.key == "2026-W13"
    assert (week.first_day, week.last_day) == (D(2026, 3, 16), D(2026, 3, 22))
    assert R.digest_week(RULES, local(2026, 3, 24, 8)) == week  # a day of grace
    assert R.digest_week(RULES, local(2026, 3, 25, 8)) is None
    # The first week of a year belongs to the ISO year of its Monday.
    week = R.digest_week(RULES, local(2027, 1, 4, 8))
    assert week is not None and week.key == "2027-W01" and week.first_day == D(2026, 12, 28)


def test_quiet_hours() -> None:
    quiet = RULES.quiet
    assert not quiet.is_quiet(local(2026, 3, 20, 20, 59))
    assert quiet.is_quiet(local(2026, 3, 20, 21))
    assert quiet.is_quiet(local(2026, 3, 21, 6, 59))
    assert not quiet.is_quiet(local(2026, 3, 21, 7))
    assert quiet.resume_at(local(2026, 3, 20, 22)) == local(2026, 3, 21, 7)
    assert quiet.resume_at(local(2026, 3, 21, 3)) == local(2026, 3, 21, 7)
    assert quiet.resume_at(local(2026, 3, 21, 9)) == local(2026, 3, 21, 9)


def test_dates_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIHOI_MEETING_REMINDER_DAYS", "7, 21")
    monkeypatch.setenv("CHIHOI_REVIEW_DEADLINES", "15/06,30/11")
    monkeypatch.setenv("CHIHOI_SNOOZE_DAYS", "2")
    monkeypatch.setenv("CHIHOI_REVIEW_LEAD_DAYS", "7")
    rules = load(RuleSettings).rules()
    assert rules.meeting_steps == (21, 7)
    assert rules.national_deadline(HalfYear(2026, 2)) == D(2026, 11, 30)
    assert rules.review_deadline(HalfYear(2026, 2)) == D(2026, 11, 23)
    assert rules.snooze_days == 2
    assert R.meeting_step(rules, D(2026, 3, 10)) == (
        Quarter(2026, 1),
        R.Step("d21", 21, D(2026, 3, 31)),
    )
    # Unset: the union's own dates.
    assert R.Rules().national_deadline(HalfYear(2026, 1)) == D(2026, 6, 10)
    assert R.Rules().review_deadline(HalfYear(2026, 1)) == D(2026, 6, 5)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CHIHOI_MEETING_REMINDER_DAYS", "30;14"),
        ("CHIHOI_REVIEW_DEADLINES", "31/06,25/11"),
        ("CHIHOI_REVIEW_DEADLINES", "25/11,10/06"),
        ("CHIHOI_SNOOZE_DAYS", "0"),
        ("CHIHOI_REVIEW_LEAD_DAYS", "-1"),
    ],
)
def test_a_bad_date_setting_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        load(RuleSettings)
    assert str(err.value).startswith(f"{name}: ")
    assert "\n" not in str(err.value)
