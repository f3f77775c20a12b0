"""Every feature of the bot, one module each; the order here is the menu's tie-break."""

from __future__ import annotations

from bot.core.features import Feature, Registry
from handlers import (
    assessment,
    clubs,
    dashboard,
    dues,
    dues_report,
    fund,
    groups,
    meetings,
    members,
    onboarding,
    overview,
    pairs,
    referral,
    reminders,
    reports,
    reviews,
    reviews_commune,
    settings,
    unit_figures,
    unit_targets,
)
from handlers import channels as channel_prefs  # issue 19

FEATURES: list[Feature] = [
    onboarding.FEATURE,
    overview.FEATURE,
    members.FEATURE,
    meetings.FEATURE,
    groups.FEATURE,
    reviews.FEATURE,
    reviews_commune.FEATURE,
    unit_figures.FEATURE,
    unit_targets.FEATURE,
    clubs.FEATURE,
    reports.FEATURE,
    *(
        dues.FEATURE,
        fund.FEATURE,
        assessment.FEATURE,
        pairs.FEATURE,
        dues_report.FEATURE,
        referral.FEATURE,
    ),  # issue 17
    dashboard.FEATURE,
    reminders.FEATURE,
    settings.FEATURE,
    channel_prefs.FEATURE,
]


def registry() -> Registry:
    return Registry(FEATURES)
